"""Helpers for Stream tests: run a connector on its own thread, and handlers that record what they saw."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from bot.core.runtime import Runtime
from bot.platforms.dingtalk.stream.connector import StreamConnector
from bot.platforms.dingtalk.stream.options import StreamOptions
from bot.platforms.dingtalk.stream.service import StreamService
from bot.platforms.dingtalk.stream_frames import (
    TOPIC_CARD,
    FrameHandler,
    StreamAck,
    StreamFrame,
    callback_ack,
    event_ack,
)
from tests.fakes.dingtalk_stream import FakeStreamGateway


def fast_options(gateway: FakeStreamGateway, **overrides: Any) -> StreamOptions:
    """Options pointing at ``gateway`` with timings lowered so reconnects take a fraction of a second."""
    values: dict[str, Any] = {
        "api_base": gateway.api_base,
        "app_key": gateway.app_key,
        "app_secret": gateway.app_secret,
        "silence_seconds": 5.0,
        "ping_timeout_seconds": 2.0,
        "backoff_min_seconds": 0.05,
        "backoff_max_seconds": 0.2,
        "lease_seconds": 2.0,
        "max_inflight": 4,
        "drain_seconds": 3.0,
        "open_timeout_seconds": 3.0,
    }
    return StreamOptions(**{**values, **overrides})


def _utcnow() -> datetime:
    return datetime.now(UTC)  # test helper: the connector's clock in tests that have no runtime


class Recorder:
    """A FrameHandler that records frames and acks them (cards with a card update, events with SUCCESS)."""

    def __init__(self, *, gate: threading.Event | None = None, answer: Callable[[StreamFrame], Any] | None = None):
        self.frames: list[StreamFrame] = []
        self.lock = threading.Lock()
        self.gate = gate  # when set, every call waits for it (a slow handler)
        self.answer = answer
        self.active = 0
        self.max_active = 0

    def __call__(self, frame: StreamFrame) -> StreamAck | None:
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            if self.gate is not None:
                self.gate.wait(timeout=30)
            if self.answer is not None:
                result: StreamAck | None = self.answer(frame)
                with self.lock:
                    self.frames.append(frame)
                return result
            with self.lock:
                self.frames.append(frame)
            if frame.topic == TOPIC_CARD:
                return callback_ack(frame, {"cardData": {"cardParamMap": {"status": "done"}}})
            return event_ack(frame)
        finally:
            with self.lock:
                self.active -= 1

    def event_ids(self) -> set[str]:
        with self.lock:
            return {f.headers.get("eventId", "") for f in self.frames if f.type == "EVENT"}


class InThread:
    """``run(stop)`` on a thread and an event loop of its own, stopped by ``close()``."""

    def __init__(self, run: Callable[[asyncio.Event], Coroutine[Any, Any, None]], name: str = "stream") -> None:
        self._run = run
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()
        self._ready.wait(timeout=5)

    def _main(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            self._ready.set()
            await self._run(self._stop)

        try:
            asyncio.run(main())
        except BaseException as exc:  # surfaced by close()
            self.error = exc

    def close(self) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "did not stop"
        if self.error is not None:
            raise self.error

    def __enter__(self) -> InThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RunningConnector(InThread):
    """A bare :class:`StreamConnector` (no lease) on its own thread."""

    def __init__(self, options: StreamOptions, handler: FrameHandler) -> None:
        self.connector = StreamConnector(options, handler, now=_utcnow)
        super().__init__(self.connector.run, "stream-connector")

    @property
    def stats(self) -> Any:
        return self.connector.stats

    def __enter__(self) -> RunningConnector:
        return self


class RunningService(InThread):
    """A :class:`StreamService` (lease, connector, status row) on its own thread; ``release=False`` mimics a kill."""

    def __init__(self, runtime: Runtime, options: StreamOptions, handler: FrameHandler, holder: str) -> None:
        self.service = StreamService(runtime, options, handler, holder=holder)
        self.release = True
        super().__init__(lambda stop: self.service.run(stop, release=self.release), f"stream-{holder}")

    def kill(self) -> None:
        """Stop without giving the lease back, as a killed process would."""
        self.release = False
        self.close()

    def __enter__(self) -> RunningService:
        return self
