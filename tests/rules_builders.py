"""Builders of facts for the rule tests: people, attendance days, metrics, pulses, life events."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.workcalendar import WorkCalendar
from bot.models import (
    AttendanceDay,
    Consent,
    Department,
    Employee,
    LifeEvent,
    Metric,
    Survey,
    SurveyAnswer,
)

__all__ = ["Employee", "Survey", "SurveyAnswer", "select"]  # used by the tests through this module as well

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def d(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def minutes(hhmm: str) -> int:
    """``"21:42"`` → 1302; ``"01:10+1"`` (after midnight, same shift) → 1510."""
    plus = hhmm.endswith("+1")
    hh, mm = hhmm.removesuffix("+1").split(":")
    return int(hh) * 60 + int(mm) + (1440 if plus else 0)


def department(s: Session, name: str) -> int:
    found = s.scalar(select(Department.id).where(Department.name == name))
    if found is not None:
        return found
    dep = Department(name=name)
    s.add(dep)
    s.flush()
    return dep.id


def employee(s: Session, userid: str, **kw: Any) -> int:
    """An active employee (hired 2024-01-01 unless said otherwise); returns the id."""
    dept = kw.pop("department", None)
    manager = kw.pop("manager", None)
    row = Employee(
        userid=userid,
        name=kw.pop("name", f"员工{userid}"),
        hired_on=kw.pop("hired_on", date(2024, 1, 1)),
        department_id=department(s, dept) if dept else None,
        manager_id=manager,
        **kw,
    )
    s.add(row)
    s.flush()
    return row.id


def attendance(
    s: Session,
    emp: int,
    day: str | date,
    last_out: str | None = "18:10",
    *,
    first_in: str | None = "08:55",
    worked: int | None = None,
    late: int = 0,
    overtime: int | None = None,
    on_leave: bool = False,
) -> None:
    """One day of facts; worked/overtime default to what the punches imply against 09:00–18:00."""
    day = d(day)
    fi = minutes(first_in) if first_in else None
    lo = minutes(last_out) if last_out else None
    if worked is None:
        worked = (lo - fi) if (fi is not None and lo is not None) else 0
    if overtime is None:
        overtime = max(0, lo - 18 * 60) if lo is not None else 0
    midnight = datetime.combine(day, time(0, 0), SH)
    s.add(
        AttendanceDay(
            employee_id=emp,
            day=day,
            kind=CAL.kind(day),
            on_leave=on_leave,
            leave_kind="annual" if on_leave else None,
            first_in=(midnight + timedelta(minutes=fi)).astimezone(UTC) if fi is not None else None,
            last_out=(midnight + timedelta(minutes=lo)).astimezone(UTC) if lo is not None else None,
            first_in_min=fi,
            last_out_min=lo,
            punch_count=2 if fi is not None else 0,
            worked_minutes=worked,
            late_minutes=late,
            overtime_minutes=overtime,
        )
    )


def metric(s: Session, emp: int, name: str, day: str | date, value: float) -> None:
    s.add(Metric(employee_id=emp, metric=name, day=d(day), value=value))


def survey(
    s: Session, emp: int, scheduled_on: str | date, status: str = "answered", *, expires_at: datetime | None = None
) -> int:
    row = Survey(
        employee_id=emp,
        scheduled_on=d(scheduled_on),
        question_keys=["stress"],
        status=status,
        sent_at=datetime.combine(d(scheduled_on), time(10, 0), SH),
        expires_at=expires_at or datetime.combine(d(scheduled_on) + timedelta(days=7), time(18, 0), SH),
    )
    s.add(row)
    s.flush()
    return row.id


def answer(s: Session, emp: int, question: str, value: float, day: str | date, *, mode: str = "checkin") -> None:
    """A survey on ``day`` answered with ``value`` at 11:00 local time."""
    sid = survey(s, emp, day, "answered")
    s.add(
        SurveyAnswer(
            survey_id=sid,
            employee_id=emp,
            question_key=question,
            mode=mode,
            value=value,
            answered_on=d(day),
            answered_at=datetime.combine(d(day), time(11, 0), SH),
        )
    )


def life_event(
    s: Session,
    emp: int,
    kind: str,
    declared: str | date,
    expires: str | date,
    *,
    consent: bool = True,
    revoked: datetime | None = None,
    consent_kind: str | None = None,
    note: str | None = "私人",
) -> None:
    consent_id = None
    if consent:
        c = Consent(
            employee_id=emp,
            kind=consent_kind or ("health" if kind == "health" else "life_event"),
            granted_at=datetime.combine(d(declared), time(9, 0), SH),
            revoked_at=revoked,
        )
        s.add(c)
        s.flush()
        consent_id = c.id
    s.add(
        LifeEvent(
            employee_id=emp,
            consent_id=consent_id,
            kind=kind,
            declared_on=d(declared),
            expires_on=d(expires),
            note=note,
        )
    )


def workdays(start: str | date, end: str | date) -> list[date]:
    out = []
    day = d(start)
    while day <= d(end):
        if CAL.is_workday(day):
            out.append(day)
        day += timedelta(days=1)
    return out


def run(runtime: Any, condition: dict[str, Any], day: str | date, *, only: list[int] | None = None) -> dict[str, Any]:
    """Evaluate one condition on ``day`` for everyone (or ``only``); evidence by userid."""
    from pydantic import TypeAdapter

    from rules import conditions
    from rules.context import EvalContext
    from rules.engine import facts_through
    from rules.model import Condition

    cond = TypeAdapter(Condition).validate_python(condition)
    with runtime.db.session() as s:
        ctx = EvalContext(s, d(day), facts_through(runtime, d(day)), runtime.calendar, runtime.tz, only)
        found = conditions.evaluate(cond, ctx)
        names = {row[0]: row[1] for row in s.execute(select(Employee.id, Employee.userid))}
    return {names[emp]: evidence for emp, evidence in found.items()}
