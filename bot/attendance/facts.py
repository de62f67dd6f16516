"""Daily attendance facts: punches + approvals + the work calendar → ``attendance_days``, set-based.

One row per employee and shift day that has at least one punch, or an approved leave, trip,
outing or overtime covering it; a day without a row had neither. Each window of at most
``WINDOW_DAYS`` days and ``ID_CHUNK`` employees is two SQL statements (a delete of the scope and
one ``INSERT … SELECT … ON CONFLICT``, see :mod:`bot.attendance.facts_sql`), never one query per
employee, so recomputing is idempotent and the same on SQLite and PostgreSQL.

Definitions (minutes are whole minutes after local midnight of the shift day, past 1440 after
midnight): ``first_in``/``last_out`` are the earliest and latest punch (a lone punch is a clock-out
when marked ``off`` or, unmarked, after the middle of the shift); ``worked_minutes`` is the span
between them; ``late_minutes`` counts from ``workday_start`` once the grace is exceeded, on
workdays only and not when an approval covers the start; ``overtime_minutes`` is the time after
``workday_end`` on workdays and all worked time on rest days and holidays.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from bot.attendance.facts_sql import FACT_COLUMNS, D, select_facts
from bot.attendance.shift import Shift
from bot.core.chunks import chunked
from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert

log = logging.getLogger(__name__)

__all__ = ["FACT_COLUMNS", "FactStats", "rebuild", "recompute", "recompute_spans", "shift_of"]

WINDOW_DAYS = 31
ID_CHUNK = 2000  # employees per statement: keeps IN (...) lists small on SQLite


@dataclass
class FactStats:
    """What a computation did: statements run and rows written."""

    windows: int = 0
    rows: int = 0


def _compute_window(
    session: Session, runtime: Runtime, shift: Shift, start: date, end: date, ids: list[int] | None
) -> int:
    """Replace the facts of ``ids`` (all employees when None) for ``start``..``end`` inclusive."""
    scope = delete(D).where(D.c.day >= start, D.c.day <= end)
    if ids is not None:
        scope = scope.where(D.c.employee_id.in_(ids))
    session.execute(scope)
    ins = dialect_insert(session, D)
    stmt = ins.from_select(list(FACT_COLUMNS), select_facts(session, runtime, shift, start, end, ids))
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
        id_chunks = list(chunked(ordered, ID_CHUNK))
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
        for chunk in chunked(sorted(bucket), ID_CHUNK):
            lo = min(bucket[e][0] for e in chunk)
            hi = max(bucket[e][1] for e in chunk)
            stats.rows += _compute_window(session, runtime, shift, lo, hi, chunk)
            stats.windows += 1
    return stats


def recompute_spans(session: Session, runtime: Runtime, spans: Mapping[int, tuple[date, date]]) -> FactStats:
    """Recompute each employee's facts over a span of days (e.g. after linking orphan punches)."""
    pairs = [(emp_id, lo + timedelta(days=i)) for emp_id, (lo, hi) in spans.items() for i in range((hi - lo).days + 1)]
    return recompute(session, runtime, pairs)
