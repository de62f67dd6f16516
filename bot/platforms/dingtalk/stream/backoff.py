"""Reconnect delays: exponential between two bounds, with jitter so many clients do not retry in step."""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """``next()`` gives low, then up to 2×, 4×, … low (capped at high), each drawn at random below its cap."""

    def __init__(self, low: float, high: float, rng: Callable[[], float] = random.random) -> None:
        self.low, self.high = low, max(low, high)
        self._rng = rng
        self._attempt = 0

    def next(self) -> float:
        cap = min(self.high, self.low * 2**self._attempt)
        self._attempt = min(self._attempt + 1, 32)
        # "Full jitter" above the floor: a fleet that lost the gateway at once comes back spread out.
        return self.low + self._rng() * (cap - self.low)

    def reset(self) -> None:
        """After a connection proved healthy: the next failure waits only ``low`` again."""
        self._attempt = 0
