"""Pacing for platform APIs with a per-minute call limit: wait rather than be throttled."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class CallPacer:
    """At most ``limit`` calls in any ``period`` seconds; :meth:`wait` sleeps until the next is allowed."""

    def __init__(
        self,
        limit: int,
        period: float = 60.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self.period = period
        self._monotonic = monotonic
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self.waited = 0.0

    def wait(self) -> None:
        """Block until one more call fits the limit, then count it."""
        now = self._monotonic()
        while self._calls and now - self._calls[0] >= self.period:
            self._calls.popleft()
        if len(self._calls) >= self.limit:
            delay = self.period - (now - self._calls[0])
            if delay > 0:
                self._sleep(delay)
                self.waited += delay
            self._calls.popleft()
            now = self._monotonic()
        self._calls.append(now)
