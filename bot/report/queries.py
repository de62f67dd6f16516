"""Set-based SQL for care activity: tags, reminders, dismiss reasons, time to act, care actions.

Each function is one aggregate query (GROUP BY or conditional sums), so the cost does not grow
with a query per employee; instants are compared in UTC, days as stored local dates.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.models import CareAction, Reminder, Tag
from bot.report.model import Count, ReminderCounts
from bot.report.period import Period

AUTO_PREFIX = "auto:"  # reminders closed by the delivery job, not by a person (bot/reminders/delivery.py)
MAX_REASONS = 20  # dismiss reasons listed one by one; the rest are summed as "other"


def _manual_dismissal() -> ColumnElement[bool]:
    return and_(
        Reminder.status == "dismissed",
        or_(Reminder.dismiss_reason.is_(None), ~Reminder.dismiss_reason.startswith(AUTO_PREFIX)),
    )


def acted_by_person() -> ColumnElement[bool]:
    """Reminders a person closed: done, or dismissed other than by the system."""
    return or_(Reminder.status == "done", _manual_dismissal())


def _created_in(period: Period) -> ColumnElement[bool]:
    return and_(Reminder.created_at >= period.start_at, Reminder.created_at < period.end_at)


def tag_counts(session: Session, period: Period) -> list[tuple[str, str, int, int]]:
    """``(rule_id, severity, tags, employees)`` for tags raised in the period."""
    rows = session.execute(
        select(Tag.rule_id, Tag.severity, func.count(), func.count(func.distinct(Tag.employee_id)))
        .where(Tag.raised_on.between(period.start, period.end))
        .group_by(Tag.rule_id, Tag.severity)
    )
    return [(rule, severity, int(n), int(people)) for rule, severity, n, people in rows]


def employees_tagged(session: Session, period: Period) -> int:
    """Distinct people with at least one tag raised in the period."""
    return int(
        session.scalar(
            select(func.count(func.distinct(Tag.employee_id))).where(Tag.raised_on.between(period.start, period.end))
        )
        or 0
    )


def reminder_counts(session: Session, period: Period) -> ReminderCounts:
    """What became of the reminders created in the period, in one pass of conditional sums."""

    def n(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    auto = and_(Reminder.status == "dismissed", Reminder.dismiss_reason.startswith(AUTO_PREFIX))
    row = session.execute(
        select(
            func.count(),
            n(Reminder.sent_at.is_not(None)),
            n(Reminder.status == "done"),
            n(_manual_dismissal()),
            n(auto),
            n(Reminder.snoozed_until.is_not(None)),
            n(Reminder.status == "capped"),
            n(Reminder.status.in_(("open", "snoozed"))),
            n(and_(Reminder.sent_at.is_not(None), acted_by_person())),
            n(and_(Reminder.sent_at.is_not(None), Reminder.status == "done")),
            n(and_(Reminder.sent_at.is_not(None), _manual_dismissal())),
            n(Reminder.status == "held_out"),
            n(Reminder.status == "expired"),
        ).where(_created_in(period))
    ).one()
    return ReminderCounts(*(int(v) for v in row))


def _reason_key(reason: str | None) -> str:
    return " ".join((reason or "").split())  # one spelling per reason: whitespace runs collapsed


def dismiss_reasons(session: Session, period: Period) -> list[Count]:
    """Reasons people gave for "not needed" on reminders created in the period, most frequent first.

    An empty key stands for "no reason given"; beyond :data:`MAX_REASONS` the rest become ``*other*``.
    """
    rows = session.execute(
        select(Reminder.dismiss_reason, func.count())
        .where(_created_in(period), _manual_dismissal())
        .group_by(Reminder.dismiss_reason)
    )
    merged: dict[str, int] = {}
    for reason, count in rows:
        key = _reason_key(reason)
        merged[key] = merged.get(key, 0) + int(count)
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
    out = [Count(key, count) for key, count in ranked[:MAX_REASONS]]
    rest = sum(count for _, count in ranked[MAX_REASONS:])
    if rest:
        out.append(Count("*other*", rest))
    return out


def act_intervals(session: Session, period: Period) -> list[tuple[datetime, datetime]]:
    """``(sent_at, acted_at)`` of reminders created in the period that a person acted on after sending."""
    rows = session.execute(
        select(Reminder.sent_at, Reminder.acted_at).where(
            _created_in(period),
            acted_by_person(),
            Reminder.sent_at.is_not(None),
            Reminder.acted_at.is_not(None),
            Reminder.acted_at >= Reminder.sent_at,
        )
    )
    return [(sent, acted) for sent, acted in rows if sent is not None and acted is not None]


def recorded_care_minutes(session: Session, period: Period, kinds: tuple[str, ...]) -> tuple[int, int]:
    """``(conversations with a recorded duration, their minutes)`` among care-log rows of ``kinds``."""
    row = session.execute(
        select(func.count(CareAction.minutes), func.coalesce(func.sum(CareAction.minutes), 0)).where(
            CareAction.acted_at >= period.start_at,
            CareAction.acted_at < period.end_at,
            CareAction.kind.in_(kinds),
            CareAction.minutes.is_not(None),
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def care_action_counts(session: Session, period: Period) -> list[Count]:
    """Care-log entries recorded in the period, by kind (done, dismissed, talk, note)."""
    rows = session.execute(
        select(CareAction.kind, func.count())
        .where(CareAction.acted_at >= period.start_at, CareAction.acted_at < period.end_at)
        .group_by(CareAction.kind)
    )
    return sorted((Count(kind, int(count)) for kind, count in rows), key=lambda c: c.key)
