"""Outbox delivery: caps paced (not dropped), DingTalk duplicates, retries, and a crash between send and commit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import responses
from responses import matchers
from sqlalchemy import select

from bot.models import OutboxMessage
from bot.pipeline import outbox
from bot.pipeline.platform import Button, Card
from bot.platforms.dingtalk.platform import DingTalkClient, DingTalkPlatform, msg_uuid
from bot.platforms.http import RateLimited
from bot.platforms.wecom.platform import WeComClient, WeComPlatform
from tests.fakes import FakePlatform

NEXT_MORNING = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 2026-11-24 09:00 Asia/Shanghai


@pytest.fixture
def settings_overrides() -> dict:
    return {"outbox": {"dingtalk_per_user_per_day": 3, "wecom_per_member_per_hour": 40}}


@pytest.fixture
def dingtalk(runtime) -> FakePlatform:
    fake = FakePlatform(name="dingtalk")
    runtime.platforms["dingtalk"] = fake
    return fake


@pytest.fixture
def wecom(runtime) -> FakePlatform:
    fake = FakePlatform(name="wecom")
    runtime.platforms["wecom"] = fake
    return fake


def put(db, key: str, *, platform: str, recipient: str = "u1", kind: str = "text", payload: dict | None = None) -> int:
    with db.session() as s:
        new_id = outbox.enqueue(
            s,
            key=key,
            recipient=recipient,
            kind=kind,
            payload=payload or {"text": key},
            platform=platform,  # type: ignore[arg-type]
        )
    assert new_id is not None
    return new_id


def rows(db) -> dict[int, OutboxMessage]:
    with db.session() as s:
        return {r.id: r for r in s.scalars(select(OutboxMessage))}


# -- DingTalk ---------------------------------------------------------------------------------------
def test_dingtalk_daily_cap_defers_to_next_morning_without_losing_messages(runtime, db, dingtalk, clock) -> None:
    ids = [put(db, f"m{i}", platform="dingtalk") for i in range(5)]
    other = put(db, "other", platform="dingtalk", recipient="u2")
    counts = outbox.send_pending(runtime)
    assert counts == {"sent": 4, "retry": 0, "failed": 0, "deferred": 2}
    state = rows(db)
    assert [state[i].status for i in ids] == ["sent", "sent", "sent", "pending", "pending"]
    assert state[other].status == "sent"
    for held in ids[3:]:
        assert state[held].next_attempt_at == NEXT_MORNING
        assert state[held].attempts == 0  # pacing never uses up attempts
        assert "DingTalk daily cap" in state[held].last_error

    clock.set(NEXT_MORNING - timedelta(minutes=1))
    assert outbox.send_pending(runtime)["sent"] == 0
    clock.set(NEXT_MORNING)
    assert outbox.send_pending(runtime) == {"sent": 2, "retry": 0, "failed": 0}
    assert dingtalk.texts("u1") == ["m0", "m1", "m2", "m3", "m4"]


def test_identical_content_same_day_is_marked_duplicate_not_sent(runtime, db, dingtalk, clock) -> None:
    first = put(db, "a", platform="dingtalk", payload={"text": "请填写今日脉搏"})
    same = put(db, "b", platform="dingtalk", payload={"text": "请填写今日脉搏"})
    as_markdown = put(db, "c", platform="dingtalk", kind="markdown", payload={"title": "t", "text": "请填写今日脉搏"})
    to_other = put(db, "d", platform="dingtalk", recipient="u2", payload={"text": "请填写今日脉搏"})
    counts = outbox.send_pending(runtime)
    assert counts == {"sent": 3, "retry": 0, "failed": 0, "duplicate": 1}
    state = rows(db)
    assert state[same].status == "duplicate"
    assert state[same].platform_ref == {"duplicate_of": first}
    assert "identical content" in state[same].last_error
    assert {state[i].status for i in (first, as_markdown, to_other)} == {"sent"}

    later = put(db, "e", platform="dingtalk", payload={"text": "请填写今日脉搏"})
    assert outbox.send_pending(runtime).get("duplicate") == 1  # also against messages sent earlier today
    clock.set(NEXT_MORNING)
    tomorrow = put(db, "f", platform="dingtalk", payload={"text": "请填写今日脉搏"})
    assert outbox.send_pending(runtime)["sent"] == 1
    state = rows(db)
    assert (state[later].status, state[tomorrow].status) == ("duplicate", "sent")
    assert [s.body["text"] for s in dingtalk.to("u1") if s.kind == "text"] == ["请填写今日脉搏"] * 2


def test_robot_replies_are_paced_per_conversation(runtime, db, dingtalk, clock) -> None:
    for i in range(22):
        put(
            db,
            f"r{i}",
            platform="dingtalk",
            recipient="cid-1",
            kind="reply",
            payload={"text": f"答{i}", "userid": "u1"},
        )
    put(db, "other-chat", platform="dingtalk", recipient="cid-2", kind="reply", payload={"text": "hi", "userid": "u2"})
    assert outbox.send_pending(runtime) == {"sent": 21, "retry": 0, "failed": 0, "deferred": 2}
    clock.advance(seconds=61)
    assert outbox.send_pending(runtime)["sent"] == 2
    assert len(dingtalk.to("u1")) == 22


# -- WeCom ------------------------------------------------------------------------------------------
def test_wecom_minute_and_hour_caps(runtime, db, wecom, clock) -> None:
    for i in range(45):
        put(db, f"w{i}", platform="wecom")
    assert outbox.send_pending(runtime) == {"sent": 30, "retry": 0, "failed": 0, "deferred": 15}
    deferred = [r for r in rows(db).values() if r.status == "pending"]
    assert {r.next_attempt_at for r in deferred} == {clock.now() + timedelta(seconds=61)}
    clock.advance(seconds=61)
    # 10 more fit the hourly cap of 40 (configured down from 1000 for the test); 5 wait an hour.
    assert outbox.send_pending(runtime) == {"sent": 10, "retry": 0, "failed": 0, "deferred": 5}
    clock.advance(minutes=60)
    assert outbox.send_pending(runtime)["sent"] == 5
    assert len(wecom.to("u1")) == 45


# -- retries and failures ---------------------------------------------------------------------------
def test_throttling_hint_is_respected(runtime, db, dingtalk, clock) -> None:
    msg = put(db, "t", platform="dingtalk")
    dingtalk.fail_with = RateLimited("robot throttled", code=410100, retry_after=600)
    assert outbox.send_pending(runtime)["retry"] == 1
    assert rows(db)[msg].next_attempt_at >= clock.now() + timedelta(seconds=600)


def test_attempts_run_out_into_failed(runtime, db, dingtalk, clock) -> None:
    msg = put(db, "x", platform="dingtalk")
    dingtalk.fail_with = ConnectionError("reset")
    for _ in range(7):
        assert outbox.send_pending(runtime)["retry"] == 1
        clock.advance(hours=2)
    assert outbox.send_pending(runtime)["failed"] == 1
    row = rows(db)[msg]
    assert (row.status, row.attempts) == ("failed", 8)
    assert "ConnectionError" in row.last_error

    dingtalk.fail_with = None
    assert outbox.requeue(runtime, [msg]) == 1
    assert outbox.send_pending(runtime)["sent"] == 1


def test_unconfigured_platform_fails_with_a_clear_error(runtime, db) -> None:
    msg = put(db, "n", platform="wecom")
    assert outbox.send_pending(runtime)["failed"] == 1
    assert "platform 'wecom' is not configured" in rows(db)[msg].last_error


def test_enqueue_uses_the_runtime_clock(app, runtime, db, dingtalk, clock) -> None:
    clock.set(datetime(2026, 10, 10, 1, 0, tzinfo=UTC))  # a 调休 Saturday, before the real time
    with app.app_context():
        msg = put(db, "past", platform="dingtalk")
    assert rows(db)[msg].next_attempt_at == clock.now()
    assert outbox.send_pending(runtime)["sent"] == 1


def test_drain_sends_batch_after_batch(runtime, db, wecom, monkeypatch) -> None:
    for i in range(7):
        put(db, f"b{i}", platform="wecom", recipient=f"u{i}")
    calls = []
    real = outbox.send_pending
    monkeypatch.setattr(outbox, "send_pending", lambda rt, limit=None: calls.append(1) or real(rt, 3))
    assert outbox.drain(runtime)["sent"] == 7
    assert len(calls) == 4  # 3 + 3 + 1, then an empty round


# -- a crash between the platform call and the commit -----------------------------------------------
def has_field(*path: str, value: object):
    """A ``responses`` matcher: the JSON body has ``value`` at ``path``."""

    def match(request) -> tuple[bool, str]:
        node = json.loads(request.body or b"{}")
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        return node == value, f"{'.'.join(path)} is {node!r}, not {value!r}"

    return match


class Crash(BaseException):
    """Stands for the process dying: nothing after the platform call is recorded."""


def crash_after_send(monkeypatch) -> None:
    def die(*_args, **_kwargs) -> None:
        raise Crash

    monkeypatch.setattr(outbox, "_mark_sent", die)


def test_crash_after_send_resends_with_the_same_dedupe_keys_on_wecom(runtime, db, clock, monkeypatch) -> None:
    base = "https://wecom.test"
    runtime.platforms["wecom"] = WeComPlatform(
        WeComClient(corp_id="corp", secret="s", agent_id="1000002", clock=clock, api_base=base)
    )
    card = Card("rem-7-u1", "关怀提醒", "张三", (Button("已跟进", "done", {"id": "7"}),))
    send_url = f"{base}/cgi-bin/message/send"
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.get(f"{base}/cgi-bin/gettoken", json={"errcode": 0, "access_token": "t", "expires_in": 7200})
        text_body = matchers.json_params_matcher(
            {"text": {"content": "提醒"}, "enable_duplicate_check": 1, "duplicate_check_interval": 14400},
            strict_match=False,
        )
        card_body = has_field("template_card", "task_id", value="rem-7-u1")
        # Before and after the crash the requests carry the same dedupe keys. WeCom drops the repeated
        # text (enable_duplicate_check, 4 h) and refuses a second card with the task_id (42014).
        rsps.post(send_url, json={"errcode": 0, "msgid": "m1"}, match=[text_body])
        rsps.post(send_url, json={"errcode": 0, "msgid": "m1"}, match=[text_body])
        rsps.post(send_url, json={"errcode": 0, "msgid": "m2", "response_code": "rc"}, match=[card_body])
        rsps.post(send_url, json={"errcode": 42014, "errmsg": "taskid has existed"}, match=[card_body])
        for key, kind, payload in (("text", "text", {"text": "提醒"}), ("card", "card", outbox.card_payload(card))):
            msg = put(db, key, platform="wecom", kind=kind, payload=payload)
            crash_after_send(monkeypatch)
            with pytest.raises(Crash):
                outbox.send_pending(runtime)
            monkeypatch.undo()
            assert outbox.send_pending(runtime) == {"sent": 0, "retry": 0, "failed": 0}  # "sending": not yet stale
            clock.advance(minutes=11)
            assert outbox.send_pending(runtime) == {"sent": 1, "retry": 0, "failed": 0}
            assert rows(db)[msg].status == "sent"
    assert rows(db)[msg].platform_ref["already_sent"] is True


def test_crash_after_send_resends_with_the_same_dedupe_keys_on_dingtalk(runtime, db, clock, monkeypatch) -> None:
    api, oapi = "https://dt-api.test", "https://dt-oapi.test"
    client = DingTalkClient(app_key="k", app_secret="s", agent_id="1", clock=clock, api_base=api, oapi_base=oapi)
    runtime.platforms["dingtalk"] = DingTalkPlatform(client, clock=clock, robot_code="r", card_template_id="tpl")
    hook = f"{oapi}/robot/sendBySession?session=s1"
    expires = (clock.now() + timedelta(minutes=80)).isoformat()
    card = Card("rem-8-u1", "关怀提醒", "李四", (Button("已跟进", "done"),))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.post(f"{api}/v1.0/oauth2/accessToken", json={"accessToken": "t", "expireIn": 7200})
        card_body = matchers.json_params_matcher({"outTrackId": "rem-8-u1"}, strict_match=False)
        hook_body = matchers.json_params_matcher({"msgUuid": msg_uuid("reply-key")}, strict_match=False)
        for _ in range(2):  # before and after the crash: the same msgUuid / outTrackId both times
            rsps.post(hook, json={"errcode": 0}, match=[hook_body])
            rsps.post(
                f"{api}/v1.0/card/instances/createAndDeliver", json={"success": True, "result": {}}, match=[card_body]
            )
        for key, kind, payload in (
            (
                "reply-key",
                "reply",
                {"text": "好的", "userid": "u1", "session_webhook": hook, "session_webhook_expires_at": expires},
            ),
            ("card-key", "card", outbox.card_payload(card)),
        ):
            msg = put(db, key, platform="dingtalk", recipient="u1", kind=kind, payload=payload)
            crash_after_send(monkeypatch)
            with pytest.raises(Crash):
                outbox.send_pending(runtime)
            monkeypatch.undo()
            assert rows(db)[msg].status == "sending"
            clock.advance(minutes=11)
            assert outbox.send_pending(runtime) == {"sent": 1, "retry": 0, "failed": 0}
            assert rows(db)[msg].status == "sent"


# -- concurrency and the scheduler job --------------------------------------------------------------
def test_concurrent_drains_send_each_message_once(runtime, db, wecom) -> None:
    import threading

    for i in range(60):
        put(db, f"c{i}", platform="wecom", recipient=f"u{i}")
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(20):
                outbox.send_pending(runtime, 7)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    outbox.drain(runtime)  # whatever a thread skipped while another held the lock
    assert sorted(s.userid for s in wecom.sent) == sorted(f"u{i}" for i in range(60))
    assert {r.status for r in rows(db).values()} == {"sent"}


def test_scheduler_job_drains_the_outbox(runtime, db, wecom) -> None:
    from bot.pipeline.outbox_jobs import drain_outbox
    from bot.pipeline.scheduler import registered_jobs

    spec = registered_jobs()["outbox.drain"]
    assert spec.trigger == "interval"
    assert spec.trigger_args["seconds"](runtime.settings) == runtime.settings.outbox.drain_seconds
    put(db, "j", platform="wecom")
    drain_outbox(runtime)
    assert wecom.texts("u1") == ["j"]
