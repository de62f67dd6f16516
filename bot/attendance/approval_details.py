"""Approval events name an approval but not its dates: fetch the interval from the platform.

* WeCom ``sys_approval_change``: ``oa/getapprovaldetail`` by ``sp_no``; the leave/trip/outing/
  overtime control carries ``date_range {new_begin, new_end, new_duration}`` (unix seconds).
* DingTalk leave: ``topapi/attendance/getleavestatus`` lists the person's approved leave intervals
  (ms); they are stored as approvals keyed ``leave:<userid>:<start ms>``, and ones DingTalk no
  longer lists in the queried range (a revoked leave) are marked revoked.
* DingTalk trips, outings and overtime: ``topapi/processinstance/get``; the first form value that
  holds a start and an end date-time gives the interval.

Without a configured client, or when the platform will not say, the event is recorded as it came
(it then marks no day) and a warning is logged.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.errors import PlatformAPIError
from bot.core.input_guard import plain_int
from bot.core.runtime import Runtime
from bot.models import Approval
from bot.pipeline.events import ApprovalChange

log = logging.getLogger(__name__)

PLACEABLE = ("leave", "trip", "goout", "overtime")
LEAVE_LOOKBACK = timedelta(days=30)
LEAVE_LOOKAHEAD = timedelta(days=149)  # DingTalk allows at most 180 days per query
LEAVE_PAGE = 20
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}))?")


def _client(runtime: Runtime, platform: str) -> Any:
    return getattr(runtime.platforms.get(platform), "client", None)


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner)


def _wecom(runtime: Runtime, change: ApprovalChange) -> list[ApprovalChange]:
    client = _client(runtime, "wecom")
    if client is None:
        return [change]
    answer = client.call(
        "POST", "/cgi-bin/oa/getapprovaldetail", "getapprovaldetail", body={"sp_no": change.source_key}
    )
    contents = ((answer.get("info") or {}).get("apply_data") or {}).get("contents")
    for node in _walk(contents):
        if "new_begin" in node and "new_end" in node:
            try:
                start = datetime.fromtimestamp(int(node["new_begin"]), UTC)
                end = datetime.fromtimestamp(int(node["new_end"]), UTC)
            except (TypeError, ValueError, OverflowError, OSError):
                continue
            duration = plain_int(str(node.get("new_duration", "")))  # "²" passes isdigit(), not int()
            minutes = duration // 60 if change.kind == "overtime" and duration is not None else change.minutes
            return [replace(change, starts_at=start, ends_at=end, minutes=minutes)]
    log.warning("wecom approval %s: no date range in its detail; it marks no day", change.source_key)
    return [change]


def _local(text: str, tz: ZoneInfo, *, end: bool) -> datetime | None:
    match = _DATETIME.search(text)
    if not match:
        return None
    day, clock = match.groups()
    try:
        if clock:
            return datetime.fromisoformat(f"{day} {clock.zfill(5)}").replace(tzinfo=tz).astimezone(UTC)
        base = datetime.fromisoformat(day).replace(tzinfo=tz)
    except ValueError:
        return None
    # A bare date covers the whole day.
    return (base + timedelta(days=1) if end else base).astimezone(UTC)


def _dingtalk_instance(runtime: Runtime, change: ApprovalChange) -> list[ApprovalChange]:
    client = _client(runtime, "dingtalk")
    if client is None:
        return [change]
    answer = client.oapi(
        "POST", "/topapi/processinstance/get", {"process_instance_id": change.source_key}, "processinstance/get"
    )
    instance = answer.get("process_instance") or answer.get("result") or {}
    for component in instance.get("form_component_values") or []:
        value = component.get("value")
        try:
            parts = json.loads(value) if isinstance(value, str) and value.startswith("[") else None
        except json.JSONDecodeError:
            parts = None
        if isinstance(parts, list) and len(parts) >= 2 and all(isinstance(p, str) for p in parts[:2]):
            start = _local(parts[0], runtime.tz, end=False)
            end = _local(parts[1], runtime.tz, end=True)
            if start and end and end > start:
                return [replace(change, starts_at=start, ends_at=end)]
    log.warning("dingtalk approval %s: no start and end in its form; it marks no day", change.source_key)
    return [change]


def _dingtalk_leaves(session: Session, runtime: Runtime, change: ApprovalChange) -> list[ApprovalChange]:
    client = _client(runtime, "dingtalk")
    if client is None or not change.userid:
        return [change]
    now = runtime.clock.now()
    lo, hi = now - LEAVE_LOOKBACK, now + LEAVE_LOOKAHEAD
    intervals: list[tuple[int, int]] = []
    offset = 0
    while True:
        body = {
            "userid_list": change.userid,
            "start_time": int(lo.timestamp() * 1000),
            "end_time": int(hi.timestamp() * 1000),
            "offset": offset,
            "size": LEAVE_PAGE,
        }
        result = client.oapi("POST", "/topapi/attendance/getleavestatus", body, "getleavestatus").get("result") or {}
        for item in result.get("leave_status") or []:
            if str(item.get("userid", change.userid)) == change.userid:
                intervals.append((int(item["start_time"]), int(item["end_time"])))
        if not result.get("has_more"):
            break
        offset += LEAVE_PAGE
    out = [change]
    seen = set()
    for start_ms, end_ms in intervals:
        key = f"leave:{change.userid}:{start_ms}"
        seen.add(key)
        out.append(
            ApprovalChange(
                change.platform,
                change.userid,
                "leave",
                "approved",
                key,
                starts_at=datetime.fromtimestamp(start_ms / 1000, UTC),
                ends_at=datetime.fromtimestamp(end_ms / 1000, UTC),
                detail={"via": "getleavestatus", "event": change.source_key},
            )
        )
    # Leaves DingTalk listed before but not now (within the same range) were revoked.
    earlier = session.scalars(
        select(Approval.source_key).where(
            Approval.source == change.platform,
            Approval.source_key.like(f"leave:{change.userid}:%"),
            Approval.status == "approved",
            Approval.starts_at >= lo,
            Approval.starts_at < hi,
        )
    )
    out.extend(
        ApprovalChange(change.platform, change.userid, "leave", "revoked", key) for key in earlier if key not in seen
    )
    return out


def with_interval(session: Session, runtime: Runtime, change: ApprovalChange) -> list[ApprovalChange]:
    """The change with its interval filled in (and, for DingTalk leave, the person's leave intervals).

    Raises:
        PlatformAPIError: a retryable platform error (the inbox retries the event).
    """
    resync = change.platform == "dingtalk" and change.kind == "leave" and change.status == "revoked"
    if change.starts_at is not None or change.kind not in PLACEABLE or not (change.status == "approved" or resync):
        return [change]
    try:
        if change.platform == "wecom":
            return _wecom(runtime, change)
        if change.platform == "dingtalk":
            if change.kind == "leave":
                return _dingtalk_leaves(session, runtime, change)
            return _dingtalk_instance(runtime, change)
    except PlatformAPIError as exc:
        if exc.retryable:
            raise
        log.warning(
            "%s approval %s: details unavailable (%s); it marks no day", change.platform, change.source_key, exc
        )
    return [change]
