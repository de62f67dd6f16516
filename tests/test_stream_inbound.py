"""DingTalk Stream frames through the pipeline: the same inbox rows and keys as their HTTP twins, acks after commit."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from app import create_app
from bot.pipeline import inbox
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import AttendancePunch, CardAction, ChatMessage
from bot.pipeline.platform import Card
from bot.platforms.dingtalk.answers import card_update_body
from bot.platforms.dingtalk.stream_frames import (
    TOPIC_CARD,
    TOPIC_EVENTS,
    TOPIC_ROBOT,
    TYPE_CALLBACK,
    TYPE_EVENT,
    TYPE_SYSTEM,
    StreamAck,
    StreamFrame,
)
from tests.conftest import make_settings
from tests.fakes import FakePlatform
from tests.test_webhooks_dingtalk import DINGTALK, assert_success, post_card, post_event, post_robot, sent_card
from tests.test_webhooks_dingtalk import settings_overrides as dingtalk_settings
from tests.webhook_helpers import Recorder, dingtalk_payload, inbox_rows, outbox_rows, recorder

__all__ = ["dingtalk_settings", "recorder", "sent_card"]

settings_overrides = dingtalk_settings
# The event metadata DingTalk moves from the body (HTTP) into the frame headers (Stream).
EVENT_META = {"eventId": "eventId", "EventType": "eventType", "CorpId": "eventCorpId", "EventTime": "eventBornTime"}


def event_frame(payload: dict[str, Any], message_id: str = "msg-event-1") -> StreamFrame:
    """The EVENT frame DingTalk pushes for the event whose HTTP body is ``payload`` (protocols.md §2.6)."""
    headers = {"messageId": message_id, "topic": TOPIC_EVENTS, "contentType": "application/json"}
    headers |= {header: str(payload[name]) for name, header in EVENT_META.items() if name in payload}
    data = {k: v for k, v in payload.items() if k not in EVENT_META and k != "BizId"}
    return StreamFrame(TYPE_EVENT, TOPIC_EVENTS, headers, json.dumps(data, ensure_ascii=False))


def callback_frame(topic: str, payload: dict[str, Any], message_id: str = "msg-callback-1") -> StreamFrame:
    headers = {"messageId": message_id, "topic": topic, "contentType": "application/json"}
    return StreamFrame(TYPE_CALLBACK, topic, headers, json.dumps(payload, ensure_ascii=False))


@pytest.fixture
def handler(runtime: Any) -> Any:
    return runtime.pipeline.stream_handler("dingtalk")


def ack_data(ack: StreamAck | None) -> Any:
    assert ack is not None
    return json.loads(ack.data)


# -- events ---------------------------------------------------------------------------------------
def test_event_frame_is_stored_under_the_http_key_and_acked_success(
    handler: Any, runtime: Any, recorder: Recorder
) -> None:
    recorder.listen(AttendancePunch)
    payload = dingtalk_payload("attendance_check_record")
    ack = handler(event_frame(payload))
    assert ack is not None and (ack.code, ack.message_id) == (200, "msg-event-1")
    assert ack_data(ack)["status"] == "SUCCESS"
    [row] = inbox_rows(runtime)
    # Acked after the commit: the row is there, processed (inline in tests), keyed by eventId.
    assert row.idempotency_key == f"eid:{payload['eventId']}"
    assert (row.event_type, row.status) == (payload["EventType"], "processed")
    assert row.payload["CorpId"] == payload["CorpId"]
    assert [p.userid for p in recorder.of(AttendancePunch)] == ["zhangsan", "lisi"]


@pytest.mark.parametrize("stream_first", [False, True])
def test_event_over_http_and_over_stream_is_stored_and_processed_once(
    client: Any, handler: Any, runtime: Any, recorder: Recorder, stream_first: bool
) -> None:
    recorder.listen(AttendancePunch)
    payload = dingtalk_payload("attendance_check_record")
    if stream_first:
        assert ack_data(handler(event_frame(payload)))["status"] == "SUCCESS"
    assert_success(post_event(client, payload))
    if not stream_first:
        assert ack_data(handler(event_frame(payload)))["status"] == "SUCCESS"  # a duplicate is acked too
    assert len(inbox_rows(runtime)) == 1
    assert len(recorder.of(AttendancePunch)) == 2  # the two punches of one delivery, handled once


def test_redelivered_event_frame_is_one_row(handler: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.listen(AttendancePunch)
    payload = dingtalk_payload("user_leave_org")
    for message_id in ("m-1", "m-2", "m-1"):
        assert ack_data(handler(event_frame(payload, message_id)))["status"] == "SUCCESS"
    assert len(inbox_rows(runtime)) == 1


def test_event_of_another_corp_is_refused(handler: Any, runtime: Any) -> None:
    payload = dingtalk_payload("attendance_check_record") | {"CorpId": "dingsomebodyelse"}
    ack = handler(event_frame(payload))
    assert ack is not None and (ack.code, ack.message) == (403, "CorpId is not ours")
    assert inbox_rows(runtime) == []


def test_event_frame_when_the_store_fails_is_later(
    handler: Any, runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT INTO inbound_events …", {}, Exception("connection refused"))

    monkeypatch.setattr(inbox, "store", unavailable)
    ack = handler(event_frame(dingtalk_payload("attendance_check_record")))
    assert ack_data(ack)["status"] == "LATER"  # DingTalk delivers it again
    assert runtime.pipeline.metrics["dingtalk.stream.events.not_stored"] == 1


@pytest.fixture
def unreachable_app(tmp_path: Path) -> Iterator[Any]:
    """An app whose PostgreSQL refuses connections (a closed loopback port)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/carebot"
    settings = make_settings(
        tmp_path, url, database={"url": url, "connect_timeout_seconds": 1, "pool_timeout_seconds": 1},
        dingtalk=DINGTALK, inbox={"process": "inline"},
    )  # fmt: skip
    app = create_app(settings)
    yield app
    app.extensions["carebot"].db.dispose()


