"""Keep employees current from platform org events (hire, change, leave).

Org events carry user ids only, so details come from the platform's user API (DingTalk
``topapi/v2/user/get``, WeCom ``user/get``). What the platform knows (name, department, manager,
position, hire date) overwrites; what only HR knows (HR business partner, birthday, probation end,
HR flag, e-mail and mobile from the HRIS import) is kept. Contact data from the platform is not
copied: no rule needs it (PIPL: collect only what is needed).

A leave sets ``status = left``, ``left_on`` (the event's local date) and, when the event says so,
the reason category ``voluntary`` / ``involuntary`` — the turnover outcome that reports count.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.attendance.orphans import upsert_people
from bot.core.errors import PlatformAPIError
from bot.core.runtime import Runtime
from bot.journeys.start import cancel as cancel_journeys
from bot.models import Department, Employee
from bot.people.directory import EmployeeRow
from bot.pipeline.events import OrgChange

log = logging.getLogger(__name__)

# "User not found" from the user APIs: the person is gone already (DingTalk 60121/33012, WeCom 60111).
USER_GONE = {60111, 60121, 33012, "60111", "60121", "33012"}
VOLUNTARY = ("voluntary", "主动", "辞职", "resign", "quit")
INVOLUNTARY = ("involuntary", "被动", "辞退", "解雇", "开除", "劝退", "裁员", "dismiss", "layoff", "terminat")
REASON_KEYS = ("leave_reason", "reason_category", "reason", "reasonType", "leaveReason", "termination_type")


class UserDirectory(Protocol):
    """What directory sync needs from a platform client (DingTalk and WeCom clients have it)."""

    def get_user(self, userid: str, *, dept_names: bool = True) -> dict[str, Any]: ...


@dataclass
class SyncResult:
    """What one org event changed."""

    upserted: int = 0
    left: int = 0
    skipped: int = 0


def reason_category(detail: dict[str, Any]) -> str | None:
    """``voluntary`` / ``involuntary`` from whatever reason the event carries, else None."""
    for key in REASON_KEYS:
        value = detail.get(key)
        if not value:
            continue
        text = str(value).lower()
        # Check involuntary first: "被动离职" contains no voluntary word, but "非主动" would.
        if any(w in text for w in INVOLUNTARY) or "非主动" in text:
            return "involuntary"
        if any(w in text for w in VOLUNTARY):
            return "voluntary"
    return None


def directory_for(runtime: Runtime, platform: str) -> UserDirectory | None:
    """The user API client of ``platform`` when it is configured."""
    client = getattr(runtime.platforms.get(platform), "client", None)
    return client if client is not None and hasattr(client, "get_user") else None


def _userid_of(session: Session, emp_id: int | None) -> str | None:
    return session.scalar(select(Employee.userid).where(Employee.id == emp_id)) if emp_id else None


def _merged_row(
    session: Session, userid: str, user: dict[str, Any], existing: Employee | None, joined: date | None
) -> EmployeeRow:
    """The employee as the platform describes it, keeping what only HR knows."""
    dept_names = user.get("dept_names") or []
    department = dept_names[0] if dept_names else None
    if department is None and existing is not None and existing.department_id:
        dept = session.get(Department, existing.department_id)
        department = dept.name if dept else None
    hired = user.get("hired_date")
    keep = existing
    return EmployeeRow(
        userid=userid,
        name=user.get("name") or (keep.name if keep else userid),
        department=department,
        manager_userid=user.get("manager_userid") or (_userid_of(session, keep.manager_id) if keep else None),
        hired_on=date.fromisoformat(hired) if hired else (keep.hired_on if keep and keep.hired_on else joined),
        hrbp_userid=_userid_of(session, keep.hrbp_id) if keep else None,
        birthday=keep.birthday if keep else None,
        probation_ends_on=keep.probation_ends_on if keep else None,
        position=user.get("title") or (keep.position if keep else None),
        is_hr=keep.is_hr if keep else False,
        email=keep.email if keep else None,
        mobile=keep.mobile if keep else None,
        # A (re)hire is active again; a change keeps an earlier leave.
        left_on=keep.left_on if keep and joined is None else None,
        leave_reason=keep.leave_reason if keep and joined is None else None,
    )


def _rename(session: Session, old: str, new: str) -> None:
    """WeCom ``update_user`` with ``NewUserID``: the person keeps their history under the new id."""
    emp = session.scalar(select(Employee).where(Employee.userid == old))
    taken = session.scalar(select(Employee.id).where(Employee.userid == new))
    if emp is not None and taken is None:
        emp.userid = new
        session.flush()
        log.info("employee %s renamed to %s", old, new)


def _by_userid(session: Session, userids: Iterable[str]) -> dict[str, Employee]:
    """The known employees among ``userids`` (an org event may name hundreds), in one query."""
    wanted = sorted(set(userids))
    return {e.userid: e for e in session.scalars(select(Employee).where(Employee.userid.in_(wanted)))} if wanted else {}


def _leave(session: Session, runtime: Runtime, change: OrgChange) -> SyncResult:
    result = SyncResult()
    left_on = (change.occurred_at or runtime.clock.now()).astimezone(runtime.tz).date()
    reason = reason_category(change.detail)
    known = _by_userid(session, change.userids)
    for userid in change.userids:
        emp = known.get(userid)
        if emp is None:
            log.info("leave event for unknown user %s ignored", userid)
            result.skipped += 1
            continue
        # A replayed leave keeps the first leave date.
        if not (emp.status == "left" and emp.left_on):
            emp.left_on = left_on
        emp.status = "left"
        emp.leave_reason = reason or emp.leave_reason
        result.left += 1
    session.flush()
    cancel_journeys(session, runtime, [e.id for e in known.values() if e.status == "left"])
    return result


def apply_org_change(session: Session, runtime: Runtime, change: OrgChange) -> SyncResult:
    """Apply one org event: fetch details for hires and changes, mark leaves.

    Raises:
        PlatformAPIError: a retryable API error (the inbox retries the event later).
    """
    if change.change == "leave":
        return _leave(session, runtime, change)
    userids = list(change.userids)
    new_id = change.detail.get("NewUserID") or change.detail.get("new_userid")
    if new_id and len(userids) == 1 and new_id != userids[0]:
        _rename(session, userids[0], str(new_id))
        userids = [str(new_id)]
    client = directory_for(runtime, change.platform)
    if client is None:
        log.warning("org change from %s but no %s client is configured; ignored", change.platform, change.platform)
        return SyncResult(skipped=len(userids))
    joined = (
        (change.occurred_at or runtime.clock.now()).astimezone(runtime.tz).date() if change.change == "add" else None
    )
    result = SyncResult()
    rows: list[EmployeeRow] = []
    known = _by_userid(session, userids)
    for userid in userids:
        try:
            user = client.get_user(userid)
        except PlatformAPIError as exc:
            if exc.retryable or exc.code not in USER_GONE:
                raise
            log.warning("org change for %s: the platform no longer knows this user; skipped", userid)
            result.skipped += 1
            continue
        rows.append(_merged_row(session, userid, user, known.get(userid), joined))
    if rows:
        upsert_people(session, runtime, rows, source=change.platform)
        result.upserted = len(rows)
    return result
