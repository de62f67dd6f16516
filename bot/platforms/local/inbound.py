"""The ``local`` platform's inbound side: simulator payloads → normalised events, replies → chat log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.core.runtime import Runtime
from bot.pipeline import inbox
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import CardAction, ChatMessage, Event, UnknownEvent
from bot.platforms.inbound_replies import updated_card


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
                platform="local",
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
                platform="local",
                userid=payload["user"],
                card_id=payload["card_id"],
                action=payload["action"],
                params=dict(payload.get("params") or {}),
            )
        ]
    return [UnknownEvent(platform="local", event_type=event_type)]


inbox.register_normaliser("local", normalise)
# The simulator shows every reply in the request that sent the message (enter() below).
inbox.register_answered_in_request("local", None)


def deliver_replies(runtime: Runtime, userid: str, replies: list[Reply], card_id: str | None = None) -> None:
    """Show handler replies in the user's simulator chat; a clicked card (``card_id``) shows its update."""
    platform = runtime.platforms["local"]
    for reply in replies:
        if reply.card_update and card_id:
            with runtime.db.session() as s:
                card = updated_card(s, "local", userid, card_id, reply.card_update)
            platform.update_card(userid, card, {"card_id": card_id})
        if reply.markdown_title is not None:
            platform.send_markdown(userid, reply.markdown_title, reply.text)
        elif reply.text:
            platform.send_text(userid, reply.text)


def enter(runtime: Runtime, event_type: str, payload: dict[str, Any], key: str) -> tuple[int, bool, list[Reply]]:
    """A simulated user's message or click through the real inbound path: store, process, show replies.

    Returns the inbox event id, whether it was new (a repeated ``key`` is a duplicate) and the replies.
    """
    from bot.models import LocalMessage

    with runtime.db.session() as s:
        event_id, created = inbox.store(s, "local", key, event_type, payload)
        if event_type == "text":  # a repeated message shows in the log, as on a real client
            s.add(LocalMessage(userid=payload["user"], direction="in", kind="text", payload={"text": payload["text"]}))
    replies: list[Reply] = inbox.process(runtime, event_id) if created else []
    deliver_replies(runtime, payload["user"], replies, card_id=payload.get("card_id"))
    return event_id, created, replies
