"""Benchmark: DingTalk Stream frames per second through the connector, next to a bare WebSocket consumer.

Both read the same kind of loopback fake gateway (tests/fakes/dingtalk_stream.py) in this process:
the fake pushes N EVENT frames at once and a run ends when all N acks are back. The bare consumer
decodes each frame and acks it on the spot, inline (the floor of the transport on this machine);
the connector decodes, hands each frame to the handler on its thread pool and sends the handler's
ack. The handler is the pipeline's (frame → inbox row → ack after the commit; a temporary SQLite
database) when this build has ``runtime.pipeline``, else one that acks at once (``--handler ack``).

    .venv/bin/python bench/stream_ingest.py [--frames 3000] [--inflight 8] [--handler inbox|ack]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select
from websockets.asyncio.client import connect

from bot.platforms.dingtalk.stream.gateway import open_connection
from bot.platforms.dingtalk.stream_frames import FrameHandler, StreamFrame, event_ack
from tests.fakes.dingtalk_stream import FakeStreamGateway
from tests.stream_support import InThread, RunningConnector, fast_options

EVENT = ("check_in", {"userId": "u1", "checkTime": 1764547200000})


def bare_consumer(gateway: FakeStreamGateway) -> InThread:
    """Decode each frame and ack it inline: what any client pays for the socket and JSON alone."""

    async def run(stop: asyncio.Event) -> None:
        ticket = await asyncio.to_thread(open_connection, gateway.api_base, gateway.app_key, gateway.app_secret)
        async with connect(ticket.url(), ping_interval=None) as ws:
            reader = asyncio.ensure_future(_ack_all(ws))
            await stop.wait()
            reader.cancel()

    return InThread(run, "bare-consumer")


async def _ack_all(ws: Any) -> None:
    async for raw in ws:
        headers = json.loads(raw)["headers"]
        ack = {"code": 200, "headers": {"messageId": headers["messageId"], "contentType": "application/json"}}
        await ws.send(json.dumps({**ack, "message": "OK", "data": json.dumps({"status": "SUCCESS", "message": ""})}))


def timed(gateway: FakeStreamGateway, frames: int) -> float:
    """Seconds from pushing ``frames`` events to their last ack."""
    gateway.wait_until(lambda: gateway.live() is not None, what="a connection")
    started = time.perf_counter()
    gateway.push_events([EVENT] * frames)
    gateway.wait_until(lambda: len(gateway.acks) >= frames, timeout=600, what="every ack")
    return time.perf_counter() - started


def inbox_handler(tmp: str, gateway: FakeStreamGateway) -> tuple[FrameHandler, Any] | None:
    """The pipeline's Stream handler over a fresh SQLite database, or None when there is no pipeline."""
    from app import create_app
    from bot.core.config import load_settings
    from bot.core.migrate import upgrade

    url = f"sqlite:///{tmp}/bench.db"
    (Path(tmp) / "bench.toml").write_text("")
    upgrade(url)
    dingtalk = {"mode": "stream", "app_key": gateway.app_key, "app_secret": gateway.app_secret, "corp_id": "ding-corp"}
    settings = load_settings(
        path=Path(tmp) / "bench.toml",
        environ={},
        overrides={"database": {"url": url}, "dingtalk": dingtalk, "app": {"development_with_platform_keys": True}},
    )
    app = create_app(settings)
    runtime = app.extensions["carebot"]
    pipeline = getattr(runtime, "pipeline", None)
    if pipeline is None:
        return None
    return pipeline.stream_handler("dingtalk"), runtime


def ack_at_once(frame: StreamFrame) -> Any:
    return event_ack(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=3000)
    parser.add_argument("--inflight", type=int, default=8)
    parser.add_argument("--handler", choices=["inbox", "ack"], default="inbox")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with FakeStreamGateway() as gateway, bare_consumer(gateway):
        timed(gateway, 200)  # warm-up
        gateway.acks.clear()
        bare = timed(gateway, args.frames)

    with tempfile.TemporaryDirectory(prefix="carebot-bench-") as tmp, FakeStreamGateway() as gateway:
        built = inbox_handler(tmp, gateway) if args.handler == "inbox" else None
        handler, runtime = built if built is not None else (ack_at_once, None)
        label = "connector → pipeline → inbox" if built is not None else "connector → ack at once"
        with RunningConnector(fast_options(gateway, max_inflight=args.inflight, silence_seconds=60), handler):
            ours = timed(gateway, args.frames)
        rows = None
        if runtime is not None:
            from bot.models import InboundEvent

            with runtime.db.session() as s:
                rows = s.scalar(select(func.count()).select_from(InboundEvent))
            runtime.db.dispose()

    print(f"{args.frames} EVENT frames, loopback, {args.inflight} handler threads")
    print(f"  bare WebSocket consumer (decode + ack inline): {args.frames / bare:10,.0f} frames/s")
    print(f"  {label:<45}  {args.frames / ours:10,.0f} frames/s   ratio to bare {bare / ours:.2f}")
    if rows is not None:
        print(f"  inbox rows written: {rows}")


if __name__ == "__main__":
    main()
