"""Pulse data in command replies: participation, identified check-ins (HR only), team aggregates.

Team-pulse answers are confidential: they are only ever read through ``bot.surveys.aggregate``,
as aggregates over at least ``MIN_RESPONDENTS`` distinct people, never per person, for anyone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select

from bot.core import i18n
from bot.models import Employee, Survey, SurveyAnswer, SurveyQuestion
from bot.privacy import aggregates
from bot.surveys.aggregate import team_results
from bot.surveys.bank import MIN_TEAM_RESPONDENTS
from handlers.commands.context import CommandContext
from handlers.commands.text import plain

MIN_RESPONDENTS = MIN_TEAM_RESPONDENTS
PARTICIPATION_DAYS = 90
CHECKIN_DAYS = 90
CHECKIN_SHOWN = 5
_PREFIX = re.compile(r"^\s*[【\[][^】\]]*[】\]]\s*")

i18n.register(
    {
        "commands.pulse.participation": {
            "zh-CN": "脉搏问卷（近{days}天）：回答 {answered}/{sent} 次",
            "en": "Pulse surveys (last {days} days): answered {answered} of {sent}",
        },
        "commands.pulse.none_sent": {
            "zh-CN": "脉搏问卷（近{days}天）：未发送",
            "en": "Pulse surveys (last {days} days): none sent",
        },
        "commands.pulse.paused": {"zh-CN": "（本人已暂停问卷）", "en": " (paused by the employee)"},
        "commands.pulse.checkins_head": {
            "zh-CN": "**关怀问答（实名，仅 HR 可见）**",
            "en": "**Care check-ins (identified, HR only)**",
        },
        "commands.pulse.checkins_head_own": {
            "zh-CN": "**你的关怀问答（实名，只有你和 HR 可见）**",
            "en": "**Your care check-ins (identified, seen only by you and HR)**",
        },
        "commands.pulse.checkin": {"zh-CN": "{day} {question}：{answer}", "en": "{day} {question}: {answer}"},
        "commands.pulse.no_checkins": {
            "zh-CN": "近{days}天没有关怀问答回答。",
            "en": "No check-in answers in the last {days} days.",
        },
        "commands.pulse.team_head": {
            "zh-CN": "**团队匿名调查（{start}–{end}，仅显示 ≥{min} 人的汇总）**",
            "en": "**Team pulse ({start} – {end}, totals of ≥ {min} people only)**",
        },
        "commands.pulse.team_line": {
            "zh-CN": "{question}：平均 {avg}（{n}人）",
            "en": "{question}: average {avg} ({n} people)",
        },
        "commands.pulse.too_few": {
            "zh-CN": "{question}：样本不足（少于{min}人）",
            "en": "{question}: too few answers (fewer than {min} people)",
        },
        "commands.pulse.team_none": {
            "zh-CN": "样本不足（少于{min}人）",
            "en": "Too few answers (fewer than {min} people)",
        },
    }
)


def question_label(question: SurveyQuestion | None, key: str, locale: str) -> str:
    """A short label for a question: its text without the privacy prefix, cut at the question mark."""
    if question is None:
        return plain(key, 24)
    text = _PREFIX.sub("", question.text_en if locale == "en" else question.text_zh)
    for stop in ("？", "?", "（", "("):
        head, sep, _ = text.partition(stop)
        if sep and head:
            text = head + ("?" if stop in "？?" and locale == "en" else "")
            break
    return plain(text, 30)


def _value(answer: SurveyAnswer, question: SurveyQuestion | None) -> str:
    if answer.value is None:
        return plain(answer.text or "—", 60)
    shown = f"{answer.value:g}"
    return f"{shown}/{question.scale_max}" if question is not None and question.scale_max is not None else shown


def participation_line(ctx: CommandContext, person: Employee) -> str:
    """Surveys sent to the person in the last 90 days and how many were answered."""
    since = ctx.runtime.clock.now() - timedelta(days=PARTICIPATION_DAYS)
    sent, answered = ctx.session.execute(
        select(
            func.count(Survey.id),
            func.count(Survey.answered_at),
        ).where(Survey.employee_id == person.id, Survey.sent_at.is_not(None), Survey.sent_at >= since)
    ).one()
    key = "commands.pulse.participation" if sent else "commands.pulse.none_sent"
    line = ctx.t(key, days=PARTICIPATION_DAYS, answered=answered, sent=sent)
    return line + (ctx.t("commands.pulse.paused") if person.surveys_paused else "")


def checkin_lines(ctx: CommandContext, person: Employee, *, own: bool = False) -> list[str]:
    """The person's latest identified check-in answers (callers must see ``checkin`` in full).

    ``own``: the person is reading their own answers, so the heading must not say "HR only".
    """
    since = ctx.runtime.clock.now() - timedelta(days=CHECKIN_DAYS)
    rows = ctx.session.execute(
        select(SurveyAnswer, SurveyQuestion)
        .outerjoin(SurveyQuestion, SurveyQuestion.key == SurveyAnswer.question_key)
        .where(
            SurveyAnswer.employee_id == person.id,
            SurveyAnswer.mode == "checkin",
            SurveyAnswer.answered_at >= since,
        )
        .order_by(SurveyAnswer.answered_at.desc(), SurveyAnswer.id.desc())
        .limit(CHECKIN_SHOWN)
    ).all()
    head = ctx.t("commands.pulse.checkins_head_own" if own else "commands.pulse.checkins_head")
    if not rows:
        return [head, ctx.t("commands.pulse.no_checkins", days=CHECKIN_DAYS)]
    items = [
        "- "
        + ctx.t(
            "commands.pulse.checkin",
            day=i18n.fmt_date(answer.answered_on, ctx.locale),
            question=question_label(question, answer.question_key, ctx.locale),
            answer=_value(answer, question),
        )
        for answer, question in rows
    ]
    return [head, *items]


def team_pulse_lines(ctx: CommandContext, members: ColumnElement[bool] | Sequence[int]) -> list[str]:
    """Averages of team-pulse scale questions over the members, only where ≥ k people answered.

    Always the last *closed* fixed window (bot/privacy/aggregates.py), with the count as a band:
    asking on two different days shows the same figure, so no one answer falls out by subtraction.
    """
    k = max(MIN_RESPONDENTS, ctx.policy.min_group_size)
    first, last = aggregates.last_closed_window(ctx.runtime.today())
    tz = ctx.runtime.tz
    since = datetime.combine(first, time.min, tz)
    until = datetime.combine(last + timedelta(days=1), time.min, tz)
    rows = team_results(ctx.session, members, since, minimum=k, until=until)
    head = ctx.t(
        "commands.pulse.team_head",
        start=i18n.fmt_date(first, ctx.locale),
        end=i18n.fmt_date(last, ctx.locale),
        min=k,
    )
    if not rows:
        return [head, ctx.t("commands.pulse.team_none", min=k)]
    questions = {
        q.key: q
        for q in ctx.session.scalars(
            select(SurveyQuestion).where(SurveyQuestion.key.in_([r.question_key for r in rows]))
        )
    }
    lines = [head]
    for row in rows:
        label = question_label(questions.get(row.question_key), row.question_key, ctx.locale)
        if row.average is None:
            lines.append("- " + ctx.t("commands.pulse.too_few", question=label, min=k))
        else:
            avg = f"{row.average:.1f}"
            n = aggregates.band(row.respondents)  # never an exact count beside a mean
            lines.append("- " + ctx.t("commands.pulse.team_line", question=label, avg=avg, n=n))
    return lines
