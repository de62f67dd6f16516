"""``/mydata`` ``/我的数据``: what CareBot stores about the caller and why (PIPL right to know)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.core import i18n
from bot.models import (
    Approval,
    AttendanceDay,
    AuditLog,
    CareAction,
    Consent,
    Employee,
    Metric,
    Punch,
    Survey,
    SurveyAnswer,
    Tag,
)
from bot.pipeline.dispatch import Reply
from bot.privacy import Category, Level
from bot.voice import life_records
from handlers.commands import mydata_rights as rights
from handlers.commands import registry
from handlers.commands.context import CommandContext
from handlers.commands.evidence import shown_tag
from handlers.commands.mydata_texts import LIFE_EVENT_KEYS
from handlers.commands.people import department_names, dept_of
from handlers.commands.text import Section, limit_for, plain, render

AUDIT_DAYS = 90


def _mask(value: str | None) -> str:
    """``138＊＊＊＊5678`` / ``z＊＊＊@example.com``: enough to recognise, not enough to leak in a chat log."""
    if not value:
        return "—"
    star = "＊"  # full-width: an ASCII "*" run would turn into markdown emphasis
    if "@" in value:
        user, _, domain = value.partition("@")
        return f"{plain(user[:1], 1)}{star * 3}@{plain(domain, 60)}"
    return f"{plain(value[:3], 3)}{star * 4}{plain(value[-4:], 4)}" if len(value) > 7 else star * 4


def _day(ctx: CommandContext, day: date | None) -> str:
    return i18n.fmt_date(day, ctx.locale, with_year=True) if day is not None else "—"


def _count(ctx: CommandContext, column: object, *where: object) -> int:
    return int(ctx.session.scalar(select(func.count(column)).where(*where)) or 0)  # type: ignore[arg-type]


def _profile(ctx: CommandContext, me: Employee) -> list[str]:
    manager = ctx.session.get(Employee, me.manager_id) if me.manager_id else None
    hrbp = ctx.session.get(Employee, me.hrbp_id) if me.hrbp_id else None
    return [
        ctx.t("commands.mydata.profile_head"),
        "- "
        + ctx.t(
            "commands.mydata.profile_1",
            name=plain(me.name, 32),
            userid=plain(me.userid, 64),
            dept=dept_of(ctx, me, department_names(ctx, [me])),
            position=plain(me.position, 32) or "—",
        ),
        "- "
        + ctx.t(
            "commands.mydata.profile_2",
            manager=plain(manager.name, 32) if manager else "—",
            hrbp=plain(hrbp.name, 32) if hrbp else "—",
            hired=_day(ctx, me.hired_on),
            probation=_day(ctx, me.probation_ends_on),
        ),
        "- "
        + ctx.t(
            "commands.mydata.profile_3",
            birthday=plain(me.birthday, 5) or "—",
            email=_mask(me.email),
            mobile=_mask(me.mobile),
            surveys=ctx.t("commands.mydata.paused" if me.surveys_paused else "commands.mydata.receiving"),
        ),
    ]


def _activity(ctx: CommandContext, me: Employee) -> list[Section]:
    first_punch = ctx.session.scalar(select(func.min(Punch.punched_at)).where(Punch.employee_id == me.id))
    metrics = ctx.session.execute(
        select(Metric.metric, func.count(Metric.id)).where(Metric.employee_id == me.id).group_by(Metric.metric)
    ).all()
    sent = _count(ctx, Survey.id, Survey.employee_id == me.id, Survey.sent_at.is_not(None))
    answered = _count(ctx, Survey.id, Survey.employee_id == me.id, Survey.answered_at.is_not(None))
    checkins = _count(ctx, SurveyAnswer.id, SurveyAnswer.employee_id == me.id, SurveyAnswer.mode == "checkin")
    team = _count(ctx, SurveyAnswer.id, SurveyAnswer.employee_id == me.id, SurveyAnswer.mode == "team")
    attendance = [
        ctx.t("commands.mydata.attendance_head"),
        "- "
        + ctx.t(
            "commands.mydata.attendance",
            punches=_count(ctx, Punch.id, Punch.employee_id == me.id),
            since=i18n.fmt_date(first_punch.astimezone(ctx.runtime.tz).date(), ctx.locale, with_year=True)
            if first_punch
            else "—",
            days=_count(ctx, AttendanceDay.id, AttendanceDay.employee_id == me.id),
            approvals=_count(ctx, Approval.id, Approval.employee_id == me.id),
        ),
    ]
    metric_lines = [
        ctx.t("commands.mydata.metrics_head"),
        "- "
        + (
            ctx.t(
                "commands.mydata.metrics",
                names=i18n.list_join([plain(m, 32) for m, _ in metrics], ctx.locale),
                n=sum(n for _, n in metrics),
            )
            if metrics
            else ctx.t("commands.mydata.none")
        ),
    ]
    pulse = [
        ctx.t("commands.mydata.pulse_head"),
        "- "
        + ctx.t("commands.mydata.pulse", sent=sent, answered=answered)
        + " · "
        + ctx.t("commands.mydata.checkins", n=checkins)
        + " · "
        + ctx.t("commands.mydata.team", n=team),
    ]
    # Their own answers, newest first (the policy's self column: the employee sees what they said).
    answers = Section(lines=pulse, items=rights.own_answers(ctx, me), more_key="commands.more_items")
    return [Section(lines=attendance), Section(lines=metric_lines), answers]


def _tags(ctx: CommandContext, me: Employee) -> Section:
    tags = list(
        ctx.session.scalars(
            select(Tag).where(Tag.employee_id == me.id, Tag.status == "active").order_by(Tag.raised_on.desc())
        )
    )
    viewer = ctx.viewer_for(me)
    items = []
    for t in tags:
        # Through the policy: a flight-risk tag is not pushed at the person by default (docs/privacy.md).
        seen = shown_tag(ctx.runtime, ctx.policy, viewer, t, ctx.locale)
        if seen is not None:
            items.append(f"- {seen.name} · " + ctx.t("commands.tag.since", day=i18n.fmt_date(t.raised_on, ctx.locale)))
    lines = [ctx.t("commands.mydata.tags_head", n=len(items))]
    if not items:
        lines.append("- " + ctx.t("commands.mydata.none"))
    return Section(lines=lines, items=items, more_key="commands.more_items")


def _consents(ctx: CommandContext, me: Employee) -> list[str]:
    lines = [ctx.t("commands.mydata.consents_head")]
    consents = list(
        ctx.session.scalars(select(Consent).where(Consent.employee_id == me.id).order_by(Consent.granted_at))
    )
    for c in consents:
        state = (
            ctx.t("commands.mydata.revoked", day=_day(ctx, c.revoked_at.astimezone(ctx.runtime.tz).date()))
            if c.revoked_at
            else ctx.t("commands.mydata.valid_until", day=_day(ctx, c.expires_on))
        )
        granted = _day(ctx, c.granted_at.astimezone(ctx.runtime.tz).date())
        kind_key = f"commands.mydata.consent.{c.kind}"
        kind = ctx.t(kind_key) if i18n.has(kind_key) else plain(c.kind, 24)
        lines.append("- " + ctx.t("commands.mydata.consent", kind=kind, granted=granted, state=state))
    events = life_records.current(ctx.runtime, ctx.session, me)
    # What the person declared is theirs to read back (issue 12 item 4); the policy decides, not this view.
    own_notes = ctx.policy.can(ctx.viewer_for(me), Category.LIFE_EVENT) is Level.FULL
    for e in events:
        lines.append(
            "- "
            + ctx.t(
                "commands.mydata.life_event",
                n=e.id,
                kind=life_kind(ctx, e.kind),
                declared=_day(ctx, e.declared_on),
                expires=_day(ctx, e.expires_on),
                note=ctx.t("commands.mydata.life_note", note=plain(e.note, 40)) if own_notes and e.note else "",
            )
        )
    if events:
        lines.append(ctx.t("commands.mydata.life_end_hint", n=events[0].id))
    if not consents and not events:
        lines.append("- " + ctx.t("commands.mydata.none"))
    return lines


def life_kind(ctx: CommandContext, kind: str) -> str:
    """The label of a life-event kind in the caller's language."""
    return ctx.t(LIFE_EVENT_KEYS[kind]) if kind in LIFE_EVENT_KEYS else plain(kind, 24)


