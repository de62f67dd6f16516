"""The outbound ``Platform`` interface and the neutral message shapes it sends."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

# Outbox kinds that are messages to a person (a ``reply`` answers a chat; a ``card_update`` is free).
MESSAGE_KINDS = frozenset({"text", "markdown", "card"})


@dataclass(frozen=True)
class Button:
    """A card button. ``action`` comes back in the click callback together with ``params``."""

    label: str
    action: str
    params: dict[str, str] = field(default_factory=dict)
    style: str = "default"  # default | primary | danger


@dataclass(frozen=True)
class Card:
    """An interactive card: a title, a markdown body and buttons.

    ``card_id`` is our unique id for the card (DingTalk ``outTrackId``, WeCom ``task_id``); sending
    the same ``card_id`` twice must not create a second card.
    """

    card_id: str
    title: str
    markdown: str
    buttons: tuple[Button, ...] = ()
    status_text: str | None = None  # shown instead of buttons after an update ("已跟进 ✓")


@dataclass(frozen=True)
class SendResult:
    """What the platform returned: a reference for later updates or delivery checks."""

    ok: bool = True
    ref: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Cap:
    """A platform's send cap: at most ``limit`` messages of ``kinds`` per recipient of ``platform`` per window."""

    platform: str
    kinds: frozenset[str]
    limit: int
    window: timedelta | None  # None: the calendar day in China
    label: str


@dataclass(frozen=True)
class MarkdownLimit:
    """How much markdown one message may hold: characters, UTF-8 bytes, or both (None: no limit)."""

    chars: int | None = None
    bytes: int | None = None

    def fits(self, text: str) -> bool:
        """Whether ``text`` is within the limit."""
        if self.chars is not None and len(text) > self.chars:
            return False
        return self.bytes is None or len(text.encode("utf-8")) <= self.bytes


class Platform(Protocol):
    """What CareBot needs from a chat platform to reach people."""

    name: str

    def send_text(self, userid: str, text: str) -> SendResult:
        """Send a plain text message to one user."""
        ...

    def send_markdown(self, userid: str, title: str, text: str) -> SendResult:
        """Send a markdown message to one user."""
        ...

    def send_card(self, userid: str, card: Card) -> SendResult:
        """Send an interactive card to one user."""
        ...

    def update_card(self, userid: str, card: Card, ref: dict[str, Any]) -> SendResult:
        """Update a card sent before; ``ref`` is what ``send_card`` returned (or the click gave)."""
        ...

    def reply(self, recipient: str, payload: dict[str, Any], *, dedupe_key: str) -> SendResult:
        """Answer a chat message (an outbox ``reply``): into its conversation where the platform can,
        else to the sender (:func:`reply_directly`). ``dedupe_key`` lets the platform drop a resend."""
        ...


def reply_directly(platform: Platform, recipient: str, payload: dict[str, Any]) -> SendResult:
    """A reply as a message to the sender, for platforms without a conversation reply channel."""
    userid = str(payload.get("userid") or recipient)
    if payload.get("title"):
        return platform.send_markdown(userid, str(payload["title"]), str(payload["text"]))
    return platform.send_text(userid, str(payload["text"]))


# Set by the outbox around one message's platform call, for platforms whose ``announces_deliveries``
# is true: their client runs it right before writing a request that hands the platform a message
# (after any token fetch), so "the platform may have it" is recorded no earlier than it can be true.
delivery_starting: ContextVar[Callable[[], None] | None] = ContextVar("delivery_starting", default=None)


class RepeatAware(Protocol):
    """A platform that can say whether it would drop a repeated message (the outbox asks it).

    After a call that got no answer (a read timeout, a sender killed mid-call) the platform may
    have accepted the message; the outbox sends it again only where the platform itself drops the
    repeat — a dedupe key of ours (card ids, ``msgUuid``) or a dedupe rule (identical content) —
    and otherwise marks it ``unknown`` for an admin. Platforms without this method get ``unknown``.
    """

    def repeat_risk(self, kind: str, payload: dict[str, Any], since: datetime, now: datetime) -> str | None:
        """Why sending this outbox message (``kind``, ``payload``) again at ``now`` could show the user
        a second copy, given a call at ``since`` whose outcome is unknown; None when a repeat is dropped."""
        ...
