"""Benchmark: pulse dispatch and reminder delivery for a large organisation, on SQLite and PostgreSQL.

The demo organisation (``bot.ops.demo.company.DemoOrg``, through the real employee upsert) is surveyed for the
first time on a Monday morning, so everyone is due. Per backend it times:

* ``surveys plan``: ``bot.surveys.dispatch.plan`` — cadence, leave check, per-person rotation and
  one survey row per person — against a baseline that bulk-inserts the same number of survey rows
  (``INSERT … VALUES`` in batches, no logic): the floor for writing them at all;
* ``surveys send``: ``send_planned`` — the first question of every pulse rendered and queued in the
  outbox with its delivery record — against a bulk insert of as many outbox rows;
* ``reminders``: ``plan`` + ``deliver_in`` for tags on a share of the employees (half high
  severity → individual cards, half low → one digest per HR person), caps applied — against a bulk
  insert of as many reminder rows.

    .venv/bin/python bench/reminders_surveys.py [--employees 20000] [--tag-share 0.05]
        [--backends sqlite,postgresql] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Nothing is sent to a platform: the outbox is where these steps end. Loading data is not timed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, insert, select

from app import create_app
from bench.benchdb import database
from bot.core.chunks import chunked
from bot.core.clock import FixedClock
from bot.core.config import load_settings
from bot.core.runtime import Runtime
from bot.models import Employee, OutboxMessage, Reminder, Survey, SurveyDelivery, Tag
from bot.ops.demo.company import DemoOrg
from bot.people.directory import upsert_employees
from bot.reminders.delivery import deliver_in
from bot.reminders.planner import plan as plan_reminders
from bot.surveys.bank import seed_questions
from bot.surveys.dispatch import SEND_BATCH, send_planned
from bot.surveys.dispatch import plan as plan_surveys

DAY = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai: send window open, digest due
EVIDENCE = {"kind": "birthday", "birthday": "11-24", "date": "2026-11-24", "days_until": 1}


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def bulk(runtime: Runtime, table: Any, rows: list[dict[str, Any]]) -> None:
    with runtime.db.session() as s:
        for batch in chunked(rows, 5000):
            s.execute(insert(table), list(batch))


def ids(runtime: Runtime) -> list[int]:
    with runtime.db.session() as s:
        return list(s.scalars(select(Employee.id).where(Employee.status == "active").order_by(Employee.id)))


def clear(runtime: Runtime, *tables: Any) -> None:
    with runtime.db.session() as s:
        for table in tables:
            s.execute(delete(table))


def surveys(runtime: Runtime) -> dict[str, float]:
    employees = ids(runtime)
    with runtime.db.session() as s:
        seed_questions(s)
    base_plan, _ = timed(
        lambda: bulk(
            runtime,
            Survey,
            [
                {
                    "employee_id": e,
                    "scheduled_on": DAY,
                    "question_keys": ["mood", "stress", "comment"],
                    "status": "pending",
                    "created_at": NOW,
                }
                for e in employees
            ],
        )
    )
    clear(runtime, Survey)

    def do_plan() -> int:
        with runtime.db.session() as s:
            return plan_surveys(runtime, s, DAY)

    plan_s, planned = timed(do_plan)
    base_send, _ = timed(
        lambda: bulk(
            runtime,
            OutboxMessage,
            [
                {
                    "idempotency_key": f"bench:{e}",
                    "platform": "local",
                    "recipient": str(e),
                    "kind": "markdown",
                    "payload": {"title": "关怀小问卷", "text": "第 1/2 题"},
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": NOW,
                    "created_at": NOW,
                }
                for e in employees
            ],
        )
    )
    clear(runtime, OutboxMessage)

    def do_send() -> int:
        total, last = 0, 0
        while last is not None:  # in batches, as dispatch() does
            with runtime.db.session() as s:
                sent, last = send_planned(runtime, s, NOW, after_id=last, limit=SEND_BATCH)
            total += sent
        return total

    send_s, sent = timed(do_send)
    with runtime.db.session() as s:
        deliveries = s.scalar(select(func.count()).select_from(SurveyDelivery)) or 0
    return {
        "planned": planned,
        "sent": sent,
        "deliveries": deliveries,
        "plan_s": plan_s,
        "base_plan_s": base_plan,
        "send_s": send_s,
        "base_send_s": base_send,
    }


def reminders(runtime: Runtime, share: float) -> dict[str, float]:
    employees = ids(runtime)
    step = max(1, round(1 / share))
    tagged = employees[::step]
    rows = [
        {
            "rule_id": "birthday_tomorrow",
            "employee_id": e,
            "severity": "high" if i % 2 else "low",
            "status": "active",
            "raised_on": DAY,
            "last_seen_on": DAY,
            "evidence": EVIDENCE,
            "created_at": NOW,
        }
        for i, e in enumerate(tagged)
    ]
    bulk(runtime, Tag, rows)
    with runtime.db.session() as s:
        tag_ids = list(s.scalars(select(Tag.id)))
        recipient = s.scalar(select(Employee.id).where(Employee.is_hr.is_(True))) or employees[0]
    base_s, _ = timed(
        lambda: bulk(
            runtime,
            Reminder,
            [
                {
                    "tag_id": t,
                    "recipient_id": recipient,
                    "role": "hrbp",
                    "status": "open",
                    "delivery": "digest",
                    "due_at": NOW,
                    "created_at": NOW,
                }
                for t in tag_ids
            ],
        )
    )
    clear(runtime, Reminder)

    def do_plan() -> Any:
        with runtime.db.session() as s:
            return plan_reminders(runtime, s)

    def do_deliver() -> Any:
        with runtime.db.session() as s:
            return deliver_in(runtime, s, NOW)

    plan_s, planned = timed(do_plan)
    deliver_s, delivered = timed(do_deliver)
    return {
        "tags": len(tag_ids),
        "reminders": planned.reminders,
        "plan_s": plan_s,
        "deliver_s": deliver_s,
        "base_s": base_s,
        "cards": delivered.sent,
        "digests": delivered.digests,
        "digest_items": delivered.digest_items,
        "capped": delivered.capped,
        "waiting": delivered.waiting,
    }


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with database(backend, args.postgres) as url:
        empty = Path(tempfile.mkdtemp(prefix="carebot-bench-")) / "carebot.toml"
        empty.write_text("")  # built-in defaults, whatever ./carebot.toml says
        app = create_app(load_settings(empty, overrides={"database": {"url": url}}, environ={}), clock=FixedClock(NOW))
        runtime: Runtime = app.extensions["carebot"]
        org = DemoOrg(
            args.employees, seed=5, days=1, end=DAY, calendar=runtime.calendar, tz=runtime.settings.app.timezone
        )
        with runtime.db.session() as s:
            upsert_employees(s, org.employees(), source="demo")
        with app.app_context():
            s_result = surveys(runtime)
            r_result = reminders(runtime, args.tag_share)
        runtime.db.dispose()
        return {"backend": backend, "surveys": s_result, "reminders": r_result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--tag-share", type=float, default=0.05)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test", help="admin URL")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"pulse dispatch and reminder delivery on {DAY} (Monday 10:30): {args.employees:,} employees")
    for backend in (b.strip() for b in args.backends.split(",") if b.strip()):
        r = run_backend(backend, args)
        s, m = r["surveys"], r["reminders"]
        print(f"\n[{backend}]")
        print(
            f"  surveys plan   {s['plan_s']:7.2f} s for {s['planned']:,} pulses "
            f"({s['planned'] / s['plan_s']:,.0f}/s); baseline bulk insert {s['base_plan_s']:.2f} s "
            f"→ {s['plan_s'] / s['base_plan_s']:.1f}×"
        )
        print(
            f"  surveys send   {s['send_s']:7.2f} s for {s['sent']:,} first questions queued "
            f"({s['sent'] / s['send_s']:,.0f}/s, {s['deliveries']:,} delivery rows); baseline outbox insert "
            f"{s['base_send_s']:.2f} s → {s['send_s'] / s['base_send_s']:.1f}×"
        )
        print(
            f"  reminders plan {m['plan_s']:7.2f} s for {m['reminders']:,} reminders of {m['tags']:,} tags; "
            f"deliver {m['deliver_s']:.2f} s ({m['cards']:,} cards, {m['digests']:,} digests with "
            f"{m['digest_items']:,} items, {m['waiting']:,} waiting for the per-HR cap, {m['capped']:,} capped)"
        )
        print(
            f"                 plan + deliver {m['plan_s'] + m['deliver_s']:.2f} s; baseline reminder insert "
            f"{m['base_s']:.2f} s → {(m['plan_s'] + m['deliver_s']) / m['base_s']:.1f}×"
        )


if __name__ == "__main__":
    main()
