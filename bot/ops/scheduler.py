"""The scheduler: APScheduler 3 jobs that run only on the leader (a database lease).

Run exactly one ``carebot scheduler`` in production; a second one stands by and takes over when
the leader's lease expires, so nothing is sent twice. Modules add their jobs with :func:`job`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import ColumnElement, case, exists, or_, select, update

from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.models import Lease

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


class Leader:
    """Holds or waits for the scheduler lease in the database."""

    def __init__(self, runtime: Runtime, holder: str | None = None) -> None:
        self.runtime = runtime
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.generation: int | None = None  # the fencing token of the lease this process holds
        self.stopped = False  # set by release(): a job thread still running must not take the lease back
        # Serialises acquisition and release: a job thread renewing the lease while SIGTERM releases
        # it would otherwise write its renewal after the release (seen: the lease held 60 s more).
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        """Take or renew the lease; True when this process is the leader now."""
        with self._lock:
            if self.stopped:
                return False
            return self._acquire()

    def _acquire(self) -> bool:
        now = self.runtime.clock.now()
        expires = now + timedelta(seconds=LEASE_SECONDS)
        with self.runtime.db.session() as s:
            s.execute(
                dialect_insert(s, Lease)
                .values(name=LEASE_NAME, holder=self.holder, expires_at=expires)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            result = s.execute(
                update(Lease)
                .where(Lease.name == LEASE_NAME, or_(Lease.holder == self.holder, Lease.expires_at < now))
                .values(
                    holder=self.holder,
                    expires_at=expires,
                    # A takeover (or a comeback after losing it) starts a new generation.
                    generation=case((Lease.holder == self.holder, Lease.generation), else_=Lease.generation + 1),
                )
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                self.generation = None
                return False
            self.generation = s.scalar(select(Lease.generation).where(Lease.name == LEASE_NAME))
            return True

    def fence(self, now: datetime) -> ColumnElement[bool]:
        """SQL that is true only while this process still holds the lease it acquired (fencing token).

        Writes that must not outlive leadership (sending a claimed message) add it to their WHERE
        clause, so a leader that was frozen past its lease stops at once when it resumes.
        """
        return exists().where(
            Lease.name == LEASE_NAME,
            Lease.holder == self.holder,
            Lease.generation == (self.generation if self.generation is not None else -1),
            Lease.expires_at > now,
        )

    def release(self) -> None:
        """Give the lease up at once (on shutdown), so a standby takes over without waiting it out."""
        with self._lock:
            self.stopped = True
            self.generation = None
            with self.runtime.db.session() as s:
                s.execute(
                    update(Lease)
                    .where(Lease.name == LEASE_NAME, Lease.holder == self.holder)
                    .values(expires_at=self.runtime.clock.now() - timedelta(seconds=1))
                )


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
