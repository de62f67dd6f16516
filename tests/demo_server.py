"""A demo organisation with months of history, served on a free loopback port, for browser and demo tests.

Built once per test module (the replay takes a while): a SQLite file migrated to head, the demo
loaded at a fixed "now" (a Wednesday, 10:00 in Shanghai), and a werkzeug server in a thread.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from app import create_app
from bot.core.clock import FixedClock
from bot.core.config import load_settings
from bot.core.migrate import upgrade
from bot.core.runtime import Runtime
from bot.ops.demo.loader import DemoLoadResult, load_demo

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # Wednesday 10:00 Asia/Shanghai, a workday
SIZE, DAYS, SEED = 90, 75, 7


@dataclass
class DemoServer:
    app: Any
    runtime: Runtime
    base_url: str
    loaded: DemoLoadResult


_shared: dict[str, DemoServer] = {}


def shared_demo(tmp: Path) -> DemoServer:
    """One loaded, serving demo per test process (the replay is the slow part), shared by modules."""
    if "demo" not in _shared:
        generator = demo_server(tmp)
        _shared["demo"] = next(generator)
        atexit.register(lambda: next(generator, None))  # stop the server when the process ends
    return _shared["demo"]


def demo_server(tmp: Path) -> Iterator[DemoServer]:
    """Yield the loaded, serving demo; shut the server down afterwards."""
    url = f"sqlite:///{tmp / 'demo.db'}"
    upgrade(url)
    empty = tmp / "carebot.toml"
    empty.write_text("")
    settings = load_settings(path=empty, overrides={"database": {"url": url}}, environ={})
    app = create_app(settings, clock=FixedClock(NOW))
    runtime: Runtime = app.extensions["carebot"]
    loaded = load_demo(runtime, size=SIZE, seed=SEED, days=DAYS)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield DemoServer(app, runtime, f"http://127.0.0.1:{server.server_port}", loaded)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        runtime.db.dispose()
