"""The Flask application factory: ``create_app()`` for gunicorn, the CLI and tests."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.core.clock import Clock, SystemClock
from bot.core.config import Settings, load_settings
from bot.core.db import Database, Timeouts
from bot.core.runtime import EXTENSION_KEY, Runtime
from bot.core.workcalendar import from_settings as calendar_from_settings
from bot.ops.registry import Registry, wire_once
from bot.pipeline.inbound import InboundPipeline
from bot.platforms.configured import configured_platforms
from bot.platforms.inbound_adapters import inbound_adapters
from bot.platforms.local.platform import LocalPlatform
from bot.security.startup import refuse_unsafe_start


def register(registry: Registry) -> None:
    """What CareBot listens to and runs, in the order it runs (dispatch follows registration order).

    Called once per process for every app (web, ``carebot scheduler``, the CLI), before and
    independently of the web blueprints.
    """
    from bot.evaluation import hooks as evaluation_hooks
    from bot.ops import jobs
    from bot.platforms import limits as platform_limits
    from bot.reminders import hooks as reminder_hooks
    from handlers import commands, events_ingest, journey_cards, reminder_cards, survey_replies, voice_chat

    # What the platforms allow: the outbox paces every send under these caps.
    platform_limits.register(registry)
    # Chat messages and card clicks; punches, approvals and org changes.
    commands.register(registry)  # slash commands; the "/help" hint when nothing else answers
    events_ingest.register(registry)  # punches, approvals, org changes → facts, directory
    journey_cards.register(registry)  # journey task card buttons
    reminder_cards.register(registry)  # reminder card buttons
    survey_replies.register(registry)  # pulse answers in chat and on cards
    voice_chat.register(registry)  # free text: intents, consent (after the surveys had their say)
    # After every committed rule evaluation: arms for new units first, then reminders of new tags.
    evaluation_hooks.register(registry)
    reminder_hooks.register(registry)
    # Scheduled jobs (run by the scheduler's leader).
    jobs.register(registry)


def _inbound_pipeline(runtime: Runtime, app: Flask) -> InboundPipeline:
    """One path for every inbound delivery: HTTP callbacks, Stream frames, the failed-callback pull, the simulator."""
    pipeline = InboundPipeline(runtime, app)
    for adapter in inbound_adapters(runtime):
        pipeline.add(adapter)
    return pipeline


def create_app(
    config: Settings | Mapping[str, Any] | None = None, *, clock: Clock | None = None, check_startup: bool = True
) -> Flask:
    """Build the app. ``config`` is a ``Settings`` or a mapping of overrides on top of the file/env.

    Raises:
        ConfigError: invalid configuration, or (with ``check_startup``) real platform keys in
            development mode without ``[app].development_with_platform_keys`` (docs/security.md).
    """
    settings = config if isinstance(config, Settings) else load_settings(overrides=config or {})
    if check_startup:
        refuse_unsafe_start(settings)
    # /static serves the pages' CSS and scripts: the Content-Security-Policy allows only this origin.
    app = Flask(__name__, instance_relative_config=True, static_folder="handlers/static")
    if settings.server.proxy_hops:
        # The client address (lockouts, logs) and https (Secure cookies) as the trusted proxies saw them.
        hops = settings.server.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.config["SECRET_KEY"] = settings.app.secret_key or None
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # callbacks over 1 MiB get 413
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    clock = clock or SystemClock()
    cfg = settings.database
    timeouts = Timeouts(
        connect=cfg.connect_timeout_seconds,
        statement=cfg.statement_timeout_seconds,
        lock=cfg.lock_timeout_seconds,
        pool=cfg.pool_timeout_seconds,
    )
    db = Database(cfg.url, echo=cfg.echo, clock=clock, timeouts=timeouts)
    runtime = Runtime(
        settings=settings,
        db=db,
        clock=clock,
        calendar=calendar_from_settings(settings.calendar.holiday_file),
    )
    runtime.platforms["local"] = LocalPlatform(db)
    runtime.platforms.update(configured_platforms(settings, runtime.clock))
    app.extensions[EXTENSION_KEY] = runtime
    runtime.pipeline = _inbound_pipeline(runtime, app)

    from bot.reminders.templates import get as reminder_templates

    reminder_templates(settings.reminders.templates_file)  # a bad override file stops start-up, naming the key

    wire_once("carebot", register)  # listeners and jobs: the same for web, scheduler and CLI

    from handlers import register_blueprints

    register_blueprints(app)

    from bot.ops.cli import register_cli

    register_cli(app)
    return app
