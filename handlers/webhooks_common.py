"""What every platform callback endpoint shares: plain-text refusals, error pages, storing in the inbox."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from flask import Blueprint, Response, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from bot.core.errors import ConfigError
from bot.core.runtime import Runtime
from bot.pipeline import inbox
from bot.platforms.crypto import CallbackCrypto
from bot.security.logsafe import describe
from handlers.routing_errors import on_routing_error

log = logging.getLogger(__name__)


class StoreFailed(Exception):
    """The inbox could not store a verified callback (answered 503, so the platform retries)."""


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


def refuse(platform: str, route: str, reason: str, status: int = 401) -> Response:
    """Refuse a callback with a short reason; logged without any of the request's content."""
    log.warning("%s %s callback refused (%s): %s", platform, route, status, reason)
    return plain(reason, status)


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
        return plain("temporarily unavailable, retry later", 503)

    bp.register_error_handler(HTTPException, http_error)
    bp.register_error_handler(Exception, unexpected)
    # 404/405 are raised before a blueprint is chosen: answer plainly under /callbacks/ too.
    on_routing_error(CALLBACKS_PREFIX, http_error)


def callback_crypto(
    runtime: Runtime, platform: str, token: str, aes_key: str, receivers: list[str]
) -> CallbackCrypto | None:
    """The platform's callback crypto, built once per process; ``None`` (logged) when not configured."""
    key = f"{platform}_callback_crypto"
    cached = runtime.extras.get(key)
    if isinstance(cached, CallbackCrypto):
        return cached
    try:
        crypto = CallbackCrypto(token, aes_key, receivers)
    except ConfigError as exc:
        log.error("%s callbacks unavailable: %s", platform, exc)
        return None
    runtime.extras[key] = crypto
    return crypto


def store_unparseable(runtime: Runtime, platform: str, body: bytes | str, error: Exception) -> None:
    """Keep a verified callback whose content cannot be parsed, as bytes, under a key of its hash.

    It is stored as the event type ``unparseable`` (which nothing processes) so the platform can be
    acknowledged instead of re-sending it forever, and an operator can still read what came.
    """
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    key = "sha256:raw:" + hashlib.sha256(raw).hexdigest()
    with runtime.db.session() as s:
        event_id, _ = inbox.store(s, platform, key, "unparseable", {"error": str(error)}, raw=raw)
    log.warning("%s callback stored unparsed as inbound event %s: %s", platform, event_id, type(error).__name__)


def store(runtime: Runtime, platform: str, key: str, event_type: str, payload: dict[str, Any]) -> tuple[int, bool]:
    """Write the verified callback to the inbox and commit; returns ``(event id, newly stored)``.

    Raises:
        StoreFailed: the database refused; logged with the key and the error class only.
    """
    try:
        # One statement, committed as it returns: one round trip before the answer (docs/callbacks.md).
        with runtime.db.autocommit() as s:
            event_id, created = inbox.store(s, platform, key, event_type, payload)
    except SQLAlchemyError as exc:
        log.error("storing %s %s (key %s) failed: %s", platform, event_type, key[:120], describe(exc))
        raise StoreFailed(f"storing {platform} {event_type} failed") from None
    log.info("%s %s stored as inbound event %s%s", platform, event_type, event_id, "" if created else " (replay)")
    return event_id, created
