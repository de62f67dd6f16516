"""DingTalk callbacks end to end: real encrypted/signed requests built with dingtalk-sdk, then the inbox."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from dingtalk.crypto import DingTalkCrypto
from flask import Flask
from sqlalchemy.exc import OperationalError

from app import create_app
from bot.core.clock import FixedClock
from bot.pipeline import inbox, sent_cards
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import ApprovalChange, AttendancePunch, CardAction, ChatMessage, OrgChange, UnknownEvent
from bot.pipeline.platform import Button, Card
from bot.platforms.crypto import sha1_signature
from bot.platforms.dingtalk.inbound_chat import card_signature, robot_sign
from tests.conftest import _truncate, make_settings
from tests.fakes import FakePlatform
from tests.webhook_helpers import Recorder, dingtalk_payload, inbox_count, inbox_rows, outbox_rows, recorder

__all__ = ["recorder"]

TOKEN = "carebotCallbackToken"
AES_KEY = "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7"
APP_KEY = "dingcarebotappkey01"
CORP_ID = "ding9f50b15bc0a1e16741"
APP_SECRET = "robot-app-secret-钉钉"
CARD_SECRET = "card-api-secret"
NOW_MS = 1795413600000  # the conftest clock: 2026-11-23 14:00 Asia/Shanghai

DINGTALK = {
    "app_key": APP_KEY,
    "corp_id": CORP_ID,
    "app_secret": APP_SECRET,
    "callback_token": TOKEN,
    "callback_aes_key": AES_KEY,
    "card_api_secret": CARD_SECRET,
    "robot_code": "dingabcdefgh12345678",  # the robotCode of the payload files
}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"platform": {"default": "dingtalk"}, "dingtalk": DINGTALK, "inbox": {"process": "inline"}}


@pytest.fixture
def other_app(tmp_path: Any, db_url: str, clock: FixedClock) -> Iterator[Callable[..., Flask]]:
    """Apps with other settings, on the same per-test database (emptied afterwards)."""
    apps: list[Flask] = []

    def build(**sections: dict[str, Any]) -> Flask:
        application = create_app(make_settings(tmp_path, db_url, **sections), clock=clock)
        application.config["TESTING"] = True
        apps.append(application)
        return application

    yield build
    for application in apps:
        application.extensions["carebot"].db.dispose()
    _truncate(db_url)


def post_event(
    client: Any,
    event: dict[str, Any] | str,
    *,
    receiver: str = APP_KEY,
    token: str = TOKEN,
    sig_name: str = "msg_signature",
    ts_name: str = "timestamp",
    tamper: dict[str, str] | None = None,
) -> Any:
    """Encrypt and sign ``event`` with dingtalk-sdk (the independent implementation) and POST it."""
    text = event if isinstance(event, str) else json.dumps(event, ensure_ascii=False)
    enc = DingTalkCrypto(token, AES_KEY, receiver).encrypt_message(text, nonce="abc123", timestamp=str(NOW_MS))
    params = {sig_name: enc["msg_signature"], ts_name: enc["timeStamp"], "nonce": enc["nonce"]}
    body = {"encrypt": enc["encrypt"]}
    for key, value in (tamper or {}).items():
        if key == "encrypt":
            body["encrypt"] = value
        else:
            params[key] = value
    return client.post(
        "/callbacks/dingtalk/events?" + urlencode(params), data=json.dumps(body), content_type="application/json"
    )


def assert_success(response: Any, receiver: str = APP_KEY) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert set(answer) == {"msg_signature", "timeStamp", "nonce", "encrypt"}
    plain = DingTalkCrypto(TOKEN, AES_KEY, receiver).decrypt_encrypt_str(
        answer["msg_signature"], answer["timeStamp"], answer["nonce"], answer["encrypt"]
    )
    assert plain == "success"


# -- event subscription ---------------------------------------------------------------------------
def test_check_url_is_answered_with_encrypted_success(client: Any, runtime: Any) -> None:
    assert_success(post_event(client, dingtalk_payload("check_url")))
    assert [r.event_type for r in inbox_rows(runtime)] == ["check_url"]


def test_legacy_parameter_names_and_corp_id_receiver(client: Any) -> None:
    response = post_event(
        client, {"EventType": "check_url"}, receiver=CORP_ID, sig_name="signature", ts_name="timeStamp"
    )
    assert_success(response, receiver=CORP_ID)


def test_official_vector_d3_through_the_endpoint(other_app: Callable[..., Flask]) -> None:
    app = other_app(
        dingtalk={"app_key": "ding6ccabc44d2c8d38b", "callback_token": "mryue", "callback_aes_key": D3_KEY},
    )
    params = {"msg_signature": D3_SIG, "timeStamp": "1608001896814", "nonce": "WL4PK6yA"}
    response = app.test_client().post("/callbacks/dingtalk/events?" + urlencode(params), json={"encrypt": D3_ENCRYPT})
    answer = response.get_json()
    reference = DingTalkCrypto("mryue", D3_KEY, "ding6ccabc44d2c8d38b")
    plain = reference.decrypt_encrypt_str(
        answer["msg_signature"], answer["timeStamp"], answer["nonce"], answer["encrypt"]
    )
    assert plain == "success"


D3_KEY = "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7"
D3_SIG = "03044561471240d4a14bb09372dfcfd4fd0e40cb"
D3_ENCRYPT = (
    "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchz"
    "NukR+t8SB/qk4ROMu3"
)


def test_attendance_punches_current_payload(client: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.listen(AttendancePunch)
    assert_success(post_event(client, dingtalk_payload("attendance_check_record")))
    punches = recorder.of(AttendancePunch)
    assert [(p.userid, p.punched_at, p.source_ref) for p in punches] == [
        ("zhangsan", datetime(2026, 11, 20, 13, 42, 5, tzinfo=UTC), "FF62A7C1-20261120-2142"),
        ("lisi", datetime(2026, 11, 20, 17, 15, tzinfo=UTC), "FF62A7C1-20261121-0115"),  # 01:15 night shift
    ]
    [row] = inbox_rows(runtime)
    assert (row.idempotency_key, row.event_type, row.status) == (
        "eid:c7c7120f2c07419a8f1debdba0318c8",
        "attendance_check_record",
        "processed",
    )
    assert row.payload["dataList"][0]["address"] == "上海市浦东新区张江高科技园区博云路2号"


def test_attendance_legacy_payload_without_event_id(client: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.listen(AttendancePunch)
    assert_success(post_event(client, dingtalk_payload("attendance_check_record_legacy")))
    [punch] = recorder.of(AttendancePunch)
    assert (punch.userid, punch.punched_at) == ("wangwu", datetime(2026, 11, 20, 1, 2, 11, tzinfo=UTC))
    assert inbox_rows(runtime)[0].idempotency_key == "att:AB12CD34-20261120-0902"


def test_replayed_callback_is_answered_and_processed_once(client: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.listen(AttendancePunch)
    for _ in range(3):
        assert_success(post_event(client, dingtalk_payload("attendance_check_record")))
    assert len(recorder.of(AttendancePunch)) == 2
    [row] = inbox_rows(runtime)
    assert row.attempts == 1


@pytest.mark.parametrize(
    ("name", "change", "userids"),
    [
        ("user_add_org_legacy", "add", ("zhaoliu", "sunqi")),
        ("user_modify_org", "modify", ("zhangsan",)),
        ("user_leave_org", "leave", ("lisi",)),
    ],
)
def test_org_changes(client: Any, recorder: Recorder, name: str, change: str, userids: tuple[str, ...]) -> None:
    recorder.listen(OrgChange)
    assert_success(post_event(client, dingtalk_payload(name)))
    [event] = recorder.of(OrgChange)
    assert (event.change, event.userids) == (change, userids)
    assert event.occurred_at is not None and event.occurred_at.year == 2026
    if change == "modify":
        assert event.detail["diff"][0]["curr"]["workPlace"] == "杭州"


def test_org_event_key_fallback_is_type_time_and_sorted_users(client: Any, runtime: Any) -> None:
    post_event(client, dingtalk_payload("user_add_org_legacy"))
    assert inbox_rows(runtime)[0].idempotency_key == "org:user_add_org:1795413480000:sunqi,zhaoliu"


def test_approvals(client: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.listen(ApprovalChange)
    assert_success(post_event(client, dingtalk_payload("attendance_approve_status_change")))
    assert_success(post_event(client, dingtalk_payload("bpms_instance_change")))
    leave, trip = recorder.of(ApprovalChange)
    assert (leave.userid, leave.kind, leave.status) == ("zhangsan", "leave", "pending")
    assert (trip.userid, trip.kind, trip.status) == ("lisi", "trip", "approved")
    assert trip.source_key == "9d1f1a7c-5c3e-4e57-9e0e-2a1b3c4d5e6f"
    assert inbox_rows(runtime)[1].idempotency_key == "apv:9d1f1a7c-5c3e-4e57-9e0e-2a1b3c4d5e6f:finish:agree:"


def test_unknown_event_is_stored_and_acknowledged(client: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.listen(UnknownEvent)
    assert_success(post_event(client, dingtalk_payload("org_dept_create")))
    assert recorder.of(UnknownEvent) == [UnknownEvent("dingtalk", "org_dept_create")]
    [row] = inbox_rows(runtime)
    assert (row.event_type, row.payload["deptId"]) == ("org_dept_create", [5642211])


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ({"msg_signature": ""}, "missing signature, timestamp or nonce"),
        ({"timestamp": ""}, "missing signature, timestamp or nonce"),
        ({"msg_signature": "0" * 40}, "bad signature"),
        ({"timestamp": str(NOW_MS + 1)}, "bad signature"),
        ({"nonce": "abc124"}, "bad signature"),
        ({"encrypt": "AAAA" + "B" * 60}, "bad signature"),
    ],
)
def test_bad_signatures_are_401_and_store_nothing(
    client: Any, runtime: Any, tamper: dict[str, str], reason: str
) -> None:
    response = post_event(client, {"EventType": "check_url"}, tamper=tamper)
    assert (response.status_code, response.get_data(as_text=True)) == (401, reason)
    assert response.content_type.startswith("text/plain")
    assert inbox_count(runtime) == 0


def test_wrong_token_is_401(client: Any, runtime: Any) -> None:
    response = post_event(client, {"EventType": "check_url"}, token="another-token")
    assert (response.status_code, response.get_data(as_text=True)) == (401, "bad signature")


def test_receiver_id_mismatch_is_401(client: Any, runtime: Any) -> None:
    response = post_event(client, {"EventType": "check_url"}, receiver="dingsomeotherapp")
    assert (response.status_code, response.get_data(as_text=True)) == (401, "receiver id mismatch")
    assert inbox_count(runtime) == 0


def test_decrypt_failure_is_401(client: Any, runtime: Any) -> None:
    bogus = "QUJDREVGR0hJSktMTU5PUA=="  # base64 of 16 bytes: too short to be a message
    params = {"msg_signature": sha1_signature(TOKEN, "1", "n", bogus), "timestamp": "1", "nonce": "n"}
    response = client.post("/callbacks/dingtalk/events?" + urlencode(params), json={"encrypt": bogus})
    assert (response.status_code, response.get_data(as_text=True)) == (401, "ciphertext has an invalid length")
    assert inbox_count(runtime) == 0


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"encrypt": 5}', b"{}"])
def test_malformed_envelope_is_400(client: Any, runtime: Any, body: bytes) -> None:
    params = {"msg_signature": "x" * 40, "timestamp": "1", "nonce": "n"}
    response = client.post(
        "/callbacks/dingtalk/events?" + urlencode(params), data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert inbox_count(runtime) == 0


@pytest.mark.parametrize("plain", ["this is not json", '["a list"]', '{"EventType": '])
def test_malformed_event_after_valid_signature_is_400(client: Any, runtime: Any, plain: str) -> None:
    response = post_event(client, plain)
    assert response.status_code == 400
    assert "JSON" in response.get_data(as_text=True)
    assert inbox_count(runtime) == 0


def test_oversize_body_is_413_plain_text(client: Any, runtime: Any) -> None:
    params = {"msg_signature": "x" * 40, "timestamp": "1", "nonce": "n"}
    big = json.dumps({"encrypt": "A" * (1024 * 1024 + 10)})
    response = client.post("/callbacks/dingtalk/events?" + urlencode(params), data=big, content_type="application/json")
    assert response.status_code == 413
    assert response.get_data(as_text=True) == "request body too large (limit 1 MiB)"
    assert inbox_count(runtime) == 0


@pytest.mark.parametrize("route", ["events", "robot"])
def test_not_configured_is_503(other_app: Callable[..., Flask], route: str) -> None:
    client = other_app().test_client()
    response = client.post(f"/callbacks/dingtalk/{route}?msg_signature=a&timestamp=1&nonce=n", json={})
    assert (response.status_code, response.get_data(as_text=True)) == (503, "dingtalk callbacks are not configured")


# -- robot ------------------------------------------------------------------------------------------
_stamps = itertools.count()


def post_robot(client: Any, payload: dict[str, Any] | bytes, *, ts: int | None = None, secret: str = APP_SECRET) -> Any:
    # Each message gets its own timestamp, as on DingTalk (a timestamp+sign pair is single-use).
    stamp = NOW_MS - next(_stamps) if ts is None else ts
    headers = {"timestamp": str(stamp), "sign": robot_sign(secret, str(stamp))}
    data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    return client.post("/callbacks/dingtalk/robot", data=data, headers=headers, content_type="application/json")


def test_robot_group_message_becomes_a_chat_message_and_reply_is_the_body(
    client: Any, runtime: Any, recorder: Recorder
) -> None:
    recorder.answer(ChatMessage, lambda e: Reply(text=f"收到：{e.text}"))
    response = post_robot(client, dingtalk_payload("robot_text_group"))
    assert response.status_code == 200
    assert response.get_json() == {
        "msgtype": "text",
        "text": {"content": "收到：/status 张三"},
        "at": {"atUserIds": ["manager1"], "isAtAll": False},
    }
    [msg] = recorder.of(ChatMessage)
    assert (msg.sender_userid, msg.text, msg.is_group, msg.sender_name) == ("manager1", "/status 张三", True, "张经理")
    assert msg.conversation_id == "cidPV0xAbC1dEfG2hIjK3lMnO=="
    assert msg.sent_at == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert msg.reply is not None and msg.reply.kind == "session_webhook"
    assert msg.reply.expires_at == msg.sent_at + timedelta(milliseconds=5400060)
    assert inbox_rows(runtime)[0].idempotency_key == "robot:msgxXdYIRyJPu6bVRGSnKFEKg=="


def test_robot_markdown_reply_in_single_chat(client: Any, recorder: Recorder) -> None:
    recorder.answer(ChatMessage, lambda e: Reply(text="**张三** 本周加班 3 天", markdown_title="员工状态"))
    response = post_robot(client, dingtalk_payload("robot_text_single"))
    assert response.get_json() == {
        "msgtype": "markdown",
        "markdown": {"title": "员工状态", "text": "**张三** 本周加班 3 天"},
    }


def test_private_reply_in_group_goes_one_to_one(
    client: Any, runtime: Any, recorder: Recorder, fake_platform: FakePlatform
) -> None:
    recorder.answer(ChatMessage, lambda e: Reply(text="张三：连续 3 个工作日 21:00 后下班", private=True))
    response = post_robot(client, dingtalk_payload("robot_text_group"))
    assert response.get_json()["text"]["content"] == "详情已私信发送给你"
    [row] = outbox_rows(runtime)
    assert (row.platform, row.recipient, row.kind) == ("dingtalk", "manager1", "text")
    assert fake_platform.texts("manager1") == ["张三：连续 3 个工作日 21:00 后下班"]  # pushed right away


def test_private_reply_in_single_chat_is_the_body(client: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.answer(ChatMessage, lambda e: Reply(text="只给你看", private=True))
    response = post_robot(client, dingtalk_payload("robot_text_single"))
    assert response.get_json()["text"]["content"] == "只给你看"
    assert outbox_rows(runtime) == []


def test_robot_without_reply_answers_empty_and_replay_is_processed_once(
    client: Any, runtime: Any, recorder: Recorder
) -> None:
    recorder.listen(ChatMessage)
    # A redelivery: the same message with the same headers.
    assert post_robot(client, dingtalk_payload("robot_text_single"), ts=NOW_MS).get_json() == {"msgtype": "empty"}
    assert post_robot(client, dingtalk_payload("robot_text_single"), ts=NOW_MS).get_json() == {"msgtype": "empty"}
    assert len(recorder.of(ChatMessage)) == 1
    assert inbox_count(runtime) == 1


def test_robot_quota_overrun_is_stored_and_acknowledged(client: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.listen(ChatMessage, UnknownEvent)
    assert post_robot(client, dingtalk_payload("robot_quota_error")).get_json() == {"msgtype": "empty"}
    assert recorder.seen == [UnknownEvent("dingtalk", "robot_error_20001")]
    assert inbox_rows(runtime)[0].payload["errorCode"] == "20001"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing timestamp or sign header"),
        ({"timestamp": str(NOW_MS)}, "missing timestamp or sign header"),
        ({"timestamp": str(NOW_MS), "sign": robot_sign("wrong", str(NOW_MS))}, "bad signature"),
        ({"timestamp": str(NOW_MS + 1), "sign": robot_sign(APP_SECRET, str(NOW_MS))}, "bad signature"),
        (
            {"timestamp": str(NOW_MS - 3_600_001), "sign": robot_sign(APP_SECRET, str(NOW_MS - 3_600_001))},
            "stale timestamp",
        ),
        (
            {"timestamp": str(NOW_MS + 3_600_001), "sign": robot_sign(APP_SECRET, str(NOW_MS + 3_600_001))},
            "stale timestamp",
        ),
    ],
)
def test_robot_bad_sign_is_401(client: Any, runtime: Any, headers: dict[str, str], reason: str) -> None:
    body = json.dumps(dingtalk_payload("robot_text_single"))
    response = client.post("/callbacks/dingtalk/robot", data=body, headers=headers, content_type="application/json")
    assert (response.status_code, response.get_data(as_text=True)) == (401, reason)
    assert inbox_count(runtime) == 0


def test_robot_timestamp_within_the_window_is_accepted(client: Any, recorder: Recorder) -> None:
    # [security].signature_window_seconds (default 5 minutes), narrower than DingTalk's hour.
    assert post_robot(client, dingtalk_payload("robot_text_single"), ts=NOW_MS - 290_000).status_code == 200
    stale = post_robot(client, dingtalk_payload("robot_text_group"), ts=NOW_MS - 310_000)
    assert (stale.status_code, stale.get_data(as_text=True)) == (401, "stale timestamp")


def test_robot_malformed_json_is_400(client: Any, runtime: Any) -> None:
    response = post_robot(client, b"{not json")
    assert (response.status_code, response.get_data(as_text=True)) == (400, "malformed JSON body")
    assert inbox_count(runtime) == 0


# -- cards ------------------------------------------------------------------------------------------
def post_card(client: Any, payload: dict[str, Any], *, secret: str = CARD_SECRET, ts: int = NOW_MS) -> Any:
    headers = {"x-ddpaas-signature-timestamp": str(ts), "x-ddpaas-signature": card_signature(secret, str(ts))}
    return client.post("/callbacks/dingtalk/cards", json=payload, headers=headers)


@pytest.fixture
def sent_card(runtime: Any, clock: FixedClock) -> Card:
    """The card of payloads/dingtalk/card_callback.json, as CareBot delivered it to hrbp1."""
    card = Card(
        "reminder-123-zhangsan",
        "关怀提醒",
        "张三",
        (Button("已跟进", "done", {"reminder_id": "123"}), Button("稍后", "snooze", {"days": "3"})),
    )
    with runtime.db.session() as s:
        sent_cards.record(s, "dingtalk", "hrbp1", card, None, clock.now())
    return card


def test_card_click_updates_the_card_in_the_answer(
    client: Any, runtime: Any, recorder: Recorder, sent_card: Card
) -> None:
    recorder.answer(CardAction, lambda e: Reply(card_update={"status_text": "已跟进 ✓"}))
    response = post_card(client, dingtalk_payload("card_callback"))
    assert response.status_code == 200
    assert response.get_json() == {
        "cardData": {"cardParamMap": {"status": "已跟进 ✓", "buttons": "[]"}},
        "cardUpdateOptions": {"updateCardDataByKey": True, "updatePrivateDataByKey": True},
    }
    [click] = recorder.of(CardAction)
    assert (click.userid, click.card_id, click.action) == ("hrbp1", "reminder-123-zhangsan", "done")
    assert click.params == {"reminder_id": "123", "note": "已电话沟通"}
    # A redelivered click is acknowledged, not handled again.
    assert post_card(client, dingtalk_payload("card_callback")).get_json() == {}
    assert len(recorder.of(CardAction)) == 1
    assert inbox_count(runtime) == 1


def test_card_text_reply_goes_to_the_clicker(
    client: Any, runtime: Any, recorder: Recorder, fake_platform: FakePlatform, sent_card: Card
) -> None:
    recorder.answer(CardAction, lambda e: Reply(text="已记录，稍后提醒你"))
    assert post_card(client, dingtalk_payload("card_callback")).get_json() == {}
    assert fake_platform.texts("hrbp1") == ["已记录，稍后提醒你"]


def test_card_action_from_params_when_no_action_ids(client: Any, recorder: Recorder, sent_card: Card) -> None:
    recorder.listen(CardAction)
    payload = dingtalk_payload("card_callback")
    payload["content"] = json.dumps({"cardPrivateData": {"params": {"action": "snooze", "days": 3}}})
    post_card(client, payload)
    [click] = recorder.of(CardAction)
    assert (click.action, click.params) == ("snooze", {"action": "snooze", "days": "3"})


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing signature headers"),
        ({"x-ddpaas-signature-timestamp": str(NOW_MS), "x-ddpaas-signature": "bm9wZQ=="}, "bad signature"),
        (
            {
                "x-ddpaas-signature-timestamp": str(NOW_MS - 7_200_000),
                "x-ddpaas-signature": card_signature(CARD_SECRET, str(NOW_MS - 7_200_000)),
            },
            "stale timestamp",
        ),
    ],
)
def test_card_bad_signature_is_401(client: Any, runtime: Any, headers: dict[str, str], reason: str) -> None:
    response = client.post("/callbacks/dingtalk/cards", json=dingtalk_payload("card_callback"), headers=headers)
    assert (response.status_code, response.get_data(as_text=True)) == (401, reason)
    assert inbox_count(runtime) == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"outTrackId": ""}, "card callback without 'outTrackId'"),
        ({"userId": None}, "card callback without 'userId'"),
        ({"content": "{broken"}, "card 'content' is not valid JSON"),
    ],
)
def test_card_malformed_is_400(client: Any, runtime: Any, change: dict[str, Any], reason: str) -> None:
    response = post_card(client, dingtalk_payload("card_callback") | change)
    assert (response.status_code, response.get_data(as_text=True)) == (400, reason)
    assert inbox_count(runtime) == 0


def test_cards_refused_without_api_secret(other_app: Callable[..., Flask]) -> None:
    # Unsigned clicks would let anyone act as anyone: no [dingtalk].card_api_secret, no card route.
    client = other_app(dingtalk={"app_key": APP_KEY}, inbox={"process": "inline"}).test_client()
    response = client.post("/callbacks/dingtalk/cards", json=dingtalk_payload("card_callback"))
    assert response.status_code == 503
    assert "card_api_secret" in response.get_data(as_text=True)


def test_database_failure_is_503_so_the_platform_retries(
    client: Any, runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT INTO inbound_events …", {}, Exception("connection refused"))

    monkeypatch.setattr(inbox, "store", unavailable)
    response = post_event(client, dingtalk_payload("attendance_check_record"))
    assert (response.status_code, response.get_data(as_text=True)) == (503, "temporarily unavailable, retry later")
