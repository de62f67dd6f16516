"""Platform callbacks built by independent libraries (dingtalk-sdk, wechatpy), as protocols.md §8 shows."""

from __future__ import annotations

import json
import urllib.parse
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import responses
from defusedxml import ElementTree as ET
from dingtalk.crypto import DingTalkCrypto

from tests.acceptance import dingtalk

try:
    from wechatpy.enterprise.crypto import WeChatCrypto
except ImportError:  # wechatpy 2.x
    from wechatpy.work.crypto import WeChatCrypto  # type: ignore[no-redef]

AUTH = {"Authorization": "Bearer acceptance"}
SHANGHAI = ZoneInfo("Asia/Shanghai")
# WeCom: the official vector W1's app (token, key, corp id).
WECOM_API = "https://wecom.acceptance.test"
WECOM = {
    "corp_id": "ww1436e0e65a779aee",
    "agent_id": "1000002",
    "secret": "acceptance-wecom-secret",
    "callback_token": "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    "callback_aes_key": "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    "api_base": WECOM_API,
}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {
        "dingtalk": dingtalk.CONFIG,
        "wecom": WECOM,
        "api": {"tokens": ["acceptance"]},
        "inbox": {"process": "inline"},
    }


# -- DingTalk event subscription --------------------------------------------------------------------
def _dingtalk_event(client: Any, event: dict[str, Any], ts: str = "1795413600000") -> Any:
    crypto = DingTalkCrypto(
        dingtalk.CONFIG["callback_token"], dingtalk.CONFIG["callback_aes_key"], dingtalk.CONFIG["app_key"]
    )
    enc = crypto.encrypt_message(json.dumps(event, ensure_ascii=False), nonce="nonce123", timestamp=ts)
    query = urllib.parse.urlencode(
        {"msg_signature": enc["msg_signature"], "timestamp": enc["timeStamp"], "nonce": enc["nonce"]}
    )
    return client.post(
        f"/callbacks/dingtalk/events?{query}",
        data=json.dumps({"encrypt": enc["encrypt"]}),
        content_type="application/json",
    )


def _decrypted_answer(resp: Any) -> str:
    crypto = DingTalkCrypto(
        dingtalk.CONFIG["callback_token"], dingtalk.CONFIG["callback_aes_key"], dingtalk.CONFIG["app_key"]
    )
    body = resp.get_json()
    return str(crypto.decrypt_encrypt_str(body["msg_signature"], body["timeStamp"], body["nonce"], body["encrypt"]))


def _ms(local: str) -> int:
    return int(datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI).timestamp() * 1000)


def test_dingtalk_check_url_and_unknown_events_get_the_encrypted_success(client: Any) -> None:
    for event in ({"EventType": "check_url"}, {"EventType": "org_something_new", "eventId": "evt-unknown-1"}):
        resp = _dingtalk_event(client, event)
        assert resp.status_code == 200
        assert _decrypted_answer(resp) == "success"


def test_dingtalk_punches_become_attendance_once_even_when_replayed(client: Any) -> None:
    body = {"name": "张三", "department": "电销一部", "hired_on": "2026-01-05"}
    assert client.put("/api/v1/employees/zhangsan", json=body, headers=AUTH).status_code == 201
    punches = [
        ("2026-11-19 09:02", "b1"),
        ("2026-11-19 21:42", "b2"),
        ("2026-11-20 00:40", "b3"),
    ]  # last one: night shift
    event = {
        "EventType": "attendance_check_record",
        "eventId": "evt-punch-1",
        "CorpId": "dingcorp",
        "dataList": [{"userId": "zhangsan", "checkTime": _ms(t), "bizId": b, "corpId": "dingcorp"} for t, b in punches],
    }
    for _ in range(2):  # DingTalk delivers at least once
        resp = _dingtalk_event(client, event)
        assert resp.status_code == 200 and _decrypted_answer(resp) == "success"
    days = client.get("/api/v1/employees/zhangsan/attendance?from=2026-11-19&to=2026-11-20", headers=AUTH).get_json()[
        "days"
    ]
    assert [(d["date"], d["first_in"], d["last_out"]) for d in days] == [
        ("2026-11-19", "09:02", "00:40"),  # a punch before 05:00 belongs to the previous day's shift
        ("2026-11-20", None, None),
    ]


