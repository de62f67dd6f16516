"""The mentor's evaluation of a new hire: 1–5 scores per question and a comment, parsed from chat."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core import i18n

COMMENT = "comment"
SCALE = (1, 5)


@dataclass(frozen=True)
class Question:
    """An evaluation question: a 1–5 scale, or the free comment."""

    key: str
    zh: str
    en: str
    scale: bool = True

    def label(self, locale: str | None) -> str:
        return self.en if i18n.normalise_locale(locale) == "en" else self.zh


QUESTIONS: dict[str, Question] = {
    q.key: q
    for q in (
        Question("product_knowledge", "产品知识", "product knowledge"),
        Question("customer_handling", "客户处理", "customer handling"),
        Question("teamwork", "团队协作", "teamwork"),
        Question("learning", "学习能力", "learning"),
        Question(COMMENT, "评语", "comment", scale=False),
    )
}

_NUMBER = re.compile(r"^[1-5]$")
_FULLWIDTH = str.maketrans("１２３４５，／", "12345,/")


@dataclass(frozen=True)
class Evaluation:
    """Parsed scores by question key and the comment."""

    scores: dict[str, int]
    comment: str | None


def scale_keys(keys: list[str]) -> list[str]:
    return [k for k in keys if k in QUESTIONS and QUESTIONS[k].scale]


def parse(keys: list[str], text: str) -> Evaluation | None:
    """``"4 5 上手很快"`` → scores for the step's scale questions in order, then the comment; None if malformed."""
    wanted = scale_keys(keys)
    tokens = re.split(r"[\s,/]+", text.translate(_FULLWIDTH).strip(), maxsplit=len(wanted)) if text.strip() else []
    if len(tokens) < len(wanted) or not all(_NUMBER.match(t) for t in tokens[: len(wanted)]):
        return None
    scores = {k: int(t) for k, t in zip(wanted, tokens, strict=False)}
    rest = " ".join(tokens[len(wanted) :]).strip()
    if COMMENT in keys and not rest:
        return None  # the evaluation promises a comment to HR and the manager
    return Evaluation(scores, rest[:1000] or None)


def summary(result: dict[str, object] | None, locale: str | None) -> str:
    """``产品知识 4/5、客户处理 5/5；评语：上手很快``."""
    if not result:
        return ""
    raw = result.get("scores")
    scores = raw if isinstance(raw, dict) else {}
    parts = [f"{QUESTIONS[k].label(locale) if k in QUESTIONS else k} {v}/{SCALE[1]}" for k, v in scores.items()]
    text = i18n.list_join(parts, locale)
    comment = result.get("comment")
    if comment:
        label = QUESTIONS[COMMENT].label(locale)
        en = i18n.normalise_locale(locale) == "en"
        text += f"; {label}: {comment}" if en else f"；{label}：{comment}"
    return text
