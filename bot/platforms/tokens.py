"""Access-token cache: one per app, refreshed shortly before expiry and once when the platform rejects it.

Both platforms issue 7200-second tokens, throttle frequent fetches, and may invalidate a token early
(shared/protocols.md §4.1, §6.1). The cache is per process; a fetch within validity returns the same
token on both platforms, so several processes do not disturb each other.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from bot.core.clock import Clock
from bot.core.errors import PlatformAPIError
from bot.platforms.http import TokenRejected

log = logging.getLogger(__name__)

T = TypeVar("T")
REFRESH_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class Token:
    value: str
    expires_at: datetime


class TokenCache:
    """Caches the token ``fetch()`` returns as ``(token, expires_in_seconds)``."""

    def __init__(self, name: str, fetch: Callable[[], tuple[str, int]], clock: Clock) -> None:
        self.name = name
        self._fetch = fetch
        self._clock = clock
        self._token: Token | None = None
        self._lock = threading.Lock()

    def _fresh(self, token: Token | None) -> bool:
        return token is not None and self._clock.now() < token.expires_at

    def get(self) -> str:
        """A valid token, fetched when none is cached or the cached one is about to expire."""
        token = self._token
        if token is not None and self._fresh(token):
            return token.value
        with self._lock:  # one fetch at a time; the others reuse its result
            if self._token is None or not self._fresh(self._token):
                self._token = self._load()
            return self._token.value

    def refresh(self) -> Token:
        """Fetch a new token now (used by ``platform check``)."""
        with self._lock:
            self._token = self._load()
            return self._token

    def _load(self) -> Token:
        try:
            value, expires_in = self._fetch()
        except TokenRejected as exc:
            # A rejected *credential* while fetching a token is a configuration problem, not a stale token.
            raise PlatformAPIError(f"{self.name}: credentials rejected: {exc}", code=exc.code, retryable=False) from exc
        lifetime = timedelta(seconds=max(1, int(expires_in)))
        margin = min(REFRESH_MARGIN, lifetime / 2)
        log.info("%s: fetched a new access token (valid %s s)", self.name, int(expires_in))
        return Token(value, self._clock.now() + lifetime - margin)

    def invalidate(self, value: str) -> None:
        """Forget ``value`` if it is still the cached token (another thread may have replaced it)."""
        with self._lock:
            if self._token is not None and self._token.value == value:
                self._token = None

    def call(self, fn: Callable[[str], T]) -> T:
        """Run ``fn(token)``; when the token is rejected, refresh once and run it again."""
        token = self.get()
        try:
            return fn(token)
        except TokenRejected:
            log.info("%s: access token rejected; refreshing once", self.name)
            self.invalidate(token)
        try:
            return fn(self.get())
        except TokenRejected as exc:
            raise PlatformAPIError(
                f"{self.name}: access token rejected again after a refresh: {exc}", code=exc.code, retryable=True
            ) from exc
