"""Benchmark: training and back-testing the attrition model at scale, on PostgreSQL (or SQLite).

Loads N employees × M months of daily attendance facts and weekly sales straight into the tables
with set-based SQL (not timed; PostgreSQL ``generate_series``), with a planted hazard: "night
owls" leave late often and leave more, and so do people in their first year. Then times, as
``carebot risk train`` runs it:

* ``train``: person-months as of the last day (one grouped query per source over all snapshots),
  the calibrated logistic regression, and the time-split back-test (``[risk].backtest_points``
  cut-offs, each a refit and a scoring);
* ``baseline``: one plain ``GROUP BY employee, month`` scan of the same attendance facts — the floor
  any monthly feature extraction over those rows pays;

and prints rows, seconds, the ratio to the baseline, the back-test ROC-AUC and peak memory
(ru_maxrss of the process; tracemalloc peak of the Python heap during ``train``).

    .venv/bin/python bench/risk_scale.py [--employees 10000] [--months 24]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

The goal at 100,000 people × 24 months is under 2 minutes and under 1 GiB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from bench.benchdb import database
from bot.core.clock import FixedClock
from bot.core.config import RiskSection
from bot.core.db import Database
from bot.risk import train

END = date(2026, 10, 31)

LOAD = [
    "SELECT setseed(0.42)",
    # Employees: 25 % night owls, hire dates spread over 6 years before the history starts, and
    # hires during it (a fresh cohort each month).
    """
    INSERT INTO employees (userid, name, status, hired_on, source, is_hr, is_admin, surveys_paused,
                           created_at, updated_at)
    SELECT 'b' || i, '员工' || i, 'active',
           CASE WHEN i % 5 = 0 THEN CAST(:start AS date) + ((i * 7919) % (CAST(:months AS int) * 30))::int
                ELSE CAST(:start AS date) - ((i * 104729) % 2190)::int END,
           'bench', false, false, false, now(), now()
    FROM generate_series(1, CAST(:n AS int)) AS i
    """,
    "CREATE TEMP TABLE owl AS SELECT id, (random() < 0.25) AS owl FROM employees",
    # Leaving: a monthly hazard of 1.2 %, ×3.5 for owls, ×2.5 in the first year.
    """
    UPDATE employees e SET status = 'left', leave_reason = 'voluntary',
           left_on = e.hired_on + 30 + (random() * 700)::int
    FROM owl o WHERE o.id = e.id
      AND random() < 1 - power(1 - 0.012 * CASE WHEN o.owl THEN 3.5 ELSE 1 END, 24)
    """,
    "UPDATE employees SET left_on = NULL, status = 'active', leave_reason = NULL WHERE left_on > CAST(:end AS date)",
    # Workdays of the history while employed: in 09:00 ± 10 min, out 18:30 or (owls, 45 %) 21:30+.
    """
    INSERT INTO attendance_days (employee_id, day, kind, on_leave, first_in_min, last_out_min, punch_count,
                                 worked_minutes, late_minutes, overtime_minutes, approved_overtime_minutes, computed_at)
    SELECT e.id, d::date, 'workday', false, 535 + (random() * 20)::int, out_min, 2, out_min - 540 - 60,
           0, GREATEST(out_min - 1080, 0), 0, now()
    FROM employees e JOIN owl o ON o.id = e.id
    CROSS JOIN generate_series(CAST(:start AS date), CAST(:end AS date), interval '1 day') AS d
    CROSS JOIN LATERAL (SELECT CASE WHEN o.owl AND random() < 0.45 THEN 1290 + (random() * 90)::int
                                    ELSE 1090 + (random() * 30)::int END AS out_min) AS t
    WHERE extract(isodow FROM d) < 6 AND d::date >= e.hired_on AND (e.left_on IS NULL OR d::date < e.left_on)
    """,
    "ANALYZE",
]


def load(url: str, n: int, months: int) -> tuple[float, int]:
    start = END - timedelta(days=30 * months)
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        for sql in LOAD:
            conn.execute(text(sql), {"n": n, "months": months, "start": start, "end": END})
        rows = int(conn.execute(text("SELECT count(*) FROM attendance_days")).scalar_one())
    engine.dispose()
    return time.perf_counter() - started, rows


def baseline(db: Database) -> float:
    started = time.perf_counter()
    with db.session() as s:
        s.execute(
            text(
                "SELECT employee_id, date_trunc('month', day), count(*), sum(overtime_minutes),"
                " sum(CASE WHEN last_out_min >= 1260 THEN 1 ELSE 0 END) FROM attendance_days GROUP BY 1, 2"
            )
        ).all()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with database("postgresql", args.postgres) as url:
        load_s, rows = load(url, args.employees, args.months)
        print(
            f"loaded {args.employees:,} employees × {args.months} months: {rows:,} daily facts"
            f" in {load_s:.0f} s (not timed)"
        )
        db = Database(url, clock=FixedClock(datetime(2026, 11, 1, tzinfo=UTC)))
        cfg = RiskSection(history_months=args.months, min_leavers=20)
        runtime = SimpleNamespace(settings=SimpleNamespace(risk=cfg), clock=db.clock)
        base_s = baseline(db)
        tracemalloc.start()
        started = time.perf_counter()
        with db.session() as s:
            record = train.train(s, runtime, END)  # type: ignore[arg-type]
        train_s = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.dispose()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    auc = (record.backtest or {}).get("auc")
    print(f"{'step':<10} {'seconds':>8} {'× baseline':>11}")
    print(f"{'baseline':<10} {base_s:>8.1f} {1:>11.1f}")
    print(f"{'train':<10} {train_s:>8.1f} {train_s / base_s:>11.1f}")
    print(
        f"model {record.kind}: {record.rows:,} person-months, {record.leavers:,} leavers; back-test ROC-AUC {auc};"
        f" Python heap peak {peak / 2**20:.0f} MiB, process max RSS {rss_mib:.0f} MiB"
    )


if __name__ == "__main__":
    main()
