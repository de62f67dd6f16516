"""The HR dashboard at ``/dashboard``: server-rendered pages over tags, reminders, care log and report.

Only HR may look: a bearer token from ``[api].tokens`` (or, with the local platform in development,
an HR employee chosen like in the simulator) signs the viewer into a Flask session cookie.
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, Flask, Response

log = logging.getLogger(__name__)

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="../templates")

# Pages show free text (dismiss reasons, notes) rendered from Markdown: allow nothing from other
# origins, so an image link in a note can't become a tracking pixel and no script can run.
CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def register(app: Flask) -> None:
    """Import the views and attach the blueprint; make sure sessions can be signed."""
    from handlers.dashboard import auth, journeys, pages, queue, risk  # noqa: F401  (their routes register on bp)

    if not app.config.get("SECRET_KEY"):
        # Without [app].secret_key, a random key still signs cookies, but only for this process.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        log.warning("[app].secret_key is empty: using a random key; dashboard sessions won't survive restarts")
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.register_blueprint(bp)
