"""Who hears about a tag: the HR business partner (config HR list as fallback) and, if asked, the manager."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.chunks import chunked
from bot.core.config import Settings
from bot.core.sqlutil import IN_CHUNK
from bot.models import Employee

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    """One person to remind and in which capacity (``hrbp``, ``hr`` or ``manager``)."""

    employee_id: int
    role: str


class Router:
    """Routes the tags of many employees with a bounded number of queries.

    The configured HR list is read once; :meth:`preload` loads the managers and HR business
    partners of a batch of subjects in one query, so routing a batch never queries per tag.
    """

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session, self.settings = session, settings
        self._people: dict[int, Employee] = {}
        self._hr: list[Employee] | None = None

    def preload(self, subjects: Iterable[Employee]) -> None:
        """Load the managers and HR business partners of ``subjects`` (one query per 5,000)."""
        wanted = {i for s in subjects for i in (s.manager_id, s.hrbp_id) if i is not None} - self._people.keys()
        for chunk in chunked(sorted(wanted), IN_CHUNK):
            self._people.update((e.id, e) for e in self.session.scalars(select(Employee).where(Employee.id.in_(chunk))))

    def _active(self, employee_id: int | None, subject: Employee) -> Employee | None:
        if employee_id is None or employee_id == subject.id:
            return None
        person = self._people.get(employee_id)
        if person is None:
            person = self.session.get(Employee, employee_id)
            if person is not None:
                self._people[employee_id] = person
        return person if person is not None and person.status == "active" else None

    def _hr_list(self, subject: Employee) -> list[Employee]:
        if self._hr is None:
            userids = [u for u in self.settings.reminders.hr_userids if u]
            self._hr = (
                list(
                    self.session.scalars(
                        select(Employee)
                        .where(Employee.userid.in_(userids), Employee.status == "active")
                        .order_by(Employee.id)
                    )
                )
                if userids
                else []
            )
        return [p for p in self._hr if p.id != subject.id]

    def recipients(self, subject: Employee, audience: str, *, manager_fallback: bool = True) -> list[Recipient]:
        """Recipients for a tag about ``subject``; nobody is ever reminded about themselves.

        HR audience: the HR business partner, else the configured HR list, else (so that no tag is
        lost, e.g. for HR staff without a partner) the manager — unless ``manager_fallback`` is off
        (what an employee declared for HR only never goes to the manager). Manager audience: the
        manager, else HR.
        """
        out: list[Recipient] = []
        manager = self._active(subject.manager_id, subject)
        if audience in ("hr", "both") or (audience == "manager" and manager is None):
            hrbp = self._active(subject.hrbp_id, subject)
            if hrbp is not None:
                out.append(Recipient(hrbp.id, "hrbp"))
            else:
                out.extend(Recipient(p.id, "hr") for p in self._hr_list(subject))
            if not out and manager is not None and audience != "manager" and manager_fallback:
                out.append(Recipient(manager.id, "manager"))
        if audience in ("manager", "both") and manager is not None and all(r.employee_id != manager.id for r in out):
            out.append(Recipient(manager.id, "manager"))
        if not out:
            log.debug(
                "no reminder recipient for employee %s (no HR business partner, [reminders].hr_userids empty, "
                "no manager)",
                subject.userid,
            )
        return out


def recipients(session: Session, settings: Settings, subject: Employee, audience: str) -> list[Recipient]:
    """Recipients for one tag about ``subject`` (see :meth:`Router.recipients`)."""
    return Router(session, settings).recipients(subject, audience)
