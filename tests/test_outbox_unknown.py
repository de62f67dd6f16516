"""A send that got no answer: repeated only where the platform drops the repeat, else ``unknown``.

A read timeout (``responses`` raising ``requests.ReadTimeout``), a connection cut after the
request went out, or a sender killed mid-call leave the platform's side unknown: it may have
accepted the message. These tests show the message is never shown twice, that ``unknown`` rows are
left alone by the drain and by ``outbox retry`` unless ``--force`` names them, and that the
platform's own message id is recorded on every successful send.
"""

from __future__ import annotations

import json
import socket
import threading
from typing import Any

import pytest
import requests
import responses
from responses import matchers
from sqlalchemy import update

from bot.models import OutboxMessage
from bot.pipeline import outbox, outbox_claims
from bot.pipeline.platform import Card
from bot.platforms.dingtalk.platform import DingTalkClient, DingTalkPlatform
from bot.platforms.http import may_have_arrived
from bot.platforms.wecom.platform import WeComClient, WeComPlatform
from tests.fakes.dingtalk_api import fake_dingtalk_api

API, OAPI, WECOM = "https://dt-api.test", "https://dt-oapi.test", "https://wecom.test"
NOTICE = f"{OAPI}/topapi/message/corpconversation/asyncsend_v2"
ROBOT = f"{API}/v1.0/robot/oToMessages/batchSend"
CARD = f"{API}/v1.0/card/instances/createAndDeliver"
WECOM_SEND = f"{WECOM}/cgi-bin/message/send"
NO_ANSWER = requests.ReadTimeout("read timed out")  # the request went out, the answer never came


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def dingtalk(runtime: Any, clock: Any) -> DingTalkPlatform:
    client = DingTalkClient(app_key="k", app_secret="s", agent_id="42", clock=clock, api_base=API, oapi_base=OAPI)
    platform = DingTalkPlatform(client, clock=clock, robot_code="dingrobot", card_template_id="tpl.schema")
    runtime.platforms["dingtalk"] = platform
    return platform


@pytest.fixture
def wecom(runtime: Any, clock: Any) -> WeComPlatform:
    platform = WeComPlatform(WeComClient(corp_id="corp", secret="s", agent_id="1000002", clock=clock, api_base=WECOM))
    runtime.platforms["wecom"] = platform
    return platform


def _tokens(rsps: responses.RequestsMock, platform: str = "dingtalk") -> None:
    if platform == "dingtalk":
        rsps.post(f"{API}/v1.0/oauth2/accessToken", json={"accessToken": "tok", "expireIn": 7200})
    else:
        rsps.get(f"{WECOM}/cgi-bin/gettoken", json={"errcode": 0, "access_token": "wtok", "expires_in": 7200})


def _queue(runtime: Any, key: str, kind: str, payload: dict[str, Any], platform: str = "dingtalk") -> int:
    with runtime.db.session() as s:
        msg_id = outbox.enqueue(s, key=key, recipient="u1", kind=kind, payload=payload, platform=platform)  # type: ignore[arg-type]
    assert msg_id is not None
    return msg_id


def _row(runtime: Any, msg_id: int) -> OutboxMessage:
    with runtime.db.session() as s:
        row = s.get(OutboxMessage, msg_id)
        assert row is not None
        s.expunge(row)
        return row


def _calls(rsps: responses.RequestsMock, url: str) -> list[Any]:
    return [c for c in rsps.calls if c.request.url.split("?")[0] == url]


# -- DingTalk --------------------------------------------------------------------------------------
def test_robot_message_accepted_after_the_timeout_is_not_sent_twice(runtime, dingtalk, clock, rsps) -> None:
    _tokens(rsps)
    rsps.post(ROBOT, body=NO_ANSWER)  # DingTalk took it; the answer was lost
    msg = _queue(runtime, "r1", "reply", {"text": "收到", "userid": "u1"})  # no session webhook: robot 1:1
    assert outbox.send_pending(runtime) == {"sent": 0, "retry": 0, "failed": 0, "unknown": 1}
    row = _row(runtime, msg)
    assert row.status == "unknown" and row.unsure_since == clock.now()
    assert "timeout" in row.last_error and "robot 1:1 messages have no dedupe key" in row.last_error
    assert f"carebot outbox retry --force {msg}" in row.last_error
    clock.advance(hours=3)
    assert outbox.drain(runtime) == {"sent": 0, "retry": 0, "failed": 0}  # left alone
    assert len(_calls(rsps, ROBOT)) == 1


