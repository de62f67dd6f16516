"""Benchmark: the whole built-in rule library over N employees × D days, on SQLite and PostgreSQL.

The organisation (departments, managers, hire dates, probation, birthdays, leavers and each
person's hidden pattern: late nights, late arrivals, weekend work, declining sales, leave) comes
from the demo generator ``bot.ops.demo.company.DemoOrg``; employees go through the real upsert. For speed the
facts the rules read are generated from those patterns and bulk-inserted directly instead of going
through punches → facts: ``attendance_days`` (same in/out logic as ``DemoOrg.punches``, leave
days as on-leave rows, first_in/last_out instants left empty — no rule reads them), ``metrics``
(calls and rejection rate like ``DemoOrg.metrics``) and weekly check-in pulses (stress, mood;
some people sliding, some silent) with a few consented life events.

Per backend it times, on the last day of the period (a Friday):

* ``baseline``: one plain aggregate scan of ``attendance_days`` (GROUP BY employee), five times
  before and five times after the evaluations; the median is the yardstick;
* ``daily``: ``rules.engine.evaluate`` of every enabled rule the day after the previous workday
  was evaluated — what the scheduler does every morning;
* ``first``: the same day as a new installation's first evaluation, which also evaluates the
  previous workday (tags about a situation that already held are raised quiet);
* ``re-run``: the first day again (idempotent: nothing new);
* unless ``--skip-own-path``, the same three with the shared scans (``rules.shared``) switched
  off, so every condition reads its table on its own query, and whether both paths leave the
  same tags with the same evidence (the number of tags that differ, 0 when they agree);
* seconds per rule after the shared scans, and the process's peak RSS.

Evaluation listeners (reminder planning) are switched off: this measures the rules alone.

    .venv/bin/python bench/evaluate.py [--employees 10000] [--days 60] [--full] [--backends sqlite,postgresql]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--skip-own-path]

``--full`` is the issue's size, 100,000 employees × 60 days (minutes to generate and load).
SQLite runs in a temporary file; PostgreSQL in a throw-away database created and dropped here.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def tags(runtime: Runtime) -> list[tuple[Any, ...]]:
    """Every tag as (rule, person, severity, status, quiet, evidence) — what both paths must agree on."""
    with runtime.db.session() as s:
        rows = s.execute(
            select(Tag.rule_id, Tag.employee_id, Tag.severity, Tag.status, Tag.quiet, Tag.raised_on, Tag.evidence)
        ).all()
    return sorted((*r[:-1], json.dumps(r[-1], sort_keys=True, ensure_ascii=False)) for r in rows)


@contextmanager
def own_path() -> Iterator[None]:
    """Every condition on its kind's own queries, as before the shared scans (issue 19)."""
    prefill = shared.prefill
    shared.prefill = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        yield
    finally:
        shared.prefill = prefill  # type: ignore[assignment]


def evaluations(runtime: Runtime, clock: FixedClock) -> dict[str, Any]:
    """First evaluation (a new installation), a re-run, and a daily evaluation (the day before done)."""
    morning = clock.now()
    clear_tags(runtime)
    first = evaluate(runtime, END)
    first_tags = tags(runtime)
    again = evaluate(runtime, END)
    clear_tags(runtime)
    clock.set(morning - timedelta(days=1))
    evaluate(runtime, END - timedelta(days=1))
    clock.set(morning)
    daily = evaluate(runtime, END)
    return {"first": first, "again": again, "daily": daily, "first_tags": first_tags, "daily_tags": tags(runtime)}


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with database(backend, args.postgres) as url, tempfile.TemporaryDirectory(prefix="carebot-bench-") as tmp:
        empty = Path(tmp) / "carebot.toml"
        empty.write_text("")  # built-in defaults, whatever ./carebot.toml says
        clock = FixedClock(datetime.combine(END + timedelta(days=1), dtime(0, 0), UTC))  # 08:00 the next morning
        app = create_app(load_settings(empty, overrides={"database": {"url": url}}, environ={}), clock=clock)
        runtime: Runtime = app.extensions["carebot"]
        t0 = time.perf_counter()
        counts = load(runtime, args.employees, args.days)
        print(f"[{backend}] loaded {counts} in {time.perf_counter() - t0:.0f} s", flush=True)
        # Reminders and other listeners are not part of what is measured here.
        listeners = list(engine._listeners)
        engine._listeners.clear()
        out: dict[str, Any] = {"backend": backend, "counts": counts}
        with app.app_context():
            scans = [baseline(runtime) for _ in range(5)]
            new = evaluations(runtime, clock)
            print(f"[{backend}] shared scans: first {new['first'].seconds:.2f} s", flush=True)
            if not args.skip_own_path:
                with own_path():
                    old = evaluations(runtime, clock)
                print(f"[{backend}] own path: first {old['first'].seconds:.2f} s", flush=True)
                out["old"] = {k: old[k].seconds for k in ("first", "again", "daily")}
                out["same"] = {
                    "first": _differences(old["first_tags"], new["first_tags"]),
                    "daily": _differences(old["daily_tags"], new["daily_tags"]),
                }
            scans += [baseline(runtime) for _ in range(5)]
        engine._listeners.extend(listeners)
        runtime.db.dispose()
        first = new["first"]
        out.update(
            base_s=statistics.median(scans),
            base_range=(min(scans), max(scans)),
            new={k: new[k].seconds for k in ("first", "again", "daily")},
            shared_s={k: new[k].shared_seconds for k in ("first", "daily")},
            raised={k: len(new[k].raised) for k in ("first", "again", "daily")},
            errors=first.errors,
            rules={rid: (o.seconds, len(o.raised)) for rid, o in first.rules.items()},
        )
        return out


