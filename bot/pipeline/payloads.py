"""Inbound JSON that can always be parsed safely and stored: bounded nesting, storable strings, bounded keys.

A validly signed callback whose payload the database refuses (NUL in a JSON string breaks
PostgreSQL's JSONB, a lone surrogate cannot be encoded as UTF-8) used to be answered 503 on every
delivery, so the platform retried it forever; a body nested thousands deep made ``json.loads``
recurse until it failed with a traceback. Here: the nesting is measured by a linear scan before
any parsing that recurses, strings are made storable (the original kept as bytes beside them),
and idempotency keys longer than their column are hashed instead of cut (two long event ids that
shared their first 255 characters collided and one event was dropped as a replay).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot.core.errors import BadPayload

MAX_DEPTH = 64  # platform payloads nest a handful of levels; anything deeper is not theirs
KEY_LIMIT = 255  # the idempotency_key columns of the inbox and the outbox
REPLACEMENT = "\ufffd"

_OPEN = frozenset(b"[{")
_CLOSE = frozenset(b"]}")
_QUOTE = ord('"')
_ESCAPE = ord("\\")


class TooDeep(BadPayload):
    """JSON nested deeper than :data:`MAX_DEPTH`."""


def nesting_depth(raw: bytes | str, limit: int = MAX_DEPTH) -> int:
    """The deepest ``[``/``{`` nesting of JSON text, outside strings; stops counting past ``limit``."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _ESCAPE:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif byte in _CLOSE:
            depth -= 1
    return deepest


def loads_object(raw: bytes | str, what: str) -> dict[str, Any]:
    """Parse a JSON object; BadPayload (TooDeep for excessive nesting) instead of any parser failure."""
    if nesting_depth(raw) > MAX_DEPTH:
        raise TooDeep(f"{what} nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise BadPayload(f"malformed JSON {what}") from None
    if not isinstance(value, dict):
        raise BadPayload(f"{what} must be a JSON object")
    return value


def _clean_text(text: str) -> str:
    if "\x00" in text:
        text = text.replace("\x00", REPLACEMENT)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, e.g. from "\ud800" in the JSON
        text = "".join(REPLACEMENT if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    return text


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, dict):
        return {_clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def storable(payload: dict[str, Any]) -> tuple[dict[str, Any], bytes | None]:
    """The payload with NUL and lone surrogates replaced by U+FFFD, and the original as bytes if it changed.

    The original is kept as ASCII JSON (``\\u0000`` and ``\\ud800`` escaped), which both databases store.
    """
    cleaned = _clean(payload)
    if cleaned == payload:
        return payload, None
    return cleaned, json.dumps(payload, ensure_ascii=True).encode("ascii")


def bounded_key(key: str, limit: int = KEY_LIMIT) -> str:
    """``key`` if it fits its column, else a prefix and the SHA-256 of the whole key (never a plain cut)."""
    if len(key) <= limit:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{key[: limit - len(digest) - 1]}#{digest}"
