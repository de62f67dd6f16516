"""The ``carebot`` command line: a Flask/Click group whose commands wrap plain functions."""

from __future__ import annotations

import signal
import sys
from datetime import date

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bot.core.cli_types import ISO_DATE
from bot.core.errors import ConfigError
from bot.core.runtime import Runtime, get_runtime


def _make_app() -> Flask:
    from app import create_app

    try:
        # Commands that serve requests check start-up safety themselves (serve, scheduler); the
        # others (doctor, db upgrade, imports) must still run to diagnose and fix a deployment.
        return create_app(check_startup=False)
    except ConfigError as exc:
        click.echo(f"carebot: {exc}", err=True)
        sys.exit(2)


def _refuse_unsafe(runtime: Runtime) -> None:
    from bot.security.startup import unsafe_development

    reason = unsafe_development(runtime.settings)
    if reason is not None:
        click.echo(f"carebot: {reason}", err=True)
        sys.exit(2)


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema."""
    from bot.core.db import mask_url
    from bot.core.migrate import upgrade

    runtime = get_runtime()
    try:
        upgrade(runtime.settings.database.url, revision)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        click.echo(f"carebot: cannot reach database {mask_url(runtime.settings.database.url)}: {reason}", err=True)
        sys.exit(1)
    click.echo(f"database {mask_url(runtime.settings.database.url)} is at {revision}")


@db_group.command("downgrade")
@click.option("--revision", default="-1", show_default=True)
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Undo migrations (default: the last one)."""
    from bot.core.migrate import downgrade

    downgrade(get_runtime().settings.database.url, revision)
    click.echo(f"database downgraded to {revision}")


@click.command("serve")
@click.option("--host", default=None, help="Interface to bind (default [server].host).")
@click.option("--port", default=None, type=int, help="Port (default [server].port).")
@click.option("--with-scheduler", is_flag=True, help="Also run the scheduler's jobs in this process.")
@with_appcontext
def serve(host: str | None, port: int | None, with_scheduler: bool) -> None:
    """Serve the web app (development server; use gunicorn in production)."""
    from flask import current_app
    from werkzeug.serving import run_simple

    runtime = get_runtime()
    _refuse_unsafe(runtime)
    host = host or runtime.settings.server.host
    port = port or runtime.settings.server.port
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if with_scheduler:
        from bot.pipeline.inbox_worker import start_if_configured
        from bot.pipeline.scheduler import build

        runtime.extras["app"] = app
        build(runtime, blocking=False).start()
        start_if_configured(runtime, app)  # callbacks stored by this server are processed at once
    base = f"http://{host}:{port}"
    settings = runtime.settings
    click.echo(f"CareBot is running on {base} (platform: {settings.platform.default})")
    click.echo(f"  chat simulator:  {base}/simulator   (act as HR, a manager or an employee)")
    sign_in = (
        "pick an HR employee, or a token from [api].tokens"
        if settings.platform.default == "local" and settings.app.environment == "development"
        else "a token from [api].tokens"
    )
    click.echo(f"  HR dashboard:    {base}/dashboard   (sign in: {sign_in})")
    click.echo(f"  health:          {base}/healthz   readiness: {base}/readyz")
    if not settings.app.secret_key:
        # Only serving needs the key (it signs dashboard sessions); other commands stay quiet.
        click.echo(
            "  note: [app].secret_key is empty, so dashboard sign-ins last until this process stops;"
            " set CAREBOT_APP__SECRET_KEY to keep them across restarts."
        )
    if with_scheduler:
        click.echo(
            "  reminders and pulses go out 09:00–18:00 on workdays only; outside those hours the demo's"
            " history is already in the simulator and dashboard (see README, 'Outside office hours')."
        )
    run_simple(host, port, app, threaded=True, use_reloader=False)


