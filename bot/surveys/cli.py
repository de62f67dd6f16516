"""``carebot surveys dispatch [--date D]``: plan and send the pulses that are due."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from bot.core.cli_types import ISO_DATE
from bot.core.runtime import get_runtime
from bot.pipeline import outbox
from bot.surveys.dispatch import dispatch


@click.group("surveys")
def surveys_group() -> None:
    """Pulse surveys."""


@surveys_group.command("dispatch")
@click.option("--date", "day", type=ISO_DATE, help="Day to plan (default today).")
@with_appcontext
def dispatch_command(day: date | None) -> None:
    """Plan who is due, send planned pulses (workdays, within the send window), remind and expire."""
    runtime = get_runtime()
    result = dispatch(runtime, day)
    sent = outbox.drain(runtime).get("sent", 0) if (result.sent or result.reminded) else 0
    if not result.workday:
        click.echo(f"{result.day} is not a workday: no pulses planned")
    elif not runtime.settings.surveys.enabled:
        click.echo("surveys are disabled ([surveys].enabled = false)")
    cfg = runtime.settings.surveys
    window = (
        "open"
        if result.window_open
        else f"closed (pulses go out {cfg.send_from:%H:%M}-{cfg.send_until:%H:%M} on workdays)"
    )
    click.echo(
        f"surveys {result.day}: planned {result.planned}, sent {result.sent}, reminded {result.reminded}, "
        f"expired {result.expired}; send window {window}; outbox sent {sent}"
    )


COMMANDS = (surveys_group,)
