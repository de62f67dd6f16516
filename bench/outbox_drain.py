"""Benchmark: draining the outbox (claim, pacing, platform call, record) next to a bare send loop.

Both drain the same number of queued messages, in the same database, to an in-process platform that
answers at once, so the ratio shows what the outbox machinery (claim with status guard, pacing
counts, per-message commits) costs per message on this machine. The history of earlier sends that
pacing has to count is pre-filled (``--history`` rows) so the index matters as it would in production.

    .venv/bin/python bench/outbox_drain.py [--messages 3000] [--recipients 300] [--history 50000]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

With ``--postgres`` (an admin URL) the bench creates a throw-away database there and drops it after.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, update

from app import create_app
from bench.benchdb import database
from bot.core.clock import FixedClock
from bot.core.config import load_settings
from bot.models import OutboxMessage
from bot.pipeline import outbox
from bot.pipeline.platform import Card, SendResult

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


class NullPlatform:
    """Accepts everything instantly."""

    name = "wecom"

    def send_text(self, userid: str, text: str) -> SendResult:
        return SendResult(ok=True, ref={"msgid": "m"})

    def send_markdown(self, userid: str, title: str, text: str) -> SendResult:
        return SendResult(ok=True, ref={"msgid": "m"})

    def send_card(self, userid: str, card: Card) -> SendResult:
        return SendResult(ok=True, ref={"task_id": card.card_id})

    def update_card(self, userid: str, card: Card, ref: dict[str, Any]) -> SendResult:
        return SendResult(ok=True, ref={})

    def reply(self, recipient: str, payload: dict[str, Any], *, dedupe_key: str) -> SendResult:
        return SendResult(ok=True, ref={"msgid": "m"})


def fill(runtime: Any, tag: str, n: int, recipients: int, *, sent: bool = False) -> None:
    """Queue ``n`` texts spread over ``recipients`` (or insert them as already sent, for history)."""
    rows = [
        {
            "idempotency_key": f"{tag}:{i}",
            "platform": "wecom",
            "recipient": f"u{i % recipients}",
            "kind": "text",
            "payload": {"text": f"提醒 {i}"},
            "status": "sent" if sent else "pending",
            "attempts": 1 if sent else 0,
            "next_attempt_at": NOW - timedelta(days=2),
            "created_at": NOW - timedelta(days=2),
            "sent_at": NOW - timedelta(days=2) if sent else None,
        }
        for i in range(n)
    ]
    with runtime.db.session() as s:
        for start in range(0, n, 5000):
            s.execute(insert(OutboxMessage), rows[start : start + 5000])


def bare_loop(runtime: Any, platform: NullPlatform) -> int:
    """The baseline: select pending rows, send, mark sent, one commit per message; no pacing, no guard."""
    sent = 0
    while True:
        with runtime.db.session() as s:
            batch = list(s.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending").limit(200)))
            s.expunge_all()
        if not batch:
            return sent
        for msg in batch:
            result = platform.send_text(msg.recipient, msg.payload["text"])
            with runtime.db.session() as s:
                s.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == msg.id)
                    .values(status="sent", sent_at=NOW, platform_ref=result.ref)
                )
            sent += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--recipients", type=int, default=300)
    parser.add_argument("--history", type=int, default=50_000)
    parser.add_argument("--postgres", default=None, help="admin URL; default: a temporary SQLite file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    backend = "postgresql" if args.postgres else "sqlite"
    with tempfile.TemporaryDirectory() as tmp, database(backend, args.postgres) as url:
        empty = Path(tmp) / "empty.toml"
        empty.write_text("")
        # Caps high enough that nothing is deferred: the bench measures cost, not the caps.
        settings = load_settings(
            path=empty,
            environ={},
            overrides={"database": {"url": url}, "outbox": {"wecom_per_member_per_minute": 1000}},
        )
        app = create_app(settings, clock=FixedClock(NOW))
        logging.getLogger().setLevel(logging.WARNING)
        runtime = app.extensions["carebot"]
        platform = NullPlatform()
        runtime.platforms["wecom"] = platform
        fill(runtime, "history", args.history, args.recipients, sent=True)

        fill(runtime, "bare", args.messages, args.recipients)
        t0 = time.perf_counter()
        bare = bare_loop(runtime, platform)
        bare_s = time.perf_counter() - t0

        fill(runtime, "outbox", args.messages, args.recipients)
        t0 = time.perf_counter()
        with app.app_context():
            counts = outbox.drain(runtime, max_rounds=10_000)
        outbox_s = time.perf_counter() - t0
        runtime.db.dispose()

    assert bare == args.messages and counts["sent"] == args.messages, (bare, counts)
    backend = url.split(":", 1)[0]
    print(f"outbox drain bench ({backend}, {args.messages} messages to {args.recipients} recipients, "
          f"{args.history} rows of history)")  # fmt: skip
    print(f"  bare send loop : {bare / bare_s:8.0f} msg/s  ({bare_s * 1000 / bare:.2f} ms/msg)")
    print(f"  outbox.drain   : {counts['sent'] / outbox_s:8.0f} msg/s  ({outbox_s * 1000 / counts['sent']:.2f} ms/msg)")
    print(f"  ratio outbox/bare time: {outbox_s / bare_s:.2f}x")


if __name__ == "__main__":
    main()
