"""The nightly facts catch-up: recent days for everyone, plus every day touched since the last run.

Live ingestion already recomputes what each punch or approval touches; this is the safety net
(a failed recomputation, a changed holiday file, a punch for a day long past).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from bot.attendance import cursors, facts
from bot.attendance.approvals import approval_days
from bot.core.runtime import Runtime
from bot.models import Approval, Punch

log = logging.getLogger(__name__)

CURSOR = "facts.catchup"


def catch_up(runtime: Runtime) -> facts.FactStats:
    """Rebuild the last ``[sync].facts_catchup_days`` days and recompute days touched since the last run."""
    now = runtime.clock.now()
    yesterday = runtime.today() - timedelta(days=1)
    first = yesterday - timedelta(days=runtime.settings.sync.facts_catchup_days - 1)
    shift = facts.shift_of(runtime)
    with runtime.db.session() as s:
        state = cursors.load(s, CURSOR)
        since = datetime.fromisoformat(state["last_run"]) if state else None
        stats = facts.rebuild(s, runtime, first, yesterday)
        pairs: set[tuple[int, date]] = set()
        if since is not None:
            spans = s.execute(
                select(Punch.employee_id, func.min(Punch.punched_at), func.max(Punch.punched_at))
                .where(Punch.received_at > since, Punch.employee_id.is_not(None))
                .group_by(Punch.employee_id)
            )
            for emp_id, lo, hi in spans:
                if emp_id is None:
                    continue
                day, last = shift.shift_day(lo), shift.shift_day(hi)
                while day <= last:
                    if not first <= day <= yesterday:
                        pairs.add((emp_id, day))
                    day += timedelta(days=1)
            approvals = s.execute(
                select(Approval.employee_id, Approval.kind, Approval.starts_at, Approval.ends_at).where(
                    Approval.updated_at > since, Approval.employee_id.is_not(None)
                )
            )
            for app_emp, kind, starts_at, ends_at in approvals:
                if app_emp is None:
                    continue
                pairs.update((app_emp, d) for d in approval_days(shift, kind, starts_at, ends_at))
        extra = facts.recompute(s, runtime, pairs)
        cursors.save(s, CURSOR, {"last_run": now.isoformat()})
    log.info(
        "facts catch-up %s..%s: %d rows, %d more for days touched since the last run",
        first,
        yesterday,
        stats.rows,
        extra.rows,
    )
    return facts.FactStats(windows=stats.windows + extra.windows, rows=stats.rows + extra.rows)
