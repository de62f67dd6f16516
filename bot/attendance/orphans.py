"""Punches and approvals that arrived before their employee: kept, linked later, facts then computed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.attendance import facts
from bot.core.chunks import chunked
from bot.core.runtime import Runtime
from bot.core.sqlutil import IN_CHUNK
from bot.journeys import start as journeys
from bot.models import Approval, Employee, Punch
from bot.people.directory import EmployeeRow, UpsertStats, ids_by_userid, upsert_employees

Span = tuple[datetime, datetime]


def orphan_spans(session: Session, userids: Iterable[str]) -> dict[str, Span]:
    """For user ids with unlinked punches or approvals: the first and last instant involved."""
    spans: dict[str, Span] = {}

    def merge(userid: str, lo: datetime | None, hi: datetime | None) -> None:
        if lo is None or hi is None:
            return
        old = spans.get(userid)
        spans[userid] = (min(lo, old[0]), max(hi, old[1])) if old else (lo, hi)

    for chunk in chunked(sorted(set(userids)), IN_CHUNK):
        punch_rows = session.execute(
            select(Punch.userid, func.min(Punch.punched_at), func.max(Punch.punched_at))
            .where(Punch.employee_id.is_(None), Punch.userid.in_(chunk))
            .group_by(Punch.userid)
        )
        for userid, lo, hi in punch_rows:
            merge(userid, lo, hi)
        approval_rows = session.execute(
            select(
                Approval.userid,
                func.min(Approval.starts_at),
                func.max(func.coalesce(Approval.ends_at, Approval.starts_at)),
            )
            .where(Approval.employee_id.is_(None), Approval.userid.in_(chunk))
            .group_by(Approval.userid)
        )
        for userid, start, end in approval_rows:
            merge(userid, start, end)
    return spans


def link_orphan_approvals(session: Session) -> None:
    """Attach approvals that arrived before their employee existed."""
    ids = select(Employee.id).where(Employee.userid == Approval.userid).scalar_subquery()
    session.execute(
        update(Approval)
        .where(Approval.employee_id.is_(None), Approval.userid.in_(select(Employee.userid)))
        .values(employee_id=ids)
        .execution_options(synchronize_session=False)
    )


def link_and_compute(session: Session, runtime: Runtime, spans: dict[str, Span]) -> facts.FactStats:
    """Link orphans (punches are linked by the upsert itself) and compute their employees' facts."""
    link_orphan_approvals(session)
    if not spans:
        return facts.FactStats()
    shift = facts.shift_of(runtime)
    ids = ids_by_userid(session, spans)
    linked = {ids[u]: span for u, span in spans.items() if u in ids}
    if not linked:
        return facts.FactStats()
    first: date = min(shift.shift_day(lo) for lo, _ in linked.values())
    last: date = max(hi.astimezone(shift.tz).date() for _, hi in linked.values())
    return facts.rebuild(session, runtime, first, last, linked.keys())


def upsert_people(session: Session, runtime: Runtime, rows: list[EmployeeRow], *, source: str) -> UpsertStats:
    """Upsert employees, link what arrived before them, compute the facts of those days, start journeys."""
    spans = orphan_spans(session, [r.userid for r in rows])
    before = journeys.snapshot(session, [r.userid for r in rows])
    stats = upsert_employees(session, rows, source=source)
    link_and_compute(session, runtime, spans)
    # Every entry path (platform event, CSV, API) comes through here: new hires start their journey.
    journeys.after_upsert(session, runtime, before, [r.userid for r in rows], source)
    return stats
