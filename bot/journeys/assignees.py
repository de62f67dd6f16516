"""Who does a step: the new hire's HRBP, manager or mentor, the least busy admin or IT person, or the hire.

Nobody is left without a task owner: a missing mentor falls back to the manager, a missing
manager, admin or IT person to HR (the HRBP, else ``[reminders].hr_userids``), missing HR to the
manager. The role actually used is returned so the task can say why it came to this person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.models import Employee, JourneyStep

OPEN = ("sent", "overdue")
FALLBACK = {"mentor": "manager", "manager": "hr", "admin": "hr", "it": "hr", "hr": "manager"}


@dataclass(frozen=True)
class Assignee:
    """The person for a step and the role they act in (differs from the step's role on fallback)."""

    person: Employee
    role: str


class Assignees:
    """Resolves step roles to people, with a bounded number of queries per run."""

    def __init__(self, runtime: Runtime, session: Session) -> None:
        self.runtime, self.session = runtime, session
        self._lists: dict[str, list[Employee]] = {}
        self._load: dict[int, int] | None = None

    def _active(self, employee_id: int | None, hire: Employee) -> Employee | None:
        if employee_id is None or employee_id == hire.id:
            return None
        person = self.session.get(Employee, employee_id)
        return person if person is not None and person.status == "active" else None

    def _people(self, key: str, userids: Sequence[str]) -> list[Employee]:
        if key not in self._lists:
            wanted = [u for u in userids if u]
            found = (
                {
                    e.userid: e
                    for e in self.session.scalars(
                        select(Employee).where(Employee.userid.in_(wanted), Employee.status == "active")
                    )
                }
                if wanted
                else {}
            )
            self._lists[key] = [found[u] for u in wanted if u in found]  # in the configured order
        return self._lists[key]

    def _least_busy(self, people: list[Employee], hire: Employee) -> Employee | None:
        candidates = [p for p in people if p.id != hire.id]
        if not candidates:
            return None
        if self._load is None:
            rows = self.session.execute(
                select(JourneyStep.assignee_id, func.count())
                .where(JourneyStep.status.in_(OPEN), JourneyStep.assignee_id.is_not(None))
                .group_by(JourneyStep.assignee_id)
            )
            self._load = {person_id: int(n) for person_id, n in rows if person_id is not None}
        load = self._load
        return min(candidates, key=lambda p: load.get(p.id, 0))  # ties: the first configured

    def _direct(self, role: str, hire: Employee) -> Employee | None:
        cfg = self.runtime.settings
        if role == "new_hire":
            return hire
        if role == "manager":
            return self._active(hire.manager_id, hire)
        if role == "mentor":
            return self._active(hire.mentor_id, hire)
        if role == "hr":
            hrbp = self._active(hire.hrbp_id, hire)
            if hrbp is not None:
                return hrbp
            return next((p for p in self._people("hr", cfg.reminders.hr_userids) if p.id != hire.id), None)
        if role == "admin":
            return self._least_busy(self._people("admin", cfg.onboarding.admin_userids), hire)
        if role == "it":
            return self._least_busy(self._people("it", cfg.onboarding.it_userids), hire)
        return None

    def resolve(self, role: str, hire: Employee) -> Assignee | None:
        """The person for ``role`` about ``hire``, following the fallbacks; None when nobody fits."""
        seen: set[str] = set()
        current: str | None = role
        while current is not None and current not in seen:
            seen.add(current)
            person = self._direct(current, hire)
            if person is not None:
                if self._load is not None:
                    self._load[person.id] = self._load.get(person.id, 0) + 1
                return Assignee(person, current)
            current = FALLBACK.get(current)
        return None

    def escalation(self, step: JourneyStep, hire: Employee) -> Assignee | None:
        """Who hears about an overdue task: the manager, or HR when the task is the manager's own."""
        manager = self._active(hire.manager_id, hire)
        if manager is not None and step.assignee_id != manager.id:
            return Assignee(manager, "manager")
        for role in ("hr", "manager"):
            person = self._direct(role, hire)
            if person is not None and person.id != step.assignee_id:
                return Assignee(person, role)
        return None
