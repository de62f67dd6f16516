"""Database engine and sessions for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import Clock, SystemClock

# The execution option that carries the runtime's clock to every statement and session, so
# column defaults and code that only holds a session read the same clock as the rest of the runtime.
CLOCK_OPTION = "carebot_clock"

# A pooled connection idle longer than this is pinged before use; a busy one is not (see _ping_if_idle).
IDLE_PING_SECONDS = 30.0


def mask_url(url: str | URL) -> str:
    """The URL with its password hidden, safe for logs and error messages."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the web server read while the scheduler writes; FKs are off by default in SQLite.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _mark_idle(_dbapi_conn: Any, record: Any) -> None:
    # Monotonic, not the runtime's clock: this measures how long a socket sat unused, not business time.
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(engine: Engine) -> Any:
    """A pool ``checkout`` hook: ping a connection only if it sat idle, replace it if the ping fails.

    ``pool_pre_ping`` pings on every checkout — a round trip per transaction, on every callback
    under load, to guard against what happens after idle periods (a database restart, a proxy
    dropping idle sockets). Connections reused within seconds skip the ping.
    """

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # any failure: let the pool open a fresh connection (it retries)
            raise DisconnectionError("idle connection is gone") from exc

    return checkout


@dataclass(frozen=True)
class Timeouts:
    """Bounded waits on the database (the ``[database]`` ``*_timeout_seconds`` keys)."""

    connect: int = 5
    statement: int = 60
    lock: int = 10
    pool: int = 10


def make_engine(url: str, *, echo: bool = False, timeouts: Timeouts | None = None) -> Engine:
    """Create an engine; SQLite files get their folder created and sensible pragmas.

    On PostgreSQL every wait is bounded (connect, statement, lock, pool checkout), so a database
    that stops answering turns into quick errors instead of web workers frozen until gunicorn kills them.
    """
    t = timeouts or Timeouts()
    parsed = make_url(url)
    # Bound values are decrypted chat text, userids, answers: never in exception messages (and so logs).
    kwargs: dict[str, Any] = {"echo": echo, "future": True, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options = f"-c statement_timeout={t.statement * 1000} -c lock_timeout={t.lock * 1000}"
    kwargs.update(
        pool_size=5,
        max_overflow=10,
        pool_timeout=t.pool,
        connect_args={
            "connect_timeout": t.connect,
            "options": options,
            # A peer that vanished (network, a frozen host) is noticed by TCP instead of never.
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": t.connect * 1000,
        },
    )
    engine = create_engine(parsed, **kwargs)
    event.listen(engine, "checkin", _mark_idle)
    event.listen(engine, "checkout", _ping_if_idle(engine))
    return engine


class Database:
    """One engine and its session factory; every session carries the runtime's clock."""

    def __init__(
        self, url: str, *, echo: bool = False, clock: Clock | None = None, timeouts: Timeouts | None = None
    ) -> None:
        self.url = url
        self.clock: Clock = clock or SystemClock()
        self.engine = make_engine(url, echo=echo, timeouts=timeouts)
        self._make_factories(self.clock)

    def _make_factories(self, clock: Clock) -> None:
        # Same pool, plus the clock as an execution option (read by models.base.stamp_now).
        bind = self.engine.execution_options(**{CLOCK_OPTION: clock})
        self._factory = sessionmaker(bind, expire_on_commit=False, info={"clock": clock})
        auto = self.engine.execution_options(**{CLOCK_OPTION: clock, "isolation_level": "AUTOCOMMIT"})
        self._autocommit_factory = sessionmaker(auto, expire_on_commit=False, info={"clock": clock})

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on error, always closes."""
        session = self._factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def autocommit(self) -> Iterator[Session]:
        """A session whose every statement commits on its own, durably, as it returns.

        For a request whose whole write is one statement (storing a callback): one round trip to
        the database instead of three (``BEGIN``, the statement, ``COMMIT``). Never for several
        writes that must succeed or fail together.
        """
        session = self._autocommit_factory()
        try:
            yield session
        finally:
            session.close()

    def new_session(self) -> Session:
        """A session the caller commits and closes."""
        return self._factory()

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def using_clock(self, clock: Clock) -> Iterator[None]:
        """Sessions made inside the block carry ``clock`` (``carebot demo`` replaying past days).

        Only for a single-threaded replay: sessions made elsewhere meanwhile would see it too.
        """
        saved = self.clock, self._factory, self._autocommit_factory
        self.clock = clock
        self._make_factories(clock)
        try:
            yield
        finally:
            self.clock, self._factory, self._autocommit_factory = saved


def session_clock(session: Session) -> Clock:
    """The clock of the runtime that made ``session`` (sessions come from :class:`Database`)."""
    clock = session.info.get("clock")
    if clock is None:
        raise RuntimeError("this session has no clock: make sessions with Database.session()")
    return clock


def session_now(session: Session) -> datetime:
    """The current instant on the clock of ``session``'s runtime."""
    return session_clock(session).now()
