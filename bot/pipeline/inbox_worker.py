"""The inbox processor loop: a thread that claims and processes stored callbacks in batches.

``carebot scheduler`` runs one (``[inbox].process_in_scheduler``), ``carebot serve
--with-scheduler`` too, and ``carebot inbox work`` runs one in the foreground for deployments that
want more. Any number may run at once — on PostgreSQL their claims skip each other's rows — and a
standby scheduler's processor works as well as the leader's. While events keep coming the loop
claims batch after batch; when the inbox is empty it looks again every ``[inbox].poll_seconds``,
or at once when a request of the same process stored something (:func:`nudge`, so ``make run``
processes a simulated punch within a moment).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from bot.core.logsafe import describe
from bot.core.runtime import Runtime
from bot.pipeline import inbox_batch
from bot.pipeline.inbox_batch import BatchStats

log = logging.getLogger(__name__)

EXTRA_KEY = "inbox_worker"
# A drain returns this often so the loop can notice a stop request during a long backlog.
DRAIN_BUDGET_SECONDS = 10.0
ERROR_PAUSE_SECONDS = 5.0


class InboxWorker:
    """One processor loop (a daemon thread, or the caller's thread with :meth:`run`)."""

    def __init__(self, runtime: Runtime, app: Any | None = None, *, batch_size: int | None = None) -> None:
        self.runtime = runtime
        self.app = app
        self.batch_size = batch_size or runtime.settings.inbox.batch_size
        self.totals = BatchStats()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """Look for work now instead of at the next poll."""
        self._wake.set()

    def drain_once(self) -> BatchStats:
        """Process what is waiting now, in batches; returns what was done."""
        stats = inbox_batch.drain(self.runtime, batch_size=self.batch_size, budget_seconds=DRAIN_BUDGET_SECONDS)
        self.totals.add(stats)
        if stats.processed:  # handlers may have queued messages (replies, greetings)
            from bot.pipeline.inbox_executor import push_outbox  # the executor notifies this module

            push_outbox(self.runtime)
        if stats.claimed:
            log.info(
                "inbox: %d events in %d batches: %d processed, %d ignored, %d failed",
                stats.claimed,
                stats.batches,
                stats.processed,
                stats.ignored,
                stats.failed,
            )
        return stats

    def run(self) -> None:
        """Loop until :meth:`stop`: drain, then wait for a nudge or the poll interval."""
        poll = self.runtime.settings.inbox.poll_seconds
        while not self._stop.is_set():
            self._wake.clear()
            try:
                if self.app is not None:
                    with self.app.app_context():  # handlers may use get_runtime()
                        stats = self.drain_once()
                else:
                    stats = self.drain_once()
            except Exception as exc:
                # The database is down or similar: claimed rows are retried by the sweep; keep going.
                log.error("inbox processing failed; retrying in %.0f s: %s", ERROR_PAUSE_SECONDS, describe(exc))
                self._stop.wait(ERROR_PAUSE_SECONDS)
                continue
            if stats.more:
                continue  # stopped on its time budget, not for want of work
            self._wake.wait(poll)

    def start(self) -> InboxWorker:
        """Run the loop in a daemon thread and register it for :func:`nudge`."""
        self._thread = threading.Thread(target=self.run, name="carebot-inbox-worker", daemon=True)
        self.runtime.extras[EXTRA_KEY] = self
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 30.0) -> None:
        """Finish the batch in hand and stop (what it has not claimed stays for the others)."""
        self._stop.set()
        self._wake.set()
        if self.runtime.extras.get(EXTRA_KEY) is self:
            del self.runtime.extras[EXTRA_KEY]
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)


def nudge(runtime: Runtime) -> None:
    """Tell this process's processor, if it has one, that an event is waiting (cheap, no I/O)."""
    worker = runtime.extras.get(EXTRA_KEY)
    if isinstance(worker, InboxWorker):
        worker.wake()


def start_if_configured(runtime: Runtime, app: Any) -> InboxWorker | None:
    """Start the scheduler's processor unless ``[inbox].process_in_scheduler`` is off."""
    if not runtime.settings.inbox.process_in_scheduler:
        return None
    return InboxWorker(runtime, app).start()
