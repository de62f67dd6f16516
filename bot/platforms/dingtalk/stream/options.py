"""The Stream connector's settings, taken from ``[dingtalk]`` once at start."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.config import Settings

# After a SYSTEM disconnect the server closes the old socket about 10 s later (protocols.md §3.4);
# we keep reading it that long, plus a margin, while the new connection already takes pushes.
DRAIN_SECONDS = 15.0
# In-flight frames get this long to be handled and acked when the connector stops.
STOP_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class StreamOptions:
    api_base: str
    app_key: str
    app_secret: str
    silence_seconds: float = 90
    ping_timeout_seconds: float = 10
    backoff_min_seconds: float = 1
    backoff_max_seconds: float = 60
    lease_seconds: float = 30
    max_inflight: int = 8
    drain_seconds: float = DRAIN_SECONDS
    open_timeout_seconds: float = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> StreamOptions:
        cfg = settings.dingtalk
        return cls(
            api_base=cfg.api_base,
            app_key=cfg.app_key,
            app_secret=cfg.app_secret,
            silence_seconds=cfg.stream_silence_seconds,
            ping_timeout_seconds=cfg.stream_ping_timeout_seconds,
            backoff_min_seconds=cfg.stream_backoff_min_seconds,
            backoff_max_seconds=cfg.stream_backoff_max_seconds,
            lease_seconds=cfg.stream_lease_seconds,
            max_inflight=cfg.stream_max_inflight,
        )

    @property
    def lease_name(self) -> str:
        """One lease per app: connectors of different apps never compete."""
        return f"stream:{self.app_key}"[:64]

    @property
    def stale_after_seconds(self) -> float:
        """A leader whose last frame is older than this is not healthy (a live link shows a frame or a pong)."""
        return self.silence_seconds + self.ping_timeout_seconds + self.lease_seconds
