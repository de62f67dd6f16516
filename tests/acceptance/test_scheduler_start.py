"""`carebot scheduler` from the outside: a (re)started scheduler catches up at once, not an hour later."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app import create_app
from bot.core.config import load_settings
from tests.acceptance.cli import carebot, command
from tests.wallclock import subprocess_env

TOKEN = "acceptance"


def test_started_scheduler_evaluates_a_due_day_at_once(tmp_path: Path) -> None:
    config = tmp_path / "carebot.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "carebot.db"}"\n'
        '[rules]\nevaluation_time = "00:00"\n'  # today is due as soon as the scheduler runs
        f'[api]\ntokens = ["{TOKEN}"]\n',
        encoding="utf-8",
    )
    env = {"CAREBOT_CONFIG": str(config)}
    assert carebot("db", "upgrade", env=env).returncode == 0
    # A short history keeps the replay quick; the scheduler must still evaluate today on start.
    assert carebot("demo", "--size", "60", "--days", "30", env=env, timeout=600).returncode == 0
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    scheduler = subprocess.Popen(
        [*command(), "scheduler"],
        env=subprocess_env({"PATH": os.environ.get("PATH", ""), **env}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    app = create_app(load_settings(config, environ={}))
    try:
        client = app.test_client()
        tags: list[object] = []
        deadline = time.monotonic() + 60
        while not tags and time.monotonic() < deadline:
            time.sleep(1)
            resp = client.get(f"/api/v1/tags?active_on={today}", headers={"Authorization": f"Bearer {TOKEN}"})
            assert resp.status_code == 200
            tags = resp.get_json()["tags"]
        assert tags, "the scheduler did not evaluate today within a minute of starting"
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)
        app.extensions["carebot"].db.dispose()
