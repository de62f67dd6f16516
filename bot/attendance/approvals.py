"""Leave, trip and overtime approvals: stored by source key, latest state wins."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.events import ApprovalChange
from bot.models import Approval, Employee


def record_approval(session: Session, change: ApprovalChange) -> Approval:
    """Insert or update the approval identified by ``(platform, source_key)``."""
    row = session.scalar(
        select(Approval).where(Approval.source == change.platform, Approval.source_key == change.source_key)
    )
    employee_id = session.scalar(select(Employee.id).where(Employee.userid == change.userid))
    if row is None:
        row = Approval(source=change.platform, source_key=change.source_key, userid=change.userid)
        session.add(row)
    row.employee_id = employee_id
    row.kind = change.kind
    row.status = change.status
    row.starts_at = change.starts_at or row.starts_at
    row.ends_at = change.ends_at or row.ends_at
    row.minutes = change.minutes if change.minutes is not None else row.minutes
    row.detail = change.detail or row.detail
    session.flush()
    return row
