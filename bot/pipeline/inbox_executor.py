"""After the commit: have stored callbacks processed, and push queued replies, without making the platform wait.

In ``background`` mode (production) the web request processes nothing it does not answer with:
:func:`after_commit` only tells a processor in this process, if there is one, that work is waiting
(``carebot serve --with-scheduler``); the processors of ``carebot scheduler`` and ``carebot inbox
work`` claim stored events in batches (bot/pipeline/inbox_batch.py, bot/pipeline/inbox_worker.py).
Replies a chat message queued for the outbox are pushed by a small thread pool of the web process,
with the scheduler's outbox drain as the safety net. In ``inline`` mode — and always under Flask's
testing flag, so tests are deterministic — the events are processed, as one batch, before the response.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app, has_app_context
from sqlalchemy import select

from bot.core.logsafe import describe
from bot.core.runtime import Runtime
from bot.models import OutboxMessage
from bot.pipeline import inbox_batch, inbox_worker, outbox

log = logging.getLogger(__name__)

_EXTRA_KEY = "inbox_executor"
_create_lock = threading.Lock()


class Background:
    """A per-process thread pool for the coalesced outbox drain after chat replies."""

    def __init__(self, runtime: Runtime, app: Flask | None, workers: int) -> None:
        self._runtime = runtime
        self._app = app
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="carebot-inbox")
        self._push_lock = threading.Lock()
        self._push_queued = False

    def _run(self, what: str, fn: Callable[[], object]) -> None:
        try:
            if self._app is not None:
                # Handlers may use get_runtime() and other app-bound helpers.
                with self._app.app_context():
                    fn()
            else:
                fn()
        except Exception as exc:
            # Classes and location only: the error's text may quote decrypted payloads (docs/security.md).
            log.error("background %s failed; the scheduler sweep will retry: %s", what, describe(exc))

    def push_outbox(self) -> None:
        """Drain the outbox soon; requests made while a drain is queued share it."""
        with self._push_lock:
            if self._push_queued:
                return
            self._push_queued = True

        def drain() -> None:
            with self._push_lock:
                self._push_queued = False
            if has_due_messages(self._runtime):
                outbox.send_pending(self._runtime)

        try:
            self._pool.submit(self._run, "outbox push", drain)
        except RuntimeError:
            # The pool is shutting down (process exit): the scheduler's drain sends it.
            with self._push_lock:
                self._push_queued = False

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)


def has_due_messages(runtime: Runtime) -> bool:
    """Whether any outbox message waits to be sent now (one indexed query, far cheaper than a drain)."""
    with runtime.db.session() as s:
        found = s.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= runtime.clock.now())
            .limit(1)
        )
    return found is not None


def background(runtime: Runtime) -> Background:
    """The runtime's thread pool, created on first use."""
    existing = runtime.extras.get(_EXTRA_KEY)
    if isinstance(existing, Background):
        return existing
    with _create_lock:
        existing = runtime.extras.get(_EXTRA_KEY)
        if not isinstance(existing, Background):
            app = current_app._get_current_object() if has_app_context() else None  # type: ignore[attr-defined]
            existing = Background(runtime, app, runtime.settings.inbox.workers)
            runtime.extras[_EXTRA_KEY] = existing
        return existing


def is_inline(runtime: Runtime) -> bool:
    """Whether post-commit work runs before the response (config, or Flask testing mode)."""
    if runtime.settings.inbox.process == "inline":
        return True
    return bool(has_app_context() and current_app.testing)


def push_outbox(runtime: Runtime) -> None:
    """Send queued messages now (inline) or soon (background), if enabled."""
    if not runtime.settings.inbox.push_outbox:
        return
    if is_inline(runtime):
        try:
            if has_due_messages(runtime):
                outbox.send_pending(runtime)
        except Exception as exc:
            log.error("outbox push failed; the scheduler will send later: %s", describe(exc))
        return
    background(runtime).push_outbox()


def after_commit(runtime: Runtime, event_ids: Iterable[int], *, push: bool = True) -> None:
    """Newly stored events are waiting: process them now (inline) or tell a processor (background).

    In background mode this does no I/O: a processor in this process (if any) is woken, the others
    find the events at their next poll (``[inbox].poll_seconds``).
    """
    ids = list(event_ids)
    if not ids:
        return
    if is_inline(runtime):
        inbox_batch.process_ids(runtime, ids)
        if push:
            push_outbox(runtime)
        return
    inbox_worker.nudge(runtime)
