"""A DingTalk tenant as the acceptance tests see it: config, signed robot callbacks, mocked OpenAPI hosts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

API, OAPI = "https://dingtalk-api.acceptance.test", "https://dingtalk-oapi.acceptance.test"
CONFIG = {
    "app_key": "dingacceptanceapp",
    "app_secret": "acceptance-app-secret",
    "agent_id": "4001",
    "robot_code": "dingacceptancerobot",
    "callback_token": "acceptanceToken",
    "callback_aes_key": "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    "api_base": API,
    "oapi_base": OAPI,
}


def robot_headers(now: datetime, secret: str = CONFIG["app_secret"]) -> dict[str, str]:
    """``timestamp`` + ``sign`` exactly as protocols.md §3.1 describes (computed here, not by CareBot)."""
    ts = str(int(now.timestamp() * 1000))
    digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    return {"timestamp": ts, "sign": base64.b64encode(digest).decode()}


def robot_message(
    sender: str, text: str, now: datetime, *, group: bool = False, msg_id: str = "msg-1"
) -> dict[str, Any]:
    """A robot text message body (HTTP mode), 1:1 or in a group, with a valid session webhook."""
    ms = int(now.timestamp() * 1000)
    return {
        "conversationId": "cidAcceptanceGroup==" if group else "cidAcceptance1to1==",
        "conversationType": "2" if group else "1",
        "conversationTitle": "HR 工作群" if group else None,
        "msgId": msg_id,
        "msgtype": "text",
        "text": {"content": f" {text}"},  # DingTalk puts a space after the @mention
        "createAt": ms,
        "senderStaffId": sender,
        "senderNick": sender,
        "senderId": "$:LWCP_v1:$acceptance",
        "isInAtList": True,
        "robotCode": CONFIG["robot_code"],
        "sessionWebhook": f"{OAPI}/robot/sendBySession?session=acceptance",
        "sessionWebhookExpiredTime": ms + 5_400_000,
    }


def post_robot(client: Any, body: dict[str, Any], now: datetime) -> Any:
    """POST the message to /callbacks/dingtalk/robot, signed for ``now``."""
    return client.post(
        "/callbacks/dingtalk/robot",
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        content_type="application/json; charset=utf-8",
        headers=robot_headers(now),
    )


def mock_openapi(rsps: Any) -> list[dict[str, Any]]:
    """Answer the token and every send endpoint; returns the JSON bodies CareBot sent, in order."""
    sent: list[dict[str, Any]] = []

    def record(request: Any) -> tuple[int, dict[str, str], str]:
        sent.append({"url": request.url, "body": json.loads(request.body or b"{}")})
        return 200, {}, json.dumps({"errcode": 0, "errmsg": "ok", "task_id": 1, "processQueryKey": "q"})

    rsps.post(f"{API}/v1.0/oauth2/accessToken", json={"accessToken": "acceptance-token", "expireIn": 7200})
    for url in (
        f"{OAPI}/topapi/message/corpconversation/asyncsend_v2",
        f"{API}/v1.0/robot/oToMessages/batchSend",
        f"{OAPI}/robot/sendBySession",
    ):
        rsps.add_callback("POST", url, callback=record)
    return sent
