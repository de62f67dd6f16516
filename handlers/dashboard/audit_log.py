"""The audit-log page for HR admins: who viewed whose data, when, through which channel (filterable).

Only HR admins (``is_admin``) may read it, as the visibility policy (bot.privacy) allows. Reading the log is itself
recorded (``view.dashboard.audit``) with the filters used, so even the watchers are watched.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.models import AuditLog, Employee
from bot.people import audit
from bot.privacy import Category, Level, policy_of
from handlers.dashboard import bp
from handlers.dashboard.auth import Viewer, locale, viewer
from handlers.dashboard.pages import PAGE_SIZE, _page, _when

i18n.register(
    {
        "dash.nav.audit": {"zh-CN": "审计日志", "en": "Audit log"},
        "dash.audit.only_admins": {
            "zh-CN": "只有 HR 管理员（is_admin）可以查看审计日志",
            "en": "Only HR admins (is_admin) may read the audit log",
        },
        "dash.audit.actor": {"zh-CN": "查看者（工号或令牌）", "en": "Viewer (user id or token)"},
        "dash.audit.subject": {"zh-CN": "被查看者（工号）", "en": "Viewed person (user id)"},
        "dash.audit.action": {"zh-CN": "操作（前缀，如 view.）", "en": "Action (prefix, e.g. view.)"},
        "dash.audit.channel": {"zh-CN": "渠道", "en": "Channel"},
        "dash.audit.detail": {"zh-CN": "详情", "en": "Detail"},
        "dash.audit.bad_date": {"zh-CN": "日期格式应为 YYYY-MM-DD", "en": "dates must be YYYY-MM-DD"},
    }
)

CHANNELS = ("dashboard", "api", "cli", "local", "dingtalk", "wecom")


def may_read_audit(who: Viewer) -> bool:
    """HR admins read the audit log (the visibility policy decides; HR business partners do not)."""
    if who.employee is not None and not who.employee.is_admin:
        return False
    return policy_of(get_runtime().settings).can(who.policy_viewer, Category.AUDIT_LOG) is not Level.NONE


def _day(name: str, loc: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, i18n.t("dash.audit.bad_date", loc))


@bp.get("/audit")
def audit_log() -> ResponseReturnValue:
    """Audit rows newest first, filtered by viewer, viewed person, action prefix, channel and dates."""
    runtime, loc, who = get_runtime(), locale(), viewer()
    if not may_read_audit(who):
        abort(403, i18n.t("dash.audit.only_admins", loc))
    f = {k: request.args.get(k, "").strip()[:64] for k in ("actor", "subject", "action", "channel")}
    if f["channel"] and f["channel"] not in CHANNELS:
        abort(400, i18n.t("dash.bad_filter", loc, field="channel"))
    start, end = _day("from", loc), _day("to", loc)
    page = _page()
    query = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if f["actor"]:
        query = query.where(AuditLog.actor_userid == f["actor"])
    if f["subject"]:
        query = query.where(AuditLog.subject_userid == f["subject"])
    if f["action"]:
        query = query.where(AuditLog.action.startswith(f["action"], autoescape=True))
    if f["channel"]:
        query = query.where(AuditLog.channel == f["channel"])
    if start:
        query = query.where(AuditLog.at >= datetime.combine(start, time(0), runtime.tz))
    if end:
        query = query.where(AuditLog.at < datetime.combine(end + timedelta(days=1), time(0), runtime.tz))
    with runtime.db.session() as s:
        rows = list(s.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
        has_next, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
        ids = {r.actor_userid for r in rows} | {r.subject_userid for r in rows if r.subject_userid}
        names = dict(s.execute(select(Employee.userid, Employee.name).where(Employee.userid.in_(ids))).all())
        shown = [
            {
                "when": _when(r.at, runtime, loc),
                "actor": f"{names[r.actor_userid]} ({r.actor_userid})" if r.actor_userid in names else r.actor_userid,
                "subject": f"{names.get(r.subject_userid or '', '')} ({r.subject_userid})" if r.subject_userid else "—",
                "action": r.action,
                "channel": r.channel or "—",
                "detail": ", ".join(f"{k}={v}" for k, v in (r.detail or {}).items() if v is not None)[:200],
            }
            for r in rows
        ]
        audit.record(
            s, who.actor, None, "view.dashboard.audit", "dashboard", {**f, "page": page}, at=runtime.clock.now()
        )
    filters = {**f, "from": start.isoformat() if start else "", "to": end.isoformat() if end else ""}
    return render_template(
        "dashboard/audit.html",
        page="audit",
        viewer=who,
        rows=shown,
        current=filters,
        channels=CHANNELS,
        page_no=page,
        has_next=has_next,
    )
