"""Dashboard pages: overview, tags, reminders, care log and the effectiveness report.

Lists are limited to the viewer's HR scope (everyone for a token holder) and paged; every page
that shows people writes one audit row per person shown (``view.dashboard.<page>``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import mistune
from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session, aliased

from bot.core import i18n
from bot.core.input_guard import plain_int
from bot.core.runtime import Runtime, get_runtime
from bot.evaluation.assignment import arms_by_employee
from bot.models import CareAction, Department, Employee, Reminder, Tag
from bot.people import access, audit
from bot.privacy import Category, Level, policy_of
from bot.report import period as periods
from bot.report.service import generate, render
from handlers.api.tags import active_on
from handlers.commands.evidence import rule_name, shown_tag
from handlers.dashboard import bp, charts
from handlers.dashboard.auth import Viewer, locale, viewer
from handlers.dashboard.messages import label

PAGE_SIZE = 50
SEVERITIES = ("high", "medium", "low")
TAG_STATUSES = ("active", "resolved", "expired", "dismissed")
REMINDER_STATUSES = ("open", "snoozed", "done", "dismissed", "capped", "expired", "held_out")
OPEN_REMINDER_STATUSES = ("open", "snoozed", "capped")

# Report Markdown holds rule and department names from data: raw HTML in it is escaped, never rendered.
_markdown = mistune.create_markdown(escape=True, plugins=["table"])
_ALIGN = re.compile(r' style="text-align:(left|right|center)"')


def _scope() -> ColumnElement[bool]:
    """The employees the viewer may see: all for a token, the configured HR scope for an HR employee."""
    who = viewer()
    if who.employee is None:
        return true()
    return access.hr_clause(who.employee, frozenset({"hr"}), get_runtime().settings)


def _tag_name(runtime: Runtime, tag: Tag, loc: str) -> str:
    """The tag's name as the viewer may read it (a neutral summary name for sensitive rules)."""
    seen = shown_tag(runtime, policy_of(runtime.settings), viewer().policy_viewer, tag, loc)
    return seen.name if seen is not None else "—"


def _notes_visible(runtime: Runtime) -> bool:
    """Care notes are sensitive: HR reads them, a token only with ``read:sensitive``."""
    return policy_of(runtime.settings).can(viewer().policy_viewer, Category.CARE_NOTE) is Level.FULL


def _choice(name: str, allowed: Iterable[str], default: str = "") -> str:
    value = request.args.get(name, default).strip()
    if value and value not in allowed:
        abort(400, i18n.t("dash.bad_filter", locale(), field=name))
    return value


def _page() -> int:
    raw = request.args.get("page", "1")
    value = plain_int(raw)  # "²" and "①" pass isdigit() but not int()
    if value is None or not 1 <= value <= 100_000:
        abort(400, i18n.t("dash.bad_filter", locale(), field="page"))
    return value


