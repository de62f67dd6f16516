"""Writing a validated attendance file set-based: staging rows, one DELETE per table, bulk punches.

Why not ORM inserts: at 260,000 rows SQLAlchemy's per-row parameter processing was half of the
import. Here the rows travel as plain tuples — ``COPY`` on PostgreSQL (psycopg 3 ``cursor.copy``),
one prepared ``executemany`` on SQLite — and the replacement of earlier imported days is one
``DELETE … WHERE EXISTS`` against a staging table of the file's (person, day) keys. Everything
runs in the caller's transaction, so a failure leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from bot.attendance.shift import Shift

SOURCE = "import"
# The SQL below spells out 'import' and its temporary tables (carebot_att_days, carebot_att_punches,
# visible to this connection only) as literals: nothing in it comes from the file.


class Punch(NamedTuple):
    """One punch to write: who, the UTC instant, on/off and the day it came from."""

    userid: str
    employee_id: int
    at: datetime
    check_type: str
    source_ref: str


def day_ref(day: date) -> str:
    """``source_ref`` of an imported punch: the attendance day it came from."""
    return f"{SOURCE}:{day.isoformat()}"


class LocalInstants:
    """``Shift.local`` for many rows: the UTC instant of (day, minutes after local midnight).

    One zone conversion per day instead of per punch; a day whose UTC offset changes within the
    48 hours a row can reach (a DST switch) falls back to the exact per-punch conversion.
    """

    def __init__(self, shift: Shift) -> None:
        self.shift = shift
        self._midnight: dict[date, datetime | None] = {}

    def _base(self, day: date) -> datetime | None:
        if day not in self._midnight:
            tz = self.shift.tz
            first = datetime.combine(day, time(0, 0), tz)
            third = datetime.combine(day + timedelta(days=2), time(0, 0), tz)
            same = first.utcoffset() == third.utcoffset()
            self._midnight[day] = first.astimezone(UTC) if same else None
        return self._midnight[day]

    def at(self, day: date, minutes: int) -> datetime:
        """The UTC instant ``minutes`` after local midnight of ``day`` (wall clock)."""
        base = self._base(day)
        if base is None:
            return self.shift.local(day, minutes)
        return base + timedelta(minutes=minutes)


def _sqlite_stamp(at: datetime) -> str:
    # The text SQLAlchemy's SQLite DateTime writes (UTC wall clock, microseconds always present):
    # punches are compared as text there, so the format must match to the character.
    return at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _copy(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL ``COPY table (columns) FROM STDIN`` of ``rows`` on the session's connection."""
    dbapi: Any = session.connection().connection.driver_connection
    with dbapi.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def replace_imported(session: Session, keys: Iterable[tuple[int, str, date]]) -> None:
    """Delete earlier *imported* punches and leaves of the file's (employee id, userid, day) keys.

    Platform punches (another ``source``) are never touched: the file replaces only what an
    earlier file wrote for the same people and days.
    """
    conn = session.connection()
    conn.exec_driver_sql("DROP TABLE IF EXISTS carebot_att_days")
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE carebot_att_days (employee_id INTEGER NOT NULL, ref VARCHAR(128) NOT NULL,"
        " leave_key VARCHAR(128) NOT NULL)"
    )
    rows: Iterator[tuple[int, str, str]] = (
        (emp, day_ref(day), f"{userid}:{day.isoformat()}") for emp, userid, day in keys
    )
    if _is_pg(session):
        _copy(session, "carebot_att_days", ("employee_id", "ref", "leave_key"), rows)
    else:
        conn.exec_driver_sql("INSERT INTO carebot_att_days VALUES (?, ?, ?)", list(rows))
    conn.exec_driver_sql("CREATE INDEX carebot_att_days_emp ON carebot_att_days (employee_id, ref)")
    conn.exec_driver_sql("CREATE INDEX carebot_att_days_key ON carebot_att_days (leave_key)")
    if _is_pg(session):
        conn.exec_driver_sql("ANALYZE carebot_att_days")  # temp tables get no autovacuum statistics
    # WHERE EXISTS / IN (SELECT …) read the same on both databases (SQLite has no DELETE … USING).
    conn.exec_driver_sql(
        "DELETE FROM punches WHERE source = 'import' AND EXISTS (SELECT 1 FROM carebot_att_days d"
        " WHERE d.employee_id = punches.employee_id AND d.ref = punches.source_ref)"
    )
    conn.exec_driver_sql(
        "DELETE FROM approvals WHERE source = 'import' AND source_key IN (SELECT leave_key FROM carebot_att_days)"
    )
    conn.exec_driver_sql("DROP TABLE carebot_att_days")


def insert_punches(session: Session, punches: Iterable[Punch]) -> None:
    """Insert the punches in order; one that repeats an existing (userid, instant) is skipped.

    ``received_at`` is the punch instant itself, as for every historical import.
    """
    conn = session.connection()
    if not _is_pg(session):
        rows = [(p.userid, p.employee_id, _sqlite_stamp(p.at), p.check_type, p.source_ref) for p in punches]
        conn.exec_driver_sql(
            "INSERT INTO punches (userid, employee_id, punched_at, source, check_type, source_ref, received_at)"
            " VALUES (?, ?, ?, 'import', ?, ?, ?3) ON CONFLICT (userid, punched_at) DO NOTHING",
            rows,
        )
        return
    # COPY cannot skip conflicts, so it fills a staging table and one INSERT … SELECT moves the
    # rows on, in file order (the first of two equal instants wins, as with row-by-row inserts).
    conn.exec_driver_sql("DROP TABLE IF EXISTS carebot_att_punches")
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE carebot_att_punches (seq SERIAL, userid VARCHAR(64), employee_id INTEGER,"
        " punched_at TIMESTAMPTZ, check_type VARCHAR(16), source_ref VARCHAR(128))"
    )
    columns = ("userid", "employee_id", "punched_at", "check_type", "source_ref")
    _copy(session, "carebot_att_punches", columns, punches)
    conn.exec_driver_sql(
        "INSERT INTO punches (userid, employee_id, punched_at, source, check_type, source_ref, received_at)"
        " SELECT userid, employee_id, punched_at, 'import', check_type, source_ref, punched_at"
        " FROM carebot_att_punches ORDER BY seq ON CONFLICT (userid, punched_at) DO NOTHING"
    )
    conn.exec_driver_sql("DROP TABLE carebot_att_punches")