def test_work_notice_without_answer_is_repeated_the_same_day_only(runtime, dingtalk, clock, rsps) -> None:
    _tokens(rsps)
    body = {"agent_id": 42, "userid_list": "u1", "msg": {"msgtype": "text", "text": {"content": "生日快乐"}}}
    rsps.post(NOTICE, body=NO_ANSWER, match=[matchers.json_params_matcher(body)])
    rsps.post(NOTICE, json={"errcode": 0, "task_id": 901, "request_id": "r9"},
              match=[matchers.json_params_matcher(body)])  # fmt: skip
    msg = _queue(runtime, "n1", "text", {"text": "生日快乐"})
    assert outbox.send_pending(runtime)["retry"] == 1
    assert _row(runtime, msg).status == "pending"  # DingTalk drops the same content the same day
    clock.set(_row(runtime, msg).next_attempt_at)
    assert outbox.send_pending(runtime)["sent"] == 1
    row = _row(runtime, msg)
    assert row.platform_ref == {
        "via": "work_notice",
        "task_id": 901,
        "request_id": "r9",
        "repeat_after_no_answer": True,
    }
    assert row.unsure_since is None
    assert len(_calls(rsps, NOTICE)) == 2  # identical bodies: DingTalk shows the user one

    # The same failure just before midnight: the repeat would fall on another China day.
    rsps.post(NOTICE, body=NO_ANSWER)
    late = _queue(runtime, "n2", "text", {"text": "晚安"})
    clock.set(clock.now().replace(hour=15, minute=59))  # 23:59 in Shanghai
    assert outbox.send_pending(runtime)["retry"] == 1
    clock.advance(hours=1)
    assert outbox.send_pending(runtime)["unknown"] == 1
    assert "that day is over" in _row(runtime, late).last_error
    assert len(_calls(rsps, NOTICE)) == 3


def test_interactive_card_repeat_reuses_the_out_track_id(runtime, dingtalk, clock, rsps) -> None:
    _tokens(rsps)
    rsps.post(CARD, body=NO_ANSWER)
    result = {
        "outTrackId": "care-7",
        "deliverResults": [{"success": True, "carrierId": "car-1", "spaceType": "IM_ROBOT"}],
    }
    rsps.post(CARD, json={"success": True, "result": result})
    msg = _queue(runtime, "c1", "card", outbox.card_payload(Card("care-7", "关怀提醒", "请关注")))
    assert outbox.send_pending(runtime)["retry"] == 1
    clock.set(_row(runtime, msg).next_attempt_at)
    assert outbox.send_pending(runtime)["sent"] == 1
    first, second = (json.loads(c.request.body) for c in _calls(rsps, CARD))
    assert first["outTrackId"] == second["outTrackId"] == "care-7"  # the same card: DingTalk keeps one
    assert _row(runtime, msg).platform_ref["carrier_id"] == "car-1"


def test_a_refused_connection_sent_nothing_and_is_retried_as_usual(runtime, dingtalk, clock, rsps) -> None:
    _tokens(rsps)
    rsps.post(ROBOT, body=requests.ConnectTimeout("connect timed out"))
    rsps.post(ROBOT, json={"processQueryKey": "pqk-1", "invalidStaffIdList": [], "flowControlledStaffIdList": []})
    msg = _queue(runtime, "r2", "reply", {"text": "好的", "userid": "u1"})
    assert outbox.send_pending(runtime)["retry"] == 1
    assert _row(runtime, msg).unsure_since is None
    clock.set(_row(runtime, msg).next_attempt_at)
    assert outbox.send_pending(runtime)["sent"] == 1
    assert _row(runtime, msg).platform_ref == {"via": "robot", "process_query_key": "pqk-1"}


def test_a_sender_killed_mid_call_leaves_the_doubt_to_the_next_sender(runtime, dingtalk, clock, rsps) -> None:
    _tokens(rsps)
    robot = _queue(runtime, "r3", "reply", {"text": "稍后联系你", "userid": "u1"})
    notice = _queue(runtime, "n3", "text", {"text": "记得填写问卷"})
    # A sender claimed both and renewed its claims (the last write before a platform call), then died.
    for msg in outbox_claims.claim(runtime, 10, {}):
        assert outbox_claims.confirm(runtime, msg)
    rsps.post(NOTICE, json={"errcode": 0, "task_id": 5, "request_id": "r5"})
    clock.advance(seconds=runtime.settings.outbox.claim_seconds + 1)
    assert outbox.send_pending(runtime) == {"sent": 1, "retry": 0, "failed": 0, "unknown": 1}
    assert _row(runtime, robot).status == "unknown" and _calls(rsps, ROBOT) == []
    assert _row(runtime, notice).platform_ref["repeat_after_no_answer"] is True


