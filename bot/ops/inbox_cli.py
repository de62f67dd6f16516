"""Inbox commands for admins: run a batch processor, see what waits."""

from __future__ import annotations

import signal

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from bot.core.runtime import get_runtime
from bot.models import InboundEvent
from bot.pipeline.inbox_worker import InboxWorker


@click.group("inbox")
def inbox_group() -> None:
    """Stored platform callbacks: process them, see the backlog."""


@inbox_group.command("work")
@click.option("--once", is_flag=True, help="Process what waits now, print the counts and exit.")
@click.option("--batch-size", type=click.IntRange(1, 5000), default=None, help="Default [inbox].batch_size.")
@with_appcontext
def work(once: bool, batch_size: int | None) -> None:
    """Process stored callbacks in batches until stopped (any number may run; they share the rows)."""
    runtime = get_runtime()
    worker = InboxWorker(runtime, current_app._get_current_object(), batch_size=batch_size)  # type: ignore[attr-defined]
    if once:
        stats = worker.drain_once()
        while stats.more:
            stats = worker.drain_once()
        t = worker.totals
        click.echo(f"inbox: {t.claimed} events: {t.processed} processed, {t.ignored} ignored, {t.failed} failed")
        return

    def stop(_signum: int, _frame: object) -> None:
        # Finish the batch in hand (its rows would otherwise wait for the stuck-event sweep), then leave.
        worker.stop(timeout=0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"inbox worker: batches of {worker.batch_size}, polling every {runtime.settings.inbox.poll_seconds} s")
    worker.run()
    t = worker.totals
    click.echo(f"inbox worker stopped after {t.claimed} events ({t.failed} failed)")


@inbox_group.command("status")
@with_appcontext
def status() -> None:
    """Events per status, and the age of the oldest one still pending."""
    runtime = get_runtime()
    with runtime.db.session() as s:
        counts = dict(s.execute(select(InboundEvent.status, func.count()).group_by(InboundEvent.status)).all())
        oldest = s.scalar(select(func.min(InboundEvent.received_at)).where(InboundEvent.status == "pending"))
    parts = [f"{name} {counts.get(name, 0)}" for name in ("pending", "processing", "processed", "ignored", "failed")]
    age = f"; oldest pending {(runtime.clock.now() - oldest).total_seconds():.0f} s old" if oldest else ""
    click.echo("inbox: " + ", ".join(parts) + age)


COMMANDS = (inbox_group,)