@pytest.mark.parametrize(
    ("query", "status"),
    [("msg_signature=0000&timestamp=1&nonce=n", 401), ("", 401)],
)
def test_dingtalk_bad_signature_is_refused(client: Any, query: str, status: int) -> None:
    resp = client.post(f"/callbacks/dingtalk/events?{query}", json={"encrypt": "AAAA"})
    assert resp.status_code == status and resp.content_type.startswith("text/plain")


def test_oversized_callback_is_413(client: Any) -> None:
    resp = client.post("/callbacks/dingtalk/events?msg_signature=a&timestamp=1&nonce=n", data=b"x" * (1024 * 1024 + 1))
    assert resp.status_code == 413


# -- WeCom ------------------------------------------------------------------------------------------
def _wecom_post(client: Any, inner_xml: str, nonce: str = "1597212914", ts: str = "1795413600") -> Any:
    crypto = WeChatCrypto(WECOM["callback_token"], WECOM["callback_aes_key"], WECOM["corp_id"])
    reply = ET.fromstring(crypto.encrypt_message(inner_xml, nonce, ts))
    body = (
        f"<xml><ToUserName><![CDATA[{WECOM['corp_id']}]]></ToUserName><Encrypt><![CDATA[{reply.findtext('Encrypt')}]]>"
        f"</Encrypt><AgentID><![CDATA[{WECOM['agent_id']}]]></AgentID></xml>"
    )
    query = urllib.parse.urlencode({"msg_signature": reply.findtext("MsgSignature"), "timestamp": ts, "nonce": nonce})
    return client.post(f"/callbacks/wecom?{query}", data=body.encode("utf-8"), content_type="text/xml")


def _wecom_text(user: str, content: str, msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{WECOM['corp_id']}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>1795413600</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id}</MsgId><AgentID>{WECOM['agent_id']}</AgentID></xml>"
    )


def test_wecom_url_verification_with_the_official_vector(client: Any) -> None:
    query = (
        "msg_signature=012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb&timestamp=1476416373&nonce=47744683&echostr="
        + urllib.parse.quote("fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==")
    )
    resp = client.get(f"/callbacks/wecom?{query}")
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "1288432023552776189"


def test_wecom_command_is_answered_once_through_message_send(client: Any) -> None:
    body = {"name": "李人事", "department": "人力资源部", "hired_on": "2020-03-01", "is_hr": True}
    assert client.put("/api/v1/employees/lihr", json=body, headers=AUTH).status_code == 201
    sent: list[dict[str, Any]] = []

    def record(request: Any) -> tuple[int, dict[str, str], str]:
        sent.append(json.loads(request.body))
        return 200, {}, json.dumps({"errcode": 0, "errmsg": "ok", "msgid": f"m{len(sent)}"})

    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.get(f"{WECOM_API}/cgi-bin/gettoken", json={"errcode": 0, "access_token": "wc-token", "expires_in": 7200})
        rsps.add_callback("POST", f"{WECOM_API}/cgi-bin/message/send", callback=record)
        for _ in range(2):  # WeCom retries a callback it thinks failed
            resp = _wecom_post(client, _wecom_text("lihr", "/帮助", 7306512883749201234))
            assert resp.status_code == 200
    assert len(sent) == 1
    assert sent[0]["touser"] == "lihr" and "/status" in json.dumps(sent[0], ensure_ascii=False)


def test_wecom_unknown_event_is_acknowledged(client: Any) -> None:
    inner = (
        f"<xml><ToUserName><![CDATA[{WECOM['corp_id']}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
        "<CreateTime>1795413601</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[brand_new_event]]></Event></xml>"
    )
    resp = _wecom_post(client, inner)
    assert resp.status_code == 200 and resp.get_data(as_text=True) == ""


def test_wecom_tampered_and_malformed_requests(client: Any) -> None:
    resp = client.post("/callbacks/wecom?msg_signature=0&timestamp=1&nonce=2", data="<xml><Encrypt>abc</Encrypt></xml>")
    assert resp.status_code == 401
    assert _wecom_post(client, "this is not xml").status_code == 400
