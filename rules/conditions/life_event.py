"""``life_event``: a self-declared life event (family, newborn, bereavement…) under an active consent.

PIPL: such events are processed only while the employee's consent is active (granted, not
revoked, not expired) and until the event's own expiry. Evidence carries the kind and dates, and
the employee's note only when they agreed HR may read it (a note is stored only then, see
bot/voice/life_records.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.orm import aliased

from bot.models import Consent, Employee, LifeEvent
from rules import fmt
from rules.context import EvalContext, Matches
from rules.model import LifeEvent as LifeEventCondition

PLACEHOLDERS = frozenset({"events"})


def _active(ctx: EvalContext, kinds: list[str], employee_id: int | None = None) -> Any:
    le = LifeEvent
    c = aliased(Consent)
    end = ctx.end_of_day_utc(ctx.day)
    needed = case((le.kind.in_(("health", "family_illness")), "health"), else_="life_event")
    consented = exists().where(
        c.employee_id == le.employee_id,
        c.granted_at < end,
        or_(c.revoked_at.is_(None), c.revoked_at >= end),
        or_(c.expires_on.is_(None), c.expires_on >= ctx.day),
        or_(and_(le.consent_id.is_(None), c.kind == needed), c.id == le.consent_id),
    )
    query = (
        select(le.employee_id, le.kind, le.declared_on, le.expires_on, le.note)
        .join(Employee, Employee.id == le.employee_id)
        .where(ctx.in_scope(), le.kind.in_(kinds), le.declared_on <= ctx.day, le.expires_on >= ctx.day, consented)
        .order_by(le.employee_id, le.declared_on)
    )
    if employee_id is not None:
        query = query.where(le.employee_id == employee_id)
    return query


def evaluate(cond: LifeEventCondition, ctx: EvalContext) -> Matches:
    """People with a declared, unexpired event of ``kinds`` under an active consent."""
    out: Matches = {}
    for emp, kind, declared_on, expires_on, note in ctx.session.execute(_active(ctx, list(cond.kinds))):
        ev = out.setdefault(emp, {"kind": "life_event", "events": []})
        item = {"type": kind, "declared_on": declared_on.isoformat(), "expires_on": expires_on.isoformat()}
        if note:
            item["note"] = note
        ev["events"].append(item)
    return out


def requirement(cond: LifeEventCondition, locale: str | None) -> str:
    kinds = fmt.list_join([fmt.label(fmt.LIFE_EVENT_LABELS, k, locale) for k in cond.kinds], locale)
    if fmt.is_en(locale):
        return f"declared a life event ({kinds}) with consent"
    return f"本人已授权并申报生活事件（{kinds}）"


def _events(evidence: dict[str, Any], locale: str | None) -> str:
    items = []
    for e in evidence["events"]:
        what = fmt.label(fmt.LIFE_EVENT_LABELS, e["type"], locale)
        if fmt.is_en(locale):
            note = f' — in their words, shared with consent: "{e["note"]}"' if e.get("note") else ""
            items.append(
                f"{what} (declared {fmt.day(e['declared_on'], locale)}, until {fmt.day(e['expires_on'], locale)})"
                + note
            )
        else:
            note = f"，本人同意告知的说明：“{e['note']}”" if e.get("note") else ""
            items.append(
                f"{what}（{fmt.day(e['declared_on'], locale)}申报，{fmt.day(e['expires_on'], locale)}到期{note}）"
            )
    return fmt.list_join(items, locale)


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    if fmt.is_en(locale):
        return f"declared by the employee with consent: {_events(evidence, locale)}"
    return f"本人授权申报：{_events(evidence, locale)}"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {"events": _events(evidence, locale)}


def observe(cond: LifeEventCondition, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    rows = list(ctx.session.execute(_active(ctx, list(cond.kinds), employee_id)))
    if fmt.is_en(locale):
        return f"{len(rows)} consented, unexpired event(s)"
    return f"{len(rows)}条已授权且未到期的申报"
