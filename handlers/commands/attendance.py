"""The attendance summary of ``/status``: the last 14 workdays from ``attendance_days``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from bot.core import i18n
from bot.models import AttendanceDay, Employee
from handlers.commands.context import CommandContext

WORKDAYS = 14
LATE_NIGHT_MIN = 21 * 60  # last punch at or after 21:00 (minutes past the shift day's midnight)

i18n.register(
    {
        "commands.attendance.head": {
            "zh-CN": "**考勤（近{n}个工作日，{start}–{end}）**",
            "en": "**Attendance (last {n} workdays, {start}–{end})**",
        },
        "commands.attendance.line": {
            "zh-CN": "迟到 {late} 天 · 21:00后下班 {nights} 天 · 加班 {overtime}",
            "en": "late {late} d · left after 21:00 {nights} d · overtime {overtime}",
        },
        "commands.attendance.extra": {
            "zh-CN": "休假 {leave} 天 · 无打卡 {missing} 天 · 休息日出勤 {rest} 天",
            "en": "on leave {leave} d · no punches {missing} d · worked on days off {rest} d",
        },
        "commands.attendance.nights": {"zh-CN": "最近晚走：{items}", "en": "Recent late nights: {items}"},
        "commands.attendance.none": {
            "zh-CN": "近{n}个工作日没有考勤数据。",
            "en": "No attendance data for the last {n} workdays.",
        },
    }
)


@dataclass(frozen=True)
class AttendanceSummary:
    """Counts over the window (``start``..``end``, the last complete workdays)."""

    start: date
    end: date
    rows: int
    late_days: int
    late_nights: int
    overtime_minutes: int
    leave_days: int
    missing_days: int
    rest_days_worked: int
    recent_nights: list[datetime]


def last_complete_day(ctx: CommandContext) -> date:
    """The latest shift day whose punches are all in (it ends at the next day's day boundary)."""
    boundary: time = ctx.runtime.settings.attendance.day_boundary
    local = ctx.runtime.clock.now().astimezone(ctx.runtime.tz)
    return (local - timedelta(hours=boundary.hour, minutes=boundary.minute)).date() - timedelta(days=1)


def summarise(ctx: CommandContext, employee: Employee) -> AttendanceSummary:
    """Facts of the last 14 workdays (rest days in between count as days off worked)."""
    employee_id = employee.id
    # The window runs to the last complete day, so a weekend worked just now is included.
    end = last_complete_day(ctx)
    workdays = ctx.runtime.calendar.workdays_back(end, WORKDAYS)
    start = workdays[0]
    # Workdays before the hire date are not "missing punches".
    expected = [d for d in workdays if employee.hired_on is None or d >= employee.hired_on]
    rows = list(
        ctx.session.scalars(
            select(AttendanceDay).where(
                AttendanceDay.employee_id == employee_id, AttendanceDay.day >= start, AttendanceDay.day <= end
            )
        )
    )
    work = set(workdays)
    by_day = {r.day: r for r in rows}
    nights = sorted(
        (r for r in rows if (r.last_out_min or 0) >= LATE_NIGHT_MIN and r.last_out is not None),
        key=lambda r: r.day,
        reverse=True,
    )
    return AttendanceSummary(
        start=start,
        end=end,
        rows=len(rows),
        late_days=sum(1 for r in rows if r.day in work and r.late_minutes > 0 and not r.on_leave),
        late_nights=len(nights),
        overtime_minutes=sum(r.overtime_minutes for r in rows),
        leave_days=sum(1 for d in workdays if d in by_day and by_day[d].on_leave),
        missing_days=sum(
            1 for d in expected if d not in by_day or (by_day[d].punch_count == 0 and not by_day[d].on_leave)
        ),
        rest_days_worked=sum(1 for r in rows if r.day not in work and r.punch_count > 0),
        recent_nights=[r.last_out for r in nights[:3] if r.last_out is not None],
    )


def attendance_lines(ctx: CommandContext, employee: Employee) -> list[str]:
    """The markdown lines of the attendance block."""
    s = summarise(ctx, employee)
    loc = ctx.locale
    head = ctx.t(
        "commands.attendance.head", n=WORKDAYS, start=i18n.fmt_date(s.start, loc), end=i18n.fmt_date(s.end, loc)
    )
    if s.rows == 0:
        return [head, ctx.t("commands.attendance.none", n=WORKDAYS)]
    lines = [
        head,
        "- "
        + ctx.t(
            "commands.attendance.line",
            late=s.late_days,
            nights=s.late_nights,
            overtime=i18n.fmt_hours(s.overtime_minutes, loc),
        ),
        "- " + ctx.t("commands.attendance.extra", leave=s.leave_days, missing=s.missing_days, rest=s.rest_days_worked),
    ]
    if s.recent_nights:
        items = i18n.list_join([i18n.fmt_datetime(at, ctx.runtime.tz, loc) for at in s.recent_nights], loc)
        lines.append("- " + ctx.t("commands.attendance.nights", items=items))
    return lines
