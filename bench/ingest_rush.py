"""Benchmark: the morning rush — punch callbacks acknowledged fast, then processed in batches.

Two parts, each next to a baseline measured in the same run on the same machine (PostgreSQL):

``web``: ``gunicorn -w 4`` (sync workers) serving the real app on a fresh database, next to
``gunicorn -w 4`` serving a bare Flask endpoint that parses the JSON body and answers a small JSON
object. Both get the same encrypted DingTalk ``attendance_check_record`` callbacks from
bench/openloop.py: first closed-loop from ``--clients`` connections (the throughput ceiling), then
open-loop at a fixed offered rate (default 200 req/s for 20 s) with the latency of each request
measured from its due time, and the requests cut (no answer: reset, timeout, a worker killed) or
refused (an answer other than 200 + the encrypted ``success``). A ``carebot inbox work`` process
runs alongside, as the scheduler's processor would in production; the time it still needs after
the last answer, and that every callback ended processed, are reported.

``batch``: a backlog of N punch callbacks already stored in the inbox (each one punch, as DingTalk
sends them; two per employee — morning and evening of one day), processed by one batch processor
(the loop ``carebot scheduler`` runs): punches per second into daily facts and the time to clear
the backlog. Baseline: a plain ``INSERT … SELECT`` of the same punches from the inbox into
``punches`` plus one set-based rebuild of that day's facts — the floor for the same work. The facts
of both are compared row by row. A sample of the old path (one callback, one transaction and one
recompute at a time: ``inbox.process``) is timed too.

    .venv/bin/python bench/ingest_rush.py [--part web|batch|both] [--rate 200] [--seconds 20]
        [--backlog 20000 | --full] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Targets (issue 19): web ≥ 0.25× the bare endpoint's throughput, p99 ≤ 100 ms at 200 req/s, no
request cut; batch ≥ 1,000 punches/s into facts, a 200,000-punch backlog (``--full``) in < 5 min.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text, update

from app import create_app
from bench.benchdb import database
from bench.openloop import Request, Result, offer, saturate
from bot.attendance import facts
from bot.core.config import load_settings
from bot.core.runtime import Runtime
from bot.models import AttendanceDay, InboundEvent, Punch
from bot.people.directory import EmployeeRow, upsert_employees
from bot.pipeline import inbox, inbox_batch
from bot.platforms.crypto import CallbackCrypto

ROOT = Path(__file__).resolve().parent.parent
TOKEN, AES_KEY = "benchToken", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7"
APP_KEY, CORP = "dingbenchappkey", "dingbench"
TZ = ZoneInfo("Asia/Shanghai")
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# -- shared -------------------------------------------------------------------------------------------
def settings_overrides(url: str) -> dict[str, Any]:
    return {
        "app": {"environment": "production", "secret_key": "bench-" + "x" * 40, "timezone": "Asia/Shanghai"},
        "database": {"url": url},
        "platform": {"default": "dingtalk"},
        # Loopback bases: nothing in a benchmark may reach the real platform.
        "dingtalk": {
            "app_key": APP_KEY,
            "app_secret": "bench-secret",
            "agent_id": "1",
            "corp_id": CORP,
            "callback_token": TOKEN,
            "callback_aes_key": AES_KEY,
            "api_base": "http://127.0.0.1:9",
            "oapi_base": "http://127.0.0.1:9",
        },
        "inbox": {"process": "background"},
    }


def write_config(folder: Path, url: str) -> Path:
    """The same settings as a TOML file, for the gunicorn and processor subprocesses."""
    lines: list[str] = []
    for section, values in settings_overrides(url).items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in values.items())
    path = folder / "carebot.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def make_runtime(url: str, folder: Path) -> tuple[Any, Runtime]:
    empty = folder / "empty.toml"
    empty.write_text("")
    app = create_app(load_settings(empty, overrides=settings_overrides(url), environ={}))
    logging.getLogger().setLevel(logging.WARNING)  # create_app configures INFO logging
    return app, app.extensions["carebot"]


def add_employees(runtime: Runtime, n: int) -> list[str]:
    userids = [f"u{i:06d}" for i in range(n)]
    for start in range(0, n, 20_000):
        with runtime.db.session() as s:
            upsert_employees(
                s, [EmployeeRow(userid=u, name=f"员工{u[1:]}") for u in userids[start : start + 20_000]], source="bench"
            )
    return userids


def punch_event(event_id: str, userid: str, at: datetime) -> dict[str, Any]:
    """One punch as DingTalk's event subscription delivers it (current payload generation)."""
    return {
        "EventType": "attendance_check_record",
        "eventId": event_id,
        "CorpId": CORP,
        "dataList": [
            {
                "userId": userid,
                "checkTime": int(at.timestamp() * 1000),
                "bizId": f"biz-{event_id}",
                "corpId": CORP,
                "address": "上海市浦东新区张江高科技园区博云路2号",
                "locationResult": "Normal",
                "locationMethod": "MAP",
                "checkByUser": True,
            }
        ],
    }


