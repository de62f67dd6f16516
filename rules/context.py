"""The evaluation context: the day, the horizon of complete facts, the calendar and the people in scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from bot.core.workcalendar import WorkCalendar
from bot.models import Employee

# Evidence per employee id: the exact dates and values that satisfied a condition.
Matches = dict[int, dict[str, Any]]


def last_complete_day(now_local: datetime, day_boundary: time) -> date:
    """The latest shift day whose punches are all in: it ends at the next day's ``day_boundary``."""
    shifted = now_local - timedelta(hours=day_boundary.hour, minutes=day_boundary.minute)
    return shifted.date() - timedelta(days=1)


@dataclass
class EvalContext:
    """What every condition needs to compile its SQL for one evaluation day."""

    session: Session
    day: date
    fact_end: date  # facts of days after this one are still incomplete and not read
    calendar: WorkCalendar
    tz: ZoneInfo
    employee_ids: Sequence[int] | None = None  # None: every active employee
    cache: dict[str, Matches] = field(default_factory=dict)
    known_scope: set[int] | None = None  # the scope ids when already looked up in this evaluation
    # What ``metric = "performance"`` stands for: the catalogue's performance metrics, in order.
    performance_metrics: tuple[str, ...] = ("calls", "sales")

    def in_population(self) -> ColumnElement[bool]:
        """Active employees already hired on the day: the people rules look at and compare with."""
        return and_(
            Employee.status == "active",
            or_(Employee.hired_on.is_(None), Employee.hired_on <= self.day),
        )

    def in_scope(self) -> ColumnElement[bool]:
        """The population, or only ``employee_ids`` of it when evaluating a few people."""
        clause = self.in_population()
        if self.employee_ids is not None:
            clause = and_(clause, Employee.id.in_(list(self.employee_ids)))
        return clause

    def scope_ids(self) -> set[int]:
        """The ids of the employees in scope (one query, cached)."""
        if self.known_scope is None:
            self.known_scope = set(self.session.scalars(select(Employee.id).where(self.in_scope())))
        return self.known_scope

    def workdays_back(self, count: int) -> list[date]:
        """The last ``count`` workdays up to ``fact_end``, most recent first."""
        return list(reversed(self.calendar.workdays_back(self.fact_end, count)))

    def end_of_day_utc(self, day: date) -> datetime:
        """The instant the local ``day`` ends, for comparing with stored UTC instants."""
        return datetime.combine(day + timedelta(days=1), time(0, 0), self.tz)

    def for_employee(self, employee_id: int) -> EvalContext:
        """The same evaluation restricted to one person (for explanations)."""
        return EvalContext(
            self.session,
            self.day,
            self.fact_end,
            self.calendar,
            self.tz,
            (employee_id,),
            performance_metrics=self.performance_metrics,
        )
