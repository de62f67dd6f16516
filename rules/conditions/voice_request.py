"""``voice_request``: the employee asked in chat for HR to contact them and said yes to it.

Only consented requests count (a declined or unanswered one never reaches HR) and only until
their ``expires_on``. The evidence carries the employee's own words, which they agreed HR may
read; rules of this kind route to HR only, never to a manager.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.models import Employee, VoiceRequest
from rules import fmt
from rules.context import EvalContext, Matches
from rules.model import VoiceRequestCondition

PLACEHOLDERS = frozenset({"quotes", "intents"})
LABELS: dict[str, tuple[str, str]] = {
    "help": ("想找人聊聊", "wants to talk"),
    "distress": ("情绪危机", "in acute distress"),
    "life_event": ("家里有事", "a life event"),
    "resign": ("考虑离职", "thinking of leaving"),
    "workload": ("工作量太大", "too much work"),
}


def _active(ctx: EvalContext, intents: list[str], employee_id: int | None = None) -> Any:
    vr = VoiceRequest
    query = (
        select(vr.employee_id, vr.id, vr.intent, vr.quote, vr.answered_at)
        .join(Employee, Employee.id == vr.employee_id)
        .where(
            ctx.in_scope(),
            vr.status == "consented",
            vr.intent.in_(intents),
            vr.answered_at < ctx.end_of_day_utc(ctx.day),
            vr.expires_on >= ctx.day,
        )
        .order_by(vr.employee_id, vr.id)
    )
    if employee_id is not None:
        query = query.where(vr.employee_id == employee_id)
    return query


def evaluate(cond: VoiceRequestCondition, ctx: EvalContext) -> Matches:
    """People with a consented, unexpired request of one of ``intents``."""
    out: Matches = {}
    for emp, req_id, intent, quote, answered_at in ctx.session.execute(_active(ctx, list(cond.intents))):
        ev = out.setdefault(emp, {"kind": "voice_request", "requests": []})
        ev["requests"].append(
            {
                "id": req_id,
                "intent": intent,
                "quote": quote or "",
                "on": answered_at.astimezone(ctx.tz).date().isoformat(),
            }
        )
    return out


def requirement(cond: VoiceRequestCondition, locale: str | None) -> str:
    what = fmt.list_join([fmt.label(LABELS, i, locale) for i in cond.intents], locale)
    if fmt.is_en(locale):
        return f"asked in chat for HR to get in touch ({what}) and agreed"
    return f"本人在对话中表示（{what}）并同意HR联系"


def _quotes(evidence: dict[str, Any], locale: str | None) -> str:
    items = []
    for r in evidence["requests"]:
        day = fmt.day(r["on"], locale)
        items.append(f"{day} “{r['quote']}”" if not fmt.is_en(locale) else f'{day}: "{r["quote"]}"')
    return "；".join(items) if not fmt.is_en(locale) else "; ".join(items)


def _intents(evidence: dict[str, Any], locale: str | None) -> str:
    seen = list(dict.fromkeys(r["intent"] for r in evidence["requests"]))
    return fmt.list_join([fmt.label(LABELS, i, locale) for i in seen], locale)


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    if fmt.is_en(locale):
        return f"in their own words, shared with consent: {_quotes(evidence, locale)}"
    return f"本人原话（已同意告知HR）：{_quotes(evidence, locale)}"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {"quotes": _quotes(evidence, locale), "intents": _intents(evidence, locale)}


def observe(cond: VoiceRequestCondition, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    rows = list(ctx.session.execute(_active(ctx, list(cond.intents), employee_id)))
    if fmt.is_en(locale):
        return f"{len(rows)} consented request(s)"
    return f"{len(rows)}条已同意的请求"
