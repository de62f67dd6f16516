"""Route normalised events to the handlers registered for their type.

Handlers are plain functions ``handler(event, ctx) -> Reply | None`` registered with ``@on(Type)``;
several may listen to one type (e.g. one stores a survey answer, another replies). A handler may
also have a *batch form* (``@batched(handler)``): the batch processor calls it once with every
event that handler would have seen one by one (bot/pipeline/inbox_batch.py).
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
# The batch form of a handler: same effect as calling the handler on each event, never a reply.
BatchHandler = Callable[[list[Any], Context], None]
B = TypeVar("B", bound=BatchHandler)

_handlers: dict[type, list[Handler]] = {}
_fallbacks: dict[type, list[Handler]] = {}
_batch_forms: dict[Handler, BatchHandler] = {}


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


def batched(handler: Handler) -> Callable[[B], B]:
    """Register ``fn(events, ctx)`` as the batch form of ``handler``; returns ``fn`` unchanged.

    Only handlers that never reply can have one: a batch has nobody to answer. The batch form must
    leave the database exactly as calling ``handler`` on each event would (the tests compare).
    """

    def register(fn: B) -> B:
        _batch_forms[handler] = fn
        return fn

    return register


def batch_form(handler: Handler) -> BatchHandler | None:
    """The batch form of ``handler``, if it has one."""
    return _batch_forms.get(handler)


def handlers_for(event_type: type) -> list[Handler]:
    return list(_handlers.get(event_type, []))


def has_work(event: Any, *, skip: frozenset[Handler] | set[Handler] = frozenset()) -> bool:
    """Whether any handler or fallback other than ``skip`` listens to the event's type."""
    kind = type(event)
    return any(h not in skip for h in _handlers.get(kind, ())) or bool(_fallbacks.get(kind))


def dispatch(event: Any, ctx: Context, *, skip: frozenset[Handler] | set[Handler] = frozenset()) -> list[Reply]:
    """Run every handler of the event's type in registration order, then fallbacks if none replied.

    Handlers in ``skip`` are left out (the batch processor runs their batch forms instead).
    """
    before = len(ctx.replies)
    for handler in handlers_for(type(event)):
        if handler in skip:
            continue
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
