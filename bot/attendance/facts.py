"""Daily attendance facts: punches + approvals + the work calendar → ``attendance_days``, set-based.

One row per employee and shift day that has at least one punch, or an approved leave, trip,
outing or overtime covering it; a day without a row had neither. Each window of at most
``WINDOW_DAYS`` days and ``ID_CHUNK`` employees is two SQL statements (a delete of the scope and
one ``INSERT … SELECT … ON CONFLICT``), never one query per employee, so recomputing is
idempotent and the same on SQLite and PostgreSQL.

Definitions (minutes are whole minutes after local midnight of the shift day, past 1440 after
midnight): ``first_in``/``last_out`` are the earliest and latest punch (a lone punch is a clock-out
when marked ``off`` or, unmarked, after the middle of the shift); ``worked_minutes`` is the span
between them; ``late_minutes`` counts from ``workday_start`` once the grace is exceeded, on
workdays only and not when an approval covers the start; ``overtime_minutes`` is the time after
``workday_end`` on workdays and all worked time on rest days and holidays.
"""

from __future__ import annotations

import logging
import typing
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
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
    column,
    delete,
    extract,
    func,
    literal,
    null,
    or_,
    select,
    text,
    true,
    union_all,
    values,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause, ColumnElement

from bot.attendance.shift import Shift, day_rows
from bot.models import Approval, AttendanceDay, Punch
from bot.models.base import UTCDateTime
from bot.runtime import Runtime
from bot.sqlutil import dialect_insert

log = logging.getLogger(__name__)

WINDOW_DAYS = 31
ID_CHUNK = 2000  # employees per statement: keeps IN (...) lists small on SQLite
LEAVE_KINDS = ("leave", "trip")
EXCUSE_KINDS = ("leave", "trip", "goout")

P = typing.cast(Table, Punch.__table__)
A = typing.cast(Table, Approval.__table__)
D = typing.cast(Table, AttendanceDay.__table__)


@dataclass
class FactStats:
    """What a computation did: statements run and rows written."""

    windows: int = 0
    rows: int = 0


def _epoch(expr: Any, dialect: str) -> ColumnElement[int]:
    """Whole seconds since 1970 of a stored instant (SQLite rounds to milliseconds first; so do we)."""
    if dialect == "postgresql":
        return cast(func.floor(func.round(extract("epoch", expr), 3)), BigInteger)
    return cast(func.strftime("%s", expr), BigInteger)


def _days_cte(shift: Shift, runtime: Runtime, start: date, end: date) -> Any:
    rows = [
        (w.day, kind, w.lo, w.hi, w.sched_start, w.sched_end, w.midnight_epoch)
        for w, kind in day_rows(shift, runtime.calendar, start, end)
    ]
    cols: list[ColumnClause[Any]] = [
        column("day", Date),
        column("kind", String),
        column("lo", UTCDateTime),
        column("hi", UTCDateTime),
        column("s_start", UTCDateTime),
        column("s_end", UTCDateTime),
        column("midnight", BigInteger),
    ]
    return values(*cols, name="days").data(rows).cte("days")


def _null(type_: Any) -> Any:
    return cast(null(), type_)


