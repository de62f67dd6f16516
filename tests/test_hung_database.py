"""A database that hangs (accepts connections, never answers) must not freeze the web tier."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import create_app
from bot.core.db import Database, Timeouts
from tests.conftest import IN_CI, PG_URL, make_settings

AES_KEY = "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7"


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A loopback port that accepts TCP connections and never sends a byte (a hung server)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def hung_app(tmp_path: Path, black_hole: int) -> Any:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{black_hole}/carebot"
    settings = make_settings(
        tmp_path,
        url,
        database={"url": url, "connect_timeout_seconds": 1, "pool_timeout_seconds": 1},
        dingtalk={"callback_token": "t", "callback_aes_key": AES_KEY, "app_key": "k"},
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    app.extensions["carebot"].db.dispose()


def _timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_liveness_never_touches_the_database(hung_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_database(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("/healthz touched the database")

    monkeypatch.setattr(hung_app.extensions["carebot"].db.engine, "connect", no_database)
    assert hung_app.test_client().get("/healthz").status_code == 200


def test_readiness_answers_503_within_its_own_timeout(hung_app: Any) -> None:
    client = hung_app.test_client()
    for _ in range(3):  # later probes do not pile up behind a stuck one
        response, took = _timed(lambda: client.get("/readyz"))
        assert response.status_code == 503
        assert response.get_json()["status"] == "unavailable"
        assert took < 15  # 3 s deadline; generous for a loaded machine (without it: no answer at all)


def test_a_callback_gets_a_quick_503_so_the_platform_retries(hung_app: Any) -> None:
    from tests.test_webhooks_dingtalk import post_event

    response, took = _timed(
        lambda: post_event(hung_app.test_client(), {"EventType": "check_url"}, receiver="k", token="t")
    )
    assert response.status_code == 503
    assert "retry" in response.get_data(as_text=True)
    assert took < 20  # 1 s connect timeout, twice (pre-ping and connect), plus a loaded machine


def test_postgres_sessions_carry_statement_and_lock_timeouts() -> None:
    db = Database(PG_URL, timeouts=Timeouts(connect=3, statement=42, lock=7, pool=2))
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "42s"
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "7s"
    except OperationalError as exc:  # pragma: no cover - only without a local PostgreSQL
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL not reachable: {type(exc).__name__}")
    finally:
        db.dispose()


def test_timeouts_are_validated_config(tmp_path: Path) -> None:
    from bot.core.errors import ConfigError

    with pytest.raises(ConfigError, match="statement_timeout_seconds"):
        make_settings(tmp_path, database={"url": "sqlite://", "statement_timeout_seconds": 0})