@click.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Run the scheduler (exactly one leader; further instances stand by)."""
    from flask import current_app

    from bot.pipeline.inbox_worker import start_if_configured
    from bot.pipeline.scheduler import build, registered_jobs

    runtime = get_runtime()
    _refuse_unsafe(runtime)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    runtime.extras["app"] = app
    sched = build(runtime, blocking=True)
    click.echo(f"scheduler starting with {len(registered_jobs())} jobs (timezone {runtime.settings.app.timezone})")
    # Every scheduler, leader or standby, processes stored callbacks: claims skip each other's rows.
    worker = start_if_configured(runtime, app)

    def stop(signum: int, _frame: object) -> None:
        # A deploy sends SIGTERM: leave start() so the lease is released now, not after it expires.
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if sched.running:
            sched.shutdown(wait=False)
        if worker is not None:
            worker.stop(timeout=10)  # let the batch in hand commit
        runtime.extras["leader"].release()
        click.echo("scheduler stopped; lease released")


@click.command("demo")
@click.option("--size", type=int, default=None, help="Number of employees (default [demo].employees).")
@click.option("--seed", type=int, default=None, help="Random seed (default [demo].seed).")
@click.option("--days", type=int, default=None, help="Days of history (default [demo].days).")
@click.option("--end", type=ISO_DATE, default=None, help="Last day of history (default yesterday).")
@click.option("--if-empty", is_flag=True, help="Do nothing when employees already exist.")
@with_appcontext
def demo(size: int | None, seed: int | None, days: int | None, end: date | None, if_empty: bool) -> None:
    """Load the demo organisation through the real ingestion paths (idempotent)."""
    from bot.ops.demo.loader import load_demo

    runtime = get_runtime()
    cfg = runtime.settings.demo
    try:
        result = load_demo(
            runtime,
            size=size or cfg.employees,
            seed=cfg.seed if seed is None else seed,
            days=days or cfg.days,
            end=end,
            if_empty=if_empty,
            progress=lambda line: click.echo(f"  replaying history: {line}"),
        )
    except SQLAlchemyError as exc:
        click.echo(f"carebot: demo load failed: {type(exc).__name__}; run `carebot db upgrade` first?", err=True)
        sys.exit(1)
    if not result.loaded:
        click.echo(f"demo organisation already present ({result.employees} employees); nothing loaded")
    else:
        click.echo(
            f"demo organisation loaded: {result.employees} employees, {result.punches} punches, "
            f"{result.metrics} metric values; {result.tags} care tags, {result.reminders} reminders sent, "
            f"{result.hr_actions} acted on by HR, {result.pulse_messages} pulse answers, "
            f"{result.journey_tasks} onboarding tasks done, "
            f"{result.joined} joined, {result.left} left"
        )


def register_cli(app: Flask) -> None:
    """Attach every command to ``app.cli`` (the ``carebot`` group lists them)."""
    from bot.core.calendar_cli import COMMANDS as CALENDAR_COMMANDS
    from bot.evaluation.cli import COMMANDS as EVALUATION_COMMANDS
    from bot.intake.cli import COMMANDS as DATA_COMMANDS
    from bot.journeys.cli import COMMANDS as JOURNEY_COMMANDS
    from bot.ops.doctor_cli import COMMANDS as DOCTOR_COMMANDS
    from bot.ops.inbox_cli import COMMANDS as INBOX_COMMANDS
    from bot.ops.outbox_cli import COMMANDS as OUTBOX_COMMANDS
    from bot.platforms.dingtalk.stream.cli import COMMANDS as STREAM_COMMANDS
    from bot.privacy.jobs import COMMANDS as PRIVACY_COMMANDS
    from bot.reminders.cli import COMMANDS as REMINDER_COMMANDS
    from bot.report.cli import COMMANDS as REPORT_COMMANDS
    from bot.risk.cli import COMMANDS as RISK_COMMANDS
    from bot.security.cli import COMMANDS as SECURITY_COMMANDS
    from bot.surveys.cli import COMMANDS as SURVEY_COMMANDS
    from bot.voice.cli import COMMANDS as VOICE_COMMANDS
    from rules.cli import COMMANDS as RULE_COMMANDS

    for command in (
        db_group,
        serve,
        scheduler,
        *STREAM_COMMANDS,
        demo,
        *DATA_COMMANDS,
        *DOCTOR_COMMANDS,
        *CALENDAR_COMMANDS,
        *INBOX_COMMANDS,
        *OUTBOX_COMMANDS,
        *PRIVACY_COMMANDS,
        *REMINDER_COMMANDS,
        *SURVEY_COMMANDS,
        *JOURNEY_COMMANDS,
        *REPORT_COMMANDS,
        *RISK_COMMANDS,
        *EVALUATION_COMMANDS,
        *RULE_COMMANDS,
        *SECURITY_COMMANDS,
        *VOICE_COMMANDS,
    ):
        app.cli.add_command(command)


cli = FlaskGroup(
    name="carebot",
    create_app=_make_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
    help="CareBot (关怀助手) administration.",
)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="carebot")
