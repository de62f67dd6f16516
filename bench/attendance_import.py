"""Benchmark: ``carebot import attendance`` of N people × M months of daily rows, SQLite and PostgreSQL.

Writes a CSV of every weekday (first_in 08:40–09:15, last_out 18:00–23:00, 2 % leave days), imports
the employees, then times the attendance import as the CLI runs it — validate every row, replace
earlier imported days, bulk-insert punches and leaves, one facts rebuild of the range — next to a
``baseline`` in the same run: reading the same file with ``csv`` and bulk-inserting its punches
into an empty ``punches`` table, the floor of any import of this file.

    .venv/bin/python bench/attendance_import.py [--employees 1000] [--months 12] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, insert

from bench.benchdb import database
from bot.core.clock import FixedClock
from bot.core.config import load_settings
from bot.core.db import Database
from bot.core.runtime import Runtime
from bot.core.workcalendar import WorkCalendar
from bot.intake.attendance_import import import_attendance
from bot.intake.imports import import_employees
from bot.models import Punch

END = date(2026, 10, 31)


def write(folder: Path, n: int, months: int) -> tuple[Path, Path, int]:
    rng = random.Random(5)
    emp, att = folder / "employees.csv", folder / "attendance.csv"
    emp.write_text(
        "userid,name,department,manager_userid,hired_on\n"
        + "".join(f"u{i},员工{i},部门{i % 20},,2020-01-01\n" for i in range(n)),
        encoding="utf-8",
    )
    rows = 0
    start = END - timedelta(days=30 * months)
    with att.open("w", encoding="utf-8") as out:
        out.write("userid,date,first_in,last_out,on_leave\n")
        day = start
        while day <= END:
            if day.weekday() < 5:
                for i in range(n):
                    if rng.random() < 0.02:
                        out.write(f"u{i},{day},,,1\n")
                    else:
                        a, b = rng.randint(520, 555), rng.randint(1080, 1380)
                        out.write(f"u{i},{day},{a // 60:02d}:{a % 60:02d},{b // 60:02d}:{b % 60:02d},\n")
                    rows += 1
            day += timedelta(days=1)
    return emp, att, rows


def baseline(db: Database, att: Path) -> float:
    started = time.perf_counter()
    with db.session() as s, att.open(encoding="utf-8") as f:
        batch = []
        for r in csv.DictReader(f):
            for t in (r["first_in"], r["last_out"]):
                if t:
                    at = datetime.fromisoformat(f"{r['date']}T{t}:00+08:00").astimezone(UTC)
                    batch.append({"userid": r["userid"], "punched_at": at, "source": "bench", "received_at": at})
            if len(batch) >= 5000:
                s.execute(insert(Punch), batch)
                batch = []
        if batch:
            s.execute(insert(Punch), batch)
    took = time.perf_counter() - started
    with db.session() as s:
        s.execute(delete(Punch))
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        emp, att, rows = write(Path(tmp), args.employees, args.months)
        print(f"{args.employees:,} people × {args.months} months: {rows:,} attendance rows")
        print(f"{'backend':<11} {'baseline s':>10} {'import s':>9} {'× baseline':>10} {'rows/s':>9}")
        for backend in args.backends.split(","):
            with database(backend, args.postgres) as url:
                settings = load_settings(path=Path(tmp) / "none.toml", overrides={"database": {"url": url}}, environ={})
                clock = FixedClock(datetime(2026, 11, 1, 6, 0, tzinfo=UTC))
                db = Database(url, clock=clock)
                runtime = Runtime(settings=settings, db=db, clock=clock, calendar=WorkCalendar())
                with db.session() as s:
                    import_employees(s, runtime, emp)
                base = baseline(db, att)
                started = time.perf_counter()
                with db.session() as s:
                    report = import_attendance(s, runtime, att)
                took = time.perf_counter() - started
                assert report.ok, report.errors[:3]
                print(f"{backend:<11} {base:>10.1f} {took:>9.1f} {took / base:>10.1f} {rows / took:>9,.0f}")
                db.dispose()


if __name__ == "__main__":
    main()
