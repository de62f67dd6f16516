"""DingTalk robot messages (HTTP mode) from the outside: signed requests in, answers in the body or 1:1."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from tests.acceptance import dingtalk

AUTH = {"Authorization": "Bearer acceptance"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"dingtalk": dingtalk.CONFIG, "api": {"tokens": ["acceptance"]}, "inbox": {"process": "inline"}}


def _org(client: Any) -> None:
    people = [
        ("hr1", {"name": "李人事", "department": "人力资源部", "hired_on": "2020-03-01", "is_hr": True}),
        ("zhangsan", {"name": "张三", "department": "电销一部", "hired_on": "2026-05-11", "hrbp_userid": "hr1"}),
    ]
    for userid, body in people:
        assert client.put(f"/api/v1/employees/{userid}", json=body, headers=AUTH).status_code in (200, 201)


def test_status_asked_in_a_group_is_answered_privately_with_one_notice(client: Any, clock: Any) -> None:
    _org(client)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        sent = dingtalk.mock_openapi(rsps)
        body = dingtalk.robot_message("hr1", "/status 张三", clock.now(), group=True)
        resp = dingtalk.post_robot(client, body, clock.now())
    assert resp.status_code == 200
    answer = resp.get_json()
    text = json.dumps(answer, ensure_ascii=False)
    assert "张三" not in text and "电销一部" not in text  # no person-level detail in the group
    content = answer.get("text", {}).get("content") or answer.get("markdown", {}).get("text", "")
    assert content.count("私") == 1, content  # told once where the answer went, not twice
    private = [m for m in sent if "张三" in json.dumps(m["body"], ensure_ascii=False)]
    assert len(private) == 1 and "sendBySession" not in private[0]["url"]  # 1:1, never the group webhook
    assert "hr1" in json.dumps(private[0]["body"])


def test_replayed_robot_message_is_answered_once(client: Any, clock: Any) -> None:
    _org(client)
    body = dingtalk.robot_message("hr1", "/help", clock.now(), msg_id="msg-replayed")
    first = dingtalk.post_robot(client, body, clock.now())
    again = dingtalk.post_robot(client, body, clock.now())
    assert first.status_code == again.status_code == 200
    assert "/status" in json.dumps(first.get_json(), ensure_ascii=False)
    assert again.get_json() == {"msgtype": "empty"}


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"timestamp": "1577262236757", "sign": "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="}, 401)],
)
def test_unsigned_or_stale_robot_message_is_refused(
    client: Any, clock: Any, headers: dict[str, str], status: int
) -> None:
    resp = client.post(
        "/callbacks/dingtalk/robot", json=dingtalk.robot_message("hr1", "/help", clock.now()), headers=headers
    )
    assert resp.status_code == status
    assert resp.content_type.startswith("text/plain") and "Traceback" not in resp.get_data(as_text=True)
