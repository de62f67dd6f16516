"""Input that must never reach the code as it came: Unicode digits, NUL characters.

``"²".isdigit()`` and ``"①".isdigit()`` are true but ``int()`` refuses them, and a very long digit
string exceeds ``int()``'s limit: numbers from requests are read with :func:`plain_int`. NUL cannot
be stored in PostgreSQL text or JSONB: requests carrying one are refused (:func:`has_nul`); verified
platform callbacks are made storable by :mod:`bot.pipeline.payloads` instead (their sender must be answered).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_PLAIN_INT = re.compile(r"[0-9]{1,19}")  # up to 2**63: ids, limits, millisecond timestamps


def plain_int(raw: str | None) -> int | None:
    """The value of an ASCII decimal number of at most 19 digits; None for anything else."""
    if raw is None or not _PLAIN_INT.fullmatch(raw):
        return None
    return int(raw)


def has_nul(value: Any) -> bool:
    """Whether a string, or any key or string inside lists and mappings, holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


def any_nul(values: Iterable[str]) -> bool:
    """Whether any of ``values`` holds a NUL character."""
    return any("\x00" in v for v in values)
