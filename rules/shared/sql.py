"""SQL pieces the shared scans have in common: exact text, day masks, a join order for SQLite.

A shared scan returns one row per person; the few rows that matter inside it come back folded:

* as a string (``2026-11-18:1302,2026-11-19:1290``) when they carry values. Dates are ISO text
  on both databases (PostgreSQL's DateStyle is ISO; SQLite stores them as text). Floats must
  survive the trip bit for bit: PostgreSQL prints the shortest text that reads back as the same
  double, SQLite's ``CAST(… AS TEXT)`` keeps only 15 digits, so there ``printf('%!.17g')``;
* as a day mask when only the days matter (:func:`counted_days`): a number, so PostgreSQL can
  aggregate in parallel (its ``string_agg`` cannot before version 16).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, Date, Float, Integer, String, cast, func
from sqlalchemy import literal as sa_literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Join

from rules.context import EvalContext


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def day_text(column: Any) -> Any:
    """A date column as ISO text."""
    return cast(column, String)


def float_text(expr: Any, name: str) -> Any:
    """A float expression as text that Python's ``float()`` reads back as the same double."""
    if name == "sqlite":
        return func.printf("%!.17g", expr)
    return cast(cast(expr, Float), String)


def int_text(expr: Any) -> Any:
    """An integer expression as text."""
    return cast(expr, String)


def split(text: str | None) -> list[str]:
    return text.split(",") if text else []


def literal(value: float) -> float | int:
    """A threshold as SQL literal: an integral one as an integer, so integer columns are not cast per row."""
    return int(value) if float(value).is_integer() else value


def same_contexts(ctxs: list[EvalContext]) -> EvalContext:
    """The context with the latest day, whose scope contains every other's; checks they share a session."""
    top = max(ctxs, key=lambda c: c.day)
    for ctx in ctxs:
        if ctx.session is not top.session or ctx.employee_ids != top.employee_ids:
            raise ValueError("shared scans need one session and one set of people for all contexts")
    return top


def people_filter(column: Any, ctx: EvalContext) -> list[Any]:
    """``column IN (employee_ids)`` when evaluating a few people (so their rows are read by index), else nothing.

    The whole population is filtered after the query instead (``in_scope``): the groups are per
    person, so dropping people afterwards changes nobody else's result, and the query needs no join.
    """
    if ctx.employee_ids is None:
        return []
    return [column.in_(list(ctx.employee_ids))]


MASK_DAYS = 56  # bits 0–55 of a 64-bit integer are days; the bits above count them
_COUNT = 1 << MASK_DAYS


def day_bit(column: Any, base: date, name: str) -> Any:
    """``1 << (column - base)`` in days: the day's bit in a mask starting at ``base``."""
    if name == "sqlite":
        offset = cast(func.julianday(column) - func.julianday(base.isoformat()), Integer)
    else:
        offset = cast(column - sa_literal(base, Date), Integer)
    return sa_literal(1, BigInteger).op("<<")(offset)


def counted_days(column: Any, base: date, when: Any, name: str) -> Any:
    """One aggregate for the days where ``when`` holds: their mask plus their count × 2**56.

    Each day occurs once per person, so the sum of the bits is their union; adding 2**56 per day
    counts them in the same number (for ``HAVING``: at least N days ⟺ the sum ≥ N × 2**56).
    """
    return func.sum(day_bit(column, base, name) + sa_literal(_COUNT, BigInteger)).filter(when)


def at_least(packed: Any, count: int) -> Any:
    """SQL: a :func:`counted_days` value counts at least ``count`` days."""
    return packed >= sa_literal(count * _COUNT, BigInteger)


def unpack(packed: Any) -> tuple[int, int]:
    """(mask, count) of a :func:`counted_days` value (NULL: no day)."""
    value = int(packed or 0)
    return value & (_COUNT - 1), value >> MASK_DAYS


def days_in(mask: int | None, base: date) -> set[date]:
    """The days whose bits are set in ``mask``."""
    out: set[date] = set()
    k = 0
    m = int(mask or 0)
    while m:
        if m & 1:
            out.add(base + timedelta(days=k))
        m >>= 1
        k += 1
    return out


class _OuterFirst(Join):
    """A join whose left side SQLite must read first (``CROSS JOIN``); an ordinary join elsewhere."""

    inherit_cache = True


@compiles(_OuterFirst, "sqlite")
def _outer_first_sqlite(element: _OuterFirst, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    left = compiler.process(element.left, **kw)
    right = compiler.process(element.right, **kw)
    return f"{left} CROSS JOIN {right} ON {compiler.process(element.onclause, **kw)}"


def outer_first(left: Any, right: Any, onclause: Any) -> Join:
    """``left JOIN right ON onclause``, with SQLite told to loop over ``left`` (read by its own filter).

    SQLite's planner otherwise starts from a selective-looking index on ``right`` (people by
    department) and looks up ``left`` once per person and day; PostgreSQL plans it by itself.
    """
    return _OuterFirst(
        left.__table__ if hasattr(left, "__table__") else left,
        right.__table__ if hasattr(right, "__table__") else right,
        onclause,
    )
