"""Who is looking at whom: the :class:`~bot.privacy.policy.Role` of a viewer towards one person.

HR beats manager (an HR business partner who also manages the person sees what HR sees); the
person themselves is ``self``; direct and indirect reports are told apart because an operator may
grant them different levels. A new hire's mentor (``employees.mentor_id``) is ``mentor`` unless a
stronger relation applies (access.py does not put mentees in anyone's scope yet, so today this
role is reached by callers that check the mentor link themselves, e.g. onboarding tasks).
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.core.settings.scopes import Grant
from bot.models import Employee
from bot.people.access import hr_clause, reports_clause
from bot.privacy.policy import Role, Viewer

# Reminder.role → the viewer a reminder card or digest is written for.
RECIPIENT_ROLES = {"hrbp": Role.HR, "hr": Role.HR, "manager": Role.MANAGER_DIRECT}


def role_towards(
    session: Session, caller: Employee | None, roles: frozenset[str], settings: Settings, subject: Employee
) -> Role:
    """The caller's role towards ``subject`` (``OTHER`` when none applies)."""
    if caller is None or not roles:
        return Role.OTHER
    if caller.id == subject.id:
        return Role.SELF
    if "hr" in roles:
        covered = session.scalar(select(exists().where(Employee.id == subject.id, hr_clause(caller, roles, settings))))
        if covered:
            return Role.HR_ADMIN if "admin" in roles else Role.HR
    if "manager" in roles:
        if subject.manager_id == caller.id:
            return Role.MANAGER_DIRECT
        below = session.scalar(select(exists().where(Employee.id == subject.id, reports_clause(caller.id))))
        if below:
            return Role.MANAGER_INDIRECT
    if subject.mentor_id is not None and subject.mentor_id == caller.id:
        return Role.MENTOR
    return Role.OTHER


def viewer_of(
    session: Session, caller: Employee | None, roles: frozenset[str], settings: Settings, subject: Employee
) -> Viewer:
    """A :class:`Viewer` for ``caller`` looking at ``subject``."""
    actor = caller.userid if caller is not None else ""
    return Viewer(role_towards(session, caller, roles, settings, subject), actor=actor)


def in_scope_role(caller: Employee, roles: frozenset[str], settings: Settings, subject: Employee) -> Role:
    """The role towards ``subject`` when the row is already known to be in the caller's scope.

    List commands (/team, /tags, /risk) filter with ``access.scope_clause`` in SQL; this decides
    the role per row without another query, with the same precedence as :func:`role_towards`.
    """
    if caller.id == subject.id:
        return Role.SELF
    if "hr" in roles and (settings.access.hr_scope == "all" or subject.hrbp_id == caller.id):
        return Role.HR_ADMIN if "admin" in roles else Role.HR
    if "manager" in roles and subject.manager_id == caller.id:
        return Role.MANAGER_DIRECT
    if subject.mentor_id is not None and subject.mentor_id == caller.id:
        return Role.MENTOR
    return Role.MANAGER_INDIRECT if "manager" in roles else Role.OTHER


def recipient_viewer(reminder_role: str, actor: str = "") -> Viewer:
    """The viewer a reminder to a ``hrbp``/``hr``/``manager`` recipient is written for."""
    return Viewer(RECIPIENT_ROLES.get(reminder_role, Role.OTHER), actor=actor)


def api_viewer(grant: Grant, actor: str = "") -> Viewer:
    """The viewer of an API call (or a dashboard signed in with a token)."""
    return Viewer(Role.API, grant.scopes, actor or f"api:{grant.id}")
