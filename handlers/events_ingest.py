"""Ingestion handlers: punches and approvals become daily facts, org events keep the directory current.

Each handler runs inside the inbox's unit of work, so the stored event, the recorded rows and the
recomputed facts commit together — or not at all, and the inbox retries the event.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from bot.attendance import facts
from bot.attendance.approval_details import with_interval
from bot.attendance.approvals import record_approval_touching
from bot.attendance.punches import insane_reason, record_punches
from bot.intake.directory_sync import apply_org_change
from bot.pipeline.dispatch import Context, Reply
from bot.pipeline.events import ApprovalChange, AttendancePunch, OrgChange

if TYPE_CHECKING:
    from bot.ops.registry import Registry

log = logging.getLogger(__name__)


def punch_in(event: AttendancePunch, ctx: Context) -> Reply | None:
    """Store the punch (a re-sent one changes nothing) and recompute that shift day's facts."""
    reason = insane_reason(event.punched_at, ctx.runtime.clock.now())
    if reason is not None:
        # The callback itself stays in the inbox; a clock of 1970 or 2099 is not a day worked.
        log.warning("%s punch of %s rejected: %s", event.platform, event.userid, reason)
        return None
    shift = facts.shift_of(ctx.runtime)
    touched = record_punches(ctx.session, [event], day_of=shift.shift_day)
    facts.recompute(ctx.session, ctx.runtime, touched)
    return None


def punches_in(events: list[AttendancePunch], ctx: Context) -> None:
    """:func:`punch_in` for a whole batch: one insert, one directory look-up, each day recomputed once.

    A morning rush sends one callback per punch; recomputing each person's day per punch was most
    of the cost. Here the (employee, shift day) pairs of the batch are collected first and their
    facts recomputed together, set-based (bot/attendance/facts.py).
    """
    now = ctx.runtime.clock.now()
    sane: list[AttendancePunch] = []
    for event in events:
        reason = insane_reason(event.punched_at, now)
        if reason is not None:
            log.warning("%s punch of %s rejected: %s", event.platform, event.userid, reason)
            continue
        sane.append(event)
    if not sane:
        return
    shift = facts.shift_of(ctx.runtime)
    touched = record_punches(ctx.session, sane, day_of=shift.shift_day)
    facts.recompute(ctx.session, ctx.runtime, touched)


def approval_changed(event: ApprovalChange, ctx: Context) -> Reply | None:
    """Store the approval's latest state and recompute the days it covers (old and new)."""
    if not event.userid:
        log.warning("%s approval %s without an applicant; not recorded", event.platform, event.source_key)
        return None
    shift = facts.shift_of(ctx.runtime)
    touched: set[tuple[int, date]] = set()
    # Platform events carry no dates: the interval comes from the platform's approval API.
    for change in with_interval(ctx.session, ctx.runtime, event):
        touched |= record_approval_touching(ctx.session, change, shift)[1]
    facts.recompute(ctx.session, ctx.runtime, touched)
    return None


def org_changed(event: OrgChange, ctx: Context) -> Reply | None:
    """Fetch details of hired or changed people and upsert them; mark leavers."""
    result = apply_org_change(ctx.session, ctx.runtime, event)
    log.info(
        "%s org %s: %d upserted, %d left, %d skipped",
        event.platform,
        event.change,
        result.upserted,
        result.left,
        result.skipped,
    )
    return None


def register(registry: Registry) -> None:
    """Punches, approvals and org changes → daily facts and the directory."""
    registry.on(AttendancePunch, punch_in, batch=punches_in)
    registry.on(ApprovalChange, approval_changed)
    registry.on(OrgChange, org_changed)
