"""Replies to inbound chat messages and card clicks that go out through the durable outbox.

Outbox keys derive from the inbox event id, so processing an event again never sends twice.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import OutboxMessage
from bot.pipeline import outbox
from bot.pipeline.dispatch import Reply
from bot.pipeline.platform import Card

# How many of a user's latest cards to look through for the one being updated.
_CARD_LOOKBACK = 200


def reply_key(event_id: int, index: int, what: str = "reply") -> str:
    """The outbox key of the ``index``-th reply to inbox event ``event_id``."""
    return f"inbox:{event_id}:{what}:{index}"


def enqueue_reply(session: Session, *, platform: str, recipient: str, key: str, reply: Reply) -> int | None:
    """Queue a text or markdown reply to one user; returns the outbox id (None if already queued)."""
    if reply.markdown_title is not None:
        return outbox.enqueue(
            session,
            key=key,
            recipient=recipient,
            kind="markdown",
            payload={"title": reply.markdown_title, "text": reply.text},
            platform=platform,
        )
    return outbox.enqueue(
        session, key=key, recipient=recipient, kind="text", payload={"text": reply.text}, platform=platform
    )


def original_card(session: Session, platform: str, userid: str, card_id: str) -> Card | None:
    """The card we sent with ``card_id`` (to ``userid`` first, else to anyone), from the outbox."""
    mine = session.scalars(
        select(OutboxMessage.payload)
        .where(OutboxMessage.platform == platform, OutboxMessage.recipient == userid, OutboxMessage.kind == "card")
        .order_by(OutboxMessage.id.desc())
        .limit(_CARD_LOOKBACK)
    )
    for payload in mine:
        if ((payload or {}).get("card") or {}).get("card_id") == card_id:
            return outbox.card_from_payload(payload)
    # A card sent to someone else (or long ago): look it up by its id inside the JSON payload.
    payload = session.scalar(
        select(OutboxMessage.payload)
        .where(
            OutboxMessage.platform == platform,
            OutboxMessage.kind == "card",
            OutboxMessage.payload["card"]["card_id"].as_string() == card_id,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return outbox.card_from_payload(payload) if payload else None


def updated_card(session: Session, platform: str, userid: str, card_id: str, update: dict[str, Any]) -> Card:
    """The clicked card with the handler's update applied (title and body kept when we know them)."""
    card = original_card(session, platform, userid, card_id) or Card(card_id=card_id, title="", markdown="")
    status = update.get("status_text")
    return replace(
        card,
        title=str(update.get("title") or card.title),
        markdown=str(update.get("markdown") or card.markdown),
        status_text=str(status) if status is not None else card.status_text,
    )


def enqueue_card_update(
    session: Session, *, platform: str, userid: str, card_id: str, update: dict[str, Any], ref: dict[str, Any], key: str
) -> int | None:
    """Queue an update of a clicked card; ``ref`` is what the platform needs (e.g. WeCom response_code)."""
    card = updated_card(session, platform, userid, card_id, update)
    payload = outbox.card_payload(card) | {"ref": ref, "update": update}
    return outbox.enqueue(session, key=key, recipient=userid, kind="card_update", payload=payload, platform=platform)
