"""Inbound HTTP: blueprints (health, callbacks, API, dashboard, simulator); chat and card listeners.

Listeners are registered by ``create_app`` (``app.register``), not by these blueprints.
"""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to ``app``."""
    from handlers.api import register as register_api
    from handlers.callbacks import blueprint as callbacks_blueprint
    from handlers.dashboard import register as register_dashboard
    from handlers.growth_page import bp as growth_page_bp
    from handlers.health import bp as health_bp
    from handlers.request_guard import install as install_request_guard
    from handlers.routing_errors import install as install_routing_errors
    from handlers.simulator import bp as simulator_bp

    app.register_blueprint(health_bp)
    install_request_guard(app)  # NUL refused, unknown /api/v1 paths authenticate first, no-store headers
    install_routing_errors(app)  # routing 404/405 answered as JSON under /api/v1, plain text under /callbacks
    register_api(app)  # /api/v1: every module of handlers/api/
    runtime = app.extensions["carebot"]
    app.register_blueprint(callbacks_blueprint(runtime.pipeline))  # /callbacks/<platform>/…: every adapter's routes
    register_dashboard(app)  # /dashboard: HR only (token or, in local development, an HR employee)
    app.register_blueprint(growth_page_bp)  # /growth/<signed token>: one employee's own chart
    # The simulator impersonates any user: it exists only with the local platform (docs/security.md).
    if runtime.settings.platform.default == "local":
        app.register_blueprint(simulator_bp)
