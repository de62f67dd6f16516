"""Dashboard guard: who is looking (a server-side session), CSRF tokens, the language.

Sign-in itself is in :mod:`handlers.dashboard.signin`. A session names a viewer:

* ``cred:<username>:<fingerprint>`` — a ``[dashboard].users`` entry; the fingerprint of its
  password hash ends the session when the password changes or the entry is removed;
* ``dev:<userid>`` — an HR employee chosen on the sign-in page, only with the local platform in
  development (the same condition as the simulator).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from flask import abort, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.core.settings.security import DashboardUser
from bot.models import Employee
from bot.privacy import Role
from bot.privacy import Viewer as PolicyViewer
from bot.security import dashboard_sessions
from handlers.dashboard import bp
from handlers.dashboard import messages as _messages  # noqa: F401  (registers the texts)

log = logging.getLogger(__name__)

SESSION_ID = "dashboard_sid"
SESSION_CSRF = "dashboard_csrf"
SESSION_LANG = "dashboard_lang"
OPEN_ENDPOINTS = frozenset({"dashboard.login", "dashboard.login_submit"})


@dataclass(frozen=True)
class Viewer:
    """Who is looking: an HR employee (sees their HR scope) or a dashboard admin (sees everyone)."""

    actor: str  # the audit-log actor: the userid, or dashboard:<username>
    label: str
    employee: Employee | None

    @property
    def policy_viewer(self) -> PolicyViewer:
        """The viewer the visibility policy renders for: HR, or HR admin for an admin employee.

        A dashboard account without ``userid`` is the dashboard's administrator (HR admin, covering
        everyone); never the API role, since API tokens do not reach the dashboard.
        """
        admin = self.employee is None or self.employee.is_admin
        return PolicyViewer(Role.HR_ADMIN if admin else Role.HR, actor=self.actor)


def locale() -> str:
    """``?lang=`` (remembered in the session), else the session's choice, else ``[app].locale``."""
    asked = request.args.get("lang")
    if asked:
        session[SESSION_LANG] = i18n.normalise_locale(asked)
    return i18n.normalise_locale(session.get(SESSION_LANG) or get_runtime().settings.app.locale)


def csrf_token() -> str:
    """The session's CSRF token (made on first use); every POST form carries it as ``csrf_token``."""
    token = session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return token


def _check_csrf() -> None:
    expected = session.get(SESSION_CSRF)
    sent = request.form.get("csrf_token", "")
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        log.info("dashboard POST %s refused: missing or wrong CSRF token", request.path)
        abort(400, i18n.t("dash.csrf", locale()))


def developer_choice_allowed() -> bool:
    """Choosing an employee as the viewer: only with the local platform in development."""
    settings = get_runtime().settings
    return settings.platform.default == "local" and settings.app.environment == "development"


def fingerprint(user: DashboardUser) -> str:
    """A short digest of the user's password hash: a new password ends the old sessions."""
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:16]


def configured_user(username: str) -> DashboardUser | None:
    """The ``[dashboard].users`` entry named ``username``."""
    return next((u for u in get_runtime().settings.dashboard.users if u.username == username), None)


def hr_employee(userid: str) -> Employee | None:
    """The active HR employee ``userid`` (detached), or None."""
    with get_runtime().db.session() as s:
        emp = s.scalar(select(Employee).where(Employee.userid == userid))
        if emp is None or not emp.is_hr or emp.status != "active":
            return None
        s.expunge(emp)
        return emp


def _as_employee(emp: Employee | None) -> Viewer | None:
    return Viewer(emp.userid, f"{emp.name} ({emp.userid})", emp) if emp is not None else None


def resolve(viewer: str) -> Viewer | None:
    """The viewer a session names, re-checked against today's configuration and directory."""
    kind, _, rest = viewer.partition(":")
    if kind == "cred":
        username, _, print_ = rest.rpartition(":")
        user = configured_user(username)
        if user is None or not hmac.compare_digest(fingerprint(user), print_):
            return None
        if user.userid:
            # Re-checked on every request: someone who left or lost the HR flag is signed out.
            return _as_employee(hr_employee(user.userid))
        return Viewer(f"dashboard:{user.username}", user.username, None)
    if kind == "dev" and rest and developer_choice_allowed():
        return _as_employee(hr_employee(rest))
    return None


def _current_viewer() -> Viewer | None:
    session_id = session.get(SESSION_ID)
    if not isinstance(session_id, str):
        return None
    runtime = get_runtime()
    with runtime.db.session() as s:
        named = dashboard_sessions.viewer_of(s, session_id, runtime.clock.now())
    return resolve(named) if named else None


@bp.before_request
def require_viewer() -> ResponseReturnValue | None:
    """Check CSRF on every POST; send anyone not signed in to the login page."""
    if request.method == "POST":
        _check_csrf()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    current = _current_viewer()
    if current is None:
        session.pop(SESSION_ID, None)
        return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
    g.dashboard_viewer = current
    return None


@bp.context_processor
def _template_helpers() -> dict[str, object]:
    loc = locale()
    return {"t": lambda key, **kw: i18n.t(key, loc, **kw), "csrf_token": csrf_token, "lang": loc}


def viewer() -> Viewer:
    """The signed-in viewer of this request (set by the guard)."""
    current: Viewer = g.dashboard_viewer
    return current
