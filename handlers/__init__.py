"""Inbound side: HTTP blueprints (health, callbacks, API, simulator) and event handlers."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to ``app``."""
    import bot.platforms.local_inbound  # noqa: F401  (registers the local normaliser)
    import handlers.commands  # noqa: F401  (registers the slash-command chat handler)
    from bot.platforms import dingtalk_inbound, wecom_inbound  # noqa: F401  (register their normalisers)
    from handlers import events_ingest  # noqa: F401  (punches, approvals, org changes → facts, directory)
    from handlers.api import register as register_api
    from handlers.health import bp as health_bp
    from handlers.simulator import bp as simulator_bp
    from handlers.webhooks_dingtalk import bp as webhooks_dingtalk_bp
    from handlers.webhooks_wecom import bp as webhooks_wecom_bp

    app.register_blueprint(health_bp)
    register_api(app)  # /api/v1: every module of handlers/api/
    app.register_blueprint(webhooks_dingtalk_bp)
    app.register_blueprint(webhooks_wecom_bp)
    runtime = app.extensions["carebot"]
    # The simulator impersonates any user: only with the local platform or in development.
    if runtime.settings.platform.default == "local" or runtime.settings.app.environment == "development":
        app.register_blueprint(simulator_bp)
