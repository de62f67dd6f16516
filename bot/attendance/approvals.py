"""Leave, trip and overtime approvals: stored by source key, latest state wins."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.attendance.shift import Shift, local_days
from bot.models import Approval, Employee
from bot.pipeline.events import ApprovalChange

FINAL = ("approved", "rejected", "revoked")


def record_approval(session: Session, change: ApprovalChange) -> Approval:
    """Insert or update the approval identified by ``(platform, source_key)``.

    A late "pending" (a delayed start event) never reopens an approval already decided.
    """
    row = session.scalar(
        select(Approval).where(Approval.source == change.platform, Approval.source_key == change.source_key)
    )
    employee_id = session.scalar(select(Employee.id).where(Employee.userid == change.userid))
    if row is None:
        row = Approval(source=change.platform, source_key=change.source_key, userid=change.userid)
        session.add(row)
    row.employee_id = employee_id
    row.kind = change.kind
    if not (change.status == "pending" and row.status in FINAL):
        row.status = change.status
    row.starts_at = change.starts_at or row.starts_at
    row.ends_at = change.ends_at or row.ends_at
    row.minutes = change.minutes if change.minutes is not None else row.minutes
    row.detail = change.detail or row.detail
    session.flush()
    return row


def approval_days(shift: Shift, kind: str, starts_at: datetime | None, ends_at: datetime | None) -> list[date]:
    """The shift days whose facts an approval can change (overtime counts on its start's day)."""
    if starts_at is None:
        return []
    if kind == "overtime" or ends_at is None or ends_at < starts_at:
        return [shift.shift_day(starts_at)]
    return local_days(shift, starts_at, ends_at)


def record_approval_touching(
    session: Session, change: ApprovalChange, shift: Shift
) -> tuple[Approval, set[tuple[int, date]]]:
    """Record the change; also return the (employee id, day) pairs whose facts must be recomputed.

    Both the old and the new interval count, so moving or revoking a leave clears the old days.
    """
    before = session.execute(
        select(Approval.kind, Approval.starts_at, Approval.ends_at).where(
            Approval.source == change.platform, Approval.source_key == change.source_key
        )
    ).first()
    row = record_approval(session, change)
    if row.employee_id is None:
        return row, set()
    days = set(approval_days(shift, row.kind, row.starts_at, row.ends_at))
    if before is not None:
        days.update(approval_days(shift, before.kind, before.starts_at, before.ends_at))
    return row, {(row.employee_id, d) for d in days}