def _paged(s: Session, query: Select[*tuple[Any, ...]], page: int) -> tuple[list[Any], bool]:
    rows = list(s.execute(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all())
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _audit(s: Session, runtime: Runtime, page: str, userids: Iterable[str], detail: dict[str, Any]) -> None:
    audit.record_views(
        s, viewer().actor, userids, f"view.dashboard.{page}", "dashboard", detail, at=runtime.clock.now()
    )


def _when(at: datetime | None, runtime: Runtime, loc: str) -> str:
    return i18n.fmt_datetime(at, runtime.tz, loc) if at is not None else "—"


def _age(since: datetime, runtime: Runtime, loc: str) -> str:
    minutes = max(0, int((runtime.clock.now() - since).total_seconds() // 60))
    if minutes >= 24 * 60:
        return i18n.t("dash.age.days", loc, n=minutes // (24 * 60))
    if minutes >= 60:
        return i18n.t("dash.age.hours", loc, n=minutes // 60)
    return i18n.t("dash.age.minutes", loc, n=minutes)


def _rule_options(runtime: Runtime, s: Session, loc: str) -> list[tuple[str, str]]:
    ids = sorted(set(s.scalars(select(Tag.rule_id).distinct())))
    return [(rid, rule_name(runtime, rid, loc)) for rid in ids]


@bp.get("/")
@bp.get("")
def overview() -> ResponseReturnValue:
    """Counts only: active tags by rule and severity, open reminders by status, calendar health."""
    runtime, loc = get_runtime(), locale()
    today = runtime.today()
    rank = {sev: i for i, sev in enumerate(SEVERITIES)}
    with runtime.db.session() as s:
        tag_rows = s.execute(
            select(Tag.rule_id, Tag.severity, func.count())
            .join(Employee, Employee.id == Tag.employee_id)
            .where(Tag.status == "active", active_on(today), _scope())
            .group_by(Tag.rule_id, Tag.severity)
        ).all()
        reminder_rows = s.execute(
            select(Reminder.status, func.count())
            .join(Tag, Tag.id == Reminder.tag_id)
            .join(Employee, Employee.id == Tag.employee_id)
            .where(Reminder.status.in_(OPEN_REMINDER_STATUSES), _scope())
            .group_by(Reminder.status)
        ).all()
        scope = _scope()
        shown_charts = [
            charts.tags_over_time(runtime, s, scope, loc),
            charts.heatmap(runtime, s, scope, loc),
            charts.turnover(runtime, s, scope, loc),
        ]
    tags = sorted(
        ((rule_name(runtime, rid, loc), label("severity", sev, loc), n, rank.get(sev, 9)) for rid, sev, n in tag_rows),
        key=lambda r: (r[0], r[3]),
    )
    counts = dict(reminder_rows)
    reminders = [(label("rem", st, loc), counts.get(st, 0)) for st in OPEN_REMINDER_STATUSES]
    missing = runtime.calendar.missing_years(today)
    return render_template(
        "dashboard/overview.html",
        page="overview",
        viewer=viewer(),
        today=i18n.fmt_date(today, loc, with_year=True),
        day_kind=label("kind", runtime.calendar.kind(today), loc),
        missing_years=i18n.list_join([str(y) for y in missing], loc) if missing else "",
        tags=[(name, sev, n) for name, sev, n, _ in tags],
        tags_total=sum(n for *_, n, _ in tags),
        reminders=reminders,
        charts=shown_charts,
    )


def shows_arm(runtime: Runtime, who: Viewer) -> bool:
    """The evaluation arm is shown only to HR admins (an admin token, or an HR employee who is an admin).

    HR partners who act on reminders must not know who is in the holdout, or they might care for
    those people anyway and blur the comparison.
    """
    return runtime.settings.evaluation.enabled and (who.employee is None or who.employee.is_admin)


@bp.get("/tags")
def tags() -> ResponseReturnValue:
    """Tags filtered by rule, severity and status (default: active), newest first."""
    runtime, loc = get_runtime(), locale()
    severity = _choice("severity", SEVERITIES)
    status = _choice("status", (*TAG_STATUSES, "all"), "active")
    rule = request.args.get("rule", "").strip()[:64]
    page = _page()
    query = (
        select(Tag, Employee.userid, Employee.name, Department.name)
        .join(Employee, Employee.id == Tag.employee_id)
        .outerjoin(Department, Department.id == Employee.department_id)
        .where(_scope())
        .order_by(Tag.raised_on.desc(), Tag.id.desc())
    )
    if status != "all":
        query = query.where(Tag.status == status)
    if severity:
        query = query.where(Tag.severity == severity)
    if rule:
        query = query.where(Tag.rule_id == rule)
    with_arm = shows_arm(runtime, viewer())
    with runtime.db.session() as s:
        rows, has_next = _paged(s, query, page)
        options = _rule_options(runtime, s, loc)
        policy, who = policy_of(runtime.settings), viewer().policy_viewer
        unit = runtime.settings.evaluation.unit
        arms = arms_by_employee(s, unit, [tag.employee_id for tag, *_ in rows]) if with_arm else {}
        shown = []
        for tag, userid, name, dept in rows:
            seen = shown_tag(runtime, policy, who, tag, loc)
            shown.append(
                {
                    "person": f"{name} ({userid})",
                    "department": dept or "—",
                    "rule": seen.name if seen is not None else "—",
                    "severity": label("severity", tag.severity, loc),
                    "status": label("tag", tag.status, loc),
                    "raised_on": i18n.fmt_date(tag.raised_on, loc, with_year=True),
                    "evidence": seen.evidence if seen is not None else "—",
                    "arm": label("arm", arms[tag.employee_id], loc) if tag.employee_id in arms else "—",
                }
            )
        detail = {"rule": rule or None, "severity": severity or None, "status": status, "page": page}
        _audit(s, runtime, "tags", (r[1] for r in rows), detail)
    return render_template(
        "dashboard/tags.html",
        page="tags",
        viewer=viewer(),
        rows=shown,
        show_arm=with_arm,
        rules=options,
        severities=[(v, label("severity", v, loc)) for v in SEVERITIES],
        statuses=[(v, label("tag", v, loc)) for v in TAG_STATUSES],
        current={"rule": rule, "severity": severity, "status": status},
        page_no=page,
        has_next=has_next,
    )


@bp.get("/reminders")
def reminders() -> ResponseReturnValue:
    """Reminders, optionally of one status, newest first: whom about, to whom, how old, what was done."""
    runtime, loc = get_runtime(), locale()
    status = _choice("status", REMINDER_STATUSES)
    page = _page()
    recipient = aliased(Employee)
    query = (
        select(Reminder, Tag, Employee.userid, Employee.name, Department.name, recipient.userid, recipient.name)
        .join(Tag, Tag.id == Reminder.tag_id)
        .join(Employee, Employee.id == Tag.employee_id)
        .join(recipient, recipient.id == Reminder.recipient_id)
        .outerjoin(Department, Department.id == Employee.department_id)
        .where(_scope())
        .order_by(Reminder.created_at.desc(), Reminder.id.desc())
    )
    if status:
        query = query.where(Reminder.status == status)
    with runtime.db.session() as s:
        rows, has_next = _paged(s, query, page)
        notes = _notes_visible(runtime)
        shown = [
            {
                "person": f"{name} ({userid})",
                "department": dept or "—",
                "rule": _tag_name(runtime, tag, loc),
                "recipient": f"{r_name} ({r_userid})",
                "status": label("rem", rem.status, loc),
                "age": _age(rem.created_at, runtime, loc),
                "acted_at": _when(rem.acted_at, runtime, loc),
                "note": (rem.note or rem.dismiss_reason or "") if notes else "",
            }
            for rem, tag, userid, name, dept, r_userid, r_name in rows
        ]
        _audit(s, runtime, "reminders", (r[2] for r in rows), {"status": status or None, "page": page})
        shown_charts = list(charts.funnel(runtime, s, _scope(), loc)) if page == 1 else []
    return render_template(
        "dashboard/reminders.html",
        page="reminders",
        viewer=viewer(),
        rows=shown,
        statuses=[(v, label("rem", v, loc)) for v in REMINDER_STATUSES],
        current={"status": status},
        charts=shown_charts,
        page_no=page,
        has_next=has_next,
    )


@bp.get("/care")
def care_log() -> ResponseReturnValue:
    """Care actions, newest first, paged."""
    runtime, loc = get_runtime(), locale()
    page = _page()
    actor = aliased(Employee)
    query = (
        select(CareAction, Employee.userid, Employee.name, Department.name, actor.name, Tag.rule_id)
        .join(Employee, Employee.id == CareAction.employee_id)
        .outerjoin(Department, Department.id == Employee.department_id)
        .outerjoin(actor, actor.id == CareAction.actor_id)
        .outerjoin(Tag, Tag.id == CareAction.tag_id)
        .where(_scope())
        .order_by(CareAction.acted_at.desc(), CareAction.id.desc())
    )
    with runtime.db.session() as s:
        rows, has_next = _paged(s, query, page)
        notes = _notes_visible(runtime)
        shown = [
            {
                "when": _when(action.acted_at, runtime, loc),
                "person": f"{name} ({userid})",
                "department": dept or "—",
                "kind": label("care", action.kind, loc),
                "rule": rule_name(runtime, rule_id, loc) if rule_id else "—",
                "actor": actor_name or "—",
                "note": (action.note or "") if notes else "",
            }
            for action, userid, name, dept, actor_name, rule_id in rows
        ]
        _audit(s, runtime, "care", (r[1] for r in rows), {"page": page})
    return render_template(
        "dashboard/care.html", page="care", viewer=viewer(), rows=shown, page_no=page, has_next=has_next
    )


@bp.get("/report")
def report() -> ResponseReturnValue:
    """The effectiveness report of ``from``..``to`` (default: the configured days up to yesterday)."""
    runtime, loc = get_runtime(), locale()
    start, end = request.args.get("from") or None, request.args.get("to") or None
    try:
        period = periods.resolve_for(runtime, start, end, loc)
    except periods.PeriodError as exc:
        page = render_template(
            "dashboard/report.html", page="report", viewer=viewer(), error=exc.message, html="", start=start, end=end
        )
        return page, 422
    built = generate(runtime, period, loc, actor=viewer().actor, channel="dashboard", fmt="md")
    # Table alignment comes out as style attributes, which the CSP blocks: classes instead.
    html = _ALIGN.sub(r' class="align-\1"', str(_markdown(render(built, "md", loc, runtime))))
    with runtime.db.session() as s:
        shown_charts = [charts.pulse_trend(runtime, s, _scope(), loc), charts.turnover(runtime, s, _scope(), loc)]
    return render_template(
        "dashboard/report.html",
        page="report",
        viewer=viewer(),
        error=None,
        html=html,
        charts=shown_charts,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
    )