def test_database_unreachable_event_is_later_robot_and_card_are_not_acked_ok(unreachable_app: Any) -> None:
    pipeline = unreachable_app.extensions["carebot"].pipeline
    handler = pipeline.stream_handler("dingtalk")
    assert ack_data(handler(event_frame(dingtalk_payload("attendance_check_record"))))["status"] == "LATER"
    robot = handler(callback_frame(TOPIC_ROBOT, dingtalk_payload("robot_text_single")))
    assert robot is not None and robot.code == 500
    card = handler(callback_frame(TOPIC_CARD, dingtalk_payload("card_callback")))
    assert card is not None and card.code == 500
    # Robot messages are not redelivered by DingTalk: each one lost is counted.
    assert pipeline.metrics["dingtalk.stream.robot.not_stored"] == 1


# -- robot messages -------------------------------------------------------------------------------
def test_robot_frame_is_stored_and_replied_through_the_outbox(
    handler: Any, runtime: Any, recorder: Recorder, fake_platform: FakePlatform
) -> None:
    runtime.platforms["dingtalk"] = fake_platform
    recorder.answer(ChatMessage, lambda e: Reply(text=f"收到：{e.text}"))
    payload = dingtalk_payload("robot_text_single")
    ack = handler(callback_frame(TOPIC_ROBOT, payload))
    assert ack is not None and ack.code == 200 and ack.message_id == "msg-callback-1"
    [row] = inbox_rows(runtime)
    assert row.idempotency_key == f"robot:{payload['msgId']}"
    [reply] = outbox_rows(runtime)
    assert (reply.kind, reply.recipient) == ("reply", "zhangsan")
    assert reply.payload["session_webhook"] == payload["sessionWebhook"]
    assert fake_platform.texts("zhangsan") == ["收到：你好"]  # pushed right away (no answer body on Stream)


