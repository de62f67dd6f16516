"""The PIPL parts of ``/mydata``: own answers, care actions, evaluations, who viewed, retention, grants.

Arts. 44–45 (right to know and to access): what is held, why, from where, how long, who viewed
it. Art. 24 (automated decisions): the kinds of evaluation CareBot runs are listed, but a
flight-risk label or score is not pushed at the person — the policy's ``self × risk`` cell is
``none`` by default (docs/privacy.md explains the choice); an operator may open it in
``[privacy].grants``, and whatever is opened beyond the defaults is listed here.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.core import i18n
from bot.models import AuditLog, CareAction, Employee, SurveyAnswer, SurveyQuestion
from bot.privacy import Category, Level
from bot.tags import rulebook
from handlers.commands.context import CommandContext
from handlers.commands.pulse import question_label
from handlers.commands.text import plain

RULE_KINDS = ["workload", "performance", "wellbeing", "engagement", "milestone", "life", "risk"]
ANSWERS_SHOWN = 3
CARE_SHOWN = 2
VIEWERS_SHOWN = 3


def own_answers(ctx: CommandContext, me: Employee) -> list[str]:
    """The caller's latest answers, check-in and team pulse (their own: the policy's ``self`` column)."""
    rows = ctx.session.execute(
        select(SurveyAnswer, SurveyQuestion)
        .outerjoin(SurveyQuestion, SurveyQuestion.key == SurveyAnswer.question_key)
        .where(SurveyAnswer.employee_id == me.id)
        .order_by(SurveyAnswer.answered_at.desc(), SurveyAnswer.id.desc())
        .limit(ANSWERS_SHOWN)
    ).all()
    lines = []
    for answer, question in rows:
        value = f"{answer.value:g}" if answer.value is not None else plain(answer.text or "—", 60)
        mode = ctx.t("commands.mydata.mode_checkin" if answer.mode == "checkin" else "commands.mydata.mode_team")
        label = question_label(question, answer.question_key, ctx.locale)
        day = i18n.fmt_date(answer.answered_on, ctx.locale)
        lines.append("- " + ctx.t("commands.mydata.answer", day=day, question=label, value=value, mode=mode))
    return lines


def care_actions(ctx: CommandContext, me: Employee) -> list[str]:
    """Care actions about the caller: when, who, what; notes are HR's working notes (ask HR for them)."""
    actor = Employee.__table__.alias("actor")
    rows = ctx.session.execute(
        select(CareAction, actor.c.name)
        .outerjoin(actor, actor.c.id == CareAction.actor_id)
        .where(CareAction.employee_id == me.id)
        .order_by(CareAction.acted_at.desc(), CareAction.id.desc())
        .limit(CARE_SHOWN)
    ).all()
    viewer = ctx.viewer_for(me)
    notes = ctx.policy.can(viewer, Category.CARE_NOTE)
    out = []
    for action, name in rows:
        kind_key = f"commands.care.{action.kind}"
        text = ctx.t(
            "commands.mydata.care_item",
            at=i18n.fmt_datetime(action.acted_at, ctx.runtime.tz, ctx.locale),
            actor=plain(name, 32) if name else "—",
            kind=ctx.t(kind_key) if i18n.has(kind_key) else plain(action.kind, 16),
        )
        if action.note and notes is Level.FULL:
            text += f"：{plain(action.note, 80)}"
        elif action.note and notes is Level.SUMMARY:
            text += ctx.t("commands.mydata.care_note_held")
        out.append("- " + text)
    return out


def evaluations(ctx: CommandContext) -> str:
    """The kinds of evaluation CareBot runs over everyone (art. 24), by rule category, in one line."""
    ruleset = rulebook.ruleset(ctx.runtime)
    if ruleset is None:
        return ""
    kinds = sorted({str(rule.category) for rule in ruleset}, key=RULE_KINDS.index)
    names = [ctx.t(f"commands.mydata.eval.{k}") for k in kinds]
    return ctx.t("commands.mydata.evaluation", names=i18n.list_join(names, ctx.locale))


def viewers(ctx: CommandContext, me: Employee, days: int) -> str:
    """Who viewed the caller's data in the last ``days`` days, most frequent first."""
    since = ctx.runtime.clock.now() - timedelta(days=days)
    rows = ctx.session.execute(
        select(AuditLog.actor_userid, func.count(AuditLog.id))
        .where(AuditLog.subject_userid == me.userid, AuditLog.actor_userid != me.userid, AuditLog.at >= since)
        .group_by(AuditLog.actor_userid)
        .order_by(func.count(AuditLog.id).desc(), AuditLog.actor_userid)
        .limit(VIEWERS_SHOWN)
    ).all()
    found = ctx.session.execute(select(Employee.userid, Employee.name).where(Employee.userid.in_([a for a, _ in rows])))
    names = {userid: name for userid, name in found}
    out = []
    for actor, n in rows:
        if actor in names:
            who = plain(names[actor], 32)
        elif actor.startswith(("api:", "dashboard:")):
            who = ctx.t("commands.mydata.viewer_api")
        else:
            who = ctx.t("commands.mydata.viewer_system")
        out.append(ctx.t("commands.mydata.viewer", who=who, n=n))
    return ("：" if ctx.locale != "en" else ": ") + i18n.list_join(out, ctx.locale) if out else ""


def retention(ctx: CommandContext) -> list[str]:
    """The retention periods in force ([privacy.retention]), quoted as the purge job applies them."""
    r = ctx.runtime.settings.privacy.retention
    return [
        "- "
        + ctx.t(
            "commands.mydata.keep",
            pulse=r.pulse_answers,
            declared=r.chat_declarations,
            inbox=r.inbox_payloads,
            outbox=r.outbox_bodies,
            audit=r.audit_log,
            leavers=r.leavers,
        ),
        "- " + ctx.t("commands.mydata.keep.contact"),
    ]


def grants(ctx: CommandContext) -> list[str]:
    """Who sees what by default, and every cell the operator opened beyond the defaults."""
    lines = ["- " + ctx.t("commands.mydata.policy_default", k=ctx.policy.min_group_size)]
    opened = ctx.policy.loosened()
    if not opened:
        lines.append("- " + ctx.t("commands.mydata.policy_unchanged"))
    for role, category, _default, level in opened:
        lines.append(
            "- "
            + ctx.t(
                "commands.mydata.policy_opened",
                role=ctx.t(f"privacy.role.{role.value}"),
                category=ctx.t(f"privacy.category.{category.value}"),
                level=ctx.t(f"privacy.level.{level.label}"),
            )
        )
    return lines
