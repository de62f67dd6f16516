"""What every platform's inbound adapter shares: the callback crypto cache, the signature window, refusals."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from bot.core.errors import BadPayload, ConfigError
from bot.core.runtime import Runtime
from bot.pipeline.inbound import Item
from bot.pipeline.payloads import loads_object
from bot.pipeline.requests import InboundAnswer, Refused
from bot.platforms.crypto import CallbackCrypto

log = logging.getLogger(__name__)

UNPARSEABLE = "unparseable"


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


def signature_window(runtime: Runtime) -> timedelta:
    """How far a signed timestamp may be from now ([security].signature_window_seconds)."""
    return timedelta(seconds=runtime.settings.security.signature_window_seconds)


def plain_refusal(reason: str, status: int) -> InboundAnswer:
    """Callbacks are refused with a short plain-text reason (never a page, never a stack trace)."""
    return InboundAnswer.plain(reason, status)


def json_body(body: bytes | str, what: str = "body") -> dict[str, Any]:
    """The body as a JSON object.

    Raises:
        Refused: 400 with the parser's short reason.
    """
    try:
        return loads_object(body, what)
    except BadPayload as exc:
        raise Refused(str(exc), 400) from None


def unparseable(body: bytes | str, error: Exception) -> Item:
    """A verified delivery whose content cannot be parsed, kept as bytes under a key of its hash.

    It is stored as the event type ``unparseable`` (which nothing processes) so the platform can be
    acknowledged instead of re-sending it forever, and an operator can still read what came.
    """
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    key = "sha256:raw:" + hashlib.sha256(raw).hexdigest()
    return Item(key, UNPARSEABLE, {"error": str(error)}, raw=raw)