def _fragments(days: Any, ids: list[int] | None, dialect: str) -> Any:
    """Punches, leave-like approvals and overtime approvals, each placed on its shift day."""
    punches = (
        select(
            P.c.employee_id,
            days.c.day,
            P.c.punched_at.label("at"),
            P.c.check_type.label("ctype"),
            literal(0, Integer).label("leave"),
            _null(String).label("leave_kind"),
            literal(0, Integer).label("excuse"),
            literal(0, Integer).label("ot"),
        )
        .select_from(days)
        .join(P, and_(P.c.punched_at >= days.c.lo, P.c.punched_at < days.c.hi))
        .where(P.c.employee_id.is_not(None))
    )
    approved = and_(A.c.status == "approved", A.c.employee_id.is_not(None), A.c.starts_at.is_not(None))
    leaves = (
        select(
            A.c.employee_id,
            days.c.day,
            _null(UTCDateTime).label("at"),
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
        leaves = leaves.where(A.c.employee_id.in_(ids))
        overtime = overtime.where(A.c.employee_id.in_(ids))
    return punches, leaves, overtime


def _select_facts(
    session: Session, runtime: Runtime, shift: Shift, start: date, end: date, ids: list[int] | None
) -> Any:
    dialect = session.get_bind().dialect.name
    days = _days_cte(shift, runtime, start, end)
    punches, leaves, overtime = _fragments(days, ids, dialect)
    u = union_all(punches, leaves, overtime).subquery("u")
    agg = (
        select(
            u.c.employee_id,
            u.c.day,
            func.min(u.c.at).label("first_at"),
            func.max(u.c.at).label("last_at"),
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
    first_raw = (_epoch(agg.c.first_at, dialect) - days.c.midnight) // 60
    last_raw = (_epoch(agg.c.last_at, dialect) - days.c.midnight) // 60
    ctype = func.coalesce(agg.c.ctype, "")  # never NULL, so NOT(...) below stays two-valued
    lone_out = and_(
        agg.c.n == 1,
        or_(ctype == "off", and_(ctype != "on", first_raw >= shift.midpoint_min)),
    )
    lone_in = and_(agg.c.n == 1, ~lone_out)
    has_in = and_(agg.c.n > 0, ~lone_out)
    has_out = and_(agg.c.n > 0, ~lone_in)
    first_in_min = case((has_in, first_raw), else_=None)
    last_out_min = case((has_out, last_raw), else_=None)
    worked = case((agg.c.n >= 2, last_raw - first_raw), else_=0)
    on_leave = agg.c.leave == 1
    late = case(
        (
            and_(
                days.c.kind == "workday",
                has_in,
                ~on_leave,
                agg.c.excuse == 0,
                first_raw > shift.start_min + shift.grace_min,
            ),
            first_raw - shift.start_min,
        ),
        else_=0,
    )
    ot_from = case((and_(has_in, first_raw > shift.end_min), first_raw), else_=shift.end_min)
    overtime_min = case(
        (days.c.kind != "workday", worked),
        (and_(has_out, last_raw > ot_from), last_raw - ot_from),
        else_=0,
    )
    now = runtime.clock.now()
    return (
        select(
            agg.c.employee_id,
            agg.c.day,
            days.c.kind,
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
            literal(now, UTCDateTime).label("computed_at"),
        )
        .select_from(agg)
        .join(days, days.c.day == agg.c.day)
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
    "computed_at",
)


def _compute_window(
    session: Session, runtime: Runtime, shift: Shift, start: date, end: date, ids: list[int] | None
) -> int:
    """Replace the facts of ``ids`` (all employees when None) for ``start``..``end`` inclusive."""
    scope = delete(D).where(D.c.day >= start, D.c.day <= end)
    if ids is not None:
        scope = scope.where(D.c.employee_id.in_(ids))
    session.execute(scope)
    ins = dialect_insert(session, D)
    stmt = ins.from_select(list(FACT_COLUMNS), _select_facts(session, runtime, shift, start, end, ids))
    # Another worker may recompute the same scope concurrently: the later writer wins, no error.
    stmt = stmt.on_conflict_do_update(
        index_elements=["employee_id", "day"],
        set_={c: ins.excluded[c] for c in FACT_COLUMNS if c not in ("employee_id", "day")},
    )
    result = session.execute(stmt, execution_options={"preserve_rowcount": True})
    if session.get_bind().dialect.name == "sqlite":
        # Python's sqlite3 reports no row count for statements starting with WITH.
        return int(session.execute(text("SELECT changes()")).scalar_one())
    return max(0, int(result.rowcount))  # type: ignore[attr-defined]


def shift_of(runtime: Runtime) -> Shift:
    """The configured shift of the runtime."""
    return Shift.from_settings(runtime.settings.attendance, runtime.tz)


def rebuild(
    session: Session, runtime: Runtime, start: date, end: date, employee_ids: Iterable[int] | None = None
) -> FactStats:
    """Recompute every fact from ``start`` to ``end`` inclusive (all employees, or the given ones)."""
    if end < start:
        raise ValueError(f"empty range: {start} is after {end}")
    shift = shift_of(runtime)
    stats = FactStats()
    id_chunks: list[list[int] | None] = [None]
    if employee_ids is not None:
        ordered = sorted(set(employee_ids))
        id_chunks = [ordered[i : i + ID_CHUNK] for i in range(0, len(ordered), ID_CHUNK)]
    day = start
    while day <= end:
        last = min(end, day + timedelta(days=WINDOW_DAYS - 1))
        for chunk in id_chunks:
            stats.rows += _compute_window(session, runtime, shift, day, last, chunk)
            stats.windows += 1
        day = last + timedelta(days=1)
    log.info("attendance facts %s..%s: %d rows in %d windows", start, end, stats.rows, stats.windows)
    return stats


def recompute(session: Session, runtime: Runtime, pairs: Iterable[tuple[int, date]]) -> FactStats:
    """Recompute the facts of touched ``(employee id, shift day)`` pairs only.

    Pairs are grouped into day windows; each window is one statement for all its employees, so a
    batch of thousands of punches still runs a handful of statements.
    """
    by_day: dict[date, set[int]] = defaultdict(set)
    for emp_id, day in pairs:
        by_day[day].add(emp_id)
    if not by_day:
        return FactStats()
    shift = shift_of(runtime)
    origin = min(by_day)
    buckets: dict[int, dict[int, tuple[date, date]]] = defaultdict(dict)
    for day, emp_ids in by_day.items():
        bucket = buckets[(day - origin).days // WINDOW_DAYS]
        for emp_id in emp_ids:
            lo, hi = bucket.get(emp_id, (day, day))
            bucket[emp_id] = (min(lo, day), max(hi, day))
    stats = FactStats()
    for bucket in buckets.values():
        ordered = sorted(bucket)
        for i in range(0, len(ordered), ID_CHUNK):
            chunk = ordered[i : i + ID_CHUNK]
            lo = min(bucket[e][0] for e in chunk)
            hi = max(bucket[e][1] for e in chunk)
            stats.rows += _compute_window(session, runtime, shift, lo, hi, chunk)
            stats.windows += 1
    return stats


def recompute_spans(session: Session, runtime: Runtime, spans: Mapping[int, tuple[date, date]]) -> FactStats:
    """Recompute each employee's facts over a span of days (e.g. after linking orphan punches)."""
    pairs = [(emp_id, lo + timedelta(days=i)) for emp_id, (lo, hi) in spans.items() for i in range((hi - lo).days + 1)]
    return recompute(session, runtime, pairs)