def test_a_definite_error_after_a_lost_answer_is_unknown_not_failed(runtime, dingtalk, clock, rsps) -> None:
    _tokens(rsps)
    rsps.post(NOTICE, body=NO_ANSWER)
    rsps.post(NOTICE, json={"errcode": 33012, "errmsg": "无效的userid"})
    msg = _queue(runtime, "n4", "text", {"text": "关怀"})
    outbox.send_pending(runtime)
    clock.set(_row(runtime, msg).next_attempt_at)
    assert outbox.send_pending(runtime)["unknown"] == 1  # the first call may still have arrived
    row = _row(runtime, msg)
    assert "33012" in row.last_error and "no try is left" in row.last_error


# -- WeCom -----------------------------------------------------------------------------------------
def test_wecom_text_repeats_inside_the_duplicate_check_and_not_after(runtime, wecom, clock, rsps) -> None:
    _tokens(rsps, "wecom")
    rsps.post(WECOM_SEND, body=NO_ANSWER)
    rsps.post(WECOM_SEND, json={"errcode": 0, "msgid": "wm-1", "invaliduser": ""})
    msg = _queue(runtime, "w1", "text", {"text": "关怀提醒"}, platform="wecom")
    assert outbox.send_pending(runtime)["retry"] == 1
    clock.set(_row(runtime, msg).next_attempt_at)
    assert outbox.send_pending(runtime)["sent"] == 1
    repeat = json.loads(_calls(rsps, WECOM_SEND)[1].request.body)
    assert (repeat["enable_duplicate_check"], repeat["duplicate_check_interval"]) == (1, 14400)
    assert _row(runtime, msg).platform_ref["msgid"] == "wm-1"

    rsps.post(WECOM_SEND, body=NO_ANSWER)
    late = _queue(runtime, "w2", "text", {"text": "周报"}, platform="wecom")
    outbox.send_pending(runtime)
    clock.advance(hours=4)
    assert outbox.send_pending(runtime)["unknown"] == 1
    assert "4 hours" in _row(runtime, late).last_error


def test_attempts_used_up_without_an_answer_end_unknown(runtime, wecom, clock, rsps, monkeypatch) -> None:
    _tokens(rsps, "wecom")
    for _ in range(3):
        rsps.post(WECOM_SEND, body=NO_ANSWER)
    outbox_settings = runtime.settings.outbox.model_copy(update={"max_attempts": 3})
    monkeypatch.setattr(runtime, "settings", runtime.settings.model_copy(update={"outbox": outbox_settings}))
    msg = _queue(runtime, "w3", "markdown", {"title": "提醒", "text": "**请关注**"}, platform="wecom")
    for _ in range(2):
        assert outbox.send_pending(runtime)["retry"] == 1
        clock.set(_row(runtime, msg).next_attempt_at)
    assert outbox.send_pending(runtime)["unknown"] == 1
    assert _row(runtime, msg).status == "unknown"


# -- the command line ------------------------------------------------------------------------------
def _make_unknown(runtime: Any, key: str) -> int:
    msg = _queue(runtime, key, "text", {"text": key}, platform="fake")
    with runtime.db.session() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == msg)
            .values(status="unknown", attempts=1, unsure_since=runtime.clock.now(), last_error="delivery unknown: …")
        )
    return msg


def test_retry_refuses_unknown_messages_without_force(runtime, runner, fake_platform) -> None:
    doubtful = _make_unknown(runtime, "u-1")
    result = runner.invoke(args=["outbox", "retry", str(doubtful)])
    assert result.exit_code == 1
    assert "may already have reached the recipient" in result.output
    assert f"carebot outbox retry --force {doubtful}" in result.output
    assert _row(runtime, doubtful).status == "unknown"
    listed = runner.invoke(args=["outbox", "list", "--status", "unknown"]).output
    assert listed.splitlines()[1].split("\t")[:2] == [str(doubtful), "unknown"]

    result = runner.invoke(args=["outbox", "retry", "--all-failed"])
    assert result.exit_code == 0 and "1 message(s) in 'unknown' were left alone" in result.output
    assert _row(runtime, doubtful).status == "unknown"

    result = runner.invoke(args=["outbox", "retry", "--force", str(doubtful)])
    assert result.exit_code == 0 and "1 message(s) queued again" in result.output
    row = _row(runtime, doubtful)
    assert (row.status, row.attempts, row.unsure_since) == ("pending", 0, None)
    assert outbox.send_pending(runtime)["sent"] == 1
    assert [s.body["text"] for s in fake_platform.sent] == ["u-1"]


