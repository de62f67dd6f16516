"""The HR dashboard at ``/dashboard``: server-rendered pages over tags, reminders, care log and report.

Only HR may look: a ``[dashboard].users`` name and password (or, with the local platform in
development, an HR employee chosen like in the simulator) opens a server-side session whose id the
signed cookie carries (handlers/dashboard/signin.py, docs/security.md).
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, Flask, Response, current_app

log = logging.getLogger(__name__)

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="../templates")

# Pages show free text (dismiss reasons, notes) rendered from Markdown: allow nothing from other
# origins, so an image link in a note can't become a tracking pixel, and no script or inline style
# at all (charts are server-rendered SVG, styles live in /static/dashboard.css).
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


DISABLED_WITHOUT_KEY = (
    "the dashboard is disabled: [app].secret_key is not set (CAREBOT_APP__SECRET_KEY). Without it every "
    "worker signs sessions with its own random key and no sign-in works; set one long random value"
)


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


@bp.before_request
def _require_secret_key() -> Response | None:
    # Registered before the sign-in guard, which needs a session that can be signed.
    if current_app.config.get("SECRET_KEY"):
        return None
    return Response(DISABLED_WITHOUT_KEY, status=503, content_type="text/plain; charset=utf-8")


def register(app: Flask) -> None:
    """Import the views and attach the blueprint; sessions must be signable and cookies strict."""
    from handlers.dashboard import audit_log, auth, journeys, nav, pages, people, queue, risk, signin  # noqa: F401

    settings = app.extensions["carebot"].settings
    if not app.config.get("SECRET_KEY"):
        if settings.app.environment == "development":
            # One process in development: a random key works, sessions just don't survive restarts.
            app.config["SECRET_KEY"] = secrets.token_hex(32)
            # Said once, by `carebot serve` (the one command that serves sessions), not by every CLI command.
            log.debug("[app].secret_key is empty: using a random key; dashboard sessions won't survive restarts")
        else:
            log.error("%s", DISABLED_WITHOUT_KEY)  # once per worker at start; every dashboard request answers 503
    # Flask pre-defines these keys (SameSite as None), so they are assigned, not set by default.
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SECURE"] = settings.app.public_url.lower().startswith("https://")
    app.register_blueprint(bp)
