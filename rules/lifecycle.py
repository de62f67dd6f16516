"""The tag lifecycle of one rule on one day: raise, keep, resolve, expire — idempotent and set-based.

raised → active while the condition holds (``last_seen_on`` moves on) → ``resolved`` when it
clears, or ``expired`` after ``expires_after_days`` (or when the person is no longer in scope).
After a tag ends, ``cooldown_days`` pass before the same rule tags the same person again.
Re-running a day changes nothing: one tag per (rule, employee, raise date), and a tag already
seen on a later day is never moved back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from bot.core.chunks import chunked
from bot.core.sqlutil import IN_CHUNK, dialect_insert
from bot.models import Tag
from rules.context import Matches
from rules.model import SEVERITY_RANK, Rule, Severity


def _rank(severity: str) -> int:
    return SEVERITY_RANK.get(severity, 0)


def severity_of(rule: Rule, evidence: dict[str, Any]) -> Severity:
    """The tag's severity: the rule's, unless the evidence raises it (e.g. overtime past the cap)."""
    raised = evidence.get("severity")
    if raised in SEVERITY_RANK and SEVERITY_RANK[raised] > SEVERITY_RANK[rule.severity]:
        return raised
    return rule.severity


@dataclass
class RuleOutcome:
    """What one rule did on one day."""

    rule_id: str
    matched: int = 0
    raised: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    kept: int = 0
    cooling_down: int = 0
    seconds: float = 0.0

    def stats(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "raised": len(self.raised),
            "kept": self.kept,
            "resolved": len(self.resolved),
            "expired": len(self.expired),
            "cooling_down": self.cooling_down,
            "seconds": round(self.seconds, 3),
        }


def _update(session: Session, ids: list[int], **values: Any) -> None:
    for chunk in chunked(ids, IN_CHUNK):
        session.execute(update(Tag).where(Tag.id.in_(chunk)).values(**values))


def _touch(session: Session, ids: list[int], day: date) -> None:
    """``last_seen_on = day`` for many tags, as one executemany of a short statement by primary key.

    A ``WHERE id IN (…5,000 ids…)`` statement is a new, long SQL text for every chunk: psycopg
    re-parses each one (it caches only short statements), which cost more than the database's
    own work. A short statement executed many times is prepared once and pipelined.
    """
    if ids:
        table: Table = Tag.__table__  # type: ignore[assignment]  # Core, not an ORM bulk update
        stmt = update(table).where(table.c.id == bindparam("tag_id")).values(last_seen_on=day)
        session.connection().execute(stmt, [{"tag_id": i} for i in ids])


def apply(
    session: Session,
    rule: Rule,
    day: date,
    matches: Matches,
    in_scope: set[int],
    *,
    now: datetime,
    employee_ids: Sequence[int] | None = None,
    quiet: set[int] | None = None,
) -> RuleOutcome:
    """Bring the rule's tags in line with today's matches for the people evaluated.

    New tags for people in ``quiet`` are raised quiet (backfill: shown, not reminded). A match
    more severe than its active tag (``severity`` in the evidence: monthly overtime past the
    legal cap) resolves that tag and raises a new one, so the escalation reaches HR.
    """
    out = RuleOutcome(rule.id, matched=len(matches))
    active = select(Tag.id, Tag.employee_id, Tag.last_seen_on, Tag.expires_on, Tag.severity, Tag.raised_on).where(
        Tag.rule_id == rule.id, Tag.status == "active", Tag.raised_on <= day
    )
    if employee_ids is not None:
        active = active.where(Tag.employee_id.in_(list(employee_ids)))
    keep: list[int] = []
    gone: list[int] = []
    has_tag: set[int] = set()
    escalated: set[int] = set()
    for tag_id, emp, last_seen, expires, severity, raised_on in session.execute(active):
        has_tag.add(emp)
        if last_seen > day:
            continue  # already evaluated on a later day; an older day never overrides it
        if emp not in in_scope:
            gone.append(tag_id)
        elif expires is not None and expires <= day:
            out.expired.append(tag_id)
        elif emp in matches and raised_on < day and _rank(severity_of(rule, matches[emp])) > _rank(severity):
            out.resolved.append(tag_id)
            escalated.add(emp)
        elif emp in matches:
            if last_seen < day:  # a re-run of the same day has nothing to write
                keep.append(tag_id)
            else:
                out.kept += 1
        else:
            out.resolved.append(tag_id)
    _touch(session, keep, day)
    _update(session, out.resolved, status="resolved", resolved_on=day)
    _update(session, out.expired, status="expired", resolved_on=Tag.expires_on)
    _update(session, gone, status="expired", resolved_on=day)
    out.expired += gone
    out.kept += len(keep)

    candidates = (set(matches) - has_tag) | escalated
    if not candidates:
        return out
    ended = func.coalesce(Tag.resolved_on, Tag.last_seen_on)
    recent = select(Tag.employee_id).where(
        Tag.rule_id == rule.id,
        or_(Tag.raised_on >= day, and_(Tag.status != "active", ended > day - timedelta(days=rule.cooldown_days))),
    )
    if employee_ids is not None:
        recent = recent.where(Tag.employee_id.in_(list(employee_ids)))
    blocked = (set(session.scalars(recent)) & candidates) - escalated
    out.cooling_down = len(blocked)
    fresh = sorted(candidates - blocked)
    expires_on = day + timedelta(days=rule.expires_after_days) if rule.expires_after_days else None
    rows = [
        {
            "rule_id": rule.id,
            "employee_id": emp,
            "severity": severity_of(rule, matches[emp]),
            "status": "active",
            "raised_on": day,
            "last_seen_on": day,
            "expires_on": expires_on,
            "score": matches[emp].get("score") if matches[emp].get("kind") == "score" else None,
            "evidence": matches[emp],
            "quiet": emp in (quiet or ()),
            "created_at": now,
        }
        for emp in fresh
    ]
    out.raised = _insert(session, rule.id, day, rows)
    return out


def _insert(session: Session, rule_id: str, day: date, rows: list[dict[str, Any]]) -> list[int]:
    """Insert new tags and return their ids, in employee order.

    A plain executemany (no RETURNING) keeps the statement short, so it is prepared once; an
    ``INSERT … VALUES (…), (…) RETURNING`` of thousands of rows is one huge SQL text per batch
    that psycopg parses in Python (most of the evaluation's time at 20,000 people). The ids are
    read back afterwards: the cooldown check above already excludes everyone with a tag of this
    rule raised on this day, so every (rule, day) tag of these people is one inserted here — unless
    a concurrent evaluation inserted the same one first, in which case ON CONFLICT keeps that one
    and it is reported by both (reminders are unique per tag and recipient, so nothing doubles).
    """
    if not rows:
        return []
    stmt = dialect_insert(session, Tag).on_conflict_do_nothing(index_elements=["rule_id", "employee_id", "raised_on"])
    session.connection().execute(stmt, rows)
    fresh = {row["employee_id"] for row in rows}
    found = session.execute(select(Tag.employee_id, Tag.id).where(Tag.rule_id == rule_id, Tag.raised_on == day))
    return [tag_id for emp, tag_id in sorted(found) if emp in fresh]


def retire_rules(session: Session, keep: set[str], day: date) -> list[int]:
    """Expire active tags of rules that are switched off or gone, so they stop showing as active."""
    query = select(Tag.id).where(Tag.status == "active", Tag.raised_on <= day)
    if keep:
        query = query.where(Tag.rule_id.not_in(sorted(keep)))
    ids = list(session.scalars(query))
    _update(session, ids, status="expired", resolved_on=day)
    return ids