def test_a_platform_that_cannot_judge_repeats_gets_unknown(runtime, fake_platform, clock) -> None:
    msg = _queue(runtime, "f1", "text", {"text": "hi"}, platform="fake")
    for claimed in outbox_claims.claim(runtime, 10, {}):
        outbox_claims.confirm(runtime, claimed)
    clock.advance(seconds=runtime.settings.outbox.claim_seconds + 1)
    assert outbox.send_pending(runtime)["unknown"] == 1
    assert "cannot say whether it would drop a repeat" in _row(runtime, msg).last_error
    assert fake_platform.sent == []


# -- a real socket: the platform answers after the client gave up ----------------------------------
@pytest.mark.parametrize(("kind", "payload", "status", "calls"), [
    ("text", {"text": "[late-1] 关怀提醒"}, "sent", 2),  # repeated; DingTalk drops the copy
    ("reply", {"text": "[late-1] 收到", "userid": "u1"}, "unknown", 1),  # not repeated
])  # fmt: skip
def test_accepted_after_the_read_timeout_reaches_the_user_once(runtime, clock, kind, payload, status, calls) -> None:
    with fake_dingtalk_api(delay=0.5) as fake:
        client = DingTalkClient(app_key="k", app_secret="s", agent_id="42", clock=clock, api_base=fake.base,
                                oapi_base=fake.base)  # fmt: skip
        client._timeout = (2.0, 0.2)  # the fake answers after 0.5 s: every send times out reading
        runtime.platforms["dingtalk"] = DingTalkPlatform(client, clock=clock, robot_code="dingrobot")
        msg = _queue(runtime, "late-1", kind, payload)
        for _ in range(3):
            outbox.send_pending(runtime)
            if _row(runtime, msg).status in ("sent", "unknown"):
                break
            clock.set(_row(runtime, msg).next_attempt_at)
            fake.delay = 0.0  # the platform is quick again
        with fake.state.lock:
            requested, delivered = fake.state.requests["late-1"], fake.state.delivered["late-1"]
    assert (_row(runtime, msg).status, requested, delivered) == (status, calls, 1)


# -- what counts as "may have arrived" -------------------------------------------------------------
def test_only_a_connection_never_made_is_known_not_to_have_arrived() -> None:
    def failure(url: str) -> requests.RequestException:
        try:
            requests.post(url, json={"x": 1}, timeout=(2, 2))
        except requests.RequestException as exc:
            return exc
        raise AssertionError("the request did not fail")

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    assert may_have_arrived(failure(f"http://127.0.0.1:{port}/")) is False  # refused: nothing sent

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def read_then_close() -> None:
        conn, _ = server.accept()
        conn.recv(65536)  # the whole request arrived
        conn.close()  # … and no answer

    thread = threading.Thread(target=read_then_close, daemon=True)
    thread.start()
    assert may_have_arrived(failure(f"http://127.0.0.1:{server.getsockname()[1]}/")) is True
    thread.join(timeout=5)
    server.close()
    assert may_have_arrived(requests.ReadTimeout("read timed out")) is True
    assert may_have_arrived(requests.ConnectTimeout("connect timed out")) is False


def test_a_sender_killed_while_fetching_a_token_had_sent_nothing(runtime, dingtalk, clock, rsps) -> None:
    def die(_request: Any) -> Any:
        raise KeyboardInterrupt  # the process dies here, before any message request was written

    rsps.add_callback("POST", f"{API}/v1.0/oauth2/accessToken", callback=die)
    msg = _queue(runtime, "r5", "reply", {"text": "稍等", "userid": "u1"})
    with pytest.raises(KeyboardInterrupt):
        outbox.send_pending(runtime)
    assert _row(runtime, msg).unsure_since is None  # the robot message is not in doubt
    _tokens(rsps)
    rsps.post(ROBOT, json={"processQueryKey": "pqk-5", "invalidStaffIdList": [], "flowControlledStaffIdList": []})
    clock.advance(seconds=runtime.settings.outbox.claim_seconds + 1)
    assert outbox.send_pending(runtime)["sent"] == 1
    assert len(_calls(rsps, ROBOT)) == 1
