"""Who was cared for and who was tagged in the period: the groups sections 2 and 3 compare.

*Cared*: a reminder about the person was marked done in the period; their reference day is the
local day of the first such action. *Tagged*: a tag was raised in the period; their reference
day is the first raise. *Not acted on*: tagged, not cared, and no reminder of an in-period tag was
dismissed by a person either (nobody looked at it). One grouped query per set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Reminder, Tag
from bot.report.period import Period
from bot.report.queries import acted_by_person


@dataclass(frozen=True)
class Cohorts:
    """Reference days by employee id for the cared and the tagged; the tagged someone acted on."""

    cared: dict[int, date]
    tagged: dict[int, date]
    tagged_acted_on: frozenset[int]

    def not_acted_on(self) -> dict[int, date]:
        """Tagged people nobody acted on (their reference day is the tag's)."""
        return {
            emp: day for emp, day in self.tagged.items() if emp not in self.cared and emp not in self.tagged_acted_on
        }


def load(session: Session, period: Period) -> Cohorts:
    """The cohorts of ``period``."""
    cared_rows = session.execute(
        select(Tag.employee_id, func.min(Reminder.acted_at))
        .join(Tag, Tag.id == Reminder.tag_id)
        .where(Reminder.status == "done", Reminder.acted_at >= period.start_at, Reminder.acted_at < period.end_at)
        .group_by(Tag.employee_id)
    )
    # MIN() keeps the column type, so the instants come back aware (UTC) on both databases.
    cared = {int(emp): first.astimezone(period.tz).date() for emp, first in cared_rows if first is not None}
    tagged_rows = session.execute(
        select(Tag.employee_id, func.min(Tag.raised_on))
        .where(Tag.raised_on.between(period.start, period.end))
        .group_by(Tag.employee_id)
    )
    tagged = {int(emp): day for emp, day in tagged_rows}
    acted = session.scalars(
        select(Tag.employee_id)
        .join(Reminder, Reminder.tag_id == Tag.id)
        .where(Tag.raised_on.between(period.start, period.end), acted_by_person())
        .distinct()
    )
    return Cohorts(cared, tagged, frozenset(int(e) for e in acted))
