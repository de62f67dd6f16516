"""Inbound side: HTTP blueprints (health, callbacks, API, simulator) and event handlers."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to ``app``."""
    import bot.platforms.local_inbound  # noqa: F401  (registers the local normaliser)
    import handlers.commands  # noqa: F401  (registers the slash-command chat handler)
    from handlers import events_ingest  # noqa: F401  (punches, approvals, org changes → facts, directory)
    from handlers.api import register as register_api
    from handlers.health import bp as health_bp
    from handlers.simulator import bp as simulator_bp

    app.register_blueprint(health_bp)
    register_api(app)  # /api/v1: every module of handlers/api/
    runtime = app.extensions["carebot"]
    # The simulator impersonates any user: only with the local platform or in development.
    if runtime.settings.platform.default == "local" or runtime.settings.app.environment == "development":
        app.register_blueprint(simulator_bp)
