"""Inbound side: HTTP blueprints (health, callbacks, API, simulator) and event handlers."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to ``app``."""
    import bot.platforms.local.inbound  # noqa: F401  (registers the local normaliser)
    import handlers.commands  # noqa: F401  (registers the slash-command chat handler)
    from bot.evaluation.hooks import assign_new_units  # noqa: F401  (evaluation mode: arms before reminders)
    from bot.platforms.dingtalk import inbound as dingtalk_inbound  # noqa: F401  (register their normalisers)
    from bot.platforms.wecom import inbound as wecom_inbound  # noqa: F401  (register their normalisers)
    from bot.reminders.hooks import remind_new_tags  # noqa: F401  (reminders follow every rule evaluation)
    from handlers import events_ingest  # noqa: F401  (punches, approvals, org changes → facts, directory)
    from handlers.api import register as register_api
    from handlers.commands.growth import growth  # noqa: F401  (/成长)
    from handlers.commands.journey_tasks import tasks  # noqa: F401  (/待办 /完成 /不适用 /稍后)
    from handlers.commands.mentor import mentor  # noqa: F401  (/导师)
    from handlers.commands.reminder_actions import done  # noqa: F401  (/done /snooze /dismiss)
    from handlers.commands.survey_prefs import optout  # noqa: F401  (/optout /optin)
    from handlers.dashboard import register as register_dashboard
    from handlers.growth_page import bp as growth_page_bp
    from handlers.health import bp as health_bp
    from handlers.journey_cards import journey_clicked  # noqa: F401  (journey task card buttons)
    from handlers.reminder_cards import reminder_clicked  # noqa: F401  (reminder card buttons)
    from handlers.request_guard import install as install_request_guard
    from handlers.routing_errors import install as install_routing_errors
    from handlers.simulator import bp as simulator_bp
    from handlers.survey_replies import survey_reply  # noqa: F401  (pulse answers in chat and on cards)
    from handlers.voice_chat import voice_reply  # noqa: F401  (free text: intents, consent; after surveys)
    from handlers.webhooks_dingtalk import bp as webhooks_dingtalk_bp
    from handlers.webhooks_wecom import bp as webhooks_wecom_bp

    app.register_blueprint(health_bp)
    install_request_guard(app)  # NUL refused, unknown /api/v1 paths authenticate first, no-store headers
    install_routing_errors(app)  # routing 404/405 answered as JSON under /api/v1, plain text under /callbacks
    register_api(app)  # /api/v1: every module of handlers/api/
    app.register_blueprint(webhooks_dingtalk_bp)
    app.register_blueprint(webhooks_wecom_bp)
    register_dashboard(app)  # /dashboard: HR only (token or, in local development, an HR employee)
    app.register_blueprint(growth_page_bp)  # /growth/<signed token>: one employee's own chart
    runtime = app.extensions["carebot"]
    # The simulator impersonates any user: it exists only with the local platform (docs/security.md).
    if runtime.settings.platform.default == "local":
        app.register_blueprint(simulator_bp)
