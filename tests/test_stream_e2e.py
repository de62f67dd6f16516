"""Stream end to end: fake gateway → connector → pipeline → inbox; one row per key, acks after the commit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import InboundEvent
from bot.platforms.dingtalk.stream_frames import TOPIC_ROBOT, FrameHandler, StreamAck, StreamFrame
from tests.fakes.dingtalk_stream import FakeStreamGateway
from tests.stream_support import RunningConnector, fast_options
from tests.test_webhooks_dingtalk import CORP_ID, DINGTALK
from tests.webhook_helpers import dingtalk_payload

EVENT_META = ("eventId", "EventType", "CorpId", "EventTime", "BizId")  # in the frame headers, not the data


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {
        "platform": {"default": "dingtalk"},
        "dingtalk": {**DINGTALK, "mode": "stream"},
        "inbox": {"process": "inline"},
    }


@pytest.fixture
def gateway():
    with FakeStreamGateway(app_key=DINGTALK["app_key"], app_secret=DINGTALK["app_secret"], corp_id=CORP_ID) as gw:
        yield gw


@pytest.fixture
def pipeline_handler(runtime: Any, fake_platform: Any) -> FrameHandler:
    handler: FrameHandler = runtime.pipeline.stream_handler("dingtalk")
    return handler


class CommitChecked:
    """Wraps the pipeline's handler: at each ack, is the frame's inbox row already visible to others?"""

    def __init__(self, runtime: Any, handler: FrameHandler) -> None:
        self.runtime, self.handler = runtime, handler
        self.seen_before_ack: list[bool] = []

    def __call__(self, frame: StreamFrame) -> StreamAck | None:
        ack = self.handler(frame)
        key = _key(frame)
        with self.runtime.db.session() as s:  # a separate session: sees only committed rows
            stored = s.scalar(select(InboundEvent.id).where(InboundEvent.idempotency_key == key)) is not None
        self.seen_before_ack.append(stored)
        return ack


def _key(frame: StreamFrame) -> str:
    if frame.topic == TOPIC_ROBOT:
        return f"robot:{json.loads(frame.data)['msgId']}"
    return f"eid:{frame.headers['eventId']}"


def _event_data(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in EVENT_META}


def _rows(runtime: Any) -> list[InboundEvent]:
    with runtime.db.session() as s:
        return list(s.scalars(select(InboundEvent).order_by(InboundEvent.id)))


def test_events_duplicates_and_robot_messages_make_one_row_per_key(
    runtime: Any, gateway: FakeStreamGateway, pipeline_handler: FrameHandler
) -> None:
    punch, leave = dingtalk_payload("attendance_check_record"), dingtalk_payload("user_leave_org")
    robot = dingtalk_payload("robot_text_single")
    checked = CommitChecked(runtime, pipeline_handler)
    with RunningConnector(fast_options(gateway), checked):
        first = gateway.push_event(punch["EventType"], _event_data(punch), event_id=punch["eventId"])
        again = gateway.push_event(punch["EventType"], _event_data(punch), event_id=punch["eventId"])  # duplicate
        other = gateway.push_event(leave["EventType"], _event_data(leave), event_id="leave-1")
        message = gateway.push_robot(robot)
        gateway.wait_until(lambda: {first, again, other, message} <= set(gateway.acked_ids()), what="four acks")
    keys = sorted(r.idempotency_key for r in _rows(runtime))
    assert keys == sorted([f"eid:{punch['eventId']}", "eid:leave-1", f"robot:{robot['msgId']}"])
    assert checked.seen_before_ack == [True] * 4  # every ack went out after its row was committed
    statuses = {a["headers"]["messageId"]: a for a in gateway.acks}
    for mid in (first, again, other):
        assert json.loads(statuses[mid]["data"])["status"] == "SUCCESS"
    assert statuses[message]["code"] == 200
    assert gateway.unacked_events == {}


def test_events_not_stored_are_redelivered_and_stored_after_a_restart(
    runtime: Any, gateway: FakeStreamGateway, pipeline_handler: FrameHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from bot.pipeline import inbox

    punch = dingtalk_payload("attendance_check_record")
    real_store = inbox.store

    def database_down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT INTO inbound_events …", {}, Exception("connection refused"))

    monkeypatch.setattr(inbox, "store", database_down)
    with RunningConnector(fast_options(gateway), pipeline_handler):
        mid = gateway.push_event(punch["EventType"], _event_data(punch), event_id=punch["eventId"])
        gateway.wait_until(lambda: mid in gateway.acked_ids(), what="the LATER ack")
    assert json.loads(gateway.acks[0]["data"])["status"] == "LATER"
    assert _rows(runtime) == [] and punch["eventId"] in gateway.unacked_events

    monkeypatch.setattr(inbox, "store", real_store)  # the database is back; the connector restarts
    with RunningConnector(fast_options(gateway), pipeline_handler):
        gateway.wait_until(lambda: not gateway.unacked_events, what="the redelivered event acked")
    assert [r.idempotency_key for r in _rows(runtime)] == [f"eid:{punch['eventId']}"]
