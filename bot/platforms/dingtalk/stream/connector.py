"""The Stream connector: one live WebSocket per app, pings answered, frames handed to a handler, acks sent back.

Protocol: shared/protocols.md §3.3–3.4. The loop runs on asyncio; handlers are synchronous (they
write to the database), so they run on a small thread pool: at most ``max_inflight`` at once,
while the reader keeps answering SYSTEM pings. A SYSTEM ``disconnect`` opens the next connection
before the old one closes; errors and silence reconnect after an exponential, jittered delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from bot.core.errors import PlatformAPIError
from bot.platforms.dingtalk.stream.backoff import Backoff
from bot.platforms.dingtalk.stream.gateway import open_connection
from bot.platforms.dingtalk.stream.options import STOP_GRACE_SECONDS, StreamOptions
from bot.platforms.dingtalk.stream.stats import ConnectorStats
from bot.platforms.dingtalk.stream_frames import (
    TOPIC_ROBOT,
    TYPE_CALLBACK,
    TYPE_EVENT,
    TYPE_SYSTEM,
    FrameHandler,
    StreamAck,
    StreamFrame,
)

log = logging.getLogger(__name__)

Ending = Literal["closed", "silent", "handover", "stop"]


class _Link:
    """One WebSocket and what the connector knows about it."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.handover = asyncio.Event()  # set by a SYSTEM disconnect: open the next link now

    async def send(self, payload: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(payload, ensure_ascii=False))


