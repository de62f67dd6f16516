"""CLI behaviour on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.wallclock import subprocess_env


def test_db_upgrade_unreachable_masks_password(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from bot.ops.cli import main; main()", "db", "upgrade"],
        env=subprocess_env(
            {
                "CAREBOT_CONFIG": str(tmp_path / "none.toml"),
                "CAREBOT_DATABASE__URL": "postgresql+psycopg://carebot:s3cret@127.0.0.1:1/carebot",
                "PATH": "/usr/bin:/bin",
            }
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # The named config file is missing → built-in defaults plus the environment's unreachable URL.
    assert proc.returncode == 1
    assert "carebot:***@127.0.0.1:1" in proc.stderr
    assert "s3cret" not in proc.stderr + proc.stdout


def test_db_upgrade_unreachable_database(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[database]\nurl = "postgresql+psycopg://carebot:s3cret@127.0.0.1:1/carebot"\n')
    proc = subprocess.run(
        [sys.executable, "-c", "from bot.ops.cli import main; main()", "db", "upgrade"],
        env=subprocess_env({"CAREBOT_CONFIG": str(cfg), "PATH": "/usr/bin:/bin"}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "cannot reach database postgresql+psycopg://carebot:***@127.0.0.1:1/carebot" in proc.stderr
    assert "s3cret" not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
