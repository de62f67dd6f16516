"""Where ``create_app`` wires what CareBot listens to and runs, explicitly and in a visible order.

Each package exposes ``register(registry)``; ``app.py`` calls them in the order they must run
(dispatch runs listeners of one event type in registration order; evaluation listeners likewise),
so nothing depends on which module happened to be imported first. The web process, the scheduler
and the CLI all build their app with ``create_app``, so they get the same registrations, with or
without the web blueprints.

The tables behind it are the process-wide ones of :mod:`bot.pipeline.dispatch`,
:mod:`rules.engine` and :mod:`bot.pipeline.scheduler`: listeners and jobs are functions of the code, not
of one app's configuration, so they are registered once per process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from bot.core.config import Settings
from bot.core.runtime import Runtime
from bot.pipeline import dispatch, outbox_pacing, scheduler
from bot.pipeline.platform import Cap
from rules import engine

EventListener = Callable[[Any, dispatch.Context], dispatch.Reply | None]


class Registry:
    """Registers event listeners, evaluation listeners and scheduled jobs."""

    def on(
        self,
        event_type: type,
        listener: EventListener,
        *,
        fallback: bool = False,
        batch: dispatch.BatchHandler | None = None,
    ) -> None:
        """Run ``listener(event, ctx)`` for every ``event_type`` (a fallback only when no listener replied).

        ``batch(events, ctx)``: the listener's batch form, which batch processors run once for all
        the events of a batch instead (bot/pipeline/inbox_batch.py).
        """
        dispatch.on(event_type, fallback=fallback)(listener)
        if batch is not None:
            dispatch.batched(listener)(batch)

    def after_evaluation(self, listener: engine.Listener) -> None:
        """Call ``listener(runtime, result)`` after every committed rule evaluation."""
        engine.on_evaluated(listener)

    def platform_limits(
        self, send_caps: Callable[[Settings], list[Cap]], identical_once_a_day: dict[str, frozenset[str]]
    ) -> None:
        """The platforms' send caps and once-a-day rules, which the outbox's pacing keeps to."""
        outbox_pacing.use_limits(send_caps, identical_once_a_day)

    def jobs(self, *funcs: Callable[[Runtime], Any]) -> None:
        """Schedule functions declared with :func:`bot.pipeline.scheduler.job` (run by ``carebot scheduler``)."""
        for func in funcs:
            scheduler.register_job(func)


_lock = threading.Lock()
_wired: set[str] = set()


def wire_once(name: str, wiring: Callable[[Registry], None]) -> bool:
    """Run ``wiring`` on the process registry unless it already ran; True when it ran now.

    Once per process, as the imports it replaces were: a test that swapped a table for its own
    (tests/webhook_helpers.py ``recorder``) keeps it while it builds further apps.
    """
    with _lock:
        if name in _wired:
            return False
        wiring(Registry())
        _wired.add(name)
        return True
