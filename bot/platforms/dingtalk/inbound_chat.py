"""DingTalk robot messages (HTTP mode) and interactive-card clicks: signatures, keys, normalised events.

Robot: headers ``timestamp`` (ms) and ``sign = base64(HMAC-SHA256(appSecret, timestamp + "\\n" + appSecret))``
within one hour (protocols.md §3.1). Card callbacks: ``x-ddpaas-signature = base64(HMAC-SHA256(apiSecret,
timestamp))`` (§4.4).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.core.errors import BadPayload, InvalidSignature
from bot.pipeline import outbox
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import CardAction, ChatMessage, Event, ReplyChannel, UnknownEvent
from bot.pipeline.inbox import StoredEvent
from bot.platforms.crypto import constant_time_equal, hmac_sha256_b64
from bot.platforms.dingtalk.fields import digest, field, ms_to_datetime
from bot.platforms.inbound_replies import enqueue_card_update, enqueue_reply, reply_key

log = logging.getLogger(__name__)

PLATFORM = "dingtalk"
ROBOT_EVENT = "robot_message"
CARD_EVENT = "card_callback"
SIGN_WINDOW = timedelta(hours=1)
RECEIVED_AT = "_carebot_received_ms"  # added to stored robot payloads by the webhook


# -- signatures ----------------------------------------------------------------------------------
def _check_fresh(timestamp: str, now: datetime, window: timedelta) -> None:
    try:
        value = int(timestamp.strip())
    except ValueError:
        raise InvalidSignature("bad timestamp") from None
    ms = value if value >= 10**11 else value * 1000
    now_ms = int(now.timestamp() * 1000)
    if abs(now_ms - ms) > window.total_seconds() * 1000:
        raise InvalidSignature("stale timestamp")


def robot_sign(secret: str, timestamp: str) -> str:
    """The ``sign`` header DingTalk sends with robot messages."""
    return hmac_sha256_b64(secret, f"{timestamp}\n{secret}")


def verify_robot_sign(
    secret: str, timestamp: str | None, sign: str | None, now: datetime, window: timedelta = SIGN_WINDOW
) -> None:
    """Raise ``InvalidSignature`` unless ``sign`` is fresh and correct (compared in constant time)."""
    if not timestamp or not sign:
        raise InvalidSignature("missing timestamp or sign header")
    _check_fresh(timestamp, now, window)
    if not constant_time_equal(robot_sign(secret, timestamp.strip()), sign.strip()):
        raise InvalidSignature("bad signature")


def card_signature(secret: str, timestamp: str) -> str:
    """The ``x-ddpaas-signature`` DingTalk sends with card callbacks."""
    return hmac_sha256_b64(secret, timestamp)


def verify_card_signature(
    secret: str, timestamp: str | None, signature: str | None, now: datetime, window: timedelta = SIGN_WINDOW
) -> None:
    """Raise ``InvalidSignature`` unless the card callback signature is fresh and correct."""
    if not timestamp or not signature:
        raise InvalidSignature("missing signature headers")
    _check_fresh(timestamp, now, window)
    if not constant_time_equal(card_signature(secret, timestamp.strip()), signature.strip()):
        raise InvalidSignature("bad signature")


# -- keys ----------------------------------------------------------------------------------------
def robot_key(payload: Mapping[str, Any]) -> str:
    """``msgId``, else a digest of the body (a redelivered message has the same body)."""
    msg_id = field(payload, "msgId")
    if msg_id:
        return f"robot:{msg_id}"
    return f"robot:sha1:{digest(json.dumps(payload, sort_keys=True, ensure_ascii=False))}"


def card_content(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The click's ``content`` (a JSON string on the wire) as a dict.

    Raises:
        BadPayload: ``content`` is neither an object nor a JSON string of one.
    """
    raw = payload.get("content")
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise BadPayload("card 'content' is not valid JSON") from None
    if not isinstance(raw, dict):
        raise BadPayload("card 'content' must be a JSON object")
    return raw


def validate_card(payload: Mapping[str, Any]) -> None:
    """Raise ``BadPayload`` unless a card action callback has what a click needs."""
    if payload.get("type", "actionCallback") != "actionCallback":
        return  # other callback types are stored and acknowledged as they are
    if not isinstance(payload.get("outTrackId"), str) or not payload.get("outTrackId"):
        raise BadPayload("card callback without 'outTrackId'")
    if not isinstance(payload.get("userId"), str) or not payload.get("userId"):
        raise BadPayload("card callback without 'userId'")
    card_content(payload)


