"""``GET /api/v1/tags?active_on=YYYY-MM-DD[&rule=ID][&userid=ID]``: care tags active on a day.

A tag is active on a day from ``raised_on`` until it ended (resolved, expired or dismissed; the
end day itself no longer counts). Results are ordered by id; ``limit`` (default 10,000) and
``after_id`` page through large answers, and ``X-Next-After-Id`` says where the next page starts.
Each item's ``arm`` is the person's evaluation arm (``care`` or ``holdout``), ``null`` when
evaluation mode is off or the person has no arm yet.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import ColumnElement, and_, or_, select

from bot.core import i18n
from bot.core.input_guard import plain_int
from bot.core.runtime import Runtime, get_runtime
from bot.core.settings.scopes import READ_PEOPLE, READ_SENSITIVE
from bot.evaluation.assignment import arms_of
from bot.models import Employee, Tag
from bot.people import audit
from bot.privacy import evidence as privacy_evidence
from bot.tags import rulebook
from handlers.api import api_actor, bp, error, has_scope, locale, needs, policy, query_day, viewer

DEFAULT_LIMIT = 10_000
MAX_LIMIT = 50_000

i18n.register(
    {
        "api.tags.invalid": {"zh-CN": "查询参数无效", "en": "invalid query parameters"},
        "api.tags.int": {"zh-CN": "应为 {lo}–{hi} 之间的整数", "en": "expected a whole number {lo}–{hi}"},
    }
)


def active_on(day: date) -> ColumnElement[bool]:
    """Tags that were active on ``day``."""
    still_active = and_(Tag.status == "active", or_(Tag.expires_on.is_(None), Tag.expires_on > day))
    ended_later = and_(
        Tag.status != "active",
        or_(
            and_(Tag.resolved_on.is_not(None), Tag.resolved_on > day),
            and_(Tag.resolved_on.is_(None), Tag.last_seen_on >= day),
        ),
    )
    return and_(Tag.raised_on <= day, or_(still_active, ended_later))


def _int(name: str, default: int, lo: int, hi: int, loc: str, errors: dict[str, str]) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    value = plain_int(raw)  # "²" and "①" pass isdigit() but not int()
    if value is not None and lo <= value <= hi:
        return value
    errors[name] = i18n.t("api.tags.int", loc, lo=lo, hi=hi)
    return default


def _tag_json(runtime: Runtime, tag: Tag, owner: str, loc: str, arm: str | None) -> dict[str, Any]:
    """One tag as the token may see it: evidence whole only with ``read:sensitive`` where it quotes sensitive data."""
    rule = rulebook.rule(runtime, tag.rule_id)
    category = str(rule.category) if rule is not None else None
    reads = privacy_evidence.condition_categories(rule.condition) if rule is not None else None
    level = privacy_evidence.tag_level(policy(), viewer(), category, tag.evidence, reads)
    return {
        "id": tag.id,
        "rule": shown_rule(tag, category, level, reads),
        "userid": owner,
        "severity": tag.severity,
        "status": tag.status,
        "raised_on": tag.raised_on.isoformat(),
        "evidence": privacy_evidence.redacted(tag.evidence, category, level, loc, reads),
        "arm": arm,  # evaluation mode: "care" | "holdout", None when it is off
    }


def shown_rule(tag: Tag, rule_category: str | None, level: privacy_evidence.Level, reads: Any) -> str:
    """The rule id, or for a summarised tag only its category (``checkin``, ``risk``, ``life_event``…).

    A rule id such as ``high_stress`` or ``family_event`` says what the summary hides, so a token
    that may only read a summary gets the same neutral kind managers get in chat (docs/privacy.md).
    """
    if level is privacy_evidence.Level.FULL:
        return tag.rule_id
    primary, _ = privacy_evidence.categories(rule_category, tag.evidence, reads)
    return primary.value


@bp.get("/tags")
@needs(READ_PEOPLE, READ_SENSITIVE)
def list_tags() -> tuple[Response, int]:
    """Tags active on ``active_on`` (default today), optionally for one rule and/or one person."""
    runtime = get_runtime()
    loc = locale()
    errors: dict[str, str] = {}
    day = query_day("active_on", runtime.today(), errors)
    limit = _int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT, loc, errors)
    after_id = _int("after_id", 0, 0, 2**62, loc, errors)
    if errors:
        return error(422, "api.tags.invalid", fields=errors)
    rule_id = request.args.get("rule") or None
    userid = request.args.get("userid") or None
    query = (
        select(Tag, Employee.userid, Employee.department_id)
        .join(Employee, Employee.id == Tag.employee_id)
        .where(active_on(day), Tag.id > after_id)
        .order_by(Tag.id)
        .limit(limit)
    )
    if rule_id and has_scope(READ_SENSITIVE):
        query = query.where(Tag.rule_id == rule_id)
    # Without read:sensitive a summarised tag shows only its category as ``rule``; ?rule= is then
    # matched against what the token may read (after redaction), so ``high_stress`` is no handle.
    if userid:
        query = query.where(Employee.userid == userid)
    with runtime.db.session() as s:
        rows = s.execute(query).all()
        evaluation = runtime.settings.evaluation
        arms = arms_of(s, evaluation.unit, ((t.employee_id, d) for t, _, d in rows)) if evaluation.enabled else {}
        shown = [(_tag_json(runtime, tag, owner, loc, arms.get(tag.employee_id)), owner) for tag, owner, _ in rows]
        if rule_id:
            shown = [(item, owner) for item, owner in shown if item["rule"] == rule_id]
        audit.record_views(
            s,
            api_actor(),
            (owner for _, owner in shown),
            "api.tags.list",
            "api",
            {"active_on": day.isoformat(), "rule": rule_id, "count": len(shown)},
            at=runtime.clock.now(),
            query_subject=userid,
        )
    tags = [item for item, _ in shown]
    response = jsonify(tags=tags)
    if len(rows) == limit:
        response.headers["X-Next-After-Id"] = str(rows[-1][0].id)
    return response, 200
