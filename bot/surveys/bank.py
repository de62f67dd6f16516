"""The question bank, seeded idempotently into ``survey_questions``.

Every question says plainly who will see the answer: a *care check-in* (``checkin``) is identified
(HR sees the person's answer); a *team pulse* (``team``) is confidential and only ever shown as an
aggregate over at least five respondents.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.sqlutil import dialect_insert
from bot.models import SurveyQuestion

COMMENT_KEY = "comment"
MIN_TEAM_RESPONDENTS = 5

_CHECKIN_ZH = "【关怀问答 · 实名，HR 会看到你的回答】"
_CHECKIN_EN = "[Care check-in · identified: HR will see your answer] "
_TEAM_ZH = "【团队匿名调查 · 只统计 5 人以上的汇总，任何人都看不到个人回答】"
_TEAM_EN = "[Team pulse · confidential: only totals of 5+ people are ever shown] "


@dataclass(frozen=True)
class QuestionDef:
    """A question as bundled with CareBot."""

    key: str
    mode: str  # checkin | team
    kind: str  # scale | text
    scale_min: int | None
    scale_max: int | None
    text_zh: str
    text_en: str
    optional: bool = False


def _checkin(zh: str, en: str) -> tuple[str, str]:
    return _CHECKIN_ZH + zh, _CHECKIN_EN + en


def _team(zh: str, en: str) -> tuple[str, str]:
    return _TEAM_ZH + zh, _TEAM_EN + en


BANK: tuple[QuestionDef, ...] = (
    QuestionDef(
        "mood",
        "checkin",
        "scale",
        1,
        5,
        *_checkin(
            "最近一周你的心情怎么样？（1 = 很差，5 = 很好）",
            "How has your mood been this week? (1 = very bad, 5 = very good)",
        ),
    ),
    QuestionDef(
        "stress",
        "checkin",
        "scale",
        0,
        10,
        *_checkin(
            "最近你感到的压力有多大？（0 = 完全没有，10 = 非常大）",
            "How much stress have you felt lately? (0 = none at all, 10 = extreme)",
        ),
    ),
    QuestionDef(
        "workload",
        "checkin",
        "scale",
        1,
        5,
        *_checkin(
            "最近的工作量你觉得怎么样？（1 = 很轻松，5 = 忙不过来）",
            "How is your workload lately? (1 = very light, 5 = more than I can handle)",
        ),
    ),
    QuestionDef(
        "supported",
        "team",
        "scale",
        1,
        5,
        *_team(
            "工作中遇到困难时，你觉得能得到足够的支持吗？（1 = 完全没有，5 = 非常充分）",
            "When work gets hard, do you feel supported? (1 = not at all, 5 = fully)",
        ),
    ),
    # eNPS is asked as an identified check-in: the attrition-risk rule weighs each person's answer,
    # which a confidential team pulse must never reveal. The question says so plainly.
    QuestionDef(
        "enps",
        "checkin",
        "scale",
        0,
        10,
        *_checkin(
            "你有多大可能向朋友推荐来我们公司工作？（0 = 完全不可能，10 = 非常可能）",
            "How likely are you to recommend working here to a friend? (0 = not at all, 10 = extremely likely)",
        ),
    ),
    QuestionDef(
        "stay_2y",
        "team",
        "scale",
        1,
        5,
        *_team(
            "“两年后，我仍然看到自己在这里工作。”你的同意程度？（1 = 完全不同意，5 = 完全同意）",
            '"I see myself working here in two years." (1 = strongly disagree, 5 = strongly agree)',
        ),
    ),
    # The seeds' own measure ("felt cared for", 30 % → 65 %): confidential, so only the share of
    # 4–5 answers over at least five respondents is ever reported.
    QuestionDef(
        "felt_cared",
        "team",
        "scale",
        1,
        5,
        *_team(
            "最近一个月，你感到公司关心你吗？（1 = 完全没有，5 = 非常关心）",
            "Over the last month, have you felt that the company cares about you? (1 = not at all, 5 = very much)",
        ),
    ),
    QuestionDef(
        COMMENT_KEY,
        "checkin",
        "text",
        None,
        None,
        *_checkin(
            "（选填）还有什么想告诉 HR 的吗？直接回复文字即可；不需要的话回复“跳过”。",
            '(Optional) Anything you would like HR to know? Just reply in text, or reply "skip".',
        ),
        optional=True,
    ),
)


# Asked in the new-hire pulse of an onboarding journey ("需要哪些支持"); never chosen for regular pulses.
SUPPORT_KEY = "support"
BANK += (
    QuestionDef(
        SUPPORT_KEY,
        "checkin",
        "text",
        None,
        None,
        *_checkin(
            "这周工作中你需要哪些支持？直接回复文字即可；暂时不需要的话回复“跳过”。",
            'What support do you need at work this week? Just reply in text, or reply "skip" if none.',
        ),
        optional=True,
    ),
)

SCALE_KEYS: tuple[str, ...] = tuple(q.key for q in BANK if q.kind == "scale")


def seed_questions(session: Session) -> int:
    """Insert bundled questions that are missing; returns how many were added.

    Existing rows are left as they are, so texts an admin edited in the database survive upgrades.
    """
    known = set(session.scalars(select(SurveyQuestion.key)))
    added = 0
    for q in BANK:
        if q.key in known:
            continue
        stmt = (
            dialect_insert(session, SurveyQuestion)
            .values(
                key=q.key,
                mode=q.mode,
                kind=q.kind,
                scale_min=q.scale_min,
                scale_max=q.scale_max,
                text_zh=q.text_zh,
                text_en=q.text_en,
                optional=q.optional,
                active=True,
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(SurveyQuestion.id)
        )
        added += session.execute(stmt).scalar_one_or_none() is not None
    return added


def load_questions(session: Session) -> dict[str, SurveyQuestion]:
    """Active questions by key (seeding the bank first if the table is empty)."""
    rows = {q.key: q for q in session.scalars(select(SurveyQuestion))}
    if not rows:
        seed_questions(session)
        rows = {q.key: q for q in session.scalars(select(SurveyQuestion))}
    return {k: q for k, q in rows.items() if q.active}
