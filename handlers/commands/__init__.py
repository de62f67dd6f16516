"""Slash commands in chat (``/help``, ``/status``, ``/team``, ``/risk``, ``/tags``, ``/mydata``).

Importing this package registers the ChatMessage handler and the built-in commands. Other
packages register more commands with :func:`handlers.commands.registry.command`.
"""

from __future__ import annotations

# Importing these modules registers the framework texts, the chat handler and the commands.
from handlers.commands import ask, chat, help, life, messages, mydata, risk, status, tags, team  # noqa: F401
from handlers.commands.context import CommandContext
from handlers.commands.registry import command

__all__ = ["CommandContext", "command"]
