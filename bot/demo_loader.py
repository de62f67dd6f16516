"""Load the demo organisation through the real ingestion paths."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.attendance import facts
from bot.attendance.approvals import record_approval
from bot.attendance.punches import record_punches
from bot.demo import DemoOrg
from bot.directory import upsert_employees
from bot.metrics import upsert_metrics
from bot.models import Employee
from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass
class DemoLoadResult:
    loaded: bool
    employees: int = 0
    punches: int = 0
    metrics: int = 0
    fact_rows: int = 0


def load_demo(
    runtime: Runtime, *, size: int, seed: int, days: int, end: date | None = None, if_empty: bool = False
) -> DemoLoadResult:
    """Load (or reload: every step is an upsert) the demo organisation ending yesterday."""
    with runtime.db.session() as s:
        count = s.scalar(select(func.count()).select_from(Employee)) or 0
    if if_empty and count:
        return DemoLoadResult(loaded=False, employees=count)
    end = end or runtime.today() - timedelta(days=1)
    org = DemoOrg(size, seed=seed, days=days, end=end, calendar=runtime.calendar, tz=runtime.settings.app.timezone)
    with runtime.db.session() as s:
        upsert_employees(s, org.employees(), source="demo")
    punches = 0
    batch = []
    for punch in org.punches():
        batch.append(punch)
        if len(batch) >= 50_000:
            with runtime.db.session() as s:
                record_punches(s, batch)
            punches += len(batch)
            batch = []
    with runtime.db.session() as s:
        record_punches(s, batch)
        punches += len(batch)
        for change in org.approvals():
            record_approval(s, change)
    # The daily facts of the whole period, set-based (a punch after midnight counts for the day before).
    with runtime.db.session() as s:
        fact_stats = facts.rebuild(s, runtime, org.start, org.end)
    metric_rows = list(org.metrics())
    with runtime.db.session() as s:
        upsert_metrics(s, metric_rows, source="demo")
    return DemoLoadResult(
        loaded=True,
        employees=len(org.people),
        punches=punches,
        metrics=len(metric_rows),
        fact_rows=fact_stats.rows,
    )
