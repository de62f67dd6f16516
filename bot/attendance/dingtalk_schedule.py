"""Shift schedules (排班) from DingTalk: the company's planned punches per day → ``shift_days``.

DingTalk plans an OnDuty and an OffDuty punch per shift section; the earliest OnDuty and the
latest OffDuty of a person's day give the shift (a night shift's OffDuty falls on the next date,
so its end is past 1440). People DingTalk lists without planned punches are not written; a rest
day in DingTalk simply has no plan. Work dates are fetched one by one (the API is per day).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from bot.attendance import facts, schedule
from bot.attendance.schedule import ShiftSpec
from bot.core.runtime import Runtime
from bot.people.directory import ids_by_userid

log = logging.getLogger(__name__)

Fetch = Callable[[str], list[dict[str, Any]]]


def _minutes(plan: str, day: date) -> int | None:
    try:
        at = datetime.strptime(plan, "%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    return (at.date() - day).days * 1440 + at.hour * 60 + at.minute


def shifts_of_day(items: list[dict[str, Any]], day: date) -> dict[str, ShiftSpec]:
    """``{userid: shift}`` from one day's planned punches."""
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    for item in items:
        userid, minutes = item.get("userid"), _minutes(str(item.get("plan_check_time")), day)
        if not isinstance(userid, str) or minutes is None:
            continue
        if item.get("check_type") == "OnDuty":
            starts[userid] = min(minutes, starts.get(userid, minutes))
        elif item.get("check_type") == "OffDuty":
            ends[userid] = max(minutes, ends.get(userid, minutes))
    return {u: ShiftSpec(starts[u], ends[u]) for u in starts.keys() & ends.keys() if ends[u] > starts[u]}


def sync(runtime: Runtime, fetch: Fetch, start: date, end: date) -> int:
    """Fetch the schedules of ``start``..``end`` and store them; returns the person-days written."""
    by_day: dict[date, dict[str, ShiftSpec]] = {}
    day = start
    while day <= end:
        by_day[day] = shifts_of_day(fetch(day.isoformat()), day)
        day += timedelta(days=1)
    with runtime.db.session() as s:
        ids = ids_by_userid(s, {u for shifts in by_day.values() for u in shifts})
        entries = {(ids[u], d): spec for d, shifts in by_day.items() for u, spec in shifts.items() if u in ids}
        touched = schedule.write(s, facts.shift_of(runtime), entries, source="dingtalk")
        past = [d for _, d in touched if d <= runtime.today()]
        if past:
            facts.rebuild(s, runtime, min(past), max(past), {e for e, d in touched if d <= runtime.today()})
    log.info("dingtalk schedules %s..%s: %d person-days", start, end, len(entries))
    return len(entries)
