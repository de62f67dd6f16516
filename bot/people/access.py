"""Roles and scope: who may look at whom.

HR (``employees.is_hr``) sees the people of its configured scope (``[access].hr_scope``: ``all``
active employees, or ``hrbp`` — only those whose HR business partner they are); a manager sees
their direct and indirect reports; everyone sees themselves. A sender who is not an active
employee is a stranger and sees nobody. Scopes are SQL conditions on ``employees`` so that lists
are filtered in the database, also for very large organisations.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.selectable import CTE

from bot.core.config import Settings
from bot.models import Employee, Reminder

ACTIVE = "active"


def roles_of(session: Session, caller: Employee | None) -> frozenset[str]:
    """``employee`` for every active employee, plus ``manager``, ``hr``, ``admin`` and ``recipient``.

    ``recipient`` is anyone who has ever been sent a care reminder (e.g. an HR contact from
    ``[reminders].hr_userids`` who is not flagged HR): only they need /done, /snooze and /dismiss.
    """
    if caller is None or caller.status != ACTIVE:
        return frozenset()
    roles = {"employee"}
    if caller.is_hr:
        roles.add("hr")
    if caller.is_admin:
        roles.add("admin")
    has_reports = session.scalar(
        select(exists().where(Employee.manager_id == caller.id, Employee.status == ACTIVE, Employee.id != caller.id))
    )
    if has_reports:
        roles.add("manager")
    if session.scalar(select(exists().where(Reminder.recipient_id == caller.id))):
        roles.add("recipient")
    return frozenset(roles)


def reports_cte(manager_id: int) -> CTE:
    """A recursive CTE of the ids of everyone under ``manager_id`` (direct and indirect).

    ``UNION`` (not ``UNION ALL``) discards rows already found, so a cycle in bad org data ends the
    recursion on both SQLite and PostgreSQL instead of looping.
    """
    below = aliased(Employee)
    cte = select(Employee.id.label("id")).where(Employee.manager_id == manager_id).cte("reports", recursive=True)
    return cte.union(select(below.id).join(cte, below.manager_id == cte.c.id))


def report_ids(session: Session, manager_id: int, *, direct_only: bool = False) -> set[int]:
    """The ids of the active direct (and, unless ``direct_only``, indirect) reports of a manager."""
    if direct_only:
        stmt = select(Employee.id).where(Employee.manager_id == manager_id)
    else:
        cte = reports_cte(manager_id)
        stmt = select(Employee.id).where(Employee.id.in_(select(cte.c.id)))
    stmt = stmt.where(Employee.status == ACTIVE, Employee.id != manager_id)
    return set(session.scalars(stmt))


def reports_clause(manager_id: int) -> ColumnElement[bool]:
    """``employees`` rows that are (direct or indirect) reports of ``manager_id``."""
    cte = reports_cte(manager_id)
    return and_(Employee.id.in_(select(cte.c.id)), Employee.id != manager_id)


def hr_clause(caller: Employee, roles: frozenset[str], settings: Settings) -> ColumnElement[bool]:
    """The people this caller covers *as HR* (check-in answers are shown only for them)."""
    if "hr" not in roles:
        return false()
    if settings.access.hr_scope == "all":
        return true()
    return Employee.hrbp_id == caller.id


def scope_clause(caller: Employee | None, roles: frozenset[str], settings: Settings) -> ColumnElement[bool]:
    """The active employees ``caller`` may see: self, reports if a manager, the HR scope if HR."""
    if caller is None or not roles:
        return false()
    parts: list[ColumnElement[bool]] = [Employee.id == caller.id]
    if "manager" in roles:
        parts.append(reports_clause(caller.id))
    if "hr" in roles:
        parts.append(hr_clause(caller, roles, settings))
    return and_(Employee.status == ACTIVE, or_(*parts))


def can_view(
    session: Session, caller: Employee | None, roles: frozenset[str], settings: Settings, employee_id: int
) -> bool:
    """Whether ``caller`` may see the employee with id ``employee_id``."""
    stmt = select(exists().where(Employee.id == employee_id, scope_clause(caller, roles, settings)))
    return bool(session.scalar(stmt))
