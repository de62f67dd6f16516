"""WeCom inbound: untrusted XML parsed safely, idempotency keys, and normalised events.

Envelope and plaintext formats: protocols.md §5.3–5.4. XML is parsed with defusedxml and any DTD is
refused, so entity expansion (billion laughs) and external entities (XXE) never happen.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from sqlalchemy.orm import Session

from bot.core.errors import BadPayload
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import AppEntered, ApprovalChange, CardAction, ChatMessage, Event, OrgChange, UnknownEvent
from bot.pipeline.inbox import StoredEvent
from bot.platforms.inbound_replies import enqueue_card_update, enqueue_reply, reply_key

log = logging.getLogger(__name__)

PLATFORM = "wecom"
CARD_EVENT = "template_card_event"
SYNC_TYPES = frozenset({"text", "voice", CARD_EVENT})  # answered by a person waiting in the chat
CONTACT_CHANGES = {"create_user": "add", "update_user": "modify", "delete_user": "leave"}
# SpStatus of sys_approval_change: 1 审批中 2 已通过 3 已驳回 4 已撤销 6 通过后撤销 7 已删除 10 已支付.
SP_STATUS = {
    "1": "pending",
    "2": "approved",
    "3": "rejected",
    "4": "revoked",
    "6": "revoked",
    "7": "revoked",
    "10": "approved",
}
SP_KINDS = (("请假", "leave"), ("出差", "trip"), ("外出", "goout"), ("加班", "overtime"))


def parse_xml(data: bytes | str) -> Element:
    """Parse untrusted XML; raises ``BadPayload`` for malformed XML or any DTD/entity."""
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise BadPayload("XML with a DTD or entities is not accepted") from None
    except (ParseError, ValueError):
        raise BadPayload("malformed XML") from None
    return root


def xml_to_dict(elem: Element) -> dict[str, Any]:
    """Children of ``elem`` as a dict: leaves → text, nested → dicts, repeated tags → lists."""
    out: dict[str, Any] = {}
    for child in elem:
        value: Any = xml_to_dict(child) if len(child) else (child.text or "").strip()
        if child.tag in out:
            existing = out[child.tag]
            out[child.tag] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            out[child.tag] = value
    return out


def envelope_encrypt(body: bytes) -> str:
    """The ``<Encrypt>`` of a POSTed callback envelope."""
    root = parse_xml(body)
    encrypt = (root.findtext("Encrypt") or "").strip()
    if not encrypt:
        raise BadPayload("XML envelope without <Encrypt>")
    return encrypt


def parse_message(plain: str) -> dict[str, Any]:
    """The decrypted message XML as a dict (raises ``BadPayload``)."""
    message = xml_to_dict(parse_xml(plain.encode("utf-8")))
    if not message.get("MsgType"):
        raise BadPayload("message without <MsgType>")
    return message


def event_type_of(message: Mapping[str, Any]) -> str:
    """``Event`` for event messages (``enter_agent``, ``change_contact`` …), else ``MsgType``."""
    msg_type = str(message.get("MsgType") or "unknown")
    if msg_type == "event":
        return str(message.get("Event") or "event")[:64]
    return msg_type[:64]


def message_key(message: Mapping[str, Any]) -> str:
    """``MsgId``, else ``FromUserName+CreateTime`` plus what tells same-second events apart."""
    if message.get("MsgId"):
        return f"msg:{message['MsgId']}"
    etype = event_type_of(message)
    parts = [str(message.get("FromUserName", "")), str(message.get("CreateTime", "")), etype]
    if etype == CARD_EVENT:
        parts += [str(message.get("TaskId", "")), str(message.get("ResponseCode", ""))]
    elif etype == "change_contact":
        # A bulk import creates many members within one second, all from "sys".
        parts += [str(message.get("ChangeType", "")), str(message.get("UserID") or message.get("Id") or "")]
    elif etype == "sys_approval_change":
        info = _mapping(message.get("ApprovalInfo"))
        parts += [str(info.get("SpNo", "")), str(info.get("SpStatus", ""))]
    return "evt:" + ":".join(parts)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _seconds(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(str(value)), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def decode_button_key(key: str) -> tuple[str, dict[str, str]]:
    """A button ``key`` → ``(action, params)``: ``action?k=v&…`` or ``{"action", "params"}`` JSON."""
    if key.startswith("{"):
        try:
            data = json.loads(key)
        except json.JSONDecodeError:
            return key, {}
        if isinstance(data, dict):
            params = _mapping(data.get("params"))
            return str(data.get("action", "")), {str(k): str(v) for k, v in params.items()}
    action, _, query = key.partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    params.pop("_b", None)  # the sender's marker that keeps two identical buttons' keys unique
    return action, params


def _selections(message: Mapping[str, Any]) -> dict[str, str]:
    items = message.get("SelectedItems")
    raw = items.get("SelectedItem") if isinstance(items, Mapping) else None
    out: dict[str, str] = {}
    for item in raw if isinstance(raw, list) else [raw] if raw else []:
        if not isinstance(item, Mapping) or not item.get("QuestionKey"):
            continue
        ids = item.get("OptionIds")
        option = ids.get("OptionId") if isinstance(ids, Mapping) else None
        options = option if isinstance(option, list) else [option] if option else []
        out[str(item["QuestionKey"])] = ",".join(str(o) for o in options)
    return out


def _approval(message: Mapping[str, Any]) -> list[Event]:
    info = message.get("ApprovalInfo")
    if not isinstance(info, Mapping) or not info.get("SpNo"):
        return [UnknownEvent(PLATFORM, "sys_approval_change")]
    applyer = _mapping(info.get("Applyer"))
    name = str(info.get("SpName", ""))
    kind = next((k for word, k in SP_KINDS if word in name), "other")
    return [
        ApprovalChange(
            PLATFORM,
            userid=str(applyer.get("UserId", "")),
            kind=kind,
            status=SP_STATUS.get(str(info.get("SpStatus", "")), "pending"),
            source_key=str(info["SpNo"]),
            detail={"sp_name": name, "template_id": info.get("TemplateId"), "apply_time": info.get("ApplyTime")},
        )
    ]


def normalise(event_type: str, message: dict[str, Any]) -> list[Event]:
    """The inbox normaliser for WeCom: one decrypted message → normalised events."""
    sender = str(message.get("FromUserName", ""))
    at = _seconds(message.get("CreateTime")) or datetime.fromtimestamp(0, UTC)
    if event_type in ("text", "voice"):
        text = message.get("Content") if event_type == "text" else message.get("Recognition")
        if not isinstance(text, str) or not text.strip():
            return [UnknownEvent(PLATFORM, event_type)]
        return [ChatMessage(PLATFORM, sender, text.strip(), str(message.get("MsgId", "")), at)]
    if event_type == CARD_EVENT:
        action, params = decode_button_key(str(message.get("EventKey", "")))
        params |= _selections(message)
        return [
            CardAction(
                PLATFORM,
                userid=sender,
                card_id=str(message.get("TaskId", "")),
                action=action,
                params=params,
                response_code=str(message.get("ResponseCode") or "") or None,
            )
        ]
    if event_type == "enter_agent":
        return [AppEntered(PLATFORM, sender, at)]
    if event_type == "change_contact":
        change = CONTACT_CHANGES.get(str(message.get("ChangeType", "")))
        userid = str(message.get("UserID", ""))
        if change is None or not userid:
            return [UnknownEvent(PLATFORM, f"change_contact:{message.get('ChangeType', '')}"[:64])]
        detail: dict[str, Any] = {
            k: message[k] for k in ("NewUserID", "Department", "MainDepartment", "Position") if k in message
        }
        return [OrgChange(PLATFORM, change, (userid,), occurred_at=at, detail=detail)]
    if event_type == "sys_approval_change":
        return _approval(message)
    return [UnknownEvent(PLATFORM, event_type)]


def outbox_sink(session: Session, event: StoredEvent, replies: list[Reply]) -> None:
    """WeCom has no synchronous reply path we use: every reply goes through the outbox."""
    message = event.payload
    sender = str(message.get("FromUserName", ""))
    if not sender or sender == "sys":
        return
    for i, reply in enumerate(replies):
        if reply.card_update and event.event_type == CARD_EVENT and message.get("ResponseCode"):
            enqueue_card_update(
                session,
                platform=PLATFORM,
                userid=sender,
                card_id=str(message.get("TaskId", "")),
                update=reply.card_update,
                ref={"response_code": str(message["ResponseCode"])},
                key=reply_key(event.id, i, "card"),
            )
        if reply.text:
            enqueue_reply(session, platform=PLATFORM, recipient=sender, key=reply_key(event.id, i), reply=reply)

