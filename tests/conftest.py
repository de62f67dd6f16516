"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

Each test session migrates its own throw-away databases (a fresh PostgreSQL database per session
and xdist worker), so parallel runs never see each other and nothing is left behind. Tests get
``app``, ``client``, ``runner``, ``runtime``, ``db``, ``clock`` and ``fake_platform``.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from bot.core.clock import FixedClock
from bot.core.config import Settings, load_settings
from bot.core.migrate import upgrade
from bot.core.runtime import Runtime
from bot.models import Base
from tests.fakes import FakePlatform

PG_URL = os.environ.get("CAREBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
# A Monday afternoon in Shanghai; tests move the clock as they need.
DEFAULT_NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 14:00 Asia/Shanghai


# -- no network ---------------------------------------------------------------------------------
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("127."):
            raise RuntimeError(f"tests must not use the network (tried to connect to {host})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


# -- databases ----------------------------------------------------------------------------------
def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("db") / "carebot.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin = make_url(PG_URL)
    name = f"carebot_test_{_worker()}_{uuid.uuid4().hex[:8]}"
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        msg = f"PostgreSQL not reachable at {admin.render_as_string(hide_password=True)}: {exc}"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    url = admin.set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """The URL of a migrated, empty database; the test runs once per backend."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


def _truncate(url: str) -> None:
    engine = create_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (table names from our metadata)
    engine.dispose()


# -- app ----------------------------------------------------------------------------------------
def make_settings(tmp_path: Path, db_url: str = "sqlite://", **sections: dict[str, Any]) -> Settings:
    """Settings from an empty file and no environment, plus the given sections."""
    empty = tmp_path / "carebot-test.toml"
    empty.write_text("")
    # Tests configure platform keys while staying in development: say so explicitly, as a developer
    # working against a real tenant must (bot/security/startup.py); a test may set it back.
    app_section = {"development_with_platform_keys": True, **sections.pop("app", {})}
    overrides: dict[str, Any] = {"database": {"url": db_url}, **sections, "app": app_section}
    return load_settings(path=empty, overrides=overrides, environ={})


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    """Override in a test module to change configuration sections for the ``app`` fixture."""
    return {}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DEFAULT_NOW)


@pytest.fixture
def app(db_url: str, tmp_path: Path, clock: FixedClock, settings_overrides: dict[str, dict[str, Any]]) -> Iterator[Any]:
    settings = make_settings(tmp_path, db_url, **settings_overrides)
    application = create_app(settings, clock=clock)
    application.config["TESTING"] = True
    yield application
    application.extensions["carebot"].db.dispose()
    _truncate(db_url)


@pytest.fixture
def runtime(app: Any) -> Runtime:
    rt: Runtime = app.extensions["carebot"]
    return rt


@pytest.fixture
def db(runtime: Runtime) -> Any:
    return runtime.db


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def runner(app: Any) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def fake_platform(runtime: Runtime) -> FakePlatform:
    """Replaces the default platform with an in-memory one that records every call."""
    fake = FakePlatform()
    runtime.platforms[runtime.settings.platform.default] = fake
    runtime.platforms["fake"] = fake
    return fake
