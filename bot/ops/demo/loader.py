"""Load the demo organisation: its people and months of history, through the real ingestion paths."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.core.runtime import Runtime
from bot.models import Employee
from bot.ops.demo.company import DemoOrg
from bot.ops.demo.replay import Replay

log = logging.getLogger(__name__)


@dataclass
class DemoLoadResult:
    loaded: bool
    employees: int = 0
    punches: int = 0
    metrics: int = 0
    tags: int = 0
    reminders: int = 0
    hr_actions: int = 0
    pulse_messages: int = 0
    journey_tasks: int = 0
    joined: int = 0
    left: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


def load_demo(
    runtime: Runtime,
    *,
    size: int,
    seed: int,
    days: int,
    end: date | None = None,
    if_empty: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DemoLoadResult:
    """Generate the organisation and replay its ``days`` of history ending yesterday.

    Loading into a database that already has employees replays again: every step is idempotent
    (upserts, one tag per rule and day, outbox keys), so nothing is duplicated.
    """
    with runtime.db.session() as s:
        count = s.scalar(select(func.count()).select_from(Employee)) or 0
    if if_empty and count:
        return DemoLoadResult(loaded=False, employees=count)
    end = end or runtime.today() - timedelta(days=1)
    org = DemoOrg(size, seed=seed, days=days, end=end, calendar=runtime.calendar, tz=runtime.settings.app.timezone)
    punches = sum(1 for _ in org.punches())
    metrics = sum(1 for _ in org.metrics())
    stats = Replay(runtime, org, progress).run()
    log.info("demo history replayed: %d days, %d tags, %d reminders", stats.days, stats.tags, stats.reminders)
    return DemoLoadResult(
        loaded=True,
        employees=len(org.people),
        punches=punches,
        metrics=metrics,
        tags=stats.tags,
        reminders=stats.reminders,
        hr_actions=stats.hr_actions,
        pulse_messages=stats.pulse_messages,
        journey_tasks=stats.journey_tasks,
        joined=stats.joined,
        left=stats.left,
        by_rule=dict(stats.by_rule),
    )
