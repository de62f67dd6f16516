"""Who hears about a tag: the HR business partner (config HR list as fallback) and, if asked, the manager."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.models import Employee

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    """One person to remind and in which capacity (``hrbp``, ``hr`` or ``manager``)."""

    employee_id: int
    role: str


def _active(session: Session, employee_id: int | None, subject: Employee) -> Employee | None:
    if employee_id is None or employee_id == subject.id:
        return None
    person = session.get(Employee, employee_id)
    return person if person is not None and person.status == "active" else None


def _hr_list(session: Session, settings: Settings, subject: Employee) -> list[Employee]:
    userids = [u for u in settings.reminders.hr_userids if u]
    if not userids:
        return []
    rows = session.scalars(
        select(Employee)
        .where(Employee.userid.in_(userids), Employee.status == "active", Employee.id != subject.id)
        .order_by(Employee.id)
    )
    return list(rows)


def recipients(session: Session, settings: Settings, subject: Employee, audience: str) -> list[Recipient]:
    """Recipients for a tag about ``subject``; nobody is ever reminded about themselves.

    HR audience: the HR business partner, else the configured HR list, else (so that no tag is
    lost, e.g. for HR staff without a partner) the manager. Manager audience: the manager, else HR.
    """
    out: list[Recipient] = []
    manager = _active(session, subject.manager_id, subject)
    if audience in ("hr", "both") or (audience == "manager" and manager is None):
        hrbp = _active(session, subject.hrbp_id, subject)
        if hrbp is not None:
            out.append(Recipient(hrbp.id, "hrbp"))
        else:
            out.extend(Recipient(p.id, "hr") for p in _hr_list(session, settings, subject))
        if not out and manager is not None and audience != "manager":
            out.append(Recipient(manager.id, "manager"))
    if audience in ("manager", "both") and manager is not None and all(r.employee_id != manager.id for r in out):
        out.append(Recipient(manager.id, "manager"))
    if not out:
        log.debug(
            "no reminder recipient for employee %s (no HR business partner, [reminders].hr_userids empty, no manager)",
            subject.userid,
        )
    return out
