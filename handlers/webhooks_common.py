"""What every platform callback endpoint shares: plain-text error answers, never an HTML page or a 500."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from bot.core.logsafe import describe
from bot.pipeline.requests import UNAVAILABLE
from handlers.routing_errors import on_routing_error

log = logging.getLogger(__name__)

CALLBACKS_PREFIX = "/callbacks/"

# Short reasons for the HTTP errors a caller can provoke (never Werkzeug's HTML pages).
_REASONS = {
    400: "bad request",
    404: "not found",
    405: "method not allowed",
    413: "request body too large (limit 1 MiB)",
    415: "unsupported media type",
}


def plain(text: str, status: int = 200) -> Response:
    """A ``text/plain`` response with exactly ``text`` as its body (no quotes, no newline)."""
    return Response(text, status=status, content_type="text/plain; charset=utf-8")


def install_error_handlers(bp: Blueprint) -> None:
    """Make every error of the blueprint's routes a short plain-text answer, never an HTML page or a 500."""

    def http_error(exc: HTTPException) -> Response:
        code = exc.code or 400
        return plain(_REASONS.get(code, exc.name.lower()), code)

    def unexpected(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return http_error(exc)
        # Nothing was acknowledged, so the platform retries: say so instead of a 500. The error's
        # text may quote the decrypted payload: log its classes and location only.
        log.error("callback %s failed before it was stored: %s", request.path, describe(exc))
        return plain(UNAVAILABLE, 503)

    bp.register_error_handler(HTTPException, http_error)
    bp.register_error_handler(Exception, unexpected)
    # 404/405 are raised before a blueprint is chosen: answer plainly under /callbacks/ too.
    on_routing_error(CALLBACKS_PREFIX, http_error)
