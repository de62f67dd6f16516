"""Run the ``carebot`` console script in a subprocess, as an administrator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.wallclock import subprocess_env

_SCRIPT = Path(sys.executable).with_name("carebot")


def command() -> list[str]:
    """The argv prefix that runs the console script."""
    return [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-c", "from bot.ops.cli import main; main()"]


def carebot(
    *args: str, env: dict[str, str], cwd: Path | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """``carebot ARGS`` with only ``env`` (plus PATH) in the environment; never raises on exit codes."""
    full_env = subprocess_env({"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env})
    return subprocess.run(
        [*command(), *args], env=full_env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def sqlite_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A config file that only names a fresh SQLite database under ``tmp_path``."""
    config = tmp_path / "carebot.toml"
    if not config.exists():
        config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "carebot.db"}"\n', encoding="utf-8")
    return {"CAREBOT_CONFIG": str(config), **extra}
