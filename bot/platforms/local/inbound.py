"""The ``local`` platform's inbound side: simulator payloads → normalised events, replies → chat log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.core.runtime import Runtime
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import CardAction, ChatMessage, Event, UnknownEvent
from bot.pipeline.requests import InboundRequest
from bot.platforms.inbound_replies import updated_card

PLATFORM = "local"


def _sent_at(payload: dict[str, Any]) -> datetime:
    # The simulator stamps messages with the runtime clock when it stores them (tests fix it).
    try:
        return datetime.fromisoformat(str(payload["sent_at"])).astimezone(UTC)
    except (KeyError, ValueError):
        return datetime.fromtimestamp(0, UTC)  # a payload stored before stamps existed: time unknown


def normalise(event_type: str, payload: dict[str, Any]) -> list[Event]:
    """Turn a stored simulator payload into events."""
    if event_type == "text":
        return [
            ChatMessage(
                platform=PLATFORM,
                sender_userid=payload["user"],
                text=payload["text"],
                message_id=str(payload.get("id") or ""),
                sent_at=_sent_at(payload),
                conversation_id=payload.get("group"),
                is_group=bool(payload.get("group")),
            )
        ]
    if event_type == "card":
        return [
            CardAction(
                platform=PLATFORM,
                userid=payload["user"],
                card_id=payload["card_id"],
                action=payload["action"],
                params=dict(payload.get("params") or {}),
            )
        ]
    return [UnknownEvent(platform=PLATFORM, event_type=event_type)]


def deliver_replies(runtime: Runtime, userid: str, replies: list[Reply], card_id: str | None = None) -> None:
    """Show handler replies in the user's simulator chat; a clicked card (``card_id``) shows its update."""
    platform = runtime.platforms[PLATFORM]
    for reply in replies:
        if reply.card_update and card_id:
            with runtime.db.session() as s:
                card = updated_card(s, PLATFORM, userid, card_id, reply.card_update)
            platform.update_card(userid, card, {"card_id": card_id})
        if reply.markdown_title is not None:
            platform.send_markdown(userid, reply.markdown_title, reply.text)
        elif reply.text:
            platform.send_text(userid, reply.text)


def enter(runtime: Runtime, event_type: str, payload: dict[str, Any], key: str) -> dict[str, Any]:
    """A user's message (``text``) or click (``card``) of the demo, through the inbound pipeline.

    Returns the pipeline's answer: ``{"event_id", "duplicate", "replies"}``; a repeated ``key`` is a duplicate.
    """
    route = "messages" if event_type == "text" else "cards"
    body = json.dumps({**payload, "id": key}, ensure_ascii=False).encode("utf-8")
    answer = runtime.pipeline.dispatch(InboundRequest(PLATFORM, route, "replay", body=body))
    if not answer.ok:
        raise ValueError(f"local {route} not accepted ({answer.status}): {answer.text[:200]}")
    result: dict[str, Any] = answer.json_value()
    return result
