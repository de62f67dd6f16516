"""Dashboard sign-in: token or (local development) HR employee → session; CSRF tokens; the guard."""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import abort, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from bot import i18n
from bot.models import Department, Employee
from bot.privacy import Role
from bot.privacy import Viewer as PolicyViewer
from bot.privacy import scopes as token_scopes
from bot.runtime import get_runtime
from handlers.api import token_id
from handlers.dashboard import bp
from handlers.dashboard import messages as _messages  # noqa: F401  (registers the texts)

log = logging.getLogger(__name__)

SESSION_VIEWER = "dashboard_viewer"  # "token:<id>" or "user:<userid>"
SESSION_CSRF = "dashboard_csrf"
SESSION_LANG = "dashboard_lang"
READ_SCOPES = frozenset({token_scopes.READ_AGGREGATES, token_scopes.READ_PEOPLE, token_scopes.READ_SENSITIVE})
PEOPLE_SCOPES = frozenset({token_scopes.READ_PEOPLE, token_scopes.READ_SENSITIVE})
# Pages that list no person (counts and the aggregate report) need only read:aggregates.
AGGREGATE_ENDPOINTS = frozenset({"dashboard.overview", "dashboard.report", "dashboard.logout"})
OPEN_ENDPOINTS = frozenset({"dashboard.login", "dashboard.login_submit"})


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a token holder (sees everyone) or an HR employee (sees their HR scope)."""

    actor: str  # the audit-log actor: the userid, or dashboard:<token id>
    label: str
    employee: Employee | None
    scopes: frozenset[str] = frozenset()  # a token's scopes (bot/privacy/scopes.py)

    @property
    def policy_viewer(self) -> PolicyViewer:
        """The viewer the visibility policy renders for: HR (or HR admin) for an employee, API for a token."""
        if self.employee is None:
            return PolicyViewer(Role.API, self.scopes, self.actor)
        return PolicyViewer(Role.HR_ADMIN if self.employee.is_admin else Role.HR, actor=self.actor)


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


def simulator_choice_allowed() -> bool:
    """Choosing an employee as the viewer: only with the local platform in development."""
    settings = get_runtime().settings
    return settings.platform.default == "local" and settings.app.environment == "development"


def _hr_employee(userid: str) -> Employee | None:
    with get_runtime().db.session() as s:
        emp = s.scalar(select(Employee).where(Employee.userid == userid))
        if emp is None or not emp.is_hr or emp.status != "active":
            return None
        s.expunge(emp)
        return emp


def _viewer() -> Viewer | None:
    raw = session.get(SESSION_VIEWER)
    if not isinstance(raw, str):
        return None
    kind, _, ident = raw.partition(":")
    if kind == "token" and ident:
        # Re-checked on every request: a token removed from [api].tokens ends its sessions too.
        grant = next((g for g in token_scopes.grants(get_runtime().settings.api.tokens) if g.id == ident), None)
        if grant is None:
            return None
        loc = locale()
        return Viewer(f"dashboard:{ident}", i18n.t("dash.viewer.token", loc, id=ident), None, grant.scopes)
    if kind == "user" and ident and simulator_choice_allowed():
        # Re-checked on every request: someone who left or lost the HR flag is signed out.
        emp = _hr_employee(ident)
        if emp is not None:
            return Viewer(emp.userid, f"{emp.name} ({emp.userid})", emp)
    return None


@bp.before_request
def require_viewer() -> ResponseReturnValue | None:
    """Check CSRF on every POST; send anyone not signed in to the login page."""
    if request.method == "POST":
        _check_csrf()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    viewer = _viewer()
    if viewer is None:
        session.pop(SESSION_VIEWER, None)
        return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
    if viewer.employee is None and not viewer.scopes & PEOPLE_SCOPES and request.endpoint not in AGGREGATE_ENDPOINTS:
        abort(403, i18n.t("dash.login.no_scope", locale()))
    g.dashboard_viewer = viewer
    return None


@bp.context_processor
def _template_helpers() -> dict[str, object]:
    loc = locale()
    return {"t": lambda key, **kw: i18n.t(key, loc, **kw), "csrf_token": csrf_token, "lang": loc}


def _safe_next(raw: str | None) -> str:
    # Only same-site paths under the dashboard: never an open redirect.
    if raw and raw.startswith("/dashboard") and not urlsplit(raw).netloc and "\\" not in raw:
        return raw
    return url_for("dashboard.overview")


def _hr_choices() -> list[tuple[str, str, str | None]]:
    if not simulator_choice_allowed():
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


def _login_page(error_key: str | None = None, status: int = 200) -> ResponseReturnValue:
    error = i18n.t(error_key, locale()) if error_key else None
    page = render_template(
        "dashboard/login.html", error=error, choices=_hr_choices(), next=request.values.get("next", "")
    )
    return page, status


@bp.get("/login")
def login() -> ResponseReturnValue:
    """The sign-in form (token; HR employee choice in local development)."""
    return _login_page()


@bp.post("/login")
def login_submit() -> ResponseReturnValue:
    """Sign in with ``token`` or, in local development, ``userid`` of an HR employee."""
    userid = request.form.get("userid", "").strip()
    if userid:
        if not simulator_choice_allowed():
            return _login_page("dash.login.no_choice", 403)
        if _hr_employee(userid) is None:
            log.info("dashboard sign-in as a non-HR or unknown employee refused")
            return _login_page("dash.login.not_hr", 403)
        viewer = f"user:{userid}"
    else:
        tokens = get_runtime().settings.api.tokens
        if not tokens:
            return _login_page("dash.login.no_tokens", 403)
        presented = request.form.get("token", "").strip()
        # Compared with every token in constant time: timing reveals neither which nor how much.
        matched = token_scopes.match(tokens, presented) if presented else None
        if matched is None:
            log.info("dashboard sign-in with an unknown token refused")
            return _login_page("dash.login.bad_token", 401)
        if not matched.scopes & READ_SCOPES:
            # A write-only integration token (e.g. the CRM's metrics:write) must not open the HR dashboard.
            log.info("dashboard sign-in with a token without read scopes refused")
            return _login_page("dash.login.no_scope", 403)
        viewer = f"token:{token_id(presented)}"
    lang = session.get(SESSION_LANG)
    session.clear()  # a fresh session (and CSRF token) on sign-in: no fixation
    session[SESSION_VIEWER] = viewer
    if lang:
        session[SESSION_LANG] = lang
    log.info("dashboard sign-in (%s)", viewer.split(":", 1)[0])
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Forget the viewer (the language choice stays)."""
    session.pop(SESSION_VIEWER, None)
    session.pop(SESSION_CSRF, None)
    return redirect(url_for("dashboard.login"))


def viewer() -> Viewer:
    """The signed-in viewer of this request (set by the guard)."""
    current: Viewer = g.dashboard_viewer
    return current
