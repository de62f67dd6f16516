"""Route normalised events to the handlers registered for their type.

Handlers are plain functions ``handler(event, ctx) -> Reply | None`` registered with ``@on(Type)``;
several may listen to one type (e.g. one stores a survey answer, another replies).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from bot.core.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass
class Reply:
    """What the bot answers to a chat message or card click (sent by the caller's fastest path)."""

    text: str = ""
    markdown_title: str | None = None  # set → the text is markdown
    private: bool = False  # in a group, send to the sender 1:1 instead of the group
    card_update: dict[str, Any] | None = None  # for card clicks: new status for the clicked card


@dataclass
class Context:
    """What a handler gets besides the event: the runtime and an open session."""

    runtime: Runtime
    session: Session
    replies: list[Reply] = field(default_factory=list)


Handler = Callable[[Any, Context], Reply | None]
H = TypeVar("H", bound=Handler)

_handlers: dict[type, list[Handler]] = {}
_fallbacks: dict[type, list[Handler]] = {}


def on(event_type: type, *, fallback: bool = False) -> Callable[[H], H]:
    """Register a handler for ``event_type``; returns the function unchanged.

    A ``fallback`` handler runs only when no regular handler replied (e.g. "send /help").
    """

    def register(fn: H) -> H:
        bucket = (_fallbacks if fallback else _handlers).setdefault(event_type, [])
        if fn not in bucket:
            bucket.append(fn)
        return fn

    return register


def handlers_for(event_type: type) -> list[Handler]:
    return list(_handlers.get(event_type, []))


def dispatch(event: Any, ctx: Context) -> list[Reply]:
    """Run every handler of the event's type in registration order, then fallbacks if none replied."""
    before = len(ctx.replies)
    for handler in handlers_for(type(event)):
        reply = handler(event, ctx)
        if reply is not None:
            ctx.replies.append(reply)
    if len(ctx.replies) == before:
        for handler in _fallbacks.get(type(event), []):
            reply = handler(event, ctx)
            if reply is not None:
                ctx.replies.append(reply)
                break
    return ctx.replies