def analyze(runtime: Runtime) -> None:
    with runtime.db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))  # fresh statistics, as a running database would have


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# -- web part -----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def gunicorn(
    target: str, port: int, args: argparse.Namespace, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--timeout", "30"]
    if args.threads > 1:
        cmd += ["--worker-class", "gthread", "--threads", str(args.threads)]
    cmd += ["--chdir", str(ROOT), "--log-level", "warning", target]
    return subprocess.Popen(cmd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def callbacks(n: int, userids: list[str], prefix: str) -> list[Request]:
    """``n`` distinct encrypted, signed punch callbacks (query parameters, body), punches this morning."""
    crypto = CallbackCrypto(TOKEN, AES_KEY, [APP_KEY])
    now = datetime.now(UTC)
    morning = now - timedelta(hours=1)
    out: list[Request] = []
    for i in range(n):
        at = morning + timedelta(milliseconds=i * 37)
        event = punch_event(f"{prefix}-{i}", userids[i % len(userids)], at)
        ts = str(int(now.timestamp() * 1000) + i)
        sealed = crypto.seal(json.dumps(event, ensure_ascii=False), timestamp=ts, nonce=f"n{prefix}{i}")
        params = {"msg_signature": sealed.signature, "timestamp": sealed.timestamp, "nonce": sealed.nonce}
        out.append((params, json.dumps({"encrypt": sealed.encrypt}).encode()))
    return out


def success(status: int, body: bytes) -> bool:
    return status == 200 and b'"encrypt"' in body


def bare_ok(status: int, body: bytes) -> bool:
    return status == 200


def line(name: str, r: Result) -> str:
    return (
        f"  {name:<24}{r.throughput:>9.0f} req/s  p50 {r.p50:>8.1f} ms  p99 {r.p99:>8.1f} ms  "
        f"ok {r.ok:>5}/{r.offered:<5} cut {r.cut:>4}  refused {r.refused:>3}"
    )


def inbox_counts(runtime: Runtime) -> dict[str, int]:
    with runtime.db.session() as s:
        return dict(s.execute(select(InboundEvent.status, func.count()).group_by(InboundEvent.status)).all())  # type: ignore[arg-type]


def web_part(args: argparse.Namespace) -> None:
    with database("postgresql", args.postgres) as url:
        folder = Path(tempfile.mkdtemp(prefix="carebot-rush-"))
        app, runtime = make_runtime(url, folder)
        userids = add_employees(runtime, args.employees)
        analyze(runtime)
        env = {**os.environ, "CAREBOT_CONFIG": str(write_config(folder, url)), "PYTHONPATH": str(ROOT)}
        env.pop("CAREBOT_TEST_WALL_CLOCK", None)
        log = folder / "servers.log"
        ours_port, bare_port = free_port(), free_port()
        procs = [
            gunicorn("app:create_app()", ours_port, args, env, log),
            gunicorn("bench.webhook_ingest:bare_app()", bare_port, args, env, log),
        ]
        processor = subprocess.Popen(
            [sys.executable, "-c", "from bot.ops.cli import main; main()", "inbox", "work"],
            env=env,
            cwd=ROOT,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        procs.append(processor)
        try:
            wait_until_up(ours_port, procs[0])
            wait_until_up(bare_port, procs[1])
            ours_url = f"http://127.0.0.1:{ours_port}/callbacks/dingtalk/events"
            bare_url = f"http://127.0.0.1:{bare_port}/bare"
            n_open = int(args.rate * args.seconds)
            warm = callbacks(400, userids, "warm")
            ceiling = callbacks(args.ceiling_requests, userids, "ceil")
            rush = callbacks(n_open, userids, "rush")
            bare_body = [({}, body) for _params, body in rush]
            # Warm every worker (imports, caches, pool) and let the processor catch up before measuring.
            saturate(ours_url, warm, args.clients, success)
            saturate(bare_url, bare_body[:400], args.clients, bare_ok)
            drain_wait(runtime, timeout=120)

            kind = f"gthread, {args.threads} threads" if args.threads > 1 else "sync"
            print(
                f"web: gunicorn -w {args.workers} ({kind}), PostgreSQL, {args.employees:,} employees, "
                f"one `carebot inbox work` processor alongside; load average {load_average()}"
            )
            bare_ceiling = saturate(bare_url, bare_body[: args.ceiling_requests], args.clients, bare_ok)
            ours_ceiling = saturate(ours_url, ceiling, args.clients, success)
            print(f"closed loop, {args.clients} connections, {args.ceiling_requests} requests each:")
            print(line("bare Flask endpoint", bare_ceiling))
            print(line("CareBot DingTalk events", ours_ceiling))
            ratio = ours_ceiling.throughput / bare_ceiling.throughput if bare_ceiling.throughput else float("nan")
            print(f"  throughput ratio CareBot / bare: {ratio:.2f}x (target ≥ 0.25x)")
            drain_wait(runtime, timeout=300)

            print(f"open loop, offered {args.rate:.0f} req/s for {args.seconds:.0f} s ({n_open} requests):")
            bare_open = offer(bare_url, bare_body, args.rate, bare_ok)
            print(line("bare Flask endpoint", bare_open))
            ours_open = offer(ours_url, rush, args.rate, success)
            print(line("CareBot DingTalk events", ours_open))
            waited = drain_wait(runtime, timeout=600)
            counts = inbox_counts(runtime)
            met = ours_open.p99 <= 100 and not ours_open.cut
            print(
                f"  p99 ratio CareBot / bare: {ours_open.p99 / bare_open.p99:.1f}x; "
                f"target p99 ≤ 100 ms, no request cut: {'met' if met else 'NOT met'}"
            )
            print(f"  processing finished {waited:.1f} s after the last answer; inbox: {counts}")
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
            runtime.db.dispose()
            del app


def drain_wait(runtime: Runtime, timeout: float) -> float:
    """Wait until nothing is pending or processing; returns the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        counts = inbox_counts(runtime)
        if not counts.get("pending") and not counts.get("processing"):
            break
        time.sleep(0.1)
    return time.monotonic() - start


# -- batch part ---------------------------------------------------------------------------------------
def store_backlog(runtime: Runtime, userids: list[str], n: int, day: date) -> None:
    """``n`` stored, pending punch callbacks: morning and evening of ``day`` for each employee."""
    received = runtime.clock.now()
    rows: list[dict[str, Any]] = []

    def flush() -> None:
        with runtime.db.session() as s:
            s.execute(insert(InboundEvent), rows)
        rows.clear()

    for i in range(n):
        userid = userids[(i // 2) % len(userids)]
        hour, minute = (8, 0) if i % 2 == 0 else (17, 30)
        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ) + timedelta(seconds=(i * 7) % 5400)
        payload = punch_event(f"backlog-{i}", userid, at)
        rows.append(
            {
                "platform": "dingtalk",
                "idempotency_key": f"eid:backlog-{i}",
                "event_type": "attendance_check_record",
                "payload": payload,
                "status": "pending",
                "attempts": 0,
                "received_at": received,
            }
        )
        if len(rows) >= 10_000:
            flush()
    if rows:
        flush()


def reset(runtime: Runtime) -> None:
    """Empty punches and facts, every callback pending again.

    The planner statistics are taken first, with the day's punches and facts in place: what a
    running database's autovacuum knows. Statistics of empty tables (a database created minutes
    ago) make PostgreSQL scan the whole day's punches for every batch (docs/callbacks.md).
    """
    analyze(runtime)
    with runtime.db.session() as s:
        s.execute(AttendanceDay.__table__.delete())
        s.execute(Punch.__table__.delete())
        s.execute(update(InboundEvent).values(status="pending", attempts=0, claimed_at=None, processed_at=None))


def fact_rows(runtime: Runtime) -> dict[tuple[int, date], tuple[Any, ...]]:
    cols = [c for c in facts.FACT_COLUMNS if c not in ("employee_id", "day", "computed_at")]
    with runtime.db.session() as s:
        rows = s.execute(
            select(AttendanceDay.employee_id, AttendanceDay.day, *[getattr(AttendanceDay, c) for c in cols])
        ).all()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


BASELINE_SQL = """
INSERT INTO punches (userid, employee_id, punched_at, source, check_type, source_ref, received_at)
SELECT item->>'userId', e.id, to_timestamp((item->>'checkTime')::bigint / 1000.0), 'dingtalk', NULL,
       item->>'bizId', now()
FROM inbound_events ie
CROSS JOIN LATERAL jsonb_array_elements(ie.payload->'dataList') AS item
LEFT JOIN employees e ON e.userid = item->>'userId'
WHERE ie.status = 'pending'
ON CONFLICT DO NOTHING
"""


def batch_part(args: argparse.Namespace) -> None:
    n = 200_000 if args.full else args.backlog
    employees = max(1, n // 2)
    with database("postgresql", args.postgres) as url:
        folder = Path(tempfile.mkdtemp(prefix="carebot-rush-"))
        app, runtime = make_runtime(url, folder)
        day = runtime.clock.now().astimezone(TZ).date() - timedelta(days=1)
        t0 = time.perf_counter()
        userids = add_employees(runtime, employees)
        store_backlog(runtime, userids, n, day)
        analyze(runtime)
        print(
            f"batch: {n:,} stored punch callbacks ({employees:,} employees × 2, shift day {day}), PostgreSQL, "
            f"batches of {args.batch_size}; loaded in {time.perf_counter() - t0:.0f} s; load average {load_average()}"
        )

        # Baseline: the same punches into `punches` with one INSERT … SELECT, then one set-based rebuild.
        with app.app_context():
            start = time.perf_counter()
            with runtime.db.engine.begin() as conn:
                conn.execute(text(BASELINE_SQL))
            insert_s = time.perf_counter() - start
            start = time.perf_counter()
            with runtime.db.session() as s:
                facts.rebuild(s, runtime, day, day)
            rebuild_s = time.perf_counter() - start
            expected = fact_rows(runtime)
            reset(runtime)

            # The batch processor, as the scheduler's loop runs it.
            start = time.perf_counter()
            stats = inbox_batch.drain(runtime, batch_size=args.batch_size)
            batch_s = time.perf_counter() - start
            got = fact_rows(runtime)
            counts = inbox_counts(runtime)

            # The old path on a sample: one transaction, one claim and one recompute per callback.
            sample = min(args.sample, n)
            with runtime.db.session() as s:
                ids = list(s.scalars(select(InboundEvent.id).order_by(InboundEvent.id).limit(sample)))
                s.execute(update(InboundEvent).where(InboundEvent.id.in_(ids)).values(status="pending", attempts=0))
            start = time.perf_counter()
            for event_id in ids:
                inbox.process(runtime, event_id)
            single_s = time.perf_counter() - start

        base_s = insert_s + rebuild_s
        print(
            f"  baseline: INSERT…SELECT of the punches {insert_s:6.2f} s + one facts rebuild {rebuild_s:5.2f} s"
            f" = {base_s:6.2f} s  ({n / base_s:8,.0f} punches/s)"
        )
        print(
            f"  batch processor: {batch_s:6.2f} s for {stats.claimed:,} callbacks in {stats.batches} batches"
            f"  ({n / batch_s:8,.0f} punches/s; {batch_s / base_s:.1f}x the baseline's time)"
        )
        print(f"    inbox afterwards: {counts}; facts equal to the baseline's: {got == expected} ({len(got):,} rows)")
        speedup = (n / batch_s) / (sample / single_s)
        print(
            f"  old path (one callback at a time), {sample} callbacks: {single_s:6.2f} s  "
            f"({sample / single_s:8,.0f} punches/s; the batch processor is {speedup:.0f}x faster)"
        )
        target = 200_000 / (n / batch_s)
        print(
            f"  targets: ≥ 1,000 punches/s — {'met' if n / batch_s >= 1000 else 'NOT met'}; "
            f"200,000 backlog < 5 min — {'measured' if n == 200_000 else 'projected'} {target / 60:.1f} min"
        )
        runtime.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("web", "batch", "both"), default="both")
    parser.add_argument("--postgres", default=PG_ADMIN, help="admin URL allowed to create and drop databases")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (>1: gthread)")
    parser.add_argument("--rate", type=float, default=200.0, help="offered requests per second (open loop)")
    parser.add_argument("--seconds", type=float, default=20.0, help="open-loop duration")
    parser.add_argument("--clients", type=int, default=16, help="closed-loop connections (throughput ceiling)")
    parser.add_argument("--ceiling-requests", type=int, default=3000, help="closed-loop requests per endpoint")
    parser.add_argument("--employees", type=int, default=5000, help="employees in the web part's directory")
    parser.add_argument("--backlog", type=int, default=20_000, help="stored punch callbacks in the batch part")
    parser.add_argument("--full", action="store_true", help="a 200,000-punch backlog (the issue's morning rush)")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--sample", type=int, default=300, help="callbacks timed on the old one-by-one path")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.part in ("web", "both"):
        web_part(args)
    if args.part in ("batch", "both"):
        batch_part(args)


if __name__ == "__main__":
    main()
