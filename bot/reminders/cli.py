"""``carebot reminders send``: bring new tags to their recipients and send what is due now."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from bot.core.runtime import get_runtime
from bot.core.send_window import is_open
from bot.pipeline import outbox
from bot.reminders.delivery import deliver
from bot.reminders.planner import plan, send_window


@click.group("reminders")
def reminders_group() -> None:
    """Care reminders to HR and managers."""


@reminders_group.command("send")
@with_appcontext
def send_command() -> None:
    """Plan reminders for new tags, send due cards and digests (working hours only), drain the outbox."""
    runtime = get_runtime()
    with runtime.db.session() as s:
        planned = plan(runtime, s)
    result = deliver(runtime)
    sent = outbox.drain(runtime).get("sent", 0)
    click.echo(
        f"reminders: {planned.reminders} new for {planned.tags} tags ({planned.unrouted} without recipient); "
        f"sent {result.sent} cards, {result.digests} digests ({result.digest_items} items), re-sent {result.resent}, "
        f"snoozed back {result.woken}, capped {result.capped}, waiting {result.waiting}; outbox sent {sent}"
    )
    if not is_open(runtime, send_window(runtime), runtime.clock.now()):
        cfg = runtime.settings.reminders
        click.echo(
            f"outside the send window ({cfg.send_from:%H:%M}-{cfg.send_until:%H:%M} on workdays): nothing sent now"
        )


COMMANDS = (reminders_group,)
