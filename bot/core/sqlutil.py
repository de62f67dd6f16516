"""Small SQL helpers that hide the SQLite/PostgreSQL differences CareBot cares about."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

IN_CHUNK = 5000  # keeps IN (...) lists under SQLite's bound-parameter limit


def dialect_insert(session: Session, table: Any) -> Any:
    """``INSERT`` with ``ON CONFLICT`` support for the session's database."""
    target = table if isinstance(table, Table) else table.__table__
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(target)
    return sqlite_insert(target)
