"""The SQL of the daily facts: punches and approvals placed on shift days, aggregated, derived.

One ``SELECT`` per window: the window's days, as bound parameters (their UTC windows, local
midnight and calendar kind) joined to punches and approvals, grouped per employee and day, then
the minutes derived with plain integer arithmetic — identical on SQLite and PostgreSQL.

A person with a shift schedule (``shift_days``) has that day's punches taken from the shift's own
window (so a night shift keeps its morning clock-out), and late, overtime and the day's kind are
measured against that shift; everyone else uses the company-wide ``[attendance]`` hours.
"""

from __future__ import annotations

import typing
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    String,
    Table,
    and_,
    case,
    cast,
    exists,
    extract,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.attendance.shift import Shift, day_rows
from bot.core.runtime import Runtime
from bot.models import Approval, AttendanceDay, Punch, ShiftDay
from bot.models.base import UTCDateTime

LEAVE_KINDS = ("leave", "trip")
EXCUSE_KINDS = ("leave", "trip", "goout")

P = typing.cast(Table, Punch.__table__)
A = typing.cast(Table, Approval.__table__)
D = typing.cast(Table, AttendanceDay.__table__)
S = typing.cast(Table, ShiftDay.__table__)


def _epoch(expr: Any, dialect: str) -> ColumnElement[int]:
    """Whole seconds since 1970 of a stored instant (SQLite rounds to milliseconds first; so do we)."""
    if dialect == "postgresql":
        return cast(func.floor(func.round(extract("epoch", expr), 3)), BigInteger)
    return cast(func.strftime("%s", expr), BigInteger)


def _days_cte(shift: Shift, runtime: Runtime, start: date, end: date) -> Any:
    """The window's days as a CTE of bound parameters (a ``SELECT`` per day, ``UNION ALL``).

    Not a ``VALUES`` list: SQLAlchemy cannot cache a statement holding one, so every call compiled
    the whole statement again (~45 % of a callback's time when each punch recomputed its day). Bound
    parameters give one cache entry per window length, reused by every batch and rebuild.
    """
    selects = [
        select(
            literal(w.day, Date).label("day"),
            literal(str(kind), String).label("kind"),
            literal(w.lo, UTCDateTime).label("lo"),
            literal(w.hi, UTCDateTime).label("hi"),
            literal(w.sched_start, UTCDateTime).label("s_start"),
            literal(w.sched_end, UTCDateTime).label("s_end"),
            literal(w.midnight_epoch, BigInteger).label("midnight"),
        )
        for w, kind in day_rows(shift, runtime.calendar, start, end)
    ]
    return (union_all(*selects) if len(selects) > 1 else selects[0]).cte("days")


def _null(type_: Any) -> Any:
    return cast(null(), type_)


