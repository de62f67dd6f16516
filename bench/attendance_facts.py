"""Benchmark: turning punches into daily attendance facts, on SQLite and PostgreSQL.

The demo generator builds N employees × D days of punches (late nights past midnight, the
National Day holiday and 调休 Saturdays included, a few leaves). The bench then times, per backend:

* ``facts``: ``bot.attendance.facts.rebuild`` over the whole period (shift days, calendar kinds,
  late/overtime, leave, approved overtime; delete scope + ``INSERT … SELECT … ON CONFLICT``);
* ``recompute``: the same again over existing rows (what a re-run costs);
* ``incremental``: 1,000 touched (employee, day) pairs, as live ingestion recomputes them;
* ``baseline``: a plain ``INSERT … SELECT`` grouping the same punches per employee and UTC date
  into ``attendance_days`` itself (same indexes and foreign key) — the floor any daily aggregation
  into that table pays;

and prints punches per second, the ratio to the baseline and peak Python memory (tracemalloc over
the facts step; ru_maxrss of the whole process). Loading the data is not timed.

    .venv/bin/python bench/attendance_facts.py [--employees 100000] [--days 30] [--backends sqlite,postgresql]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

SQLite runs in a temporary file; PostgreSQL in a throw-away database created and dropped here.
"""

from __future__ import annotations

import argparse
import logging
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text

from app import create_app
from bench.benchdb import database
from bot.attendance import facts
from bot.attendance.approvals import record_approval
from bot.core.config import load_settings
from bot.core.runtime import Runtime
from bot.models import AttendanceDay, Employee, Punch
from bot.ops.demo.company import DemoOrg
from bot.people.directory import upsert_employees

END = date(2026, 10, 20)  # the period covers National Day and the 调休 Saturday 2026-10-10
BATCH = 50_000


def load(runtime: Runtime, employees: int, days: int) -> tuple[DemoOrg, int]:
    """Employees through the real upsert; punches by bulk insert (loading is not what we measure)."""
    org = DemoOrg(employees, seed=11, days=days, end=END, calendar=runtime.calendar, tz=runtime.settings.app.timezone)
    with runtime.db.session() as s:
        upsert_employees(s, org.employees(), source="demo")
        ids = dict(s.execute(select(Employee.userid, Employee.id)).all())
    now = runtime.clock.now()
    punches = 0
    rows: list[dict[str, Any]] = []

    def flush() -> None:
        with runtime.db.session() as s:
            s.execute(insert(Punch), rows)
        rows.clear()

    for p in org.punches():
        rows.append(
            {
                "userid": p.userid,
                "employee_id": ids[p.userid],
                "punched_at": p.punched_at,
                "source": "demo",
                "check_type": p.check_type,
                "source_ref": None,
                "received_at": now,
            }
        )
        punches += 1
        if len(rows) >= BATCH:
            flush()
    if rows:
        flush()
    with runtime.db.session() as s:
        for change in org.approvals():
            record_approval(s, change)
    with runtime.db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))  # fresh statistics, as a running database would have
    return org, punches


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def baseline(runtime: Runtime) -> tuple[float, int]:
    """A plain INSERT … SELECT of punches grouped by employee and UTC date into ``attendance_days``.

    Same table, indexes and foreign key as the real computation, so the ratio shows what the shift
    days, the calendar, the approvals and the upsert cost on top of writing the rows at all.
    """
    day = "date(punched_at)" if runtime.db.dialect == "sqlite" else "(punched_at AT TIME ZONE 'UTC')::date"
    sql = (
        "INSERT INTO attendance_days (employee_id, day, kind, on_leave, punch_count, worked_minutes, "
        "late_minutes, overtime_minutes, approved_overtime_minutes, first_in, last_out, computed_at) "
        f"SELECT employee_id, {day}, 'workday', false, COUNT(*), 0, 0, 0, 0, MIN(punched_at), MAX(punched_at), "
        f"MIN(received_at) FROM punches WHERE employee_id IS NOT NULL GROUP BY employee_id, {day}"
    )
    with runtime.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM attendance_days"))
    start = time.perf_counter()
    with runtime.db.engine.begin() as conn:
        conn.execute(text(sql))
    elapsed = time.perf_counter() - start
    with runtime.db.engine.begin() as conn:
        rows = conn.execute(text("SELECT COUNT(*) FROM attendance_days")).scalar_one()
    return elapsed, int(rows)


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with database(backend, args.postgres) as url:
        empty = Path(tempfile.mkdtemp(prefix="carebot-bench-")) / "carebot.toml"
        empty.write_text("")  # built-in defaults, whatever ./carebot.toml says
        app = create_app(load_settings(empty, overrides={"database": {"url": url}}, environ={}))
        runtime: Runtime = app.extensions["carebot"]
        load_s, (org, punches) = timed(lambda: load(runtime, args.employees, args.days))
        start, end = org.start, org.end

        def rebuild() -> facts.FactStats:
            with runtime.db.session() as s:
                return facts.rebuild(s, runtime, start, end)

        tracemalloc.start()
        facts_s, stats = timed(rebuild)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        again_s, _ = timed(rebuild)
        with runtime.db.session() as s:
            stored = s.scalar(select(func.count()).select_from(AttendanceDay)) or 0
            sample = s.execute(select(AttendanceDay.employee_id, AttendanceDay.day).limit(200_000)).all()
        pairs = random.Random(3).sample([tuple(p) for p in sample], min(1000, len(sample)))

        def incremental() -> facts.FactStats:
            with runtime.db.session() as s:
                return facts.recompute(s, runtime, pairs)  # type: ignore[arg-type]

        inc_s, inc = timed(incremental)
        base_s, base_rows = baseline(runtime)
        runtime.db.dispose()
        return {
            "backend": backend,
            "employees": args.employees,
            "days": args.days,
            "punches": punches,
            "load_s": load_s,
            "facts_s": facts_s,
            "rows": stats.rows,
            "stored": stored,
            "windows": stats.windows,
            "again_s": again_s,
            "inc_s": inc_s,
            "inc_rows": inc.rows,
            "base_s": base_s,
            "base_rows": base_rows,
            "peak_mb": peak / 1e6,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test", help="admin URL")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        print(f"[{backend}] loading {args.employees:,} employees × {args.days} days …", flush=True)
        result = run_backend(backend, args)
        results.append(result)
        print(
            f"[{backend}] {result['punches']:,} punches loaded in {result['load_s']:.0f} s; "
            f"facts {result['facts_s']:.2f} s",
            flush=True,
        )
    print()
    print(f"attendance facts: {args.employees:,} employees × {args.days} days (end {END})")
    header = (
        f"{'backend':<11}{'punches':>11}{'fact rows':>11}{'facts s':>9}{'punches/s':>12}"
        f"{'re-run s':>10}{'1k pairs s':>11}{'baseline s':>12}{'base rows':>11}{'ratio':>7}{'py peak MB':>12}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['backend']:<11}{r['punches']:>11,}{r['rows']:>11,}{r['facts_s']:>9.2f}"
            f"{r['punches'] / r['facts_s']:>12,.0f}{r['again_s']:>10.2f}{r['inc_s']:>11.3f}"
            f"{r['base_s']:>12.2f}{r['base_rows']:>11,}{r['facts_s'] / r['base_s']:>7.2f}{r['peak_mb']:>12.1f}"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS (includes generating the data): {rss:,.0f} MB")
    print("baseline = plain INSERT … SELECT of the punches grouped by employee and UTC date into attendance_days")


if __name__ == "__main__":
    main()
