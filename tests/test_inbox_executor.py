"""Processing after the commit: batch processors, the outbox push, sweep safety net, replies of swept events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from bot.core.db import session_now
from bot.models import InboundEvent
from bot.pipeline import inbox, sent_cards
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import AttendancePunch, CardAction, ChatMessage
from bot.pipeline.inbox_executor import background
from bot.pipeline.inbox_worker import InboxWorker
from bot.pipeline.platform import Button, Card
from tests.fakes import FakePlatform
from tests.production_app import production_app
from tests.test_webhooks_dingtalk import post_card, post_event, post_robot
from tests.webhook_helpers import Recorder, dingtalk_payload, inbox_rows, outbox_rows, recorder

__all__ = ["production_app", "recorder"]



def test_events_are_acknowledged_before_they_are_processed(
    production_app: Callable[..., Flask], recorder: Recorder
) -> None:
    app = production_app()
    runtime = app.extensions["carebot"]
    recorder.listen(AttendancePunch)
    runtime.platforms["dingtalk"] = FakePlatform()
    response = post_event(app.test_client(), dingtalk_payload("attendance_check_record"))
    assert response.status_code == 200  # answered; the web process leaves the processing to a processor
    background(runtime).shutdown(wait=True)
    [row] = inbox_rows(runtime)
    assert (row.status, recorder.of(AttendancePunch)) == ("pending", [])
    InboxWorker(runtime, app).drain_once()  # what `carebot scheduler` / `carebot inbox work` run
    assert inbox_rows(runtime)[0].status == "processed"
    assert len(recorder.of(AttendancePunch)) == 2


def test_chat_messages_are_still_answered_in_the_request(
    production_app: Callable[..., Flask], recorder: Recorder
) -> None:
    app = production_app()
    recorder.answer(ChatMessage, lambda e: Reply(text="你好！"))
    response = post_robot(app.test_client(), dingtalk_payload("robot_text_single"))
    assert response.get_json() == {"msgtype": "text", "text": {"content": "你好！"}}


def test_private_reply_is_pushed_in_the_background(production_app: Callable[..., Flask], recorder: Recorder) -> None:
    app = production_app()
    runtime = app.extensions["carebot"]
    fake = FakePlatform()
    runtime.platforms["dingtalk"] = fake
    recorder.answer(ChatMessage, lambda e: Reply(text="私信内容", private=True))
    post_robot(app.test_client(), dingtalk_payload("robot_text_group"))
    background(runtime).shutdown(wait=True)
    assert fake.texts("manager1") == ["私信内容"]


def test_sweep_reclaims_events_stuck_in_processing(production_app: Callable[..., Flask], recorder: Recorder) -> None:
    app = production_app(stuck_after_minutes=15)
    runtime = app.extensions["carebot"]
    recorder.listen(AttendancePunch)
    with runtime.db.session() as s:
        fresh, _ = inbox.store(
            s, "dingtalk", "eid:fresh", "attendance_check_record", dingtalk_payload("attendance_check_record")
        )
        stuck, _ = inbox.store(
            s, "dingtalk", "eid:stuck", "attendance_check_record", dingtalk_payload("attendance_check_record")
        )
        s.execute(update(InboundEvent).values(status="processing", attempts=1))
        long_ago = session_now(s) - timedelta(minutes=16)
        s.execute(update(InboundEvent).where(InboundEvent.id == stuck).values(received_at=long_ago))
    with app.app_context():
        inbox.process_pending(runtime)
    status = {r.idempotency_key: (r.status, r.attempts) for r in inbox_rows(runtime)}
    # The recent one may still be in a live worker's hands; only the old one is retried.
    assert status == {"eid:fresh": ("processing", 1), "eid:stuck": ("processed", 2)}
    assert fresh != stuck


def test_swept_robot_message_replies_through_the_outbox(
    production_app: Callable[..., Flask], recorder: Recorder
) -> None:
    app = production_app(push_outbox=False)
    runtime = app.extensions["carebot"]
    calls: list[str] = []

    def flaky(event: ChatMessage) -> Reply:
        calls.append(event.text)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return Reply(text="张三：状态正常")

    recorder.answer(ChatMessage, flaky)
    response = post_robot(app.test_client(), dingtalk_payload("robot_text_group"))
    assert response.get_json() == {"msgtype": "empty"}  # the handler failed; nothing to say yet
    assert inbox_rows(runtime)[0].status == "failed"
    with app.app_context():
        inbox.process_pending(runtime)
    [row] = outbox_rows(runtime)
    assert (row.kind, row.recipient) == ("reply", "cidPV0xAbC1dEfG2hIjK3lMnO==")
    assert row.payload["session_webhook"].startswith("https://oapi.dingtalk.com/robot/sendBySession")
    assert (row.payload["text"], row.payload["userid"], row.payload["is_group"]) == ("张三：状态正常", "manager1", True)


def test_swept_card_click_updates_the_card_through_the_outbox(
    production_app: Callable[..., Flask], recorder: Recorder
) -> None:
    app = production_app(push_outbox=False)
    runtime = app.extensions["carebot"]
    calls: list[str] = []

    def flaky(event: CardAction) -> Reply:
        calls.append(event.action)
        if len(calls) == 1:
            raise RuntimeError("lock timeout")
        return Reply(text="已记录", card_update={"status_text": "已跟进 ✓"})

    recorder.answer(CardAction, flaky)
    card = Card("reminder-123-zhangsan", "关怀提醒", "张三", (Button("已跟进", "done", {"reminder_id": "123"}),))
    with runtime.db.session() as s:  # clicks count only on cards CareBot delivered to the clicker
        sent_cards.record(s, "dingtalk", "hrbp1", card, None, runtime.clock.now())
    assert post_card(app.test_client(), dingtalk_payload("card_callback")).get_json() == {}
    with app.app_context():
        inbox.process_pending(runtime)
    update_row, text_row = outbox_rows(runtime)
    assert (update_row.kind, update_row.recipient, update_row.payload["ref"]) == (
        "card_update",
        "hrbp1",
        {"out_track_id": "reminder-123-zhangsan"},
    )
    assert update_row.payload["card"]["status_text"] == "已跟进 ✓"
    assert (text_row.kind, text_row.payload) == ("text", {"text": "已记录"})
