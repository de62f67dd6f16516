"""The HR dashboard at ``/dashboard``: server-rendered pages over tags, reminders, care log and report.

Only HR may look: a bearer token from ``[api].tokens`` (or, with the local platform in development,
an HR employee chosen like in the simulator) signs the viewer into a Flask session cookie.
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, Flask

log = logging.getLogger(__name__)

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="../templates")


def register(app: Flask) -> None:
    """Import the views and attach the blueprint; make sure sessions can be signed."""
    from handlers.dashboard import auth, pages  # noqa: F401  (their routes register on bp)

    if not app.config.get("SECRET_KEY"):
        # Without [app].secret_key, a random key still signs cookies, but only for this process.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        log.warning("[app].secret_key is empty: using a random key; dashboard sessions won't survive restarts")
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.register_blueprint(bp)
