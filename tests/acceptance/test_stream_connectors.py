"""Two `carebot stream` processes against a loopback gateway: one leader, a standby that takes over on SIGKILL.

The second one then stops on SIGTERM and releases the lease at once. Frames pushed before and after
the takeover end up as one inbox row each.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import create_app
from bot.core.config import load_settings
from bot.models import InboundEvent, Lease, StreamConnector
from tests.acceptance.cli import carebot, command
from tests.fakes.dingtalk_stream import FakeStreamGateway
from tests.wallclock import subprocess_env
from tests.webhook_helpers import dingtalk_payload

APP_KEY, APP_SECRET, CORP_ID = "dingstreamacceptance", "stream-acceptance-secret", "ding9f50b15bc0a1e16741"
LEASE_SECONDS = 2


def _config(tmp_path: Path, api_base: str) -> Path:
    config = tmp_path / "carebot.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "carebot.db"}"\n'
        "[app]\ndevelopment_with_platform_keys = true\n"
        f'[dingtalk]\nmode = "stream"\napp_key = "{APP_KEY}"\ncorp_id = "{CORP_ID}"\n'
        f'api_base = "{api_base}"\noapi_base = "{api_base}"\n'
        f"stream_lease_seconds = {LEASE_SECONDS}\nstream_silence_seconds = 5\nstream_ping_timeout_seconds = 1\n"
        "stream_backoff_min_seconds = 0.1\nstream_backoff_max_seconds = 0.5\n",
        encoding="utf-8",
    )
    return config


def _start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*command(), "stream"],
        env=subprocess_env({"PATH": os.environ.get("PATH", ""), **env}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait(predicate: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_standby_takes_over_a_killed_leader_and_sigterm_releases(tmp_path: Path) -> None:
    with FakeStreamGateway(APP_KEY, APP_SECRET, corp_id=CORP_ID) as gateway:
        config = _config(tmp_path, gateway.api_base)
        env = {"CAREBOT_CONFIG": str(config), "CAREBOT_DINGTALK__APP_SECRET": APP_SECRET}
        assert carebot("db", "upgrade", env=env).returncode == 0
        app = create_app(load_settings(config, environ={}))
        runtime = app.extensions["carebot"]

        def role(proc: subprocess.Popen[str]) -> str | None:
            with runtime.db.session() as s:
                rows = s.scalars(select(StreamConnector)).all()
                return next((r.role for r in rows if r.holder.split(":")[1] == str(proc.pid)), None)

        def push(event_id: str) -> str:
            punch = dingtalk_payload("attendance_check_record")
            data = {k: v for k, v in punch.items() if k not in ("eventId", "EventType", "CorpId", "EventTime", "BizId")}
            return gateway.push_event(punch["EventType"], data, event_id=event_id)

        first = _start(env)
        second: subprocess.Popen[str] | None = None
        try:
            _wait(lambda: role(first) == "leader" and gateway.live() is not None, "the first leader")
            second = _start(env)
            _wait(lambda: role(second) == "standby", "the standby")
            assert len(gateway.tickets_used) == 1
            before = push("before-kill")
            _wait(lambda: before in gateway.acked_ids(), "the leader's ack")

            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
            _wait(lambda: role(second) == "leader", "the takeover", timeout=LEASE_SECONDS * 10)
            _wait(lambda: gateway.live() is not None, "the new leader's connection")
            after = push("after-kill")
            _wait(lambda: after in gateway.acked_ids(), "the new leader's ack")

            second.send_signal(signal.SIGTERM)
            output, _ = second.communicate(timeout=30)
            assert second.returncode == 0, output
            assert "lease released" in output
            with runtime.db.session() as s:
                lease = s.scalar(select(Lease).where(Lease.name == f"stream:{APP_KEY}"))
                keys = sorted(s.scalars(select(InboundEvent.idempotency_key)).all())
            assert lease is not None and lease.expires_at <= runtime.clock.now()
            assert keys == ["eid:after-kill", "eid:before-kill"]
            assert all(json.loads(a["data"])["status"] == "SUCCESS" for a in gateway.acks)
        finally:
            for proc in (first, second):
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=30)
            runtime.db.dispose()
