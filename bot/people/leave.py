"""Who is on leave on a given day: attendance facts and approved leave approvals."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.core.send_window import local_instant
from bot.models import Approval, AttendanceDay


def on_leave(runtime: Runtime, session: Session, employee_ids: Collection[int], day: date) -> set[int]:
    """The subset of ``employee_ids`` on leave on local ``day`` (any approved leave overlapping it)."""
    if not employee_ids:
        return set()
    ids = list(employee_ids)
    start = local_instant(runtime, day, time(0, 0))
    end = local_instant(runtime, day + timedelta(days=1), time(0, 0))
    from_facts = select(AttendanceDay.employee_id).where(
        AttendanceDay.day == day, AttendanceDay.on_leave.is_(True), AttendanceDay.employee_id.in_(ids)
    )
    # An approval without an end is read as covering its start day only.
    from_approvals = select(Approval.employee_id).where(
        Approval.kind == "leave",
        Approval.status == "approved",
        Approval.employee_id.in_(ids),
        Approval.starts_at < end,
        or_(Approval.ends_at > start, and_(Approval.ends_at.is_(None), Approval.starts_at >= start)),
    )
    found = set(session.scalars(from_facts)) | set(session.scalars(from_approvals))
    return {i for i in found if i is not None}
