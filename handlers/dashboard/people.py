"""The person page: search by name, pinyin, initials or userid in the viewer's scope, then one person.

The page shows tags with evidence, reminders and the care log, attendance and metric charts, and
pulse participation (care check-in answers — identified by design; team-pulse answers never). Every
search result list and every person view is audit-logged (``view.dashboard.people`` and
``view.dashboard.person``). Out-of-scope and unknown people get the same 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.core import i18n
from bot.core.runtime import Runtime, get_runtime
from bot.journeys.views import journey_dict, journey_of
from bot.models import AttendanceDay, CareAction, Department, Employee, Metric, Reminder, Survey, SurveyAnswer, Tag
from bot.people.lookup import find_people
from bot.privacy import Category, Level, policy_of
from handlers.commands.evidence import rule_name, shown_tag
from handlers.dashboard import bp, svg
from handlers.dashboard.auth import locale, viewer
from handlers.dashboard.messages import label
from handlers.dashboard.pages import _audit, _scope, _when

i18n.register(
    {
        "dash.nav.people": {"zh-CN": "员工", "en": "People"},
        "dash.people.search": {
            "zh-CN": "姓名、拼音、缩写（如 zs）或工号",
            "en": "Name, pinyin, initials (e.g. zs) or user id",
        },
        "dash.people.found": {"zh-CN": "找到 {n} 人", "en": "{n} found"},
        "dash.people.none": {"zh-CN": "未找到或无权限查看", "en": "Not found or not yours to see"},
        "dash.person.profile": {"zh-CN": "基本信息", "en": "Profile"},
        "dash.person.manager": {"zh-CN": "直属主管", "en": "Manager"},
        "dash.person.hrbp": {"zh-CN": "HRBP", "en": "HRBP"},
        "dash.person.hired": {"zh-CN": "入职日期", "en": "Hired on"},
        "dash.person.left": {"zh-CN": "离职日期", "en": "Left on"},
        "dash.person.position": {"zh-CN": "岗位", "en": "Position"},
        "dash.person.tags": {"zh-CN": "关怀标签与依据", "en": "Care tags and evidence"},
        "dash.person.reminders": {"zh-CN": "提醒", "en": "Reminders"},
        "dash.person.care": {"zh-CN": "关怀记录", "en": "Care log"},
        "dash.person.attendance": {
            "zh-CN": "近 60 天考勤：最后打卡时间与工时",
            "en": "Last 60 days: last punch and hours",
        },
        "dash.person.last_out": {"zh-CN": "最后打卡（时）", "en": "last punch (hour)"},
        "dash.person.hours": {"zh-CN": "工时（小时）", "en": "hours worked"},
        "dash.person.metrics": {"zh-CN": "近 12 周业绩（周均）", "en": "Last 12 weeks of results (weekly mean)"},
        "dash.person.pulse": {"zh-CN": "问卷参与", "en": "Pulse participation"},
        "dash.person.pulse_summary": {
            "zh-CN": "近 180 天收到 {sent} 次问卷，回答 {answered} 次。",
            "en": "{sent} pulses in the last 180 days, {answered} answered.",
        },
        "dash.person.checkins": {
            "zh-CN": "关怀问答（员工知情：HR 可见）",
            "en": "Care check-in answers (the employee was told HR sees them)",
        },
        "dash.person.team_hidden": {
            "zh-CN": "团队匿名问卷的个人回答从不显示，只在 ≥ {k} 人的汇总中出现。",
            "en": "Confidential team-pulse answers are never shown per person, only in totals of ≥ {k} people.",
        },
        "dash.person.journey": {"zh-CN": "入职旅程", "en": "Onboarding journey"},
        "dash.person.no_journey": {"zh-CN": "没有入职旅程。", "en": "No onboarding journey."},
        "dash.person.journey_summary": {
            "zh-CN": "{name} · 开始于 {started} · 已完成 {done}/{total} 项 · 状态：{status}",
            "en": "{name} · started {started} · {done} of {total} steps done · status: {status}",
        },
        "dash.col.question": {"zh-CN": "问题", "en": "Question"},
        "dash.col.answer": {"zh-CN": "回答", "en": "Answer"},
        "dash.col.day": {"zh-CN": "日期", "en": "Day"},
    }
)

SEARCH_LIMIT = 20
METRICS = ("calls", "sales")


@bp.get("/people")
def people_search() -> ResponseReturnValue:
    """``?q=`` → the people in scope it names (name, pinyin, initials, userid, then partial)."""
    runtime = get_runtime()
    q = request.args.get("q", "").strip()[:64]
    rows: list[dict[str, Any]] = []
    total = 0
    if q:
        with runtime.db.session() as s:
            found = find_people(s, q, _scope(), limit=SEARCH_LIMIT)
            depts = dict(s.execute(select(Department.id, Department.name)).all())
            rows = [
                {
                    "userid": e.userid,
                    "name": e.name,
                    "department": depts.get(e.department_id or 0, "—"),
                    "position": e.position or "",
                    "status": e.status,
                }
                for e in found.people
            ]
            total = found.total
            _audit(s, runtime, "people", (r["userid"] for r in rows), {"q_length": len(q), "how": found.how})
    return render_template("dashboard/people.html", page="people", viewer=viewer(), q=q, rows=rows, total=total)


def _profile(s: Session, emp: Employee, loc: str) -> dict[str, str]:
    boss, hrbp = aliased(Employee), aliased(Employee)
    dept = s.scalar(select(Department.name).where(Department.id == emp.department_id)) or "—"
    manager = s.scalar(select(boss.name).where(boss.id == emp.manager_id)) or "—"
    partner = s.scalar(select(hrbp.name).where(hrbp.id == emp.hrbp_id)) or "—"
    return {
        "department": dept,
        "position": emp.position or "—",
        "manager": manager,
        "hrbp": partner,
        "hired": i18n.fmt_date(emp.hired_on, loc, with_year=True) if emp.hired_on else "—",
        "left": i18n.fmt_date(emp.left_on, loc, with_year=True) if emp.left_on else "",
    }


def _attendance_chart(runtime: Runtime, s: Session, emp: Employee, loc: str) -> Any:
    end = runtime.today()
    start = end - timedelta(days=60)
    rows = s.execute(
        select(AttendanceDay.day, AttendanceDay.last_out_min, AttendanceDay.worked_minutes)
        .where(AttendanceDay.employee_id == emp.id, AttendanceDay.day >= start, AttendanceDay.day < end)
        .order_by(AttendanceDay.day)
    ).all()
    labels = [i18n.fmt_date(d, loc) for d, _, _ in rows]
    last = [round(m / 60, 1) if m is not None else None for _, m, _ in rows]
    hours = [round(w / 60, 1) if w else None for _, _, w in rows]
    series = [
        svg.Series(i18n.t("dash.person.last_out", loc), last),
        svg.Series(i18n.t("dash.person.hours", loc), hours),
    ]
    title = i18n.t("dash.person.attendance", loc)
    return {"svg": svg.line_chart(title, labels, series), "legend": svg.legend(series), "empty": not rows}


def _metrics_chart(runtime: Runtime, s: Session, emp: Employee, loc: str) -> Any:
    end = runtime.today()
    weeks = [end - timedelta(days=end.weekday()) - timedelta(weeks=11 - i) for i in range(12)]
    rows = s.execute(
        select(Metric.metric, Metric.day, Metric.value).where(
            Metric.employee_id == emp.id, Metric.metric.in_(METRICS), Metric.day >= weeks[0]
        )
    ).all()
    series = []
    for metric in METRICS:
        values: list[float | None] = []
        for i, monday in enumerate(weeks):
            nxt = weeks[i + 1] if i + 1 < len(weeks) else end + timedelta(days=1)
            week = [v for m, d, v in rows if m == metric and monday <= d < nxt]
            values.append(round(sum(week) / len(week), 1) if week else None)
        # Sales and calls differ by two orders of magnitude: sales shown in hundreds to share the axis.
        scaled = [v / 100 if v is not None and metric == "sales" else v for v in values]
        series.append(svg.Series(f"{metric} (÷100)" if metric == "sales" else metric, scaled))
    title = i18n.t("dash.person.metrics", loc)
    labels = [i18n.fmt_date(w, loc) for w in weeks]
    return {"svg": svg.line_chart(title, labels, series), "legend": svg.legend(series), "empty": not rows}


def _journey(
    runtime: Runtime, s: Session, emp: Employee, loc: str, may_read: Callable[[Category], Level]
) -> dict[str, Any] | None:
    journey = journey_of(s, emp.id)
    if journey is None:
        return None
    shown = journey_dict(runtime, s, journey, emp, loc, may_read)  # step notes through the policy
    steps = shown["steps"]
    return {
        "name": shown["journey"],
        "status": journey.status,
        "started_on": i18n.fmt_date(journey.started_on, loc, with_year=True),
        "done": sum(1 for st in steps if st["status"] in ("done", "skipped")),
        "total": len(steps),
        "steps": steps,
    }


@bp.get("/people/<userid>")
def person(userid: str) -> ResponseReturnValue:
    """One person in the viewer's scope: everything HR may see about them, audit-logged."""
    runtime, loc = get_runtime(), locale()
    with runtime.db.session() as s:
        emp = s.scalar(select(Employee).where(Employee.userid == userid[:64], _scope()))
        if emp is None:
            abort(404, i18n.t("dash.people.none", loc))
        tags = s.scalars(select(Tag).where(Tag.employee_id == emp.id).order_by(Tag.raised_on.desc()).limit(30)).all()
        recipient = aliased(Employee)
        reminders = s.execute(
            select(Reminder, Tag.rule_id, recipient.name)
            .join(Tag, Tag.id == Reminder.tag_id)
            .join(recipient, recipient.id == Reminder.recipient_id)
            .where(Tag.employee_id == emp.id)
            .order_by(Reminder.created_at.desc())
            .limit(30)
        ).all()
        actor = aliased(Employee)
        care = s.execute(
            select(CareAction, actor.name)
            .outerjoin(actor, actor.id == CareAction.actor_id)
            .where(CareAction.employee_id == emp.id)
            .order_by(CareAction.acted_at.desc())
            .limit(30)
        ).all()
        since = runtime.today() - timedelta(days=180)
        sent = s.scalar(
            select(func.count()).select_from(Survey).where(Survey.employee_id == emp.id, Survey.scheduled_on >= since)
        )
        answered = s.scalar(
            select(func.count(func.distinct(SurveyAnswer.survey_id))).where(
                SurveyAnswer.employee_id == emp.id, SurveyAnswer.answered_on >= since
            )
        )
        checkins = s.execute(
            select(SurveyAnswer.answered_on, SurveyAnswer.question_key, SurveyAnswer.value, SurveyAnswer.text)
            .where(SurveyAnswer.employee_id == emp.id, SurveyAnswer.mode == "checkin")
            .order_by(SurveyAnswer.answered_on.desc(), SurveyAnswer.id.desc())
            .limit(20)
        ).all()
        # One visibility policy (bot.privacy) decides what this viewer reads about this person.
        policy, who = policy_of(runtime.settings), viewer().policy_viewer
        notes = policy.can(who, Category.CARE_NOTE) is Level.FULL
        if policy.can(who, Category.CHECKIN) is not Level.FULL:
            checkins = []
        context = {
            "emp": {"userid": emp.userid, "name": emp.name, "status": emp.status},
            "profile": _profile(s, emp, loc),
            "tags": [
                {
                    "rule": seen.name,
                    "severity": label("severity", t.severity, loc),
                    "status": label("tag", t.status, loc),
                    "raised_on": i18n.fmt_date(t.raised_on, loc, with_year=True),
                    "evidence": seen.evidence,
                }
                for t in tags
                if (seen := shown_tag(runtime, policy, who, t, loc)) is not None
            ],
            "reminders": [
                {
                    "id": r.id,
                    "rule": rule_name(runtime, rule_id, loc),
                    "recipient": name,
                    "status": label("rem", r.status, loc),
                    "sent": _when(r.sent_at, runtime, loc),
                    "acted": _when(r.acted_at, runtime, loc),
                    "note": (r.note or r.dismiss_reason or "") if notes else "",
                }
                for r, rule_id, name in reminders
            ],
            "care": [
                {
                    "when": _when(c.acted_at, runtime, loc),
                    "kind": label("care", c.kind, loc),
                    "actor": a or "—",
                    "note": (c.note or "") if notes else "",
                }
                for c, a in care
            ],
            "pulse": {"sent": sent or 0, "answered": answered or 0},
            "checkins": [
                {"day": i18n.fmt_date(d, loc, with_year=True), "question": k, "answer": t if v is None else f"{v:g}"}
                for d, k, v, t in checkins
            ],
            "attendance": _attendance_chart(runtime, s, emp, loc)
            if policy.can(who, Category.ATTENDANCE) is not Level.NONE
            else {"svg": "", "legend": "", "empty": True},
            "metrics": _metrics_chart(runtime, s, emp, loc)
            if policy.can(who, Category.PERFORMANCE) is not Level.NONE
            else {"svg": "", "legend": "", "empty": True},
            "k": runtime.settings.report.min_group_size,
            "journey": _journey(runtime, s, emp, loc, lambda category: policy.can(who, category)),
        }
        _audit(
            s,
            runtime,
            "person",
            [emp.userid],
            {"sections": ["tags", "reminders", "care", "attendance", "metrics", "pulse", "checkins"]},
        )
    return render_template("dashboard/person.html", page="people", viewer=viewer(), **context)
