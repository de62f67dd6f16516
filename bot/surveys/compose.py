"""How a pulse question looks: a card with number buttons when they fit, else a text asking for a number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.core import i18n
from bot.models import Survey, SurveyQuestion
from bot.pipeline.outbox import card_payload
from bot.pipeline.platform import Button, Card
from bot.surveys import messages  # noqa: F401  (registers the texts)
from bot.surveys.bank import COMMENT_KEY

# WeCom template cards take at most 6 buttons; a 0–10 scale is answered by replying with a number.
MAX_BUTTONS = 6
ANSWER_ACTION = "survey.answer"


@dataclass(frozen=True)
class Outgoing:
    """One message to put in the outbox."""

    kind: Literal["card", "markdown"]
    payload: dict[str, Any]
    card_id: str | None = None


def question_text(survey: Survey, q: SurveyQuestion, locale: str) -> str:
    """The question with its position, e.g. "第 1/2 题" or "最后一个（选填）"."""
    scale_keys = [k for k in survey.question_keys if k != COMMENT_KEY]
    text = q.text_en if locale == "en" else q.text_zh
    if q.key == COMMENT_KEY:
        return f"{i18n.t('surveys.optional_last', locale)}\n{text}"
    index = scale_keys.index(q.key) + 1 if q.key in scale_keys else 1
    return f"{i18n.t('surveys.progress', locale, index=index, count=len(scale_keys))}\n{text}"


def has_buttons(q: SurveyQuestion) -> bool:
    """Whether the question is answered with card buttons."""
    if q.kind != "scale" or q.scale_min is None or q.scale_max is None:
        return False
    return q.scale_max - q.scale_min + 1 <= MAX_BUTTONS


def how_to_answer(q: SurveyQuestion, locale: str, *, in_chat: bool) -> str:
    """The instruction under a question ("点下面的按钮…" or "请直接回复 0–10 之间的数字。")."""
    if q.kind != "scale":
        return ""
    key = "surveys.how_buttons" if has_buttons(q) and not in_chat else "surveys.how_number"
    return i18n.t(key, locale, low=q.scale_min, high=q.scale_max)


def chat_text(survey: Survey, q: SurveyQuestion, locale: str) -> str:
    """The question as plain text inside a chat reply."""
    return "\n".join(p for p in (question_text(survey, q, locale), how_to_answer(q, locale, in_chat=True)) if p)


def question_message(survey: Survey, q: SurveyQuestion, locale: str, *, lead: str | None, suffix: str) -> Outgoing:
    """The message carrying one question; ``lead`` is an intro or reminder line, ``suffix`` keeps card ids unique."""
    title = i18n.t("surveys.card_title", locale)
    parts = [lead] if lead else []
    parts.append(question_text(survey, q, locale).replace("\n", "\n\n", 1))
    how = how_to_answer(q, locale, in_chat=False)
    if how:
        parts.append(how)
    body = "\n\n".join(parts)
    if not has_buttons(q):
        return Outgoing("markdown", {"title": title, "text": body})
    assert q.scale_min is not None and q.scale_max is not None
    buttons = tuple(
        Button(str(v), ANSWER_ACTION, {"survey": str(survey.id), "q": q.key, "v": str(v)})
        for v in range(q.scale_min, q.scale_max + 1)
    )
    card_id = f"sv{survey.id}-{q.key}-{suffix}"
    return Outgoing("card", card_payload(Card(card_id, title, body, buttons)), card_id)