def test_robot_message_over_http_and_over_stream_is_handled_once(
    client: Any, handler: Any, runtime: Any, recorder: Recorder
) -> None:
    recorder.listen(ChatMessage)
    payload = dingtalk_payload("robot_text_group")
    assert post_robot(client, payload).status_code == 200
    ack = handler(callback_frame(TOPIC_ROBOT, payload))
    assert ack is not None and ack.code == 200
    assert len(inbox_rows(runtime)) == 1
    assert len(recorder.of(ChatMessage)) == 1


def test_robot_frame_of_another_robot_is_refused(handler: Any, runtime: Any) -> None:
    payload = dingtalk_payload("robot_text_single") | {"robotCode": "dingnotours"}
    ack = handler(callback_frame(TOPIC_ROBOT, payload))
    assert ack is not None and (ack.code, ack.message) == (403, "robotCode is not ours")
    assert inbox_rows(runtime) == []


def test_robot_frame_not_stored_is_counted(handler: Any, runtime: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT INTO inbound_events …", {}, Exception("connection refused"))

    monkeypatch.setattr(inbox, "store", unavailable)
    ack = handler(callback_frame(TOPIC_ROBOT, dingtalk_payload("robot_text_single")))
    assert ack is not None and ack.code == 500
    assert runtime.pipeline.metrics["dingtalk.stream.robot.not_stored"] == 1


# -- card clicks ----------------------------------------------------------------------------------
def test_card_frame_ack_carries_the_card_update(
    handler: Any, runtime: Any, recorder: Recorder, sent_card: Card
) -> None:
    update = {"status_text": "已跟进 ✓"}
    recorder.answer(CardAction, lambda e: Reply(card_update=update))
    ack = handler(callback_frame(TOPIC_CARD, dingtalk_payload("card_callback")))
    assert ack is not None and ack.code == 200
    assert ack_data(ack) == card_update_body(update)
    [click] = recorder.of(CardAction)
    assert (click.userid, click.card_id, click.action) == ("hrbp1", sent_card.card_id, "done")


def test_card_click_over_http_and_over_stream_is_one_row(
    client: Any, handler: Any, runtime: Any, recorder: Recorder, sent_card: Card
) -> None:
    recorder.answer(CardAction, lambda e: Reply(card_update={"status_text": "已跟进 ✓"}))
    assert post_card(client, dingtalk_payload("card_callback")).status_code == 200
    ack = handler(callback_frame(TOPIC_CARD, dingtalk_payload("card_callback")))
    assert ack is not None and ack.code == 200 and ack_data(ack) == {}  # a replay: acked, not handled again
    assert len(inbox_rows(runtime)) == 1
    assert len(recorder.of(CardAction)) == 1


def test_card_frame_for_a_card_never_sent_is_refused(handler: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.listen(CardAction)
    ack = handler(callback_frame(TOPIC_CARD, dingtalk_payload("card_callback")))
    assert ack is not None and (ack.code, ack.message) == (403, "not a card CareBot sent to this user")
    assert inbox_rows(runtime) == [] and recorder.seen == []


def test_malformed_card_frame_is_refused(handler: Any, runtime: Any, sent_card: Card) -> None:
    ack = handler(callback_frame(TOPIC_CARD, dingtalk_payload("card_callback") | {"content": "{broken"}))
    assert ack is not None and (ack.code, ack.message) == (400, "card 'content' is not valid JSON")
    assert inbox_rows(runtime) == []


def test_frames_the_pipeline_does_not_take(handler: Any, runtime: Any) -> None:
    other = callback_frame("/v1.0/graph/api/invoke", {"x": 1})
    ack = handler(other)
    assert ack is not None and ack.code == 404
    system = StreamFrame(TYPE_SYSTEM, "ping", {"messageId": "p"}, "{}")
    assert handler(system).code == 404  # the connector answers SYSTEM frames itself
    assert inbox_rows(runtime) == []


def test_other_platforms_have_no_stream_handler(runtime: Any) -> None:
    with pytest.raises(LookupError):
        runtime.pipeline.stream_handler("wecom")
