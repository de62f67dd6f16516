"""Normalised internal events: what handlers see, whatever platform the callback came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ReplyChannel:
    """A way to answer a chat message quickly (DingTalk ``sessionWebhook`` until it expires)."""

    kind: str  # session_webhook | response_body
    url: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class ChatMessage:
    """A text message from a person to the bot (1:1 or in a group)."""

    platform: str
    sender_userid: str
    text: str
    message_id: str
    sent_at: datetime
    conversation_id: str | None = None
    is_group: bool = False
    sender_name: str | None = None
    mentions: tuple[str, ...] = ()
    reply: ReplyChannel | None = None


@dataclass(frozen=True)
class AttendancePunch:
    """One clock-in/out instant for a platform user id."""

    platform: str
    userid: str
    punched_at: datetime
    check_type: str | None = None  # on | off | out
    source_ref: str | None = None


@dataclass(frozen=True)
class OrgChange:
    """Employees added, modified or removed; details must be fetched from the platform."""

    platform: str
    change: str  # add | modify | leave
    userids: tuple[str, ...]
    occurred_at: datetime | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CardAction:
    """A button click on a card we sent."""

    platform: str
    userid: str
    card_id: str
    action: str
    params: dict[str, str] = field(default_factory=dict)
    response_code: str | None = None  # WeCom single-use code to update the card


@dataclass(frozen=True)
class ApprovalChange:
    """A leave / trip / outing / overtime approval changed state."""

    platform: str
    userid: str
    kind: str  # leave | trip | goout | overtime | other
    status: str  # pending | approved | rejected | revoked
    source_key: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    minutes: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AppEntered:
    """A person opened the bot's app (WeCom ``enter_agent``): a chance to greet or show help."""

    platform: str
    userid: str
    entered_at: datetime


@dataclass(frozen=True)
class UnknownEvent:
    """A verified event of a type CareBot does not act on; stored and acknowledged."""

    platform: str
    event_type: str


Event = ChatMessage | AttendancePunch | OrgChange | CardAction | ApprovalChange | AppEntered | UnknownEvent