def card_key(payload: Mapping[str, Any]) -> str:
    """Same card, user and content → same click (a redelivery or a double click)."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return f"card:{payload.get('outTrackId')}:{payload.get('userId')}:{digest(body)}"


# -- events --------------------------------------------------------------------------------------
def _robot_text(payload: Mapping[str, Any]) -> str | None:
    msgtype = str(payload.get("msgtype") or "text")
    content = payload.get("content")
    if msgtype == "text":
        text = payload.get("text")
        if isinstance(text, Mapping) and isinstance(text.get("content"), str):
            return str(text["content"])
        if isinstance(content, str):  # one doc page shows the text at top level
            return content
        if isinstance(content, Mapping) and isinstance(content.get("content"), str):
            return str(content["content"])
        return None
    if msgtype == "richText" and isinstance(content, Mapping) and isinstance(content.get("richText"), list):
        parts = [str(p["text"]) for p in content["richText"] if isinstance(p, Mapping) and p.get("text")]
        return "".join(parts) or None
    if msgtype == "audio" and isinstance(content, Mapping) and content.get("recognition"):
        return str(content["recognition"])
    return None


def normalise_robot(payload: dict[str, Any]) -> list[Event]:
    """A robot message → ``ChatMessage`` (text, rich text, recognised audio), else ``UnknownEvent``."""
    if payload.get("errorCode") is not None and _robot_text(payload) is None:
        return [UnknownEvent(PLATFORM, f"robot_error_{payload.get('errorCode')}")]
    text = _robot_text(payload)
    if text is None:
        return [UnknownEvent(PLATFORM, f"robot_{payload.get('msgtype') or 'unknown'}")]
    sender = field(payload, "senderStaffId")
    if not sender:
        # senderId is an opaque id, not a userid: answering it as somebody would be wrong.
        log.warning("robot message %s without senderStaffId (robot not published?)", field(payload, "msgId"))
        return [UnknownEvent(PLATFORM, "robot_message_without_staff_id")]
    webhook = field(payload, "sessionWebhook")
    channel = (
        ReplyChannel("session_webhook", str(webhook), ms_to_datetime(field(payload, "sessionWebhookExpiredTime")))
        if webhook
        else None
    )
    raw_at = payload.get("atUsers")
    at_users: list[Any] = raw_at if isinstance(raw_at, list) else []
    mentions = tuple(str(u["staffId"]) for u in at_users if isinstance(u, Mapping) and u.get("staffId"))
    # The webhook stamps its receive time, for the rare message without createAt.
    sent_at = ms_to_datetime(field(payload, "createAt")) or ms_to_datetime(payload.get(RECEIVED_AT))
    return [
        ChatMessage(
            platform=PLATFORM,
            sender_userid=str(sender),
            # The @mention leaves a leading space (and sometimes a trailing one) in groups.
            text=text.strip(),
            message_id=str(field(payload, "msgId") or ""),
            sent_at=sent_at or datetime.fromtimestamp(0, UTC),
            conversation_id=str(field(payload, "conversationId") or "") or None,
            is_group=str(field(payload, "conversationType")) == "2",
            sender_name=field(payload, "senderNick"),
            mentions=mentions,
            reply=channel,
        )
    ]


def normalise_card(payload: dict[str, Any]) -> list[Event]:
    """A card action callback → ``CardAction`` (first actionId, else ``params["action"]``)."""
    if payload.get("type", "actionCallback") != "actionCallback":
        return [UnknownEvent(PLATFORM, f"card_{payload.get('type')}")]
    private = card_content(payload).get("cardPrivateData") or {}
    params_raw = private.get("params") if isinstance(private, Mapping) else None
    params = {
        str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in (params_raw or {}).items()
    }
    action_ids = private.get("actionIds") if isinstance(private, Mapping) else None
    action = str(action_ids[0]) if isinstance(action_ids, list) and action_ids else params.get("action", "")
    return [
        CardAction(
            platform=PLATFORM,
            userid=str(payload["userId"]),
            card_id=str(payload["outTrackId"]),
            action=action,
            params=params,
        )
    ]


# -- replies through the outbox (sweep path, private replies) -----------------------------------
def enqueue_chat_reply(session: Session, event_id: int, index: int, payload: Mapping[str, Any], reply: Reply) -> None:
    """Queue a robot reply: back into the conversation (``sessionWebhook`` while valid), or 1:1."""
    sender = str(field(payload, "senderStaffId") or "")
    is_group = str(field(payload, "conversationType")) == "2"
    key = reply_key(event_id, index)
    if not sender or not reply.text:
        return
    if reply.private and is_group:
        # Never into the group: the sender gets it 1:1.
        enqueue_reply(session, platform=PLATFORM, recipient=sender, key=key, reply=reply)
        return
    body: dict[str, Any] = {"text": reply.text, "userid": sender, "is_group": is_group}
    if reply.markdown_title is not None:
        body["title"] = reply.markdown_title
    webhook = field(payload, "sessionWebhook")
    expires = ms_to_datetime(field(payload, "sessionWebhookExpiredTime"))
    if webhook:
        body["session_webhook"] = str(webhook)
        if expires is not None:
            body["session_webhook_expires_at"] = expires.isoformat()
    conversation = field(payload, "conversationId") if is_group else None
    recipient = str(conversation or sender)
    outbox.enqueue(session, key=key, recipient=recipient, kind="reply", payload=body, platform=PLATFORM)


def outbox_sink(session: Session, event: StoredEvent, replies: list[Reply]) -> None:
    """Queue replies nobody answered synchronously (the sweep path): chat replies, card updates."""
    payload = event.payload
    if event.event_type == ROBOT_EVENT:
        for i, reply in enumerate(replies):
            enqueue_chat_reply(session, event.id, i, payload, reply)
    elif event.event_type == CARD_EVENT:
        userid, card_id = str(payload.get("userId") or ""), str(payload.get("outTrackId") or "")
        for i, reply in enumerate(replies):
            if reply.card_update and userid and card_id:
                enqueue_card_update(
                    session,
                    platform=PLATFORM,
                    userid=userid,
                    card_id=card_id,
                    update=reply.card_update,
                    ref={"out_track_id": card_id},
                    key=reply_key(event.id, i, "card"),
                )
            if reply.text and userid:
                enqueue_reply(session, platform=PLATFORM, recipient=userid, key=reply_key(event.id, i), reply=reply)
