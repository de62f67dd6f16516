"""The scheduler: APScheduler 3 jobs that run only on the leader (a database lease).

Run exactly one ``carebot scheduler`` in production; a second one stands by and takes over when
the leader's lease expires, so nothing is sent twice. Modules add their jobs with :func:`job`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.core.runtime import Runtime
from bot.pipeline.lease import LeaseHolder

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
LEASE_SECONDS = 60


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[Runtime], Any]
    trigger: str  # "interval" | "cron"
    trigger_args: dict[str, Any]
    description: str


_jobs: dict[str, JobSpec] = {}

# The leader whose job is running in this context: sends made by a scheduled job are fenced by it
# (a web worker or the CLI draining the outbox is not, and is never deposed).
current_leader: ContextVar[Leader | None] = ContextVar("current_leader", default=None)


def job(
    job_id: str, trigger: str, description: str, **trigger_args: Any
) -> Callable[[Callable[[Runtime], Any]], Callable[[Runtime], Any]]:
    """Register ``func(runtime)`` as a scheduled job (``trigger_args`` may be callables of settings)."""

    def register(func: Callable[[Runtime], Any]) -> Callable[[Runtime], Any]:
        _jobs[job_id] = JobSpec(job_id, func, trigger, trigger_args, description)
        return func

    return register


def registered_jobs() -> dict[str, JobSpec]:
    return dict(_jobs)


class Leader(LeaseHolder):
    """Holds or waits for the scheduler lease in the database."""

    def __init__(self, runtime: Runtime, holder: str | None = None) -> None:
        super().__init__(runtime, LEASE_NAME, LEASE_SECONDS, holder)


def _guarded(runtime: Runtime, leader: Leader, spec: JobSpec) -> Callable[[], None]:
    def run() -> None:
        if not leader.try_acquire():
            log.debug("job %s skipped: another scheduler is the leader", spec.id)
            return
        token = current_leader.set(leader)
        try:
            with runtime.extras["app"].app_context():
                spec.func(runtime)
        except Exception:
            log.exception("scheduled job %s failed", spec.id)
        finally:
            current_leader.reset(token)

    return run


def build(runtime: Runtime, *, blocking: bool) -> BackgroundScheduler | BlockingScheduler:
    """A scheduler with every registered job, in the company time zone."""
    import bot.ops.jobs  # noqa: F401  (registers the jobs of every module)

    # APScheduler logs two INFO lines per run; the 5-second outbox drain would bury everything else.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    sched_cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = sched_cls(timezone=runtime.tz, job_defaults={"coalesce": True, "max_instances": 1})
    leader = Leader(runtime)
    runtime.extras["leader"] = leader
    started = runtime.clock.now()
    for spec in _jobs.values():
        args = {k: (v(runtime.settings) if callable(v) else v) for k, v in spec.trigger_args.items()}
        if spec.trigger == "interval":
            # Run once at start, not one interval later: a restarted scheduler catches up at once
            # (missed evaluations, pending callbacks and messages) instead of after up to an hour.
            args.setdefault("next_run_time", started)
        scheduler.add_job(
            _guarded(runtime, leader, spec),
            spec.trigger,
            id=spec.id,
            name=spec.description,
            replace_existing=True,
            **args,
        )
    log.info("scheduler: %d jobs; interval jobs run once now, then on their interval", len(_jobs))
    return scheduler
