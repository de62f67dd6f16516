"""The connection pool pings a connection only after it sat idle, and replaces one that died meanwhile."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.core import db as db_module
from bot.core.db import Database


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite has no server connection to lose
def test_busy_connections_are_not_pinged_idle_dead_ones_are_replaced(db_url: str, monkeypatch: Any) -> None:
    database = Database(db_url)
    dialect = database.engine.dialect
    pings: list[int] = []
    real_ping = dialect.do_ping

    def ping(conn: Any) -> bool:
        pings.append(1)
        return real_ping(conn)

    monkeypatch.setattr(dialect, "do_ping", ping)
    admin = create_engine(db_url)
    try:
        with database.session() as s:
            pid = s.scalar(text("SELECT pg_backend_pid()"))
        with database.session() as s:  # reused at once: no round trip spent on a ping
            assert s.scalar(text("SELECT pg_backend_pid()")) == pid
        assert pings == []
        with admin.connect() as conn:  # the server drops it while it sits in the pool
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            conn.commit()
        monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 0.0)  # as if it had been idle for long
        with database.session() as s:
            assert s.scalar(text("SELECT pg_backend_pid()")) != pid
        assert pings
    finally:
        admin.dispose()
        database.dispose()
