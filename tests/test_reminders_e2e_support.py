"""Helpers for the end-to-end reminder and survey tests (no tests here): platform settings, signed callbacks."""

from __future__ import annotations

import itertools
import json
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from dingtalk.crypto import DingTalkCrypto

from bot.platforms.dingtalk.inbound_chat import card_signature, robot_sign
from tests.test_reminders_builders import at

try:
    from wechatpy.enterprise.crypto import WeChatCrypto
except ImportError:  # wechatpy 2.x
    from wechatpy.work.crypto import WeChatCrypto  # type: ignore[no-redef]

NOW_MS = 1795413600000  # the conftest clock: 2026-11-23 14:00 Asia/Shanghai
DT_CORP = "ding9f50b15bc0a1e16741"
DT_API, DT_OAPI, WC_API = "https://dt-api.test", "https://dt-oapi.test", "https://wecom.test"
DINGTALK = {
    "app_key": "dingcarebotappkey01",
    "app_secret": "robot-app-secret",
    "agent_id": "3001",
    "robot_code": "robot-1",
    "corp_id": DT_CORP,
    "card_template_id": "tpl.schema",
    "card_callback_route_key": "carebot",
    "callback_token": "carebotCallbackToken",
    "callback_aes_key": "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    "card_api_secret": "card-api-secret",
    "api_base": DT_API,
    "oapi_base": DT_OAPI,
}
WECOM = {
    "corp_id": "ww1436e0e65a779aee",
    "agent_id": "1000002",
    "secret": "wecom-secret",
    "callback_token": "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    "callback_aes_key": "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    "api_base": WC_API,
}
LATE_NIGHTS = [("2026-11-18", "21:42"), ("2026-11-19", "22:05"), ("2026-11-20", "21:37")]
EVIDENCE = "连续3个工作日最后打卡晚于21:00：11月18日 21:42、11月19日 22:05、11月20日 21:37"


def only_rules(*keep: str) -> list[str]:
    """Every built-in rule id except ``keep``, for ``[rules].disabled``: the test sees only its tags."""
    library = Path(__file__).resolve().parent.parent / "rules" / "library"
    ids = [tomllib.loads(p.read_text("utf-8"))["id"] for p in sorted(library.glob("*.toml"))]
    return [i for i in ids if i not in keep]


def ms(text: str) -> int:
    """A Shanghai wall-clock time in epoch milliseconds."""
    return int(at(text).timestamp() * 1000)


def body_has(*path: str, contains: str) -> Any:
    """A ``responses`` matcher: the JSON body's string at ``path`` contains ``contains``."""

    def match(request: Any) -> tuple[bool, str]:
        node: Any = json.loads(request.body or b"{}")
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        ok = isinstance(node, str) and contains in node
        return ok, f"{'.'.join(path)} = {node!r} lacks {contains!r}"

    return match


# -- DingTalk ---------------------------------------------------------------------------------------
def dingtalk_token(rsps: Any) -> None:
    rsps.post(f"{DT_API}/v1.0/oauth2/accessToken", json={"accessToken": "dt-token", "expireIn": 7200})


def post_dingtalk_event(client: Any, event: dict[str, Any]) -> Any:
    """An encrypted event subscription callback (dingtalk-sdk as the independent implementation)."""
    crypto = DingTalkCrypto(DINGTALK["callback_token"], DINGTALK["callback_aes_key"], DINGTALK["app_key"])
    enc = crypto.encrypt_message(json.dumps(event, ensure_ascii=False), nonce="abc123", timestamp=str(NOW_MS))
    params = {"msg_signature": enc["msg_signature"], "timestamp": enc["timeStamp"], "nonce": enc["nonce"]}
    return client.post(
        "/callbacks/dingtalk/events?" + urlencode(params),
        data=json.dumps({"encrypt": enc["encrypt"]}),
        content_type="application/json",
    )


