"""Helpers for the loopback production-topology test: a throw-away PostgreSQL database, CareBot
processes (gunicorn web nodes, schedulers) started as an operator would, and who owns a socket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import requests

from tests.acceptance.cli import command
from tests.wallclock import subprocess_env

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def child_env(config: Path) -> dict[str, str]:
    """What a CareBot process started by an operator sees: the config file, this tree first on the path."""
    forwarded = subprocess_env({})
    path = os.pathsep.join(p for p in (str(ROOT), forwarded.get("PYTHONPATH", "")) if p)
    return subprocess_env({"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "CAREBOT_CONFIG": str(config),
                           "PYTHONPATH": path})  # fmt: skip


@dataclass
class Proc:
    """One started process and its log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    _out: IO[bytes] | None = None
    children: list[int] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def kill9(self) -> None:
        """SIGKILL this process only (a gunicorn master's workers are left to notice it)."""
        if self.popen.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            self.popen.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s; the same for children that outlived their parent."""
        stop_all([self])

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def stop_all(procs: list[Proc]) -> None:
    """SIGTERM every process at once, SIGKILL what still runs 10 s later, and children that
    outlived their parent (a gunicorn master's workers)."""
    for proc in procs:
        if proc.popen.poll() is None:
            proc.popen.terminate()
    deadline = time.monotonic() + 10
    for proc in procs:
        try:
            proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.popen.kill()
            proc.popen.wait(timeout=10)
        for pid in proc.children:
            kill_quietly(pid)
        if proc._out is not None:
            proc._out.close()
            proc._out = None


def kill_quietly(pid: int) -> None:
    """SIGKILL ``pid`` unless it is gone already."""
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def start(name: str, argv: list[str], env: dict[str, str], logs: Path) -> Proc:
    log = logs / f"{name}.log"
    out = log.open("wb")
    popen = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    return Proc(name, popen, log, out)


def start_web(name: str, port: int, env: dict[str, str], logs: Path, workers: int = 2) -> Proc:
    """``gunicorn -w N 'app:create_app()'`` on a loopback port, as in production."""
    argv = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
            "--timeout", "30", "--graceful-timeout", "5", "app:create_app()"]  # fmt: skip
    return start(name, argv, env, logs)


def start_scheduler(name: str, env: dict[str, str], logs: Path) -> Proc:
    return start(name, [*command(), "scheduler"], env, logs)


def wait_ready(base: str, proc: Proc, deadline: float) -> None:
    """Until ``/readyz`` answers 200 (or the process died, or the deadline passed)."""
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise AssertionError(f"{proc.name} exited ({proc.popen.returncode}):\n{proc.tail()}")
        try:
            if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{proc.name} not ready in time:\n{proc.tail()}")


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid …": comm may contain spaces, so split after the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def socket_owner(local_port: int, pids: list[int]) -> int | None:
    """Which of ``pids`` holds the TCP socket whose local port is ``local_port`` (Linux /proc)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == local_port and fields[9] != "0":
                inode = fields[9]
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) == target:
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None


def holder_pid(holder: str | None) -> int | None:
    """The process id in a lease holder string ``host:pid:thread``."""
    if not holder:
        return None
    parts = holder.split(":")
    return int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else None


def write_config(path: Path, sections: dict[str, dict[str, Any]]) -> Path:
    """A TOML file from plain sections (strings, numbers, booleans)."""
    lines: list[str] = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        for key, value in values.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, int | float):
                lines.append(f"{key} = {value}")
            else:
                lines.append(f'{key} = "{value}"')
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
