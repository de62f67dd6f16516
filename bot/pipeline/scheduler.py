"""The scheduler: APScheduler 3 jobs that run only on the leader (a database lease).

Run exactly one ``carebot scheduler`` in production; a second one stands by and takes over when
the leader's lease expires, so nothing is sent twice. Modules declare their jobs with :func:`job`;
``create_app`` registers them (each package's ``register(registry)``).
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
LEASE_SECONDS = 60  # the default of [scheduler].lease_seconds


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[Runtime], Any]
    trigger: str  # "interval" | "cron"
    trigger_args: dict[str, Any]
    description: str


_declared: dict[Callable[[Runtime], Any], JobSpec] = {}  # what @job declared, by function
_jobs: dict[str, JobSpec] = {}  # what create_app registered: the jobs a scheduler runs

# The leader whose job is running in this context: sends made by a scheduled job are fenced by it
# (a web worker or the CLI draining the outbox is not, and is never deposed).
current_leader: ContextVar[Leader | None] = ContextVar("current_leader", default=None)


def job(
    job_id: str, trigger: str, description: str, **trigger_args: Any
) -> Callable[[Callable[[Runtime], Any]], Callable[[Runtime], Any]]:
    """Declare ``func(runtime)`` a scheduled job (``trigger_args`` may be callables of settings).

    Declaring does not schedule it: ``create_app`` registers the job explicitly
    (:func:`register_job`, through each package's ``register(registry)``).
    """

    def declare(func: Callable[[Runtime], Any]) -> Callable[[Runtime], Any]:
        _declared[func] = JobSpec(job_id, func, trigger, trigger_args, description)
        return func

    return declare


def register_job(func: Callable[[Runtime], Any]) -> JobSpec:
    """Schedule a function declared with :func:`job` (registering it again changes nothing).

    Raises:
        LookupError: ``func`` was not declared with ``@job``.
    """
    spec = _declared.get(func)
    if spec is None:
        raise LookupError(f"{getattr(func, '__qualname__', func)} is not declared with @job")
    _jobs[spec.id] = spec
    return spec


def registered_jobs() -> dict[str, JobSpec]:
    return dict(_jobs)


class Leader(LeaseHolder):
    """Holds or waits for the scheduler lease in the database."""

    def __init__(self, runtime: Runtime, holder: str | None = None) -> None:
        super().__init__(runtime, LEASE_NAME, runtime.settings.scheduler.lease_seconds, holder)


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