def _fragments(days: Any, ids: list[int] | None, dialect: str) -> Any:
    """Punches, leave-like approvals and overtime approvals, each placed on its shift day."""
    punch_cols = (
        P.c.employee_id,
        days.c.day,
        P.c.punched_at.label("at"),
        # Minutes after the shift day's local midnight, once per punch (cheaper than per group).
        ((_epoch(P.c.punched_at, dialect) - days.c.midnight) // 60).label("m"),
        P.c.check_type.label("ctype"),
        literal(0, Integer).label("leave"),
        _null(String).label("leave_kind"),
        literal(0, Integer).label("excuse"),
        literal(0, Integer).label("ot"),
    )
    # A punch inside a scheduled shift's window belongs to that shift's day, never to the default one.
    claimed = exists().where(
        S.c.employee_id == P.c.employee_id, S.c.window_lo <= P.c.punched_at, S.c.window_hi > P.c.punched_at
    )
    punches = (
        select(*punch_cols)
        .select_from(days)
        .join(P, and_(P.c.punched_at >= days.c.lo, P.c.punched_at < days.c.hi))
        .where(P.c.employee_id.is_not(None), ~claimed)
    )
    scheduled = (
        select(*punch_cols)
        .select_from(days)
        .join(S, S.c.day == days.c.day)
        .join(
            P, and_(P.c.employee_id == S.c.employee_id, P.c.punched_at >= S.c.window_lo, P.c.punched_at < S.c.window_hi)
        )
    )
    approved = and_(A.c.status == "approved", A.c.employee_id.is_not(None), A.c.starts_at.is_not(None))
    leaves = (
        select(
            A.c.employee_id,
            days.c.day,
            _null(UTCDateTime).label("at"),
            _null(BigInteger).label("m"),
            _null(String).label("ctype"),
            case((A.c.kind.in_(LEAVE_KINDS), 1), else_=0).label("leave"),
            case((A.c.kind.in_(LEAVE_KINDS), A.c.kind), else_=None).label("leave_kind"),
            case((and_(A.c.starts_at <= days.c.s_start, A.c.ends_at > days.c.s_start), 1), else_=0).label("excuse"),
            literal(0, Integer).label("ot"),
        )
        .select_from(days)
        .join(A, and_(A.c.starts_at < days.c.s_end, A.c.ends_at > days.c.s_start))
        .where(approved, A.c.kind.in_(EXCUSE_KINDS), A.c.ends_at.is_not(None))
    )
    overtime = (
        select(
            A.c.employee_id,
            days.c.day,
            _null(UTCDateTime).label("at"),
            _null(BigInteger).label("m"),
            _null(String).label("ctype"),
            literal(0, Integer).label("leave"),
            _null(String).label("leave_kind"),
            literal(0, Integer).label("excuse"),
            # Without a minute count, the approved interval gives the minutes.
            func.coalesce(A.c.minutes, (_epoch(A.c.ends_at, dialect) - _epoch(A.c.starts_at, dialect)) // 60, 0).label(
                "ot"
            ),
        )
        .select_from(days)
        .join(A, and_(A.c.starts_at >= days.c.lo, A.c.starts_at < days.c.hi))
        .where(approved, A.c.kind == "overtime")
    )
    if ids is not None:
        punches = punches.where(P.c.employee_id.in_(ids))
        scheduled = scheduled.where(S.c.employee_id.in_(ids))
        leaves = leaves.where(A.c.employee_id.in_(ids))
        overtime = overtime.where(A.c.employee_id.in_(ids))
    return punches, scheduled, leaves, overtime


def select_facts(
    session: Session, runtime: Runtime, shift: Shift, start: date, end: date, ids: list[int] | None
) -> Any:
    """The ``SELECT`` of the fact rows (``FACT_COLUMNS``) of ``ids`` (None: everyone) for the days."""
    dialect = session.get_bind().dialect.name
    days = _days_cte(shift, runtime, start, end)
    punches, scheduled, leaves, overtime = _fragments(days, ids, dialect)
    u = union_all(punches, scheduled, leaves, overtime).subquery("u")
    agg = (
        select(
            u.c.employee_id,
            u.c.day,
            func.min(u.c.at).label("first_at"),
            func.max(u.c.at).label("last_at"),
            func.min(u.c.m).label("first_raw"),
            func.max(u.c.m).label("last_raw"),
            func.count(u.c.at).label("n"),
            func.max(u.c.ctype).label("ctype"),
            func.max(u.c.leave).label("leave"),
            func.min(u.c.leave_kind).label("leave_kind"),
            func.max(u.c.excuse).label("excuse"),
            func.sum(u.c.ot).label("ot"),
        )
        .group_by(u.c.employee_id, u.c.day)
        .subquery("agg")
    )
    first_raw, last_raw = agg.c.first_raw, agg.c.last_raw
    sd = S.alias("sd")
    has_row = sd.c.id.is_not(None)
    # The person's shift that day: the schedule's, else the company-wide hours.
    s_start = func.coalesce(sd.c.start_min, shift.start_min)
    s_end = func.coalesce(sd.c.end_min, shift.end_min)
    kind = case(
        (and_(has_row, sd.c.start_min.is_not(None)), "workday"),
        (has_row, "restday"),
        else_=days.c.kind,
    )
    ctype = func.coalesce(agg.c.ctype, "")  # never NULL, so NOT(...) below stays two-valued
    lone_out = and_(
        agg.c.n == 1,
        or_(ctype == "off", and_(ctype != "on", first_raw >= (s_start + s_end) / 2)),
    )
    lone_in = and_(agg.c.n == 1, ~lone_out)
    has_in = and_(agg.c.n > 0, ~lone_out)
    has_out = and_(agg.c.n > 0, ~lone_in)
    first_in_min = case((has_in, first_raw), else_=None)
    last_out_min = case((has_out, last_raw), else_=None)
    # Presence minus the part of the unpaid break inside it (12:00–13:00 by default).
    break_lo = case((first_raw > shift.break_start_min, first_raw), else_=shift.break_start_min)
    break_hi = case((last_raw < shift.break_end_min, last_raw), else_=shift.break_end_min)
    # The configured break belongs to the company hours; a scheduled shift's breaks are not known.
    in_break = case((and_(~has_row, break_hi > break_lo), break_hi - break_lo), else_=0)
    worked = case((agg.c.n >= 2, last_raw - first_raw - in_break), else_=0)
    on_leave = agg.c.leave == 1
    late = case(
        (
            and_(
                kind == "workday",
                has_in,
                ~on_leave,
                agg.c.excuse == 0,
                first_raw > s_start + shift.grace_min,
            ),
            first_raw - s_start,
        ),
        else_=0,
    )
    ot_from = case((and_(has_in, first_raw > s_end), first_raw), else_=s_end)
    overtime_min = case(
        (kind != "workday", worked),
        (and_(has_out, last_raw > ot_from), last_raw - ot_from),
        else_=0,
    )
    now = runtime.clock.now()
    return (
        select(
            agg.c.employee_id,
            agg.c.day,
            kind.label("kind"),
            on_leave.label("on_leave"),
            agg.c.leave_kind,
            case((has_in, agg.c.first_at), else_=None).label("first_in"),
            case((has_out, agg.c.last_at), else_=None).label("last_out"),
            first_in_min.label("first_in_min"),
            last_out_min.label("last_out_min"),
            agg.c.n.label("punch_count"),
            worked.label("worked_minutes"),
            late.label("late_minutes"),
            overtime_min.label("overtime_minutes"),
            func.coalesce(agg.c.ot, 0).label("approved_overtime_minutes"),
            sd.c.start_min.label("sched_start_min"),
            sd.c.end_min.label("sched_end_min"),
            literal(now, UTCDateTime).label("computed_at"),
        )
        .select_from(agg)
        .join(days, days.c.day == agg.c.day)
        .outerjoin(sd, and_(sd.c.employee_id == agg.c.employee_id, sd.c.day == agg.c.day))
        # SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT to parse it unambiguously.
        .where(true())
    )


FACT_COLUMNS = (
    "employee_id",
    "day",
    "kind",
    "on_leave",
    "leave_kind",
    "first_in",
    "last_out",
    "first_in_min",
    "last_out_min",
    "punch_count",
    "worked_minutes",
    "late_minutes",
    "overtime_minutes",
    "approved_overtime_minutes",
    "sched_start_min",
    "sched_end_min",
    "computed_at",
)
