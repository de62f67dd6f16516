"""Bad days: poison callbacks, long idempotency keys, claims after a crash, and a deposed scheduler."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select, update

from bot.models import InboundEvent, Lease, OutboxMessage
from bot.pipeline import inbox, outbox, outbox_claims
from bot.pipeline.payloads import MAX_DEPTH, bounded_key, nesting_depth, storable
from bot.pipeline.scheduler import Leader, current_leader
from tests.fakes import FakePlatform
from tests.test_webhooks_dingtalk import assert_success, post_event
from tests.test_webhooks_dingtalk import settings_overrides as dingtalk_settings
from tests.webhook_helpers import inbox_rows

settings_overrides = dingtalk_settings


def _deep(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


# -- poison callbacks ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "stored"),
    [("打卡\u0000备注", "打卡\ufffd备注"), ("lone \ud800 surrogate", "lone \ufffd surrogate")],
)
def test_signed_event_the_database_cannot_store_as_is_is_sanitised_kept_and_acknowledged(
    client: Any, runtime: Any, text: str, stored: str
) -> None:
    event = {"EventType": "carebot_test_poison", "eventId": "poison-1", "note": text}
    body = json.dumps(event)  # \u0000 and \ud800 escaped, as a JSON sender writes them
    response = post_event(client, body)
    assert_success(response)
    (row,) = inbox_rows(runtime)
    assert row.payload["note"] == stored
    assert row.raw_payload is not None
    assert json.loads(row.raw_payload)["note"] == text  # the original, byte for byte recoverable
    # The platform re-sends it: still one row, still acknowledged.
    assert_success(post_event(client, body))
    assert len(inbox_rows(runtime)) == 1


def test_signed_event_nested_too_deep_is_kept_as_bytes_and_acknowledged(client: Any, runtime: Any) -> None:
    body = _deep(2000)
    assert_success(post_event(client, body))
    (row,) = inbox_rows(runtime)
    assert row.event_type == "unparseable"
    assert row.raw_payload == body.encode()
    assert_success(post_event(client, body))  # a re-delivery is the same row
    assert len(inbox_rows(runtime)) == 1


def test_unsigned_deep_body_is_400_without_a_traceback(
    client: Any, runtime: Any, caplog: pytest.LogCaptureFixture
) -> None:
    params = {"msg_signature": "x" * 40, "timestamp": "1", "nonce": "n"}
    with caplog.at_level(logging.INFO):
        response = client.post(
            "/callbacks/dingtalk/events?" + urlencode(params), data=_deep(100_000), content_type="application/json"
        )
    assert response.status_code == 400
    assert "deeper" in response.get_data(as_text=True)
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)
    assert inbox_rows(runtime) == []


def test_nesting_is_measured_outside_strings() -> None:
    assert nesting_depth('{"a": "[[[[{{{{", "b": [1, {"c": 2}]}') == 3
    assert nesting_depth(r'{"a": "\"[[[["}') == 1
    assert nesting_depth(_deep(MAX_DEPTH + 10)) > MAX_DEPTH


def test_storable_leaves_clean_payloads_alone() -> None:
    payload = {"a": ["ok", {"b": "打卡"}]}
    assert storable(payload) == (payload, None)


# -- long idempotency keys -------------------------------------------------------------------------
def test_long_keys_that_share_a_prefix_are_two_events_not_a_replay(runtime: Any) -> None:
    first, second = "e" * 300 + "-1", "e" * 300 + "-2"
    with runtime.db.session() as s:
        a, created_a = inbox.store(s, "dingtalk", first, "x", {})
        b, created_b = inbox.store(s, "dingtalk", second, "x", {})
        again, created_again = inbox.store(s, "dingtalk", first, "x", {})
    assert created_a and created_b and a != b
    assert (again, created_again) == (a, False)
    assert len(bounded_key(first)) == 255 and bounded_key(first) != bounded_key(second)
    assert bounded_key("short") == "short"


def test_long_outbox_keys_do_not_collide(runtime: Any) -> None:
    with runtime.db.session() as s:
        ids = [
            outbox.enqueue(s, key=key, recipient="u1", kind="text", payload={"text": "x"}, platform="local")
            for key in ("k" * 300 + "1", "k" * 300 + "2")
        ]
    assert None not in ids and ids[0] != ids[1]


# -- claims ------------------------------------------------------------------------------------------
def test_a_stuck_event_is_judged_from_its_claim_not_its_receipt(runtime: Any, clock: Any) -> None:
    with runtime.db.session() as s:
        event_id, _ = inbox.store(s, "dingtalk", "old-but-just-claimed", "x", {})
    clock.advance(hours=1)
    with runtime.db.session() as s:
        assert inbox._claim(s, event_id)
    assert inbox.reclaim_stuck(runtime, timedelta(minutes=15)) == 0  # received an hour ago, claimed now
    clock.advance(minutes=16)
    assert inbox.reclaim_stuck(runtime, timedelta(minutes=15)) == 1


def _put(runtime: Any, n: int) -> list[int]:
    with runtime.db.session() as s:
        return [
            outbox.enqueue(s, key=f"m{i}", recipient=f"u{i}", kind="text", payload={"text": f"m{i}"}, platform="fake")
            for i in range(n)
        ]  # type: ignore[misc]


def _statuses(runtime: Any) -> dict[int, str]:
    with runtime.db.session() as s:
        return {row_id: status for row_id, status in s.execute(select(OutboxMessage.id, OutboxMessage.status))}


def test_a_killed_workers_claimed_batch_is_retried_within_minutes(runtime: Any, clock: Any) -> None:
    fake = FakePlatform(name="fake")
    runtime.platforms["fake"] = fake
    ids = _put(runtime, 5)
    outbox_claims.claim(runtime, 5, {})  # claimed, then the process dies before sending
    assert set(_statuses(runtime).values()) == {"sending"}
    clock.advance(seconds=outbox_claims.CLAIM_SECONDS - 1)
    assert outbox.send_pending(runtime)["sent"] == 0
    clock.advance(seconds=2)
    assert outbox.send_pending(runtime)["sent"] == 5
    assert sorted(m.userid for m in fake.sent) == sorted(f"u{i}" for i in range(5))
    assert set(_statuses(runtime)) == set(ids)


def test_a_deposed_leader_stops_sending_at_once_and_hands_the_rest_back(runtime: Any, clock: Any) -> None:
    fake = FakePlatform(name="fake")
    runtime.platforms["fake"] = fake
    _put(runtime, 4)
    old, new = Leader(runtime, holder="old"), Leader(runtime, holder="new")
    assert old.try_acquire()
    first_generation = old.generation

    sent_by_old: list[str] = []
    real_send = fake.send_text

    def send_then_freeze(recipient: str, text: str) -> Any:
        result = real_send(recipient, text)
        sent_by_old.append(recipient)
        if len(sent_by_old) == 1:
            # The old leader freezes past its lease right after its first send; another takes over.
            clock.advance(seconds=120)
            assert new.try_acquire()
        return result

    fake.send_text = send_then_freeze  # type: ignore[method-assign]
    token = current_leader.set(old)
    try:
        counts = outbox.send_pending(runtime)
    finally:
        current_leader.reset(token)
    assert counts["sent"] == 1 and counts["released"] == 3
    assert new.generation == (first_generation or 0) + 1
    fake.send_text = real_send  # type: ignore[method-assign]

    token = current_leader.set(new)
    try:
        assert outbox.send_pending(runtime)["sent"] == 3
    finally:
        current_leader.reset(token)
    recipients = [m.userid for m in fake.sent]
    assert sorted(recipients) == ["u0", "u1", "u2", "u3"]  # each exactly once
    with runtime.db.session() as s:
        assert s.scalar(select(OutboxMessage.attempts).where(OutboxMessage.recipient == "u1")) == 1


def test_lease_generation_grows_only_when_the_lease_changes_hands(runtime: Any, clock: Any) -> None:
    a, b = Leader(runtime, holder="a"), Leader(runtime, holder="b")
    assert a.try_acquire() and a.try_acquire()
    generation = a.generation
    assert not b.try_acquire() and b.generation is None
    a.release()
    assert b.try_acquire() and b.generation == (generation or 0) + 1
    assert not a.try_acquire()  # a released (stopping) leader never takes the lease back
    with runtime.db.session() as s:
        s.execute(update(Lease).values(expires_at=clock.now() - timedelta(seconds=1)))
    restarted = Leader(runtime, holder="a")
    assert restarted.try_acquire() and restarted.generation == (generation or 0) + 2


def test_inbox_rows_keep_claim_time(runtime: Any, clock: Any) -> None:
    with runtime.db.session() as s:
        event_id, _ = inbox.store(s, "dingtalk", "k", "x", {})
        assert inbox._claim(s, event_id)
    with runtime.db.session() as s:
        row = s.get(InboundEvent, event_id)
        assert row is not None and row.claimed_at == clock.now()
