"""One ``carebot stream`` process: hold the app's lease (or stand by) and run the connector while holding it.

At most one process per app keeps the connection set open (protocols.md §3.4 allows several, but
one holder keeps acks, health and the status row simple). The lease is renewed every third of its
length; a process that cannot renew before it runs out closes its connection, and a lease that
changed generation under us (lost, then taken back) restarts the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.core.runtime import Runtime
from bot.pipeline.lease import LeaseHolder
from bot.platforms.dingtalk.stream.connector import StreamConnector
from bot.platforms.dingtalk.stream.options import StreamOptions
from bot.platforms.dingtalk.stream.stats import ConnectorStats
from bot.platforms.dingtalk.stream.status import Role, write_status
from bot.platforms.dingtalk.stream_frames import FrameHandler

log = logging.getLogger(__name__)


class StreamService:
    """Leader election around a :class:`StreamConnector`, with the status row kept up to date."""

    def __init__(
        self, runtime: Runtime, options: StreamOptions, handler: FrameHandler, *, holder: str | None = None
    ) -> None:
        self.runtime = runtime
        self.options = options
        self.handler = handler
        self.lease = LeaseHolder(runtime, options.lease_name, options.lease_seconds, holder)
        self.stats = ConnectorStats()
        self.role: Role = "standby"
        self.started_at = runtime.clock.now()
        self._connector: asyncio.Task[None] | None = None
        self._connector_stop = asyncio.Event()
        self._generation: int | None = None
        self._valid_until = 0.0  # loop time until which the last renewal holds

    async def run(self, stop: asyncio.Event, *, release: bool = True) -> None:
        """Until ``stop``: renew or wait for the lease, connect while leading, write the status row."""
        interval = self.options.lease_seconds / 3
        try:
            while not stop.is_set():
                leading = await self._renew(interval)
                if self._connector is not None and self._connector.done():
                    await self._stop_connector()  # it ended by itself (a bug): say why, start again
                if leading and self._connector is None:
                    self._start()
                elif leading and self.lease.generation != self._generation:
                    log.warning("stream: the lease changed hands meanwhile; reconnecting under the new term")
                    await self._stop_connector()
                    self._start()
                elif not leading and self._connector is not None:
                    log.warning("stream: lease %s lost; closing the connection", self.options.lease_name)
                    await self._stop_connector()
                self.role = "leader" if leading else "standby"
                await self._report()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)
        finally:
            await self._stop_connector()
            self.role = "stopped"
            if release:
                with contextlib.suppress(SQLAlchemyError):
                    await asyncio.to_thread(self.lease.release)
            await self._report()

    async def _renew(self, interval: float) -> bool:
        """Renew or take the lease; a failed renewal keeps leading only while the last one still holds."""
        loop = asyncio.get_running_loop()
        try:
            held = await asyncio.wait_for(asyncio.to_thread(self.lease.try_acquire), timeout=interval)
        except (SQLAlchemyError, TimeoutError) as exc:
            log.warning("stream: cannot renew lease %s (%s)", self.options.lease_name, type(exc).__name__)
            # Step down before the lease can lapse, so a standby never connects beside us.
            return self._connector is not None and loop.time() + interval < self._valid_until
        if held:
            self._valid_until = loop.time() + self.options.lease_seconds
        return held

    def _start(self) -> None:
        self._generation = self.lease.generation
        log.info("stream: leading %s (generation %s); connecting", self.options.lease_name, self._generation)
        self._connector_stop = asyncio.Event()
        connector = StreamConnector(self.options, self.handler, now=self.runtime.clock.now, stats=self.stats)
        self._connector = asyncio.create_task(connector.run(self._connector_stop))

    async def _stop_connector(self) -> None:
        task, self._connector = self._connector, None
        if task is None:
            return
        self._connector_stop.set()
        try:
            await task
        except Exception:
            log.exception("stream: the connector failed")

    async def _report(self) -> None:
        snapshot = dataclasses.replace(self.stats)  # copied on the loop, written from a thread
        try:
            await asyncio.to_thread(
                write_status, self.runtime, self.lease.name, self.lease.holder, self.role, self.started_at, snapshot
            )
        except SQLAlchemyError as exc:
            log.warning("stream: cannot write the status row (%s)", type(exc).__name__)
