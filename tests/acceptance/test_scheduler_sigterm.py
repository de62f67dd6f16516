"""A deploy stops the scheduler with SIGTERM: the lease is released at once, so a standby takes over."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app import create_app
from bot.core.config import load_settings
from bot.models import Lease
from bot.pipeline.scheduler import LEASE_NAME, LEASE_SECONDS
from tests.acceptance.cli import carebot, command
from tests.wallclock import subprocess_env


def test_sigterm_releases_the_scheduler_lease(tmp_path: Path) -> None:
    config = tmp_path / "carebot.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "carebot.db"}"\n', encoding="utf-8")
    env = {"CAREBOT_CONFIG": str(config)}
    assert carebot("db", "upgrade", env=env).returncode == 0
    scheduler = subprocess.Popen(
        [*command(), "scheduler"],
        env=subprocess_env({"PATH": os.environ.get("PATH", ""), **env}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app = create_app(load_settings(config, environ={}))
    runtime = app.extensions["carebot"]

    def lease() -> Lease | None:
        with runtime.db.session() as s:
            return s.scalar(select(Lease).where(Lease.name == LEASE_NAME))

    try:
        deadline = time.monotonic() + 60
        while (held := lease()) is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert held is not None, "the scheduler never took the lease"
        assert held.expires_at > runtime.clock.now()
        scheduler.send_signal(signal.SIGTERM)
        output, _ = scheduler.communicate(timeout=30)
        released = lease()
        assert released is not None
        # Without the release a standby waits up to LEASE_SECONDS for the lease to lapse.
        assert released.expires_at <= runtime.clock.now(), output
        assert released.expires_at < held.expires_at - timedelta(seconds=LEASE_SECONDS - 5)
        assert "lease released" in output
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
            scheduler.wait(timeout=30)
        runtime.db.dispose()