_END = re.compile(r"^(?:结束|删除|撤回|end|stop|delete)\s*#?\s*(\d*)$", re.IGNORECASE)


def end_reply(ctx: CommandContext, me: Employee) -> Reply | None:
    """``/mydata 结束 3``: end a declared life event early; None when the args ask for something else."""
    match = _END.match(ctx.args.strip())
    if match is None:
        return None
    if not match.group(1):
        return Reply(text=ctx.t("commands.mydata.end_usage"))
    n = int(match.group(1))
    ended = life_records.end(ctx.runtime, ctx.session, me, n)
    if ended is None:
        return Reply(text=ctx.t("commands.mydata.end_unknown", n=n))
    ctx.audit(me.userid, "privacy.life_event.end", {"event": n})
    return Reply(text=ctx.t("commands.mydata.ended", n=n, kind=life_kind(ctx, ended.kind)))


@registry.command(
    "mydata",
    aliases=("我的数据",),
    roles=("employee",),
    summary_key="commands.mydata.summary",
    order=60,
    example="/mydata",
)
def mydata(ctx: CommandContext) -> Reply:
    """Tell the caller everything CareBot keeps about them, why, and for how long."""
    me = ctx.caller
    assert me is not None
    if ctx.args:
        ended = end_reply(ctx, me)
        if ended is not None:
            return ended
    since = ctx.runtime.clock.now() - timedelta(days=AUDIT_DAYS)
    views = _count(
        ctx, AuditLog.id, AuditLog.subject_userid == me.userid, AuditLog.actor_userid != me.userid, AuditLog.at >= since
    )
    care = _count(ctx, CareAction.id, CareAction.employee_id == me.id)
    sections = [
        Section(lines=[ctx.t("commands.mydata.intro")]),
        Section(lines=_profile(ctx, me)),
        *_activity(ctx, me),
        _tags(ctx, me),
        Section(
            lines=[ctx.t("commands.mydata.care", n=care)],
            items=rights.care_actions(ctx, me),
            more_key="commands.more_items",
        ),
        Section(lines=_consents(ctx, me)),
        Section(lines=[ctx.t("commands.mydata.evaluations_head") + rights.evaluations(ctx)]),
        Section(lines=[ctx.t("commands.mydata.views", days=AUDIT_DAYS, n=views) + rights.viewers(ctx, me, AUDIT_DAYS)]),
        Section(lines=[ctx.t("commands.mydata.policy_head"), *rights.grants(ctx)]),
        Section(lines=[ctx.t("commands.mydata.retention_head"), *rights.retention(ctx)]),
    ]
    ctx.audit(me.userid, "view.mydata")
    return Reply(
        text=render(sections, ctx.locale, limit_for(ctx.channel)), markdown_title=ctx.t("commands.mydata.title")
    )
