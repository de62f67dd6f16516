"""``carebot stream``: run the DingTalk Stream connector (one leader per app), or ``--check`` its health."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import datetime
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

from bot.core.runtime import Runtime, get_runtime
from bot.platforms.dingtalk.stream.options import StreamOptions
from bot.platforms.dingtalk.stream.status import PROBLEMS, StreamHealth, read_health

if TYPE_CHECKING:
    from bot.platforms.dingtalk.stream.service import StreamService
from bot.platforms.dingtalk.stream_frames import FrameHandler


@click.command("stream")
@click.option("--check", is_flag=True, help="Print the connectors' status; exit 1 unless a leader is connected.")
@with_appcontext
def stream(check: bool) -> None:
    """Run the DingTalk Stream connector ([dingtalk].mode = "stream"; further instances stand by)."""
    runtime = get_runtime()
    _refuse_unless_stream(runtime)
    options = StreamOptions.from_settings(runtime.settings)
    if check:
        health = read_health(runtime, options)
        click.echo(describe(health, options, runtime))
        sys.exit(0 if health.healthy else 1)
    from bot.platforms.dingtalk.stream.service import StreamService  # websockets only when running
    from bot.security.startup import unsafe_development

    reason = unsafe_development(runtime.settings)
    if reason is not None:
        click.echo(f"carebot: {reason}", err=True)
        sys.exit(2)
    handler = _frame_handler(runtime)
    service = StreamService(runtime, options, handler)
    click.echo(f"stream connector starting for app {options.app_key} (holder {service.lease.holder})")
    asyncio.run(_run(service))
    click.echo("stream connector stopped; lease released")


def _refuse_unless_stream(runtime: Runtime) -> None:
    cfg = runtime.settings.dingtalk
    if cfg.mode != "stream":
        click.echo(
            f'carebot: [dingtalk].mode is "{cfg.mode}"; set it to "stream" to use the Stream connector '
            "(docs/stream.md)",
            err=True,
        )
        sys.exit(2)
    missing = [key for key in ("app_key", "app_secret") if not getattr(cfg, key)]
    if missing:
        click.echo(f"carebot: Stream mode needs [dingtalk].{' and '.join(missing)}", err=True)
        sys.exit(2)


def _frame_handler(runtime: Runtime) -> FrameHandler:
    """The pipeline's handler for DingTalk frames (it enters the application context itself)."""
    handler: FrameHandler = runtime.pipeline.stream_handler("dingtalk")
    return handler


async def _run(service: StreamService) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # A deploy sends SIGTERM: close the sockets and release the lease now, not when it expires.
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await service.run(stop)


def describe(health: StreamHealth, options: StreamOptions, runtime: Runtime) -> str:
    """The ``--check`` report: the lease, one line per connector process, and the verdict."""
    tz = runtime.tz

    def at(moment: datetime | None) -> str:
        if moment is None:
            return "never"
        ago = (health.now - moment).total_seconds()
        return f"{moment.astimezone(tz):%Y-%m-%d %H:%M:%S} ({ago:.0f} s ago)"

    lines = [f"Stream connectors of app {options.app_key} (lease {options.lease_name})"]
    if health.leader is None:
        lines.append("  lease: not held")
    else:
        lines.append(f"  lease: held by {health.leader} (generation {health.generation})")
    for row in health.connectors:
        lines.append(
            f"  {row.holder}  {row.role}  updated {at(row.updated_at)}\n"
            f"    connected since {at(row.connected_since)}; last frame received {at(row.last_frame_at)}\n"
            f"    frames in {row.frames_in}, acked {row.frames_acked}, not acked {row.frames_unacked}, "
            f"errors {row.frame_errors}, robot messages lost {row.robot_lost}, reconnects {row.reconnects}"
        )
    lines.append("status: ok" if health.problem is None else f"status: {PROBLEMS[health.problem]}")
    return "\n".join(lines)


COMMANDS = [stream]