def dingtalk_punches(client: Any, userid: str, days: list[tuple[str, str]]) -> None:
    """One attendance callback per day: a morning punch and the evening one."""
    for day, evening in days:
        items = [
            {"userId": userid, "checkTime": ms(f"{day} {hhmm}"), "bizId": f"{userid}-{day}-{hhmm}", "corpId": DT_CORP}
            for hhmm in ("09:01", evening)
        ]
        event = {"EventType": "attendance_check_record", "eventId": f"att-{userid}-{day}", "dataList": items}
        response = post_dingtalk_event(client, event)
        assert response.status_code == 200, response.get_data(as_text=True)


_STAMPS = itertools.count()


def post_dingtalk_card(client: Any, out_track_id: str, user: str, action: str, params: dict[str, str]) -> Any:
    """A signed interactive-card button callback."""
    content = {"cardPrivateData": {"actionIds": [action], "params": params}}
    payload = {
        "type": "actionCallback",
        "outTrackId": out_track_id,
        "corpId": DT_CORP,
        "userId": user,
        "content": json.dumps(content, ensure_ascii=False),
    }
    stamp = str(NOW_MS - next(_STAMPS))  # a (timestamp, signature) pair is single-use, as on DingTalk
    headers = {
        "x-ddpaas-signature-timestamp": stamp,
        "x-ddpaas-signature": card_signature(DINGTALK["card_api_secret"], stamp),
    }
    return client.post("/callbacks/dingtalk/cards", json=payload, headers=headers)


def post_dingtalk_robot(client: Any, userid: str, name: str, text: str, msg_id: str) -> Any:
    """A signed 1:1 robot message (HTTP mode)."""
    payload = {
        "conversationId": f"cid-{userid}",
        "conversationType": "1",
        "msgId": msg_id,
        "senderNick": name,
        "senderStaffId": userid,
        "senderCorpId": DT_CORP,
        "createAt": NOW_MS,
        "sessionWebhook": f"{DT_OAPI}/robot/sendBySession?session=s-{userid}",
        "sessionWebhookExpiredTime": NOW_MS + 5_400_000,
        "robotCode": DINGTALK["robot_code"],
        "msgtype": "text",
        "text": {"content": f" {text}"},
    }
    stamp = str(NOW_MS - next(_STAMPS))
    headers = {"timestamp": stamp, "sign": robot_sign(DINGTALK["app_secret"], stamp)}
    data = json.dumps(payload, ensure_ascii=False).encode()
    return client.post("/callbacks/dingtalk/robot", data=data, headers=headers, content_type="application/json")


# -- WeCom ------------------------------------------------------------------------------------------
def wecom_token(rsps: Any) -> None:
    rsps.get(f"{WC_API}/cgi-bin/gettoken", json={"errcode": 0, "access_token": "wc-token", "expires_in": 7200})


def post_wecom(client: Any, inner_xml: str) -> Any:
    """An encrypted WeCom callback (wechatpy as the independent implementation)."""
    ts, nonce = str(NOW_MS // 1000), "1597212914"
    crypto = WeChatCrypto(WECOM["callback_token"], WECOM["callback_aes_key"], WECOM["corp_id"])
    reply = ET.fromstring(crypto.encrypt_message(inner_xml, nonce, ts))  # noqa: S314 (our own XML)
    params = {"msg_signature": reply.findtext("MsgSignature") or "", "timestamp": ts, "nonce": nonce}
    body = (
        f"<xml><ToUserName><![CDATA[{WECOM['corp_id']}]]></ToUserName>"
        f"<Encrypt><![CDATA[{reply.findtext('Encrypt')}]]></Encrypt>"
        f"<AgentID><![CDATA[{WECOM['agent_id']}]]></AgentID></xml>"
    )
    return client.post("/callbacks/wecom?" + urlencode(params), data=body.encode(), content_type="text/xml")


def wecom_card_click(user: str, task_id: str, event_key: str, response_code: str) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{WECOM['corp_id']}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{NOW_MS // 1000}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[{event_key}]]></EventKey>"
        f"<TaskId><![CDATA[{task_id}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"
        f"<ResponseCode><![CDATA[{response_code}]]></ResponseCode><AgentID>{WECOM['agent_id']}</AgentID></xml>"
    )


def wecom_text(user: str, text: str, msg_id: str) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{WECOM['corp_id']}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{NOW_MS // 1000}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId><AgentID>{WECOM['agent_id']}</AgentID></xml>"
    )
