"""The Stream connector against the loopback fake gateway: tickets, ping, reconnects, acks, restarts."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from bot.core.errors import PlatformAPIError
from bot.platforms.dingtalk.stream.gateway import SUBSCRIPTIONS, open_connection
from bot.platforms.dingtalk.stream_frames import STATUS_LATER, TOPIC_CARD, TOPIC_ROBOT, StreamAck, event_ack
from tests.fakes.dingtalk_stream import FakeStreamGateway
from tests.stream_support import Recorder, RunningConnector, fast_options

ROBOT_BODY = {"msgtype": "text", "text": {"content": " hi"}, "msgId": "msg-1", "conversationType": "1"}


@pytest.fixture
def gateway():
    with FakeStreamGateway() as gw:
        yield gw


def test_open_connection_sends_credentials_and_subscriptions(gateway: FakeStreamGateway) -> None:
    ticket = open_connection(gateway.api_base, gateway.app_key, gateway.app_secret)
    body = gateway.open_requests[0]
    assert body["clientId"] == gateway.app_key and body["clientSecret"] == gateway.app_secret
    assert body["subscriptions"] == list(SUBSCRIPTIONS)
    assert {"type": "CALLBACK", "topic": TOPIC_CARD} in body["subscriptions"]
    assert body["ua"] and body["localIp"]
    assert ticket.url().startswith(gateway.ws_endpoint + "?ticket=")


def test_wrong_secret_is_a_short_error(gateway: FakeStreamGateway) -> None:
    with pytest.raises(PlatformAPIError, match="HTTP 401 invalidClientIdOrSecret") as err:
        open_connection(gateway.api_base, gateway.app_key, "wrong")
    assert "wrong" not in str(err.value)


def test_a_ticket_opens_one_connection_only(gateway: FakeStreamGateway) -> None:
    url = open_connection(gateway.api_base, gateway.app_key, gateway.app_secret).url()

    async def twice() -> None:
        async with connect(url):
            pass
        with pytest.raises(InvalidStatus):
            async with connect(url):
                pass

    asyncio.run(twice())
    assert len(gateway.tickets_refused) == 1


def test_each_connection_uses_a_fresh_ticket(gateway: FakeStreamGateway) -> None:
    with RunningConnector(fast_options(gateway), Recorder()) as run:
        gateway.wait_until(lambda: gateway.live() is not None, what="first connection")
        for _ in range(3):
            gateway.drop()
            gateway.wait_until(lambda: gateway.live() is not None, what="reconnection")
        gateway.wait_until(lambda: run.stats.reconnects == 3, what="three reconnects counted")
    assert len(gateway.tickets_used) == len(set(gateway.tickets_used)) == 4
    assert gateway.tickets_refused == []


def test_ping_is_answered_with_its_data_while_handlers_are_busy(gateway: FakeStreamGateway) -> None:
    gate = threading.Event()
    recorder = Recorder(gate=gate)
    with RunningConnector(fast_options(gateway, max_inflight=2), recorder):
        for n in range(5):  # more than max_inflight: every handler thread is blocked
            gateway.push_event("user_add_org", {"UserId": [f"u{n}"]})
        gateway.wait_until(lambda: recorder.active == 2, what="busy handlers")
        mid = gateway.ping()
        gateway.wait_until(lambda: len(gateway.pongs) == 1, what="pong")
        pong = gateway.pongs[0]
        assert pong["headers"]["messageId"] == mid
        assert pong["code"] == 200
        assert pong["data"] == gateway.pushed[mid]["data"]
        assert gateway.acks == []  # nothing acked while the handlers have not returned
        gate.set()
        gateway.wait_until(lambda: len(gateway.acks) == 5, what="acks")
    assert recorder.max_active == 2


@pytest.mark.parametrize("how", ["drop", "disconnect", "silence"])
def test_reconnects_within_seconds(gateway: FakeStreamGateway, how: str) -> None:
    options = fast_options(gateway, silence_seconds=0.5, ping_timeout_seconds=0.5)
    with RunningConnector(options, Recorder()) as run:
        gateway.wait_until(lambda: gateway.live() is not None, what="first connection")
        first = gateway.live()
        assert first is not None
        {"drop": gateway.drop, "disconnect": gateway.disconnect, "silence": gateway.go_silent}[how]()
        started = time.monotonic()
        gateway.wait_until(lambda: gateway.live() not in (None, first), timeout=5, what="a new connection")
        assert time.monotonic() - started < 5
        second = gateway.live()
        assert second is not None
        if how == "disconnect":
            # The new connection was open before the old one closed: nothing pushed meanwhile is lost.
            assert first.closed_at is None or first.closed_at > second.opened_at
        gateway.push_event("user_add_org", {"UserId": ["u1"]}, event_id="after")
        gateway.wait_until(lambda: "after" in {a.get("eventId") for a in _acked_events(gateway)}, what="ack")
        assert run.stats.reconnects >= 1  # a slow machine may also miss a probe on the new link


def test_frames_on_the_old_connection_are_still_acked_during_handover(gateway: FakeStreamGateway) -> None:
    gateway.disconnect_grace = 2.0
    recorder = Recorder()
    with RunningConnector(fast_options(gateway), recorder):
        gateway.wait_until(lambda: gateway.live() is not None, what="first connection")
        old = gateway.live()
        assert old is not None
        gateway.disconnect()
        gateway.wait_until(lambda: gateway.live() not in (None, old), what="the next connection")
        mid = gateway.push("EVENT", "user_add_org", {"UserId": ["u2"]}, to=old, eventId="late")
        gateway.wait_until(lambda: mid in gateway.acked_ids(), what="ack on the old connection")
        assert any(m.get("headers", {}).get("messageId") == mid for m in old.received)


def test_acks_carry_the_handler_answer(gateway: FakeStreamGateway) -> None:
    with RunningConnector(fast_options(gateway), Recorder()):
        card = gateway.push_card({"outTrackId": "t1", "value": '{"cardPrivateData":{"actionIds":["done"]}}'})
        event = gateway.push_event("user_leave_org", {"UserId": ["u9"]})
        gateway.wait_until(lambda: {card, event} <= set(gateway.acked_ids()), what="acks")
    by_id = {a["headers"]["messageId"]: a for a in gateway.acks}
    assert json.loads(by_id[card]["data"]) == {"cardData": {"cardParamMap": {"status": "done"}}}
    assert json.loads(by_id[event]["data"])["status"] == "SUCCESS"
    assert by_id[event]["headers"]["contentType"] == "application/json"


def test_no_ack_when_the_handler_says_none_or_fails(gateway: FakeStreamGateway) -> None:
    def answer(frame):
        if frame.headers.get("eventId") == "boom":
            raise RuntimeError("database down")
        if frame.topic == TOPIC_ROBOT:
            return None if frame.data and "first" in frame.data else StreamAck(frame.message_id, "{}", code=500)
        return event_ack(frame, STATUS_LATER)

    recorder = Recorder(answer=answer)
    with RunningConnector(fast_options(gateway), recorder) as run:
        later = gateway.push_event("user_add_org", {"UserId": ["u1"]}, event_id="later")
        gateway.push_event("user_add_org", {"UserId": ["u2"]}, event_id="boom")
        gateway.push_robot({**ROBOT_BODY, "msgId": "first"})
        failed_robot = gateway.push_robot({**ROBOT_BODY, "msgId": "second"})
        gateway.wait_until(lambda: run.stats.frames_in == 4 and run.stats.frames_acked == 2, what="frames")
        gateway.wait_until(lambda: run.stats.frame_errors == 1 and run.stats.frames_unacked == 1, what="counts")
        # The connection survives a failing handler.
        ok = gateway.push_card({"outTrackId": "t2"})
        gateway.wait_until(lambda: ok in gateway.acked_ids(), what="card ack")
        assert sorted(gateway.acked_ids()) == sorted([later, failed_robot, ok])
        assert json.loads(_ack(gateway, later)["data"])["status"] == "LATER"
        assert _ack(gateway, failed_robot)["code"] == 500
        assert set(gateway.unacked_events) == {"later", "boom"}  # DingTalk will redeliver both
        assert run.stats.robot_lost == 2  # neither robot message was stored, and neither comes again


def test_nothing_lost_across_a_restart(gateway: FakeStreamGateway) -> None:
    gate = threading.Event()  # never set: the first connector dies with its frames in flight
    stuck = Recorder(gate=gate)
    first = RunningConnector(fast_options(gateway), stuck)
    for n in range(3):
        gateway.push_event("user_add_org", {"UserId": [f"u{n}"]}, event_id=f"e{n}")
    gateway.wait_until(lambda: stuck.active == 3, what="frames in flight")
    gateway.drop()  # the process dies: its socket goes, no ack was sent
    gate.set()
    first.close()
    assert gateway.acks == [] and set(gateway.unacked_events) == {"e0", "e1", "e2"}
    recorder = Recorder()
    with RunningConnector(fast_options(gateway), recorder):
        gateway.wait_until(lambda: not gateway.unacked_events, what="every event acked")
    assert {"e0", "e1", "e2"} <= recorder.event_ids() | stuck.event_ids()


def test_refused_open_backs_off_and_retries(gateway: FakeStreamGateway) -> None:
    gateway.refuse_next_opens = 2
    with RunningConnector(fast_options(gateway), Recorder()):
        gateway.wait_until(lambda: gateway.live() is not None, what="a connection after refusals")
    assert len(gateway.open_requests) >= 3


def _acked_events(gateway: FakeStreamGateway) -> list[dict[str, str]]:
    with gateway.lock:
        return [gateway.pushed[a["headers"]["messageId"]]["headers"] for a in gateway.acks]


def _ack(gateway: FakeStreamGateway, message_id: str) -> dict:
    return next(a for a in gateway.acks if a["headers"]["messageId"] == message_id)


def test_backoff_grows_within_its_bounds_with_jitter_and_resets() -> None:
    from bot.platforms.dingtalk.stream.backoff import Backoff

    top = Backoff(1, 60, rng=lambda: 1.0)  # the largest draw each time
    assert [top.next() for _ in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    top.reset()
    assert top.next() == 1
    bottom = Backoff(1, 60, rng=lambda: 0.0)
    assert {bottom.next() for _ in range(5)} == {1}  # never below the floor
