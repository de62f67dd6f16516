"""``carebot journeys dispatch [--date D]``: send the journey tasks that are due."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from bot.core.cli_types import ISO_DATE
from bot.core.runtime import get_runtime
from bot.journeys.dispatch import dispatch
from bot.pipeline import outbox


@click.group("journeys")
def journeys_group() -> None:
    """Onboarding journeys."""


@journeys_group.command("dispatch")
@click.option("--date", "day", type=ISO_DATE, help="Day whose due steps are sent (default today).")
@with_appcontext
def dispatch_command(day: date | None) -> None:
    """Send due tasks (workdays, inside the reminders' send window), re-send overdue ones once, escalate."""
    runtime = get_runtime()
    result = dispatch(runtime, day)
    queued = result.sent + result.messages + result.pulses + result.resent + result.escalated + result.woken
    delivered = outbox.drain(runtime).get("sent", 0) if queued else 0
    if not runtime.settings.onboarding.enabled:
        click.echo("onboarding journeys are disabled ([onboarding].enabled = false)")
    cfg = runtime.settings.reminders
    window = (
        "open"
        if result.window_open
        else f"closed (tasks go out {cfg.send_from:%H:%M}-{cfg.send_until:%H:%M} on workdays)"
    )
    click.echo(
        f"journeys {result.day}: sent {result.sent} tasks, {result.messages} messages, {result.pulses} pulses; "
        f"re-sent {result.resent}, escalated {result.escalated}, woken {result.woken}, waiting {result.waiting}; "
        f"cancelled {result.cancelled}, completed {result.completed}; send window {window}; outbox sent {delivered}"
    )


COMMANDS = (journeys_group,)
