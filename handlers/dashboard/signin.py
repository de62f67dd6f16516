"""Dashboard sign-in and logout.

A viewer signs in with a ``[dashboard].users`` name and password (never an API token: a token
given to the CRM to upload metrics must not open everyone's data), or, with the local platform in
development only, by choosing an HR employee. Failed passwords count towards a lockout per client.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from flask import redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.security import check_password_hash

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.models import Department, Employee
from bot.security import dashboard_sessions
from handlers import auth_limits
from handlers.dashboard import bp
from handlers.dashboard.auth import (
    SESSION_CSRF,
    SESSION_ID,
    SESSION_LANG,
    configured_user,
    developer_choice_allowed,
    fingerprint,
    hr_employee,
    locale,
)

log = logging.getLogger(__name__)

# Checked when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$carebotdummysalt$" + "0" * 128


def _safe_next(raw: str | None) -> str:
    # Only same-site paths under the dashboard: never an open redirect.
    if raw and raw.startswith("/dashboard") and not urlsplit(raw).netloc and "\\" not in raw:
        return raw
    return url_for("dashboard.overview")


def _hr_choices() -> list[tuple[str, str, str | None]]:
    if not developer_choice_allowed():
        return []
    with get_runtime().db.session() as s:
        rows = s.execute(
            select(Employee.userid, Employee.name, Department.name)
            .outerjoin(Department, Department.id == Employee.department_id)
            .where(Employee.is_hr.is_(True), Employee.status == "active")
            .order_by(Employee.userid)
            .limit(200)
        ).all()
    return [(u, n, d) for u, n, d in rows]


def _login_page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "dashboard/login.html",
        error=error,
        choices=_hr_choices(),
        has_users=bool(get_runtime().settings.dashboard.users),
        next=request.values.get("next", ""),
    )
    return page, status


@bp.get("/login")
def login() -> ResponseReturnValue:
    """The sign-in form (name and password; HR employee choice in local development)."""
    return _login_page()


def _password_viewer() -> tuple[str | None, ResponseReturnValue | None]:
    """Check name and password; returns the viewer to sign in, or the page that refuses."""
    loc = locale()
    if not get_runtime().settings.dashboard.users:
        return None, _login_page(i18n.t("dash.login.no_users", loc), 403)
    wait = auth_limits.retry_after("login")
    if wait:
        minutes = max(1, (wait + 59) // 60)
        page, status = _login_page(i18n.t("dash.login.locked", loc, minutes=minutes), 429)
        return None, (page, status, {"Retry-After": str(wait)})
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    user = configured_user(username) if username else None
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    if not ok or user is None:
        auth_limits.failed("login")
        return None, _login_page(i18n.t("dash.login.bad_password", loc), 401)
    if user.userid and hr_employee(user.userid) is None:
        log.info("dashboard sign-in of %s refused: linked employee is not active HR", username)
        return None, _login_page(i18n.t("dash.login.not_hr", loc), 403)
    auth_limits.succeeded("login")
    return f"cred:{user.username}:{fingerprint(user)}", None


@bp.post("/login")
def login_submit() -> ResponseReturnValue:
    """Sign in with ``username`` + ``password`` or, in local development, ``userid`` of an HR employee."""
    userid = request.form.get("userid", "").strip()
    if userid:
        if not developer_choice_allowed():
            return _login_page(i18n.t("dash.login.no_choice", locale()), 403)
        if hr_employee(userid) is None:
            log.info("dashboard sign-in as a non-HR or unknown employee refused")
            return _login_page(i18n.t("dash.login.not_hr", locale()), 403)
        viewer: str | None = f"dev:{userid}"
    else:
        viewer, refused = _password_viewer()
        if refused is not None:
            return refused
    assert viewer is not None
    runtime = get_runtime()
    with runtime.db.session() as s:
        lifetime = timedelta(hours=runtime.settings.dashboard.session_hours)
        session_id = dashboard_sessions.open_session(s, viewer, runtime.clock.now(), lifetime)
    lang = session.get(SESSION_LANG)
    session.clear()  # a fresh session (and CSRF token) on sign-in: no fixation
    session[SESSION_ID] = session_id
    if lang:
        session[SESSION_LANG] = lang
    log.info("dashboard sign-in (%s)", viewer.split(":", 1)[0])
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session on the server too (a copy of the cookie stops working); the language stays."""
    session_id = session.pop(SESSION_ID, None)
    if isinstance(session_id, str):
        runtime = get_runtime()
        with runtime.db.session() as s:
            dashboard_sessions.revoke(s, session_id, runtime.clock.now())
    session.pop(SESSION_CSRF, None)
    return redirect(url_for("dashboard.login"))
