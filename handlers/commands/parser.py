"""Recognise a slash command in a chat message.

A command starts with ``/`` (or the full-width ``／`` a Chinese keyboard types); Chinese aliases are
slash commands too (``/状态 张三``), and may be glued to their argument (``/状态张三``). Leading
``@mentions`` (``@关怀助手 /status 张三`` in a group) are skipped. Text without a slash is not a
command: it may be a survey answer that another handler takes. ``、`` (what many Chinese input
methods produce for the ``/`` key) counts as a slash only before a known command name.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

SLASHES = ("/", "／")
IME_SLASH = "、"
# Arguments longer than this are refused with a clear message rather than searched for.
MAX_ARGS_CHARS = 1000

_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_ASCII_WORD = re.compile(r"[0-9a-z_]")


@dataclass(frozen=True)
class ParsedCommand:
    """The command token (case-folded, without the slash) and its argument string."""

    name: str
    args: str
    too_long: bool = False


def _clean(text: str) -> str:
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def _skip_mentions(text: str) -> str:
    while text[:1] in ("@", "＠"):
        _, _, text = text.partition(" ")
        text = text.lstrip()
    return text


def _split_glued(token: str, known: Collection[str]) -> tuple[str, str]:
    """``状态张三`` → (``状态``, ``张三``) when ``状态`` is a known name and ``状态张三`` is not."""
    if token in known:
        return token, ""
    for name in sorted(known, key=len, reverse=True):
        if name and token.startswith(name):
            rest = token[len(name) :]
            # "/statusx" is an unknown command, but "/status张三" is status + 张三.
            if name.isascii() and _ASCII_WORD.match(rest[:1]):
                continue
            return name, rest
    return token, ""


def parse(text: str, known: Collection[str] = ()) -> ParsedCommand | None:
    """The command in ``text``, or ``None`` when the message is not a command.

    Args:
        known: registered names and aliases, case-folded; used to split glued aliases and to accept
            the ``、`` input-method slash.
    """
    cleaned = _skip_mentions(_clean(text))
    if not cleaned:
        return None
    head = cleaned[0]
    if head not in SLASHES and head != IME_SLASH:
        return None
    token, _, rest = cleaned[1:].lstrip().partition(" ")
    if head == IME_SLASH and not token:
        return None
    name, glued = _split_glued(token.casefold(), known)
    if glued:
        # Keep the original case of the glued argument (user ids can be mixed case).
        glued = token[len(name) :]
    if head == IME_SLASH and name not in known:
        return None
    args = " ".join(part for part in (glued, rest.strip()) if part)
    if len(args) > MAX_ARGS_CHARS:
        return ParsedCommand(name=name, args="", too_long=True)
    return ParsedCommand(name=name, args=args)
