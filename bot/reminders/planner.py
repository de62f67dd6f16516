"""Planning: every new active tag becomes one reminder per recipient, due now (high) or in the digest.

Each reminder knows until when it is useful (bot/reminders/moment.py). One planned after its
moment (a birthday tag caught up after downtime) is created ``expired`` and never sent; a dated
one whose next digest would come too late is sent on its own instead. Quiet tags (raised by a
rule's first evaluation about a situation that already held) get no reminder at all.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.core.chunks import chunked
from bot.core.runtime import Runtime
from bot.core.send_window import Window, local_instant, next_open
from bot.core.sqlutil import dialect_insert
from bot.evaluation.holdout import Holdout
from bot.models import Employee, Reminder, Tag
from bot.reminders import moment, ruleinfo
from bot.reminders.routing import Router

PLAN_CHUNK = 2000  # tag ids per IN (...) and rows per INSERT: far below every bound-parameter limit

log = logging.getLogger(__name__)


@dataclass
class PlanResult:
    """How many tags were planned and reminders created."""

    tags: int = 0
    reminders: int = 0
    unrouted: int = 0
    expired: int = 0  # planned after their moment had passed


def send_window(runtime: Runtime) -> Window:
    cfg = runtime.settings.reminders
    return Window(cfg.send_from, cfg.send_until)


def next_digest(runtime: Runtime, after: datetime) -> datetime:
    """The first digest time (``[reminders].digest_time`` on a workday) at or after ``after``."""
    at = runtime.settings.reminders.digest_time
    day = after.astimezone(runtime.tz).date()
    if runtime.calendar.is_workday(day) and local_instant(runtime, day, at) >= after:
        return local_instant(runtime, day, at)
    return local_instant(runtime, runtime.calendar.add_workdays(day, 1), at)


def due_for(runtime: Runtime, severity: str, now: datetime, useful_until: date | None = None) -> tuple[str, datetime]:
    """``(delivery, due_at)``: high severity at once within working hours, the rest in the digest.

    A dated reminder whose next digest falls after its last useful day goes out on its own.
    """
    if severity == "high":
        return "immediate", next_open(runtime, send_window(runtime), now)
    digest_at = next_digest(runtime, now)
    if useful_until is not None and digest_at >= local_instant(runtime, useful_until + timedelta(days=1), time(0)):
        return "immediate", next_open(runtime, send_window(runtime), now)
    return "digest", digest_at


def plan(runtime: Runtime, session: Session, tag_ids: Collection[int] | None = None) -> PlanResult:
    """Create reminders for active tags that have none yet (all of them, or only ``tag_ids``).

    Works in chunks of tag ids with one multi-row INSERT per chunk, so a first evaluation of a
    large company (tens of thousands of new tags) neither overflows the bound-parameter limit
    nor issues a statement per reminder.
    """
    now = runtime.clock.now()
    today = runtime.today()
    base = (
        select(Tag, Employee)
        .join(Employee, Employee.id == Tag.employee_id)
        .where(
            Tag.status == "active",
            Tag.quiet.is_(False),
            Employee.status == "active",
            ~exists().where(Reminder.tag_id == Tag.id),
        )
        .order_by(Tag.id)
    )
    chunks: list[list[int] | None] = [None] if tag_ids is None else list(chunked(sorted(set(tag_ids)), PLAN_CHUNK))
    result = PlanResult()
    router = Router(session, runtime.settings)
    holdout = Holdout(runtime, session)  # evaluation mode: the holdout arm's reminders are held back
    for chunk in chunks:
        stmt = base if chunk is None else base.where(Tag.id.in_(chunk))
        rows: list[dict[str, object]] = []
        found = session.execute(stmt).all()
        router.preload(employee for _, employee in found)  # managers and HRBPs in one query, not per tag
        holdout.preload(employee for _, employee in found)
        for tag, employee in found:
            audience = ruleinfo.audience(runtime, tag.rule_id)
            targets = router.recipients(employee, audience, manager_fallback=not ruleinfo.hr_only(runtime, tag.rule_id))
            result.tags += 1
            if not targets:
                result.unrouted += 1
                continue
            until = moment.useful_until(tag.evidence, runtime.calendar)
            delivery, due_at = due_for(runtime, tag.severity, now, until)
            late = until is not None and until < today
            if late:
                result.expired += len(targets)
            rows.extend(
                {
                    "tag_id": tag.id,
                    "recipient_id": target.employee_id,
                    "role": target.role,
                    # Planned after its moment (caught up after downtime): counted, never sent;
                    # otherwise open, or held_out for the evaluation holdout arm.
                    "status": "expired" if late else holdout.status(employee, tag.rule_id, tag.raised_on),
                    "delivery": delivery,
                    "due_at": due_at,
                    "useful_until": until,
                    "acted_at": now if late else None,
                    "dismiss_reason": moment.EXPIRED_NOTE if late else None,
                    "created_at": now,
                }
                for target in targets
            )
        for batch in chunked(rows, PLAN_CHUNK):
            insert = (
                dialect_insert(session, Reminder)
                .on_conflict_do_nothing(index_elements=["tag_id", "recipient_id"])
                .returning(Reminder.id)
            )
            # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT DO NOTHING.
            result.reminders += len(session.execute(insert, batch).all())
    if result.tags:
        log.info(
            "planned %d reminders for %d new tags (%d without recipient)",
            result.reminders,
            result.tags,
            result.unrouted,
        )
    return result