class StreamConnector:
    """Keeps one live Stream connection for an app and hands its EVENT/CALLBACK frames to ``handler``."""

    def __init__(
        self,
        options: StreamOptions,
        handler: FrameHandler,
        *,
        now: Callable[[], datetime],
        stats: ConnectorStats | None = None,
    ) -> None:
        self.options = options
        self.handler = handler
        self.stats = stats or ConnectorStats()
        self._now = now
        self._pool = ThreadPoolExecutor(max_workers=options.max_inflight, thread_name_prefix="stream-frame")
        self._tasks: set[asyncio.Task[Any]] = set()  # frames being handled
        self._closers: set[asyncio.Task[Any]] = set()  # old links closed after their drain time
        self._readers: set[asyncio.Task[Ending]] = set()  # links draining after a disconnect or a stop
        self._links: set[_Link] = set()

    async def run(self, stop: asyncio.Event) -> None:
        """Connect, serve, reconnect until ``stop`` is set; then let in-flight frames finish and close."""
        backoff = Backoff(self.options.backoff_min_seconds, self.options.backoff_max_seconds)
        connected_once = False
        try:
            while not stop.is_set():
                try:
                    link = await self._open()
                except (PlatformAPIError, OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
                    delay = backoff.next()
                    log.warning("stream: cannot connect (%s); retrying in %.1f s", _reason(exc), delay)
                    await _wait(stop, delay)
                    continue
                if connected_once:
                    self.stats.reconnects += 1
                connected_once = True
                self.stats.connected_since = self._now()
                ending = await self._serve(link, stop, backoff)
                if ending in ("closed", "silent"):
                    self.stats.connected_since = None
                    delay = backoff.next()
                    log.warning("stream: connection %s; reconnecting in %.1f s", ending, delay)
                    await _wait(stop, delay)
        finally:
            await self._shutdown()

    async def _open(self) -> _Link:
        opts = self.options
        ticket = await asyncio.to_thread(
            open_connection, opts.api_base, opts.app_key, opts.app_secret, timeout=opts.open_timeout_seconds
        )
        # Keepalive is ours (the silence probe in _read), not the library's: one mechanism, one setting.
        ws = await connect(ticket.url(), ping_interval=None, open_timeout=opts.open_timeout_seconds, max_size=2**22)
        link = _Link(ws)
        self._links.add(link)
        log.info("stream: connected")
        return link

    async def _serve(self, link: _Link, stop: asyncio.Event, backoff: Backoff) -> Ending:
        """Read ``link`` until it ends, a disconnect asks for a hand-over, or the connector stops."""
        reader = asyncio.create_task(self._read(link, backoff))
        handover = asyncio.create_task(link.handover.wait())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({reader, handover, stopping}, return_when=asyncio.FIRST_COMPLETED)
        handover.cancel()
        stopping.cancel()
        if reader.done():
            try:
                return reader.result()
            except Exception:  # a bug must not end the process: reconnect, and say so
                log.exception("stream: reading the connection failed")
                return "closed"
        # Stopping or handing over: the link keeps delivering (and acking) until it is closed.
        self._readers.add(reader)
        reader.add_done_callback(self._readers.discard)
        if stop.is_set():
            return "stop"
        log.info("stream: gateway asked to reconnect; opening the next connection first")
        self._spawn(self._close_after(link, self.options.drain_seconds), self._closers)
        return "handover"

    async def _read(self, link: _Link, backoff: Backoff) -> Ending:
        """Dispatch frames until the socket closes or stays silent past the ping probe."""
        opts = self.options
        try:
            while True:
                try:
                    raw = await asyncio.wait_for(link.ws.recv(), timeout=opts.silence_seconds)
                except TimeoutError:
                    if await self._probe(link):
                        continue
                    log.warning("stream: no frame for %g s and no pong: connection stale", opts.silence_seconds)
                    link.ws.transport.abort()  # a close handshake would wait for a peer that does not answer
                    return "silent"
                self.stats.last_frame_at = self._now()
                backoff.reset()  # a frame arrived: this link works, so the next failure retries quickly
                await self._on_frame(link, raw)
        except ConnectionClosed:
            return "closed"
        finally:
            await self._close(link)

    async def _probe(self, link: _Link) -> bool:
        """Whether the silent socket still answers a WebSocket ping in time."""
        try:
            pong = await link.ws.ping()
            await asyncio.wait_for(pong, timeout=self.options.ping_timeout_seconds)
        except (TimeoutError, ConnectionClosed):
            return False
        self.stats.last_frame_at = self._now()
        return True

    async def _on_frame(self, link: _Link, raw: str | bytes) -> None:
        try:
            frame = StreamFrame.from_json(json.loads(raw))
        except (ValueError, TypeError, AttributeError):
            self.stats.frame_errors += 1
            log.warning("stream: undecodable frame (%d bytes) ignored", len(raw))
            return
        if frame.type == TYPE_SYSTEM:
            if frame.topic == "ping":  # answered at once (same data), whatever the handlers are doing
                await link.send(StreamAck(frame.message_id, frame.data).to_json())
            elif frame.topic == "disconnect":
                link.handover.set()
            else:
                log.debug("stream: SYSTEM frame %r ignored", frame.topic)
            return
        if frame.type not in (TYPE_EVENT, TYPE_CALLBACK):
            self.stats.frame_errors += 1
            log.warning("stream: frame of unknown type %r ignored", frame.type[:40])
            return
        self.stats.frames_in += 1
        self._spawn(self._handle(link, frame), self._tasks)

    async def _handle(self, link: _Link, frame: StreamFrame) -> None:
        """Run the handler on the pool; send its ack on the link the frame came from."""
        try:
            ack = await asyncio.get_running_loop().run_in_executor(self._pool, self.handler, frame)
        except Exception as exc:
            self.stats.frame_errors += 1
            # Type only: an exception's text may quote the payload (personal data).
            log.error("stream: handler failed on %s frame %s: %s", frame.topic, frame.message_id, type(exc).__name__)
            self._count_gap(frame)
            return
        if ack is None:
            self.stats.frames_unacked += 1
            self._count_gap(frame)
            return
        if ack.code >= 500:  # answered, but not stored (e.g. the database is down)
            self._count_gap(frame)
        try:
            await link.send(ack.to_json())
        except ConnectionClosed:
            self.stats.frame_errors += 1  # lost with its socket; an event comes again, it is stored once
            log.warning("stream: ack for %s lost: the connection closed first", frame.message_id)
            return
        self.stats.frames_acked += 1

    def _count_gap(self, frame: StreamFrame) -> None:
        if frame.topic == TOPIC_ROBOT:
            self.stats.robot_lost += 1
            log.warning("stream: robot message %s not stored; DingTalk does not redeliver it", frame.message_id)

    @staticmethod
    def _spawn(coro: Coroutine[Any, Any, None], into: set[asyncio.Task[Any]]) -> None:
        task = asyncio.create_task(coro)
        into.add(task)  # a reference, or the task may be collected before it runs
        task.add_done_callback(into.discard)

    async def _close(self, link: _Link) -> None:
        self._links.discard(link)
        with contextlib.suppress(Exception):
            await link.ws.close()

    async def _close_after(self, link: _Link, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self._close(link)

    async def _shutdown(self) -> None:
        """Let in-flight frames finish and ack (a bounded wait), then close every socket."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STOP_GRACE_SECONDS
        while (pending := {t for t in self._tasks if not t.done()}) and loop.time() < deadline:
            await asyncio.wait(pending, timeout=deadline - loop.time())
        for task in [*self._tasks, *self._closers]:
            task.cancel()
        for link in list(self._links):
            await self._close(link)
        if self._readers:
            await asyncio.wait(set(self._readers), timeout=STOP_GRACE_SECONDS)
        self.stats.connected_since = None
        self._pool.shutdown(wait=False, cancel_futures=True)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, but wake at once when ``stop`` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def _reason(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, PlatformAPIError) else type(exc).__name__
