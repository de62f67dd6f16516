"""``GET /api/v1/employees/<userid>/attendance?from=YYYY-MM-DD&to=YYYY-MM-DD``: the daily facts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.core.settings.scopes import READ_PEOPLE, READ_SENSITIVE
from bot.models import AttendanceDay, Employee
from bot.people import audit
from handlers.api import api_actor, bp, error, locale, needs, query_day

MAX_SPAN_DAYS = 366

i18n.register(
    {
        "api.attendance.range": {"zh-CN": "日期范围无效", "en": "invalid date range"},
        "api.attendance.order": {"zh-CN": "from 不能晚于 to", "en": "from must not be after to"},
        "api.attendance.span": {"zh-CN": "最多查询 {n} 天", "en": "at most {n} days per request"},
    }
)


def _hhmm(minutes: int | None) -> str | None:
    # 01:30 after midnight shows as 01:30 on the shift day that began the day before.
    return None if minutes is None else i18n.fmt_minutes_of_day(minutes)


def _parse_range(today: date, loc: str) -> tuple[date, date] | dict[str, str]:
    errors: dict[str, str] = {}
    start = query_day("from", today - timedelta(days=29), errors)
    end = query_day("to", today, errors)
    if errors:
        return errors
    if start > end:
        return {"from": i18n.t("api.attendance.order", loc)}
    if (end - start).days + 1 > MAX_SPAN_DAYS:
        return {"to": i18n.t("api.attendance.span", loc, n=MAX_SPAN_DAYS)}
    return start, end


@bp.get("/employees/<userid>/attendance")
@needs(READ_PEOPLE, READ_SENSITIVE)
def get_attendance(userid: str) -> tuple[Response, int]:
    """Every day of the range: calendar kind, leave, first in / last out (local ``HH:MM``), minutes."""
    runtime = get_runtime()
    loc = locale()
    span = _parse_range(runtime.today(), loc)
    if isinstance(span, dict):
        return error(422, "api.attendance.range", fields=span)
    start, end = span
    with runtime.db.session() as s:
        emp_id = s.scalar(select(Employee.id).where(Employee.userid == userid))
        if emp_id is None:
            return error(404, "api.employee.unknown")
        rows = {
            r.day: r
            for r in s.scalars(
                select(AttendanceDay).where(
                    AttendanceDay.employee_id == emp_id, AttendanceDay.day >= start, AttendanceDay.day <= end
                )
            )
        }
        audit.record(
            s,
            api_actor(),
            userid,
            "api.attendance.get",
            "api",
            {"from": start.isoformat(), "to": end.isoformat()},
            at=runtime.clock.now(),
        )
    days: list[dict[str, Any]] = []
    for day, kind in runtime.calendar.days(start, end):
        row = rows.get(day)
        days.append(
            {
                "date": day.isoformat(),
                "kind": row.kind if row else kind,
                "on_leave": bool(row.on_leave) if row else False,
                "first_in": _hhmm(row.first_in_min) if row else None,
                "last_out": _hhmm(row.last_out_min) if row else None,
                "worked_minutes": row.worked_minutes if row else 0,
                "late_minutes": row.late_minutes if row else 0,
                "overtime_minutes": row.overtime_minutes if row else 0,
            }
        )
    return jsonify(days=days), 200
