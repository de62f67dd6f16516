"""The outbox core: idempotent enqueue, drain, retry with backoff, permanent failure."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.errors import PlatformAPIError
from bot.models import OutboxMessage
from bot.pipeline import outbox
from bot.pipeline.platform import Button, Card


def _enqueue(db, key: str, **kw) -> int | None:
    with db.session() as s:
        return outbox.enqueue(s, key=key, recipient="u1", kind="text", payload={"text": "你好"}, platform="fake", **kw)


def test_enqueue_is_idempotent_and_drain_sends_once(runtime, db, fake_platform) -> None:
    assert _enqueue(db, "k1") is not None
    assert _enqueue(db, "k1") is None
    assert outbox.send_pending(runtime) == {"sent": 1, "retry": 0, "failed": 0}
    assert outbox.send_pending(runtime) == {"sent": 0, "retry": 0, "failed": 0}
    assert fake_platform.texts("u1") == ["你好"]


def test_card_round_trip(runtime, db, fake_platform) -> None:
    card = Card("c-1", "提醒", "**正文**", (Button("已跟进", "done", {"id": "1"}, "primary"),))
    with db.session() as s:
        outbox.enqueue(s, key="card-1", recipient="hr", kind="card", payload=outbox.card_payload(card), platform="fake")
    outbox.send_pending(runtime)
    assert fake_platform.sent[0].body["card"] == card


def test_retryable_error_backs_off_then_succeeds(runtime, db, fake_platform, clock) -> None:
    _enqueue(db, "k2")
    fake_platform.fail_with = PlatformAPIError("throttled", code=90002, retryable=True)
    assert outbox.send_pending(runtime)["retry"] == 1
    fake_platform.fail_with = None
    assert outbox.send_pending(runtime)["sent"] == 0  # not due yet
    clock.advance(seconds=31)
    assert outbox.send_pending(runtime)["sent"] == 1
    with db.session() as s:
        row = s.scalar(select(OutboxMessage))
        assert (row.status, row.attempts) == ("sent", 2)


def test_permanent_error_is_not_retried(runtime, db, fake_platform) -> None:
    _enqueue(db, "k3")
    fake_platform.fail_with = PlatformAPIError("invalid user", code=81013, retryable=False)
    assert outbox.send_pending(runtime)["failed"] == 1
    with db.session() as s:
        row = s.scalar(select(OutboxMessage))
        assert row.status == "failed"
        assert "invalid user" in row.last_error


def test_backoff_grows_and_is_capped() -> None:
    import random

    rnd = random.Random(1)
    delays = [outbox.backoff(n, rnd).total_seconds() for n in range(1, 12)]
    assert 15 <= delays[0] <= 30
    assert delays[3] > delays[0]
    assert max(delays) <= 3600
