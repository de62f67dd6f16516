"""Small SQL building blocks shared by the condition compilers (portable to SQLite and PostgreSQL)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, cast, or_
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from bot.models import AttendanceDay

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


def compare(expr: Any, op: str, value: Any) -> ColumnElement[bool]:
    """``expr op value`` as SQL (NULL never satisfies a comparison)."""
    result: ColumnElement[bool] = _OPS[op](expr, value)
    return result


def holds(left: float, op: str, right: float) -> bool:
    """``left op right`` in Python, for checks done after the query."""
    return bool(_OPS[op](left, right))


def flag(clause: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where ``clause`` is true, else 0 (NULL counts as false), for SUM/COUNT tricks."""
    return cast(case((clause, 1), else_=0), Integer)


def attendance_value(field: str) -> ColumnElement[Any]:
    """The column (or derived expression) of a day-level attendance fact."""
    if field == "legal_overtime_minutes":
        # Labour Law art. 44: work on rest days and holidays is overtime in full.
        return case(
            (AttendanceDay.kind == "workday", AttendanceDay.overtime_minutes), else_=AttendanceDay.worked_minutes
        )
    column: ColumnElement[Any] = getattr(AttendanceDay, field)
    return column


def within_shift_hours(field: str, op: str, value: Any) -> ColumnElement[bool] | None:
    """For "left after HH:MM" tests: the threshold must lie after the person's scheduled shift end.

    A night-shift worker whose shift ends at 06:00 the next morning leaves "after 21:00" every
    day by working their shift; that is not a late night. None when the test is of another kind.
    """
    if field != "last_out_min" or op not in (">", ">="):
        return None
    end = AttendanceDay.sched_end_min
    return or_(end.is_(None), end <= value)


def num(value: Any) -> float | int | None:
    """A JSON-friendly number (ints stay ints, floats are rounded to 4 decimals)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else round(as_float, 4)


def scanned(column: Any, dialect: str) -> ColumnElement[Any]:
    """``column`` for a range filter that should be read by scanning the table, not through its index.

    On SQLite a range on ``attendance_days.day`` that covers most of the table is otherwise served
    by the day index: one random table lookup per row and a temporary B-tree to group by person,
    twice as slow as reading the table in order. SQLite's documented way to say "no index here" is
    a unary ``+``. PostgreSQL's planner chooses between index and scan from statistics by itself
    (and has no unary ``+`` for dates), so the column is left alone there.
    """
    if dialect != "sqlite":
        return column
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)
