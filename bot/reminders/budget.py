"""The right amount: each recipient's daily budget of new items, and the order in which items get it.

``[reminders].daily_budget`` is how many new items (reminder cards and digest entries, and what
other features push to the same person) one recipient gets per local day. Onboarding journey task
messages are counted from their own records; any other feature uses it in three calls::

    budget = DailyBudget(runtime, session, recipient_ids)   # one query for all of them
    if budget.remaining(hr.id) > 0:
        ...send...
        budget.spend(hr.id, source="my_feature")              # recorded in the same transaction

Within the budget, :func:`rank` puts date-bound items (birthday, new-hire day, probation end) and
high severity first; every workday an item waits adds a point, so nothing starves. What still
does not fit goes into the weekly summary (bot/reminders/summary.py) instead of a growing backlog.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.core.workcalendar import WorkCalendar
from bot.models import BudgetUse, Reminder, Tag
from bot.reminders.journey_sends import sends_on as journey_sends

SEVERITY_POINTS = {"high": 3, "medium": 2, "low": 1}
DATE_BOUND_POINTS = 2  # a dated moment (birthday, new-hire day) is worth as much as high severity
MAX_AGE_POINTS = 30


class DailyBudget:
    """What each of some recipients may still receive today; spending is written to ``budget_uses``."""

    def __init__(
        self, runtime: Runtime, session: Session, recipient_ids: Collection[int], day: date | None = None
    ) -> None:
        self.session = session
        self.day = day or runtime.today()
        self.limit = runtime.settings.reminders.daily_budget
        self.used: dict[int, int] = {}
        if recipient_ids:
            # Onboarding journey tasks count from their own records (journey_steps), no spend() needed.
            self.used = journey_sends(session, runtime.tz, self.day, recipient_ids)
            rows = session.execute(
                select(BudgetUse.recipient_id, func.sum(BudgetUse.used))
                .where(BudgetUse.recipient_id.in_(sorted(set(recipient_ids))), BudgetUse.day == self.day)
                .group_by(BudgetUse.recipient_id)
            )
            for rid, n in rows:
                self.used[rid] = self.used.get(rid, 0) + int(n or 0)

    def remaining(self, recipient_id: int) -> int:
        """How many more new items ``recipient_id`` may get today (never negative)."""
        return max(0, self.limit - self.used.get(recipient_id, 0))

    def spend(self, recipient_id: int, count: int = 1, *, source: str = "reminders") -> None:
        """Record ``count`` items given to ``recipient_id`` today by ``source`` (commits with the session)."""
        if count <= 0:
            return
        self.used[recipient_id] = self.used.get(recipient_id, 0) + count
        insert = dialect_insert(self.session, BudgetUse).values(
            recipient_id=recipient_id, day=self.day, source=source, used=count
        )
        self.session.execute(
            insert.on_conflict_do_update(
                index_elements=["recipient_id", "day", "source"], set_={"used": BudgetUse.used + count}
            )
        )


def workdays_waited(calendar: WorkCalendar, since: date, today: date) -> int:
    """Workdays after ``since`` up to and including ``today`` (0 when due today)."""
    count, day = 0, since + timedelta(days=1)
    while day <= today and count < MAX_AGE_POINTS:
        count += calendar.is_workday(day)
        day += timedelta(days=1)
    return count


def rank(reminder: Reminder, tag: Tag, today: date, calendar: WorkCalendar, tz: tzinfo) -> tuple[object, ...]:
    """Sort key, most deserving first: severity + date-bound bonus + one point per workday waited."""
    due_day = reminder.due_at.astimezone(tz).date()
    dated = reminder.useful_until is not None
    severity = SEVERITY_POINTS.get(tag.severity, 1)
    score = severity + (DATE_BOUND_POINTS if dated else 0) + workdays_waited(calendar, due_day, today)
    return (-score, not dated, -severity, reminder.useful_until or date.max, reminder.due_at, reminder.id)


def rank_key(runtime: Runtime, today: date) -> Callable[[tuple[Reminder, Tag, object, object]], tuple[object, ...]]:
    """``rank`` bound to the runtime's calendar and time zone, for ``sorted(rows, key=...)``."""

    def key(row: tuple[Reminder, Tag, object, object]) -> tuple[object, ...]:
        return rank(row[0], row[1], today, runtime.calendar, runtime.tz)

    return key
