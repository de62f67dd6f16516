"""When a step is due: its day counted in workdays of the Chinese calendar (调休 included) from its anchor."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.journey_file import StepDef
from bot.core.workcalendar import WorkCalendar
from bot.models import Employee


def _next_workday(calendar: WorkCalendar, day: date) -> date:
    return day if calendar.is_workday(day) else calendar.add_workdays(day, 1)


def _previous_workday(calendar: WorkCalendar, day: date) -> date:
    return calendar.workdays_back(day, 1)[0]


def shift(calendar: WorkCalendar, anchor: date, day: int, unit: str = "workdays") -> date:
    """The date of ``day`` relative to ``anchor``.

    Workdays: day 0 is the anchor (or the next workday when it is a day off), day N the N-th workday
    after it and day -N the N-th workday before the anchor. Calendar days land on the nearest workday
    in the direction of the anchor's future (forward; backward for days before the anchor).
    """
    if unit == "days":
        target = anchor + timedelta(days=day)
        return _previous_workday(calendar, target) if day < 0 else _next_workday(calendar, target)
    if day < 0:
        return calendar.workdays_back(anchor - timedelta(days=1), -day)[0]
    return calendar.add_workdays(_next_workday(calendar, anchor), day)


def anchor_of(step: StepDef, employee: Employee) -> date | None:
    return employee.probation_ends_on if step.anchor == "probation_ends_on" else employee.hired_on


def due_on(calendar: WorkCalendar, step: StepDef, employee: Employee) -> date | None:
    """The step's due date for ``employee``; None while the anchor date is unknown."""
    anchor = anchor_of(step, employee)
    return shift(calendar, anchor, step.day, step.unit) if anchor is not None else None


def overdue_on(calendar: WorkCalendar, due: date, due_workdays: int | None) -> date | None:
    """The workday a task becomes overdue (``due_workdays`` after it was due); None without a deadline."""
    return calendar.add_workdays(due, due_workdays) if due_workdays else None


def escalate_on(calendar: WorkCalendar, due: date, due_workdays: int | None) -> date | None:
    """The workday an overdue task goes to the manager: another ``due_workdays`` after it became overdue."""
    return calendar.add_workdays(due, 2 * due_workdays) if due_workdays else None
