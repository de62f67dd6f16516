"""WeCom callback end to end: requests encrypted and signed with wechatpy, then the inbox and outbox."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from sqlalchemy import select, update
from wechatpy.enterprise.crypto import WeChatCrypto

from app import create_app
from bot.core.clock import FixedClock
from bot.models import AuditLog, OutboxMessage
from bot.pipeline import outbox, sent_cards
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import AppEntered, ApprovalChange, CardAction, ChatMessage, OrgChange, UnknownEvent
from bot.pipeline.platform import Button, Card
from bot.platforms.crypto import CallbackCrypto, sha1_signature
from bot.platforms.wecom.inbound import decode_button_key
from tests.conftest import _truncate, make_settings
from tests.fakes import FakePlatform
from tests.webhook_helpers import Recorder, inbox_count, inbox_rows, outbox_rows, recorder, wecom_payload

__all__ = ["recorder"]

TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww1436e0e65a779aee"
AGENT_ID = "1000002"
TS, NONCE = "1795413600", "1597212914"


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    wecom = {"corp_id": CORP_ID, "agent_id": AGENT_ID, "callback_token": TOKEN, "callback_aes_key": AES_KEY}
    return {"platform": {"default": "wecom"}, "wecom": wecom, "inbox": {"process": "inline"}}


def encrypted_post(client: Any, inner_xml: str, *, corp_id: str = CORP_ID, tamper: dict[str, str] | None = None) -> Any:
    """Encrypt with wechatpy (independent implementation), wrap in the inbound envelope, POST."""
    reply = ET.fromstring(WeChatCrypto(TOKEN, AES_KEY, corp_id).encrypt_message(inner_xml, NONCE, TS))  # noqa: S314
    encrypt, signature = reply.findtext("Encrypt") or "", reply.findtext("MsgSignature") or ""
    params = {"msg_signature": signature, "timestamp": TS, "nonce": NONCE} | (tamper or {})
    body = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt>"
        f"<AgentID><![CDATA[{AGENT_ID}]]></AgentID></xml>"
    )
    return client.post("/callbacks/wecom?" + urlencode(params), data=body.encode(), content_type="text/xml")


def assert_empty_ok(response: Any) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_data() == b""


# -- GET URL verification ---------------------------------------------------------------------
def test_official_vector_w1_url_verification(client: Any) -> None:
    echostr = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
    query = urlencode(
        {"msg_signature": "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "timestamp": "1476416373", "nonce": "47744683"}
    )
    response = client.get(f"/callbacks/wecom?{query}&echostr={quote(echostr, safe='')}")
    assert response.status_code == 200
    assert response.get_data() == b"1288432023552776189"
    assert response.content_type.startswith("text/plain")


def test_url_verification_with_wechatpy_and_unencoded_plus(client: Any) -> None:
    ours = CallbackCrypto(TOKEN, AES_KEY, [CORP_ID])
    # Find an echostr containing "+" so the unencoded form arrives with a space.
    echo = next(e for e in (ours.encrypt(f"echo-{i}") for i in range(200)) if "+" in e)
    signature = sha1_signature(TOKEN, TS, NONCE, echo)
    assert WeChatCrypto(TOKEN, AES_KEY, CORP_ID).check_signature(signature, TS, NONCE, echo).startswith("echo-")
    raw = f"/callbacks/wecom?msg_signature={signature}&timestamp={TS}&nonce={NONCE}&echostr={echo}"
    response = client.get(raw)
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("echo-")


@pytest.mark.parametrize(
    ("params", "status", "reason"),
    [
        ({"timestamp": TS, "nonce": NONCE, "echostr": "abc"}, 401, "missing msg_signature, timestamp or nonce"),
        ({"msg_signature": "0" * 40, "timestamp": TS, "nonce": NONCE}, 400, "missing echostr"),
        ({"msg_signature": "0" * 40, "timestamp": TS, "nonce": NONCE, "echostr": "abc"}, 401, "bad signature"),
    ],
)
def test_url_verification_refusals(client: Any, params: dict[str, str], status: int, reason: str) -> None:
    response = client.get("/callbacks/wecom?" + urlencode(params))
    assert (response.status_code, response.get_data(as_text=True)) == (status, reason)


# -- POST messages ------------------------------------------------------------------------------
def test_official_vector_w2_post(client: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.listen(ChatMessage)
    body = (
        "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA["
        "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew"
        "+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24Yh"
        "mZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpc"
        "wocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+]]></Encrypt>\n"
        "<AgentID><![CDATA[1000002]]></AgentID>\n</xml>"
    )
    query = urlencode(
        {"msg_signature": "0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "timestamp": "1476422779", "nonce": "1597212914"}
    )
    assert_empty_ok(client.post(f"/callbacks/wecom?{query}", data=body, content_type="text/xml"))
    [msg] = recorder.of(ChatMessage)
    assert (msg.sender_userid, msg.text, msg.message_id) == ("ChenJiaShun", "你好", "1456453720")
    assert inbox_rows(runtime)[0].idempotency_key == "msg:1456453720"


def test_text_message_reply_goes_out_through_the_outbox(
    client: Any, runtime: Any, recorder: Recorder, fake_platform: FakePlatform
) -> None:
    recorder.answer(ChatMessage, lambda e: Reply(text=f"李四 本周 3 天 21:00 后下班（问：{e.text}）"))
    assert_empty_ok(encrypted_post(client, wecom_payload("text")))
    [msg] = recorder.of(ChatMessage)
    assert msg.sent_at == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    [row] = outbox_rows(runtime)
    assert (row.platform, row.recipient, row.kind, row.status) == ("wecom", "zhangsan", "text", "sent")
    assert fake_platform.texts("zhangsan") == ["李四 本周 3 天 21:00 后下班（问：/status 李四）"]


def test_replay_is_acknowledged_and_processed_once(client: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.answer(ChatMessage, lambda e: Reply(text="好的"))
    for _ in range(3):
        assert_empty_ok(encrypted_post(client, wecom_payload("text")))
    assert len(recorder.of(ChatMessage)) == 1
    assert inbox_count(runtime) == 1
    assert len(outbox_rows(runtime)) == 1


REMINDER_CARD = Card(
    card_id="reminder-123-zhangsan",
    title="关怀提醒：张三",
    markdown="连续 3 个工作日 21:00 后下班",
    buttons=(Button("已跟进", "done", {"reminder_id": "123"}),),
)


def _delivered(runtime: Any, userid: str, card: Card = REMINDER_CARD) -> None:
    """Record that CareBot delivered ``card`` to ``userid`` (clicks on other cards are refused)."""
    with runtime.db.session() as s:
        sent_cards.record(s, "wecom", userid, card, None, runtime.clock.now())


def test_card_click_and_card_update_via_outbox(
    client: Any, runtime: Any, recorder: Recorder, fake_platform: FakePlatform
) -> None:
    _delivered(runtime, "hrbp1")
    recorder.answer(CardAction, lambda e: Reply(card_update={"status_text": "已跟进 ✓"}))
    assert_empty_ok(encrypted_post(client, wecom_payload("template_card_event")))
    [click] = recorder.of(CardAction)
    assert (click.userid, click.card_id, click.action) == ("hrbp1", "reminder-123-zhangsan", "done")
    assert click.params == {"reminder_id": "123", "stress": "8"}
    assert click.response_code == "ResponseCode_7b2a0c8e4f"
    [row] = outbox_rows(runtime)
    assert (row.kind, row.recipient, row.payload["ref"]) == (
        "card_update",
        "hrbp1",
        {"response_code": "ResponseCode_7b2a0c8e4f"},
    )
    [sent] = fake_platform.sent
    assert sent.body["card"].status_text == "已跟进 ✓"
    key = inbox_rows(runtime)[0].idempotency_key
    assert key == "evt:hrbp1:1795413660:template_card_event:reminder-123-zhangsan:ResponseCode_7b2a0c8e4f"


def test_events_are_normalised(client: Any, runtime: Any, recorder: Recorder) -> None:
    recorder.listen(AppEntered, OrgChange, ApprovalChange, UnknownEvent)
    for name in (
        "enter_agent",
        "change_contact_create_user",
        "change_contact_delete_user",
        "sys_approval_change",
        "location_event",
    ):
        assert_empty_ok(encrypted_post(client, wecom_payload(name)))
    entered, added, left, approval, unknown = recorder.seen
    assert entered == AppEntered("wecom", "zhangsan", datetime.fromtimestamp(1795413700, UTC))
    assert (added.change, added.userids, added.detail["Department"]) == ("add", ("zhaoliu",), "1,2")
    assert (left.change, left.userids) == ("leave", ("lisi",))
    assert (approval.userid, approval.kind, approval.status, approval.source_key) == (
        "zhangsan",
        "leave",
        "approved",
        "202611230001",
    )
    assert unknown == UnknownEvent("wecom", "LOCATION")
    # Two contact changes within the same second from "sys" stay two events.
    assert inbox_count(runtime) == 5


def test_receiver_id_mismatch_is_401(client: Any, runtime: Any) -> None:
    response = encrypted_post(client, wecom_payload("text"), corp_id="wwsomeothercorp")
    assert (response.status_code, response.get_data(as_text=True)) == (401, "receiver id mismatch")
    assert inbox_count(runtime) == 0


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ({"msg_signature": ""}, "missing msg_signature, timestamp or nonce"),
        ({"msg_signature": "f" * 40}, "bad signature"),
        ({"timestamp": "1795413601"}, "bad signature"),
        ({"nonce": "1597212915"}, "bad signature"),
    ],
)
def test_bad_signature_is_401(client: Any, runtime: Any, tamper: dict[str, str], reason: str) -> None:
    response = encrypted_post(client, wecom_payload("text"), tamper=tamper)
    assert (response.status_code, response.get_data(as_text=True)) == (401, reason)
    assert inbox_count(runtime) == 0


@pytest.mark.parametrize("name", ["xxe", "billion_laughs"])
def test_entity_attacks_are_400(client: Any, runtime: Any, name: str) -> None:
    query = urlencode({"msg_signature": "0" * 40, "timestamp": TS, "nonce": NONCE})
    response = client.post(f"/callbacks/wecom?{query}", data=wecom_payload(name).encode(), content_type="text/xml")
    assert (response.status_code, response.get_data(as_text=True)) == (
        400,
        "XML with a DTD or entities is not accepted",
    )
    assert inbox_count(runtime) == 0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<xml><Encrypt>abc", "malformed XML"),
        ("<xml><ToUserName>x</ToUserName></xml>", "XML envelope without <Encrypt>"),
    ],
)
def test_malformed_envelope_is_400(client: Any, runtime: Any, body: str, reason: str) -> None:
    query = urlencode({"msg_signature": "0" * 40, "timestamp": TS, "nonce": NONCE})
    response = client.post(f"/callbacks/wecom?{query}", data=body, content_type="text/xml")
    assert (response.status_code, response.get_data(as_text=True)) == (400, reason)


@pytest.mark.parametrize(
    ("inner", "reason"),
    [
        ("<xml><MsgType>text</MsgType", "malformed XML"),
        ("<xml><Content>no type</Content></xml>", "message without <MsgType>"),
        (
            '<!DOCTYPE x [<!ENTITY a "b">]><xml><MsgType>&a;</MsgType></xml>',
            "XML with a DTD or entities is not accepted",
        ),
    ],
)
def test_malformed_message_after_valid_signature_is_400(client: Any, runtime: Any, inner: str, reason: str) -> None:
    response = encrypted_post(client, inner)
    assert (response.status_code, response.get_data(as_text=True)) == (400, reason)
    assert inbox_count(runtime) == 0


def test_oversize_body_is_413(client: Any, runtime: Any) -> None:
    query = urlencode({"msg_signature": "0" * 40, "timestamp": TS, "nonce": NONCE})
    body = "<xml><Encrypt>" + "A" * (1024 * 1024) + "</Encrypt></xml>"
    response = client.post(f"/callbacks/wecom?{query}", data=body, content_type="text/xml")
    assert (response.status_code, response.get_data(as_text=True)) == (413, "request body too large (limit 1 MiB)")


def test_unsupported_method_is_plain_405(client: Any) -> None:
    response = client.put("/callbacks/wecom")
    assert (response.status_code, response.get_data(as_text=True)) == (405, "method not allowed")


@pytest.fixture
def unconfigured(tmp_path: Any, db_url: str, clock: FixedClock) -> Iterator[Callable[[], Flask]]:
    apps: list[Flask] = []

    def build() -> Flask:
        application = create_app(make_settings(tmp_path, db_url), clock=clock)
        apps.append(application)
        return application

    yield build
    for application in apps:
        application.extensions["carebot"].db.dispose()
    _truncate(db_url)


def test_not_configured_is_503(unconfigured: Callable[[], Flask]) -> None:
    client = unconfigured().test_client()
    for response in (client.get("/callbacks/wecom?echostr=x"), client.post("/callbacks/wecom", data=b"<xml/>")):
        assert (response.status_code, response.get_data(as_text=True)) == (503, "wecom callbacks are not configured")


@pytest.mark.parametrize("sent_to", ["hrbp1", "hr_team_lead"])
def test_card_update_keeps_the_original_card(
    client: Any, runtime: Any, recorder: Recorder, fake_platform: FakePlatform, sent_to: str
) -> None:
    card = REMINDER_CARD
    with runtime.db.session() as s:
        outbox.enqueue(
            s, key="card-1", recipient=sent_to, kind="card", payload=outbox.card_payload(card), platform="wecom"
        )
        s.execute(update(OutboxMessage).values(status="sent"))
    _delivered(runtime, sent_to)
    recorder.answer(CardAction, lambda e: Reply(card_update={"status_text": "已跟进 ✓"}))
    assert_empty_ok(encrypted_post(client, wecom_payload("template_card_event")))
    if sent_to != "hrbp1":
        # hrbp1 clicks a card CareBot sent to somebody else: nothing happens, the attempt is audited.
        assert recorder.of(CardAction) == []
        assert not [s for s in fake_platform.sent if s.kind == "card_update"]
        with runtime.db.session() as s:
            assert s.scalars(select(AuditLog.action).where(AuditLog.actor_userid == "hrbp1")).all() == [
                "card_click_refused"
            ]
        return
    [sent] = [s for s in fake_platform.sent if s.kind == "card_update"]
    assert (sent.userid, sent.body["card"].title, sent.body["card"].status_text) == (
        "hrbp1",
        "关怀提醒：张三",
        "已跟进 ✓",
    )
    assert sent.body["card"].buttons == card.buttons
    assert sent.body["ref"] == {"response_code": "ResponseCode_7b2a0c8e4f"}


@pytest.mark.parametrize(
    ("key", "action", "params"),
    [
        ("done", "done", {}),
        ("done?id=42&note=%E5%B7%B2%E6%B2%9F%E9%80%9A", "done", {"id": "42", "note": "已沟通"}),
        ("snooze?days=3&_b=2", "snooze", {"days": "3"}),
        ('{"action": "answer", "params": {"q": "stress", "v": 8}}', "answer", {"q": "stress", "v": "8"}),
    ],
)
def test_button_keys_decode(key: str, action: str, params: dict[str, str]) -> None:
    assert decode_button_key(key) == (action, params)
