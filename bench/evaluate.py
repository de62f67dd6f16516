"""Benchmark: the whole built-in rule library over N employees × D days, on SQLite and PostgreSQL.

The organisation (departments, managers, hire dates, probation, birthdays, leavers and each
person's hidden pattern: late nights, late arrivals, weekend work, declining sales, leave) comes
from the demo generator ``bot.ops.demo.company.DemoOrg``; employees go through the real upsert. For speed the
facts the rules read are generated from those patterns and bulk-inserted directly instead of going
through punches → facts: ``attendance_days`` (same in/out logic as ``DemoOrg.punches``, leave
days as on-leave rows, first_in/last_out instants left empty — no rule reads them), ``metrics``
(calls and rejection rate like ``DemoOrg.metrics``) and weekly check-in pulses (stress, mood;
some people sliding, some silent) with a few consented life events.

Per backend it times, on the last day of the period:

* ``baseline``: one plain aggregate scan of ``attendance_days`` (GROUP BY employee);
* ``evaluate``: ``rules.engine.evaluate`` of every enabled rule — seconds per rule and in total,
  tags raised — and the ratio to the baseline;
* ``re-run``: the same day again (idempotent: nothing new);
* with ``--per-condition``, also the first run again with the shared scans (``rules.shared``)
  switched off, so every condition reads its table on its own, as before issue 19;
* peak Python memory of an evaluation (tracemalloc, on a separate run after clearing the tags)
  and the process's peak RSS.

Evaluation listeners (reminder planning) are switched off: this measures the rules alone.

    .venv/bin/python bench/evaluate.py [--employees 100000] [--days 60] [--backends sqlite,postgresql]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--per-condition]

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
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, select, text

from app import create_app
from bench.benchdb import database
from bot.core.clock import FixedClock
from bot.core.config import load_settings
from bot.core.runtime import Runtime
from bot.models import Consent, EvaluationRun, LifeEvent, Survey, Tag
from bot.ops.demo.company import DemoOrg, DemoPerson
from bot.people.directory import upsert_employees
from rules import engine, shared
from rules.engine import evaluate

END = date(2026, 11, 20)  # a Friday; the 60 days before cover National Day and the 调休 Saturday
CHUNK = 5_000  # people per generated batch
AD_COLS = [
    "employee_id", "day", "kind", "on_leave", "leave_kind", "first_in_min", "last_out_min", "punch_count",
    "worked_minutes", "late_minutes", "overtime_minutes", "approved_overtime_minutes", "computed_at",
]  # fmt: skip


def day_rows(
    org: DemoOrg, idx: int, p: DemoPerson, emp: int, kinds: list[tuple[date, str]], now: datetime
) -> list[tuple[Any, ...]]:
    """One person's daily facts, following ``DemoOrg.punches`` (streaks of late nights, late mornings)."""
    rnd = random.Random(f"{org.seed}:punch:{idx}")
    out: list[tuple[Any, ...]] = []
    streak = 0
    leave = set(p.profile.leave_days)
    for day, kind in kinds:
        if p.row.left_on and day >= p.row.left_on:
            break
        if p.row.hired_on and day < p.row.hired_on:
            continue
        if day in leave:
            out.append((emp, day, kind, True, "annual", None, None, 0, 0, 0, 0, 0, now))
            continue
        if kind != "workday" and not (p.profile.weekend_worker and rnd.random() < 0.3):
            continue
        if rnd.random() < 0.01:
            continue
        in_min = (
            9 * 60 + rnd.randint(5, 45) if p.profile.often_late and rnd.random() < 0.5 else 8 * 60 + rnd.randint(25, 59)
        )
        if p.profile.late_night and streak == 0 and rnd.random() < 0.25:
            streak = rnd.randint(3, 5)
        if streak > 0 and kind == "workday":
            streak -= 1
            out_min = 21 * 60 + rnd.randint(5, 200)
        else:
            out_min = 18 * 60 + rnd.randint(0, 90)
        late = max(0, in_min - 540) if kind == "workday" else 0
        overtime = max(0, out_min - 1080) if kind == "workday" else 0
        out.append((emp, day, kind, False, None, in_min, out_min, 2, out_min - in_min, late, overtime, 0, now))
    return out


def metric_rows(
    org: DemoOrg, idx: int, p: DemoPerson, emp: int, kinds: list[tuple[date, str]], now: datetime
) -> list[tuple[Any, ...]]:
    """Calls and rejection rate for sales staff, following ``DemoOrg.metrics`` (some decline lately)."""
    if not p.sales or p.row.position not in ("销售专员", "组长"):
        return []
    rnd = random.Random(f"{org.seed}:metric:{idx}")
    calls_base, out = rnd.gauss(110, 15), []
    leave = set(p.profile.leave_days)
    for day, kind in kinds:
        if kind != "workday" or day in leave:
            continue
        if (p.row.left_on and day >= p.row.left_on) or (p.row.hired_on and day < p.row.hired_on):
            continue
        weeks_before_end = (org.end - day).days // 7
        factor = 0.80 ** (3 - weeks_before_end) if p.profile.declining and weeks_before_end < 3 else 1.0
        calls = max(0.0, rnd.gauss(calls_base, 8) * factor)
        rejection = min(0.95, max(0.05, rnd.gauss(0.28, 0.05) / max(factor, 0.5)))
        out.append((emp, "calls", day, float(round(calls)), "demo", now))
        out.append((emp, "rejection_rate", day, round(rejection, 3), "demo", now))
    return out


