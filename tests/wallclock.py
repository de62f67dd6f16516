"""The environment a test hands to a subprocess so it reads the same wall clock as the suite."""

from __future__ import annotations

import os

# Set by `make test-far-date`: the destination, and the folder with the sitecustomize that travels.
_FORWARDED = ("CAREBOT_TEST_WALL_CLOCK", "CAREBOT_TEST_WALL_CLOCK_ANCHOR", "PYTHONPATH")


def subprocess_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` plus the far-date settings of this run, if any (subprocesses get a clean environment)."""
    forwarded = {name: os.environ[name] for name in _FORWARDED if os.environ.get(name)}
    return {**forwarded, **env}
