"""DingTalk inbound: decrypted event-subscription payloads → idempotency keys and normalised events.

Both payload generations are accepted (protocols.md §2.6): legacy capitalised keys (``UserId``,
``DataList``, ``TimeStamp``) and current lower-camel keys (``userId``, ``dataList``, ``timeStamp``);
keys are looked up case-insensitively. Robot messages and card clicks, stored under the same
platform, are normalised by :mod:`bot.platforms.dingtalk.inbound_chat`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from bot.pipeline.events import ApprovalChange, AttendancePunch, Event, OrgChange, UnknownEvent
from bot.platforms.dingtalk import inbound_chat as chat
from bot.platforms.dingtalk.fields import digest, field, ms_to_datetime

log = logging.getLogger(__name__)

PLATFORM = "dingtalk"
ATTENDANCE = "attendance_check_record"
ORG_EVENTS = {"user_add_org": "add", "user_modify_org": "modify", "user_leave_org": "leave"}
APPROVAL_EVENTS = ("attendance_approve_status_change", "bpms_instance_change")


def event_type_of(payload: Mapping[str, Any]) -> str:
    """The ``EventType`` (any case), or ``unknown`` when absent."""
    value = field(payload, "EventType", "eventType")
    return str(value) if value else "unknown"


def _userids(payload: Mapping[str, Any]) -> list[str]:
    raw = field(payload, "UserId", "userIds", "userIdList")
    if isinstance(raw, str):
        return [u for u in raw.split(",") if u]
    if isinstance(raw, list):
        return [str(u) for u in raw if u]
    return []


def _items(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = field(payload, "DataList")
    return [item for item in raw if isinstance(item, Mapping)] if isinstance(raw, list) else []


def _punch_key(item: Mapping[str, Any]) -> str:
    biz = field(item, "bizId")
    return str(biz) if biz else f"{field(item, 'userId')}@{field(item, 'checkTime')}"


def event_key(payload: Mapping[str, Any]) -> str:
    """The idempotency key of an event callback: ``eventId``, else the protocols.md §2.5 fallbacks."""
    event_id = field(payload, "eventId", "EventId")
    if event_id:
        return f"eid:{event_id}"
    etype = event_type_of(payload)
    if etype == ATTENDANCE and _items(payload):
        keys = sorted(_punch_key(i) for i in _items(payload))
        joined = ",".join(keys)
        return f"att:{joined}" if len(joined) <= 200 else f"att:sha1:{digest(joined)}"
    if etype in ORG_EVENTS:
        when = field(payload, "TimeStamp", "EventTime")
        users = ",".join(sorted(_userids(payload)))
        return f"org:{etype}:{when}:{users}" if len(users) <= 150 else f"org:{etype}:{when}:sha1:{digest(users)}"
    if etype in APPROVAL_EVENTS:
        instance = field(payload, "processInstanceId")
        state = field(payload, "type", "status")
        task = field(payload, "taskId") or ""
        result = field(payload, "result") or ""
        if instance:
            return f"apv:{instance}:{state}:{result}:{task}"
    # Anything else: the same content is the same event.
    return f"sha1:{etype}:{digest(json.dumps(payload, sort_keys=True, ensure_ascii=False))}"


def _punches(payload: Mapping[str, Any]) -> list[Event]:
    out: list[Event] = []
    for item in _items(payload):
        userid = field(item, "userId", "userid")
        at = ms_to_datetime(field(item, "checkTime"))
        if not userid or at is None:
            # Cannot be a punch without a person and an instant; the stored payload keeps it.
            log.warning("attendance item without userId/checkTime skipped (bizId %s)", field(item, "bizId"))
            continue
        biz = field(item, "bizId")
        out.append(AttendancePunch(PLATFORM, str(userid), at, check_type=None, source_ref=str(biz) if biz else None))
    return out


def _org_change(etype: str, payload: Mapping[str, Any]) -> list[Event]:
    when = ms_to_datetime(field(payload, "TimeStamp", "EventTime"))
    detail: dict[str, Any] = {}
    diff = field(payload, "diffInfo")
    if diff is not None:
        detail["diff"] = diff
    corp = field(payload, "CorpId")
    if corp:
        detail["corp_id"] = corp
    return [OrgChange(PLATFORM, ORG_EVENTS[etype], tuple(_userids(payload)), occurred_at=when, detail=detail)]


_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("overtime", ("overtime",)),
    ("goout", ("goout", "go_out")),
    ("trip", ("trip", "business", "evection")),
    ("leave", ("leave",)),
)


def approval_kind(*hints: Any) -> str:
    """``leave|trip|goout|overtime|other`` from ``approveType`` / ``bizCategoryId`` values."""
    for hint in hints:
        text = str(hint or "").lower()
        for kind, words in _KIND_WORDS:
            if any(w in text for w in words):
                return kind
    return "other"


def approval_status(state: Any, result: Any = None) -> str:
    """``pending|approved|rejected|revoked`` from ``type``/``status`` and ``result``."""
    s, r = str(state or "").lower(), str(result or "").lower()
    if r in ("refuse", "reject", "rejected") or s in ("refuse", "reject", "rejected"):
        return "rejected"
    if s in ("terminate", "revoke", "revoked", "delete", "cancel", "canceled", "cancelled"):
        return "revoked"
    if s in ("finish", "agree", "approved", "complete", "completed") or r == "agree":
        return "approved"
    return "pending"


def _approval(etype: str, payload: Mapping[str, Any]) -> list[Event]:
    instance = field(payload, "processInstanceId", "mainProcessInstanceId")
    if not instance:
        log.warning("%s without processInstanceId; stored, not normalised", etype)
        return [UnknownEvent(PLATFORM, etype)]
    userid = field(payload, "staffId", "userId", "originatorUserId", "userid")
    state = field(payload, "type", "status")
    return [
        ApprovalChange(
            PLATFORM,
            userid=str(userid or ""),
            kind=approval_kind(field(payload, "approveType"), field(payload, "bizCategoryId")),
            status=approval_status(state, field(payload, "result")),
            source_key=str(instance),
            detail={k: v for k, v in payload.items() if k.lower() not in ("corpid",)},
        )
    ]


def normalise_event(etype: str, payload: Mapping[str, Any]) -> list[Event]:
    """One decrypted event-subscription payload → normalised events (Unknown when we don't act on it)."""
    if etype == ATTENDANCE:
        return _punches(payload)
    if etype in ORG_EVENTS:
        return _org_change(etype, payload)
    if etype in APPROVAL_EVENTS:
        return _approval(etype, payload)
    return [UnknownEvent(PLATFORM, etype)]


def normalise(event_type: str, payload: dict[str, Any]) -> list[Event]:
    """The inbox normaliser for everything stored under platform ``dingtalk``."""
    if event_type == chat.ROBOT_EVENT:
        return chat.normalise_robot(payload)
    if event_type == chat.CARD_EVENT:
        return chat.normalise_card(payload)
    return normalise_event(event_type, payload)