def pulse_rows(org: DemoOrg, idx: int, p: DemoPerson, emp: int, now: datetime) -> tuple[list[Any], list[Any]]:
    """Weekly Friday check-ins: (survey rows, answer rows); ~8 % silent, ~10 % with a sliding mood."""
    rnd = random.Random(f"{org.seed}:pulse:{idx}")
    silent, sliding, stressed = rnd.random() < 0.08, rnd.random() < 0.10, rnd.random() < 0.06
    surveys, answers = [], []
    friday = org.end - timedelta(days=(org.end.weekday() - 4) % 7)
    for week in range(min(8, org.days // 7)):
        day = friday - timedelta(weeks=week)
        if (p.row.hired_on and day < p.row.hired_on) or (p.row.left_on and day >= p.row.left_on):
            continue
        sent = datetime.combine(day, dtime(2, 0), UTC)
        missed = (silent and week < 4) or rnd.random() < 0.05
        status = "expired" if missed else "answered"
        surveys.append(
            (emp, day, '["stress", "mood"]', status, sent, sent + timedelta(days=7), None if missed else sent, now)
        )
        if not missed:
            stress = rnd.choice([8, 9, 9, 10]) if stressed and week == 0 else rnd.randint(1, 7)
            mood = max(1, min(5, 2 + week)) if sliding else rnd.randint(3, 5)
            answers.append((emp, day, "stress", stress))
            answers.append((emp, day, "mood", mood))
    return surveys, answers


def copy_rows(runtime: Runtime, table: str, cols: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    raw = runtime.db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if runtime.db.dialect == "postgresql":
            with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:  # type: ignore[attr-defined]
                for row in rows:
                    cp.write_row(row)
        else:
            marks = ", ".join("?" for _ in cols)
            cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
        raw.commit()
    finally:
        raw.close()


def load(runtime: Runtime, employees: int, days: int) -> dict[str, int]:
    """The demo organisation through the real upsert; facts, metrics and pulses bulk-inserted."""
    org = DemoOrg(employees, seed=11, days=days, end=END, calendar=runtime.calendar, tz=runtime.settings.app.timezone)
    with runtime.db.session() as s:
        upsert_employees(s, org.employees(), source="demo")
    with runtime.db.session() as s:
        ids = {u: i for u, i in s.execute(text("SELECT userid, id FROM employees ORDER BY id"))}
    kinds = runtime.calendar.days(org.start, org.end)
    now = datetime.now(UTC)
    counts = {"attendance_days": 0, "metrics": 0, "surveys": 0, "answers": 0}
    for start in range(0, len(org.people), CHUNK):
        facts: list[tuple[Any, ...]] = []
        metrics: list[tuple[Any, ...]] = []
        surveys: list[tuple[Any, ...]] = []
        answers: list[tuple[Any, ...]] = []
        for idx in range(start, min(start + CHUNK, len(org.people))):
            p = org.people[idx]
            emp = ids[p.row.userid]
            facts += day_rows(org, idx, p, emp, kinds, now)
            metrics += metric_rows(org, idx, p, emp, kinds, now)
            sv, an = pulse_rows(org, idx, p, emp, now)
            surveys += sv
            answers += an
        copy_rows(runtime, "attendance_days", AD_COLS, facts)
        copy_rows(runtime, "metrics", ["employee_id", "metric", "day", "value", "source", "updated_at"], metrics)
        cols = [
            "employee_id",
            "scheduled_on",
            "question_keys",
            "status",
            "sent_at",
            "expires_at",
            "answered_at",
            "created_at",
        ]
        copy_rows(runtime, "surveys", cols, surveys)
        counts["attendance_days"] += len(facts)
        counts["metrics"] += len(metrics)
        counts["surveys"] += len(surveys)
        counts["answers"] += len(answers)
        if answers:
            lo = min(a[0] for a in answers)
            with runtime.db.session() as s:
                survey_ids = {
                    (e, d): i
                    for i, e, d in s.execute(
                        select(Survey.id, Survey.employee_id, Survey.scheduled_on).where(Survey.employee_id >= lo)
                    )
                }
            rows = [
                (survey_ids[(e, d)], e, q, "checkin", float(v), d, datetime.combine(d, dtime(3, 0), UTC))
                for e, d, q, v in answers
            ]
            cols = ["survey_id", "employee_id", "question_key", "mode", "value", "answered_on", "answered_at"]
            copy_rows(runtime, "survey_answers", cols, rows)
    with runtime.db.session() as s:  # a few declared life events with consent
        for emp in list(ids.values())[:: max(1, employees // 500)]:
            consent = Consent(employee_id=emp, kind="life_event", granted_at=datetime.combine(END, dtime(1, 0), UTC))
            s.add(consent)
            s.flush()
            s.add(
                LifeEvent(
                    employee_id=emp,
                    consent_id=consent.id,
                    kind="family",
                    declared_on=END,
                    expires_on=END + timedelta(days=30),
                )
            )
    with runtime.db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))  # fresh statistics, as a running database would have
    counts["employees"] = len(org.people)
    return counts


def baseline(runtime: Runtime) -> float:
    """One plain aggregate scan of the facts table."""
    sql = (
        "SELECT employee_id, COUNT(*), SUM(worked_minutes), MAX(last_out_min) FROM attendance_days GROUP BY employee_id"
    )
    start = time.perf_counter()
    with runtime.db.engine.connect() as conn:
        rows = conn.execute(text(sql)).all()
    assert rows
    return time.perf_counter() - start


def clear_tags(runtime: Runtime) -> None:
    with runtime.db.session() as s:
        s.execute(delete(Tag))
        s.execute(delete(EvaluationRun))


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with database(backend, args.postgres) as url, tempfile.TemporaryDirectory(prefix="carebot-bench-") as tmp:
        empty = Path(tmp) / "carebot.toml"
        empty.write_text("")  # built-in defaults, whatever ./carebot.toml says
        clock = FixedClock(datetime.combine(END + timedelta(days=1), dtime(0, 0), UTC))  # 08:00 the next morning
        app = create_app(load_settings(empty, overrides={"database": {"url": url}}, environ={}), clock=clock)
        runtime: Runtime = app.extensions["carebot"]
        t0 = time.perf_counter()
        counts = load(runtime, args.employees, args.days)
        load_s = time.perf_counter() - t0
        print(f"[{backend}] loaded {counts} in {load_s:.0f} s", flush=True)
        # Reminders and other listeners are not part of what is measured here.
        listeners = list(engine._listeners)
        engine._listeners.clear()
        with app.app_context():
            base_s = min(baseline(runtime) for _ in range(3))
            first = evaluate(runtime, END)
            again = evaluate(runtime, END)
            clear_tags(runtime)
            tracemalloc.start()
            evaluate(runtime, END)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            alone_s = None
            if args.per_condition:
                clear_tags(runtime)
                prefill = shared.prefill
                shared.prefill = lambda ctx, rules: None
                try:
                    alone = evaluate(runtime, END)
                finally:
                    shared.prefill = prefill
                assert len(alone.raised) == len(first.raised), "the two paths must raise the same tags"
                alone_s = alone.seconds
            base_after = min(baseline(runtime) for _ in range(3))
        engine._listeners.extend(listeners)
        runtime.db.dispose()
        return {
            "backend": backend,
            "counts": counts,
            "base_s": base_s,
            "base_after_s": base_after,
            "alone_s": alone_s,
            "total_s": first.seconds,
            "rerun_s": again.seconds,
            "rerun_raised": len(again.raised),
            "raised": len(first.raised),
            "errors": first.errors,
            "rules": {rid: (o.seconds, len(o.raised)) for rid, o in first.rules.items()},
            "peak_mb": peak / 1e6,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test", help="admin URL")
    parser.add_argument("--per-condition", action="store_true", help="also time the library without shared scans")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results = [run_backend(b.strip(), args) for b in args.backends.split(",") if b.strip()]
    print(f"\nrule evaluation of {END}: {args.employees:,} employees × {args.days} days")
    for r in results:
        c = r["counts"]
        print(
            f"\n[{r['backend']}] {c['attendance_days']:,} attendance days, {c['metrics']:,} metric values, "
            f"{c['surveys']:,} pulses, {c['answers']:,} answers"
        )
        print(f"  {'rule':<22}{'seconds':>9}{'raised':>9}")
        for rid, (secs, raised) in sorted(r["rules"].items(), key=lambda kv: -kv[1][0]):
            print(f"  {rid:<22}{secs:>9.2f}{raised:>9,}")
        print(f"  {'whole library':<22}{r['total_s']:>9.2f}{r['raised']:>9,}")
        print(f"  re-run (idempotent): {r['rerun_s']:.2f} s, {r['rerun_raised']} raised")
        print(
            f"  baseline scan: {r['base_s']:.2f} s before, {r['base_after_s']:.2f} s after the evaluations"
            f" → library / baseline = {r['total_s'] / r['base_s']:.1f}×, re-run / baseline = "
            f"{r['rerun_s'] / r['base_s']:.1f}×"
        )
        if r["alone_s"] is not None:
            print(
                f"  without shared scans (each condition on its own): {r['alone_s']:.2f} s"
                f" → {r['alone_s'] / r['base_s']:.1f}× the baseline"
            )
        print(f"  peak Python memory during an evaluation: {r['peak_mb']:.0f} MB")
        if r["errors"]:
            print(f"  ERRORS: {r['errors']}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS (includes generating the data): {rss:,.0f} MB")
    print("baseline = SELECT employee_id, COUNT(*), SUM(worked_minutes), MAX(last_out_min)")
    print("           FROM attendance_days GROUP BY employee_id")


if __name__ == "__main__":
    main()
