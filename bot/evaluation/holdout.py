"""Which reminders evaluation mode holds back: those about holdout people, except ``never_hold`` rules.

Reminder planning asks :class:`Holdout` for each new reminder's first status. Tags are raised and
kept as usual for everyone; only the reminder to HR or the manager is held (status ``held_out``),
so the holdout arm receives what the company did before CareBot and nothing else differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.core.settings.evaluation import Arm
from bot.evaluation.assignment import arms_of, assign_pending, started
from bot.models import Employee

HELD_OUT = "held_out"


class Holdout:
    """Decides, for tags about a batch of employees, whether their new reminders are held back."""

    def __init__(self, runtime: Runtime, session: Session) -> None:
        cfg = runtime.settings.evaluation
        self.active = started(runtime)
        self.unit = cfg.unit
        self.never_hold = frozenset(cfg.never_hold)
        self.session = session
        self.arms: dict[int, Arm] = {}
        self.start: date | None = None
        if self.active:
            assign_pending(runtime, session)  # new hires are assigned on arrival, before their first reminder
            # Without a configured start, every reminder planned from now on is subject to the arms,
            # including those of tags a catch-up evaluation raises for past days.
            self.start = cfg.start

    def preload(self, subjects: Iterable[Employee]) -> None:
        """Load the arms of ``subjects`` (one query per 5,000 units)."""
        if self.active:
            wanted = [(e.id, e.department_id) for e in subjects if e.id not in self.arms]
            self.arms.update(arms_of(self.session, self.unit, wanted))

    def held(self, subject: Employee, rule_id: str, raised_on: date) -> bool:
        """True when a tag of ``rule_id`` about ``subject`` raised on ``raised_on`` must not reach anyone."""
        if not self.active or rule_id in self.never_hold:
            return False
        if self.start is not None and raised_on < self.start:
            return False  # raised before the experiment began: treated as before
        return self.arms.get(subject.id) == "holdout"

    def status(self, subject: Employee, rule_id: str, raised_on: date) -> str:
        """The first status of a new reminder: ``held_out`` or ``open``."""
        return HELD_OUT if self.held(subject, rule_id, raised_on) else "open"
