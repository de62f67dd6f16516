"""An injectable clock so tests can fix "now" (and the company's "today")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests and replays."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self._at += timedelta(**delta)


def local_today(clock: Clock, tz: tzinfo) -> date:
    """Today's date in the company time zone."""
    return clock.now().astimezone(tz).date()


# While history is replayed (``carebot demo``), row defaults such as ``created_at`` must read the
# replay's clock, not the wall clock: code without a runtime at hand asks :func:`ambient_now`.
_ambient: ContextVar[Clock | None] = ContextVar("carebot_ambient_clock", default=None)


@contextmanager
def ambient(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the one :func:`ambient_now` reads inside the block (this thread/context only)."""
    token = _ambient.set(clock)
    try:
        yield clock
    finally:
        _ambient.reset(token)


def ambient_now() -> datetime:
    """The ambient clock's instant when one is set (a replay), else the system clock's."""
    clock = _ambient.get()
    return clock.now() if clock is not None else datetime.now(UTC)
