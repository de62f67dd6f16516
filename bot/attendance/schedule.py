"""Writing shift schedules (排班) and placing each shift's punch window between its neighbours.

A shift's punches are those from a few hours before its start until the next day's window begins,
so a night shift 22:00–06:00 owns its 06:10 clock-out. Windows are derived from the neighbouring
days' rows so that a person's windows never overlap: a punch belongs to exactly one shift day.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from bot.attendance.shift import MINUTES_PER_DAY, Shift
from bot.core.chunks import chunked
from bot.core.sqlutil import dialect_insert
from bot.models import ShiftDay

BATCH = 5000
S = typing.cast(Table, ShiftDay.__table__)
LEAD_MIN = 240  # a shift's window opens 4 hours before its start (early clock-ins)
TAIL_MIN = 180  # and stays open 3 hours past its end (late clock-outs) before the next day takes over


@dataclass(frozen=True)
class ShiftSpec:
    """A scheduled shift (start/end minutes after local midnight, end past 1440 overnight) or rest."""

    start_min: int | None
    end_min: int | None
    name: str | None = None

    @property
    def rest(self) -> bool:
        return self.start_min is None


def _lo_min(spec: ShiftSpec | None, prev: ShiftSpec | None, shift: Shift) -> int:
    """Where day D's window opens, in minutes after D's local midnight."""
    boundary = shift.boundary.hour * 60 + shift.boundary.minute
    own = boundary if spec is None or spec.start_min is None else max(0, spec.start_min - LEAD_MIN)
    prev_end = shift.end_min if prev is None or prev.end_min is None else prev.end_min
    # The previous day's shift keeps its punches until TAIL_MIN after it ends (a night shift's 06:10).
    return max(own, prev_end + TAIL_MIN - MINUTES_PER_DAY)


def write(
    session: Session, shift: Shift, entries: Mapping[tuple[int, date], ShiftSpec], *, source: str
) -> set[tuple[int, date]]:
    """Upsert the schedule ``entries`` (employee id, day → shift or rest); returns the days touched.

    The windows of the written days and of their neighbours are recomputed; the caller rebuilds
    the daily facts of the returned days (and the day before each, whose window may have moved).
    """
    if not entries:
        return set()
    rows = [
        {
            "employee_id": emp,
            "day": day,
            "name": spec.name,
            "start_min": spec.start_min,
            "end_min": spec.end_min,
            "window_lo": shift.local(day, 0),
            "window_hi": shift.local(day, MINUTES_PER_DAY),
            "source": source,
        }
        for (emp, day), spec in entries.items()
    ]
    for batch in chunked(rows, BATCH):
        ins = dialect_insert(session, ShiftDay)
        stmt = ins.on_conflict_do_update(
            index_elements=["employee_id", "day"],
            set_={c: ins.excluded[c] for c in ("name", "start_min", "end_min", "source")},
        )
        session.execute(stmt, batch)
    employees = {emp for emp, _ in entries}
    lo = min(day for _, day in entries) - timedelta(days=1)
    hi = max(day for _, day in entries) + timedelta(days=1)
    _place_windows(session, shift, employees, lo, hi)
    return {(emp, day + timedelta(days=d)) for emp, day in entries for d in (-1, 0, 1)}


def _place_windows(session: Session, shift: Shift, employees: set[int], lo: date, hi: date) -> None:
    """Recompute ``window_lo``/``window_hi`` of the employees' rows from ``lo`` to ``hi``."""
    specs: dict[tuple[int, date], tuple[int, ShiftSpec]] = {}
    for chunk in chunked(sorted(employees), BATCH):
        query = select(ShiftDay.id, ShiftDay.employee_id, ShiftDay.day, ShiftDay.start_min, ShiftDay.end_min).where(
            ShiftDay.employee_id.in_(chunk),
            ShiftDay.day >= lo - timedelta(days=1),
            ShiftDay.day <= hi + timedelta(days=1),
        )
        for row_id, emp, day, start, end in session.execute(query):
            specs[(emp, day)] = (row_id, ShiftSpec(start, end))
    updates = []
    for (emp, day), (row_id, spec) in specs.items():
        if not lo <= day <= hi:
            continue
        prev = specs.get((emp, day - timedelta(days=1)))
        nxt = specs.get((emp, day + timedelta(days=1)))
        lo_min = _lo_min(spec, prev[1] if prev else None, shift)
        hi_min = MINUTES_PER_DAY + _lo_min(nxt[1] if nxt else None, spec, shift)
        updates.append({"rid": row_id, "wlo": shift.local(day, lo_min), "whi": shift.local(day, hi_min)})
    for batch in chunked(updates, BATCH):
        stmt = (
            update(S).where(S.c.id == bindparam("rid")).values(window_lo=bindparam("wlo"), window_hi=bindparam("whi"))
        )
        session.execute(stmt, batch)
