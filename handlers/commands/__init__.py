"""Slash commands in chat (``/help``, ``/status``, ``/team``, ``/risk``, ``/tags``, ``/mydata``).

:func:`register` puts the chat handler on the app's registry. The command table is declared with
:func:`handlers.commands.registry.command` in the command modules (the built-in ones imported
here, the features' ones by :func:`register`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The framework texts and the built-in commands' declarations.
from handlers.commands import ask, chat, help, life, messages, mydata, risk, status, tags, team  # noqa: F401
from handlers.commands.context import CommandContext
from handlers.commands.registry import command

if TYPE_CHECKING:
    from bot.ops.registry import Registry

__all__ = ["CommandContext", "command", "register"]


def register(registry: Registry) -> None:
    """The slash-command chat handler (the ``/help`` hint as its fallback) and every feature's commands."""
    from handlers.commands import growth, journey_tasks, mentor, reminder_actions, survey_prefs  # noqa: F401

    chat.register(registry)