def _differences(old: list[Any], new: list[Any]) -> int:
    """How many tags differ between the two paths (0: the same tags with the same evidence)."""
    return len(set(old) ^ set(new))


def _row(label: str, results: list[dict[str, Any]], value: Any) -> None:
    cells = "".join(f"{value(r):>26}" for r in results)
    print(f"  {label:<40}{cells}")


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"\nrule evaluation of {END}: {args.employees:,} employees × {args.days} days (the whole built-in library)")
    for r in results:
        c = r["counts"]
        print(
            f"  [{r['backend']}] {c['attendance_days']:,} attendance days, {c['metrics']:,} metric values, "
            f"{c['surveys']:,} pulses, {c['answers']:,} answers"
        )
    print(f"\n  {'':<40}" + "".join(f"{r['backend']:>26}" for r in results))
    _row(
        "baseline: one aggregate scan (median)",
        results,
        lambda r: f"{r['base_s']:.3f} s ({r['base_range'][0]:.2f}–{r['base_range'][1]:.2f})",
    )
    for key, label in (
        ("daily", "daily evaluation"),
        ("first", "first evaluation (reads the day before)"),
        ("again", "re-run of the same day"),
    ):
        _row(label, results, lambda r, k=key: f"{r['new'][k]:.2f} s = {r['new'][k] / r['base_s']:.1f}×")
        if key in r_keys(results, "old"):
            _row(
                "  before: each condition on its own",
                results,
                lambda r, k=key: f"{r['old'][k]:.2f} s = {r['old'][k] / r['base_s']:.1f}×" if "old" in r else "—",
            )
    _row(
        "  of which shared scans (daily, first)",
        results,
        lambda r: f"{r['shared_s']['daily']:.2f}, {r['shared_s']['first']:.2f} s",
    )
    _row(
        "tags raised (daily, first, re-run)",
        results,
        lambda r: f"{r['raised']['daily']:,}, {r['raised']['first']:,}, {r['raised']['again']}",
    )
    if r_keys(results, "same"):
        _row(
            "tags differing from own path (d, f)",
            results,
            lambda r: f"{r['same']['daily']}, {r['same']['first']}" if "same" in r else "—",
        )
    print("\n  seconds per rule, first evaluation (after the shared scans):")
    for r in results:
        top = sorted(r["rules"].items(), key=lambda kv: -kv[1][0])[:6]
        print(f"  [{r['backend']}] " + ", ".join(f"{rid} {secs:.2f}" for rid, (secs, _n) in top))
        if r["errors"]:
            print(f"  [{r['backend']}] ERRORS: {r['errors']}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS (includes generating the data): {rss:,.0f} MB")
    print("baseline = SELECT employee_id, COUNT(*), SUM(worked_minutes), MAX(last_out_min)")
    print("           FROM attendance_days GROUP BY employee_id   (5 runs before and 5 after the evaluations)")


def r_keys(results: list[dict[str, Any]], key: str) -> set[str]:
    """The evaluation kinds measured under ``key`` in any result."""
    return {k for r in results for k in r.get(key, {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--full", action="store_true", help="the issue's size: 100,000 employees × 60 days")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test", help="admin URL")
    parser.add_argument("--skip-own-path", action="store_true", help="do not time the conditions on their own path")
    args = parser.parse_args()
    if args.full:
        args.employees, args.days = 100_000, 60
    logging.basicConfig(level=logging.WARNING)
    results = [run_backend(b.strip(), args) for b in args.backends.split(",") if b.strip()]
    report(results, args)


if __name__ == "__main__":
    main()
