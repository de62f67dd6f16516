"""A throw-away, migrated database for one benchmark run: a SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text

from bot.core.migrate import upgrade


@contextmanager
def database(backend: str, pg_admin: str | None = None) -> Iterator[str]:
    """Yield the URL of an empty database at the newest schema; it is removed afterwards.

    ``backend`` is ``sqlite`` (a file in a temporary folder) or ``postgresql`` (a database created
    through the ``pg_admin`` URL, which must be allowed to create and drop databases).
    """
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="carebot-bench-") as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            upgrade(url)
            yield url
        return
    if not pg_admin:
        raise ValueError("a PostgreSQL benchmark needs an admin URL (--postgres)")
    admin = make_url(pg_admin)
    name = f"carebot_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
