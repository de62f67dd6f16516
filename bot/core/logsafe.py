"""Describing a failure for the logs without its message: exception texts can carry personal data.

A database error's text quotes the values it could not store (decrypted chat text, userids,
answers); a ``KeyError`` names the key. ERROR lines name the exception classes along the chain
and the code location instead, which is what an operator needs to find the cause.
"""

from __future__ import annotations

import os
import traceback


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" at {os.path.basename(last.filename)}:{last.lineno} in {last.name}"


def describe(exc: BaseException) -> str:
    """``ClassName at file.py:12 in fn ← CauseClass``: classes and location, never messages."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(parts) < 5:
        seen.add(id(current))
        parts.append(f"{type(current).__module__}.{type(current).__qualname__}{_where(current)}")
        current = current.__cause__ or current.__context__
    return " ← ".join(parts)
