"""Reading DingTalk payloads: case-insensitive keys, millisecond epochs, stable digests."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def field(payload: Mapping[str, Any], *names: str) -> Any:
    """The first of ``names`` present and non-empty in ``payload``, compared case-insensitively."""
    lowered = {str(k).lower(): v for k, v in payload.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value is not None and value != "":
            return value
    return None


def ms_to_datetime(value: Any) -> datetime | None:
    """A DingTalk millisecond epoch (number or numeric string) as an aware UTC datetime, else None."""
    try:
        ms = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    if 0 < ms < 10**11:  # a few payloads carry seconds
        ms *= 1000
    try:
        return datetime.fromtimestamp(ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def digest(*parts: object) -> str:
    """A stable SHA-1 hex digest of the parts, for idempotency keys (not for security)."""
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()  # noqa: S324
