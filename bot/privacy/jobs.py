"""The daily privacy purge as a scheduled job (``[privacy].purge_time``) and ``carebot privacy purge``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

from bot.core.config import Settings
from bot.core.runtime import Runtime, get_runtime
from bot.pipeline.scheduler import job
from bot.privacy.purge import purge

if TYPE_CHECKING:
    from bot.ops.registry import Registry


def _hour(settings: Settings) -> int:
    return settings.privacy.purge_time.hour


def _minute(settings: Settings) -> int:
    return settings.privacy.purge_time.minute


@job("privacy.purge", "cron", "Delete data past its retention period (daily)", hour=_hour, minute=_minute)
def daily_purge(runtime: Runtime) -> None:
    purge(runtime)


@click.group("privacy")
def privacy_group() -> None:
    """Privacy: retention."""


@privacy_group.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete or strip everything past its [privacy.retention] period now (the scheduler does this daily)."""
    result = purge(get_runtime())
    click.echo(
        f"purged: {result.pulse_answers} pulse answers, {result.life_events} life events, {result.audit_rows} "
        f"audit rows, {result.inbox_events} stored callbacks, {result.outbox_bodies} outbox bodies, "
        f"{result.leavers} leavers anonymised"
    )


COMMANDS = (privacy_group,)


def register(registry: Registry) -> None:
    """The daily retention purge."""
    registry.jobs(daily_purge)
