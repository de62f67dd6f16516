"""DingTalk client and platform against mocked endpoints: token cache and refresh, batching, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses
from responses import matchers

from bot.core.clock import FixedClock
from bot.core.errors import PlatformAPIError
from bot.pipeline.platform import Button, Card
from bot.platforms.dingtalk.platform import DingTalkClient, DingTalkPlatform, card_params, msg_uuid
from bot.platforms.http import RateLimited

API = "https://dt-api.test"
OAPI = "https://dt-oapi.test"
TOKEN_URL = f"{API}/v1.0/oauth2/accessToken"
NOTICE_URL = f"{OAPI}/topapi/message/corpconversation/asyncsend_v2"
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def client(clock: FixedClock) -> DingTalkClient:
    return DingTalkClient(
        app_key="dingkey", app_secret="s3cret", agent_id="123", clock=clock, api_base=API, oapi_base=OAPI
    )


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def token(rsps: responses.RequestsMock, value: str = "tok-1", expire_in: int = 7200) -> None:
    rsps.post(
        TOKEN_URL,
        json={"accessToken": value, "expireIn": expire_in},
        match=[matchers.json_params_matcher({"appKey": "dingkey", "appSecret": "s3cret"})],
    )


def notice(rsps, users: str, msg: dict, *, tok: str = "tok-1", answer: dict | None = None, status: int = 200) -> None:
    rsps.post(
        NOTICE_URL,
        json=answer if answer is not None else {"errcode": 0, "task_id": 77, "request_id": "r1"},
        status=status,
        match=[
            matchers.query_param_matcher({"access_token": tok}),
            matchers.json_params_matcher({"agent_id": 123, "userid_list": users, "msg": msg}),
        ],
    )


TEXT = {"msgtype": "text", "text": {"content": "你好"}}


# -- tokens ---------------------------------------------------------------------------------------
def test_token_is_cached_until_shortly_before_expiry(rsps, client, clock) -> None:
    token(rsps, "tok-1")
    notice(rsps, "u1", TEXT)
    notice(rsps, "u1", TEXT)
    client.send_work_notice(["u1"], TEXT)
    clock.advance(seconds=7200 - 301)  # still more than the 5-minute margin left
    client.send_work_notice(["u1"], TEXT)
    assert len([c for c in rsps.calls if c.request.url.startswith(TOKEN_URL)]) == 1

    clock.advance(seconds=2)  # inside the margin: a new token before the old one expires
    token(rsps, "tok-2")
    notice(rsps, "u1", TEXT, tok="tok-2")
    client.send_work_notice(["u1"], TEXT)


@pytest.mark.parametrize("errcode", [40014, 42001, 40001, 41001])
def test_oapi_token_error_refreshes_once_and_retries(rsps, client, errcode) -> None:
    token(rsps, "tok-1")
    notice(rsps, "u1", TEXT, answer={"errcode": errcode, "errmsg": "不合法的access_token"})
    token(rsps, "tok-2")
    notice(rsps, "u1", TEXT, tok="tok-2")
    assert client.send_work_notice(["u1"], TEXT) == [{"task_id": 77, "request_id": "r1"}]


def test_token_rejected_twice_is_a_retryable_error(rsps, client) -> None:
    token(rsps, "tok-1")
    notice(rsps, "u1", TEXT, answer={"errcode": 42001, "errmsg": "access_token超时"})
    token(rsps, "tok-2")
    notice(rsps, "u1", TEXT, tok="tok-2", answer={"errcode": 42001, "errmsg": "access_token超时"})
    with pytest.raises(PlatformAPIError) as info:
        client.send_work_notice(["u1"], TEXT)
    assert info.value.retryable and "again after a refresh" in str(info.value)


@pytest.mark.parametrize(
    ("status", "body"),
    [(401, {"code": "Unauthorized", "message": "no"}), (400, {"code": "InvalidAuthentication", "message": "过期"})],
)
def test_openapi_401_or_invalid_authentication_refreshes_once(rsps, client, status, body) -> None:
    url = f"{API}/v1.0/card/instances"
    token(rsps, "tok-1")
    rsps.put(url, json=body, status=status, match=[matchers.header_matcher({"x-acs-dingtalk-access-token": "tok-1"})])
    token(rsps, "tok-2")
    rsps.put(url, json={"success": True}, match=[matchers.header_matcher({"x-acs-dingtalk-access-token": "tok-2"})])
    assert client.update_card("c-1", {"status": "已跟进"}) == {"success": True}


def test_wrong_credentials_are_a_permanent_error(rsps, client) -> None:
    rsps.post(
        TOKEN_URL, status=400, json={"code": "invalidClientIdOrSecret", "message": "无效的clientId或者clientSecret"}
    )
    with pytest.raises(PlatformAPIError) as info:
        client.check_credentials()
    assert not info.value.retryable
    assert "invalidClientIdOrSecret" in str(info.value)
    assert "s3cret" not in str(info.value)


def test_check_credentials_returns_the_fresh_token(rsps, client) -> None:
    token(rsps, "tok-1", 7200)
    fresh = client.check_credentials()
    assert fresh.value == "tok-1"
    assert fresh.expires_at == NOW + timedelta(seconds=7200 - 300)


# -- work notifications ---------------------------------------------------------------------------
def test_work_notice_batches_userids_by_100(rsps, client) -> None:
    users = [f"u{i}" for i in range(250)]
    token(rsps)
    for batch in (users[:100], users[100:200], users[200:]):
        notice(rsps, ",".join(batch), TEXT)
    assert len(client.send_work_notice(users, TEXT)) == 3


@pytest.fixture
def platform(client, clock) -> DingTalkPlatform:
    return DingTalkPlatform(
        client, clock=clock, robot_code="robot-1", card_template_id="tpl.schema", card_callback_route_key="carebot"
    )


def test_text_markdown_and_action_card_bodies(rsps, client, clock) -> None:
    plain = DingTalkPlatform(client, clock=clock)  # no card template: cards become action cards
    token(rsps)
    notice(rsps, "u1", TEXT)
    notice(rsps, "u1", {"msgtype": "markdown", "markdown": {"title": "提醒", "text": "**张三** 连续加班"}})
    card = Card(
        "c-9",
        "脉搏问卷",
        "本周压力如何?",
        (Button("填写", "open", {"url": "https://x.test/s/1"}), Button("稍后", "later", {"url": "https://x.test/s/2"})),
    )
    notice(
        rsps,
        "u1",
        {
            "msgtype": "action_card",
            "action_card": {
                "title": "脉搏问卷",
                "markdown": "本周压力如何?",
                "btn_orientation": "1",
                "btn_json_list": [
                    {"title": "填写", "action_url": "https://x.test/s/1"},
                    {"title": "稍后", "action_url": "https://x.test/s/2"},
                ],
            },
        },
    )
    assert plain.send_text("u1", "你好").ref == {"via": "work_notice", "task_id": 77, "request_id": "r1"}
    plain.send_markdown("u1", "提醒", "**张三** 连续加班")
    result = plain.send_card("u1", card)
    assert result.ref["card_id"] == "c-9"
    with pytest.raises(PlatformAPIError, match="cannot be updated"):
        plain.update_card("u1", card, result.ref)


def test_interactive_card_create_and_update_by_out_track_id(rsps, platform) -> None:
    card = Card("rem-42-u1", "关怀提醒", "张三 连续3天21点后下班", (Button("已跟进", "done", {"id": "42"}, "primary"),))
    params = card_params(card)
    assert json.loads(params["buttons"]) == [
        {"text": "已跟进", "action": "done", "params": {"id": "42"}, "style": "primary"}
    ]
    token(rsps)
    rsps.post(
        f"{API}/v1.0/card/instances/createAndDeliver",
        json={"success": True, "result": {"outTrackId": "rem-42-u1", "deliverResults": [{"success": True}]}},
        match=[
            matchers.header_matcher({"x-acs-dingtalk-access-token": "tok-1"}),
            matchers.json_params_matcher(
                {
                    "cardTemplateId": "tpl.schema",
                    "outTrackId": "rem-42-u1",
                    "cardData": {"cardParamMap": params},
                    "openSpaceId": "dtv1.card//IM_ROBOT.u1",
                    "imRobotOpenSpaceModel": {"supportForward": False},
                    "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": "robot-1"},
                    "userIdType": 1,
                    "callbackType": "HTTP",
                    "callbackRouteKey": "carebot",
                }
            ),
        ],
    )
    settled = Card(card.card_id, card.title, card.markdown, card.buttons, status_text="已跟进 ✓")
    rsps.put(
        f"{API}/v1.0/card/instances",
        json={"success": True},
        match=[
            matchers.json_params_matcher(
                {
                    "outTrackId": "rem-42-u1",
                    "cardData": {"cardParamMap": {**params, "status": "已跟进 ✓", "buttons": "[]"}},
                    "cardUpdateOptions": {"updateCardDataByKey": True},
                    "userIdType": 1,
                }
            )
        ],
    )
    sent = platform.send_card("u1", card)
    assert sent.ref == {"via": "card", "card_id": "rem-42-u1", "out_track_id": "rem-42-u1"}
    platform.update_card("u1", settled, sent.ref)


def test_cards_ask_for_stream_callbacks_in_stream_mode(rsps, client, clock) -> None:
    stream = DingTalkPlatform(
        client, clock=clock, robot_code="robot-1", card_template_id="tpl.schema", stream_callbacks=True
    )
    card = Card("rem-43-u1", "关怀提醒", "张三", (Button("已跟进", "done", {"id": "43"}, "primary"),))
    token(rsps)
    rsps.post(
        f"{API}/v1.0/card/instances/createAndDeliver",
        json={"success": True, "result": {"outTrackId": "rem-43-u1", "deliverResults": [{"success": True}]}},
        match=[matchers.json_params_matcher({"callbackType": "STREAM"}, strict_match=False)],
    )
    stream.send_card("u1", card)
    body = json.loads(rsps.calls[-1].request.body)
    assert "callbackRouteKey" not in body


def test_card_not_delivered_is_a_permanent_error(rsps, platform) -> None:
    token(rsps)
    rsps.post(
        f"{API}/v1.0/card/instances/createAndDeliver",
        json={
            "success": True,
            "result": {"deliverResults": [{"success": False, "errorMsg": "user not in robot range"}]},
        },
    )
    with pytest.raises(PlatformAPIError, match="not delivered") as info:
        platform.send_card("u1", Card("c-1", "t", "m"))
    assert not info.value.retryable


# -- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "body", "retryable"),
    [
        (200, {"errcode": 90002, "errmsg": "接口调用超过限制"}, True),
        (200, {"errcode": 90005, "errmsg": "app limit"}, True),
        (200, {"errcode": 90006, "errmsg": "corp limit"}, True),
        (200, {"errcode": 90008, "errmsg": "limit"}, True),
        (200, {"errcode": -1, "errmsg": "系统繁忙"}, True),
        (200, {"status": 1111, "wait": 5}, True),
        (503, {"code": "ServiceUnavailable", "message": "busy"}, True),
        (200, {"errcode": 33012, "errmsg": "无效的userid"}, False),
        (200, {"errcode": 400002, "errmsg": "参数错误"}, False),
        (200, {"errcode": 60020, "errmsg": "访问ip不在白名单之中"}, False),
    ],
)
def test_oapi_errors_are_classified(rsps, client, status, body, retryable) -> None:
    token(rsps)
    notice(rsps, "u1", TEXT, answer=body, status=status)
    with pytest.raises(PlatformAPIError) as info:
        client.send_work_notice(["u1"], TEXT)
    assert info.value.retryable is retryable
    if body.get("status") == 1111:
        assert isinstance(info.value, RateLimited) and info.value.retry_after == 300


@pytest.mark.parametrize(
    ("status", "body", "retryable"),
    [
        (429, {"code": "Throttling", "message": "slow down"}, True),
        (403, {"code": "Forbidden.AccessDenied.QpsLimitForApi", "message": "qps"}, True),
        (500, {"code": "InternalError", "message": "oops"}, True),
        (400, {"code": "param.error", "message": "bad request"}, False),
        (403, {"code": "Forbidden.AccessDenied.IpNotInWhiteList", "message": "ip"}, False),
    ],
)
def test_openapi_errors_are_classified(rsps, client, status, body, retryable) -> None:
    token(rsps)
    rsps.put(f"{API}/v1.0/card/instances", json=body, status=status)
    with pytest.raises(PlatformAPIError) as info:
        client.update_card("c-1", {})
    assert info.value.retryable is retryable


def test_network_errors_and_non_json_5xx_are_retryable(rsps, client) -> None:
    token(rsps)
    rsps.post(NOTICE_URL, body=requests.ConnectionError("reset"))
    rsps.post(NOTICE_URL, body="<html>502 Bad Gateway</html>", status=502)
    for _ in range(2):
        with pytest.raises(PlatformAPIError) as info:
            client.send_work_notice(["u1"], TEXT)
        assert info.value.retryable
        assert "tok-1" not in str(info.value)  # the token in the URL never reaches an error message


# -- replies --------------------------------------------------------------------------------------
HOOK = f"{OAPI}/robot/sendBySession?session=abc"


def test_reply_uses_the_session_webhook_while_valid(rsps, platform) -> None:
    rsps.post(
        HOOK,
        json={"errcode": 0, "errmsg": "ok"},
        match=[
            matchers.json_params_matcher({"msgtype": "text", "text": {"content": "收到"}, "msgUuid": msg_uuid("k1")})
        ],
    )
    payload = {
        "text": "收到",
        "userid": "u1",
        "session_webhook": HOOK,
        "session_webhook_expires_at": (NOW + timedelta(minutes=30)).isoformat(),
    }
    assert platform.reply("cid-1", payload, dedupe_key="k1").ref["via"] == "session_webhook"


def test_expired_webhook_falls_back_to_robot_one_to_one(rsps, platform) -> None:
    token(rsps)
    rsps.post(
        f"{API}/v1.0/robot/oToMessages/batchSend",
        json={"processQueryKey": "pq-1", "invalidStaffIdList": [], "flowControlledStaffIdList": []},
        match=[
            matchers.json_params_matcher(
                {
                    "robotCode": "robot-1",
                    "userIds": ["u1"],
                    "msgKey": "sampleMarkdown",
                    "msgParam": json.dumps({"title": "状态", "text": "**正常**"}, ensure_ascii=False),
                }
            )
        ],
    )
    expired_ms = int((NOW - timedelta(seconds=1)).timestamp() * 1000)
    payload = {
        "text": "**正常**",
        "title": "状态",
        "userid": "u1",
        "session_webhook": HOOK,
        "session_webhook_expires_at": expired_ms,
    }
    assert platform.reply("cid-1", payload, dedupe_key="k2").ref == {"via": "robot", "process_query_key": "pq-1"}


@pytest.mark.parametrize(
    ("answer", "retryable"),
    [({"invalidStaffIdList": ["u1"]}, False), ({"flowControlledStaffIdList": ["u1"]}, True)],
)
def test_robot_invalid_or_throttled_user(rsps, client, answer, retryable) -> None:
    token(rsps)
    rsps.post(f"{API}/v1.0/robot/oToMessages/batchSend", json={"processQueryKey": "pq", **answer})
    with pytest.raises(PlatformAPIError) as info:
        client.robot_send_to_users("robot-1", ["u1"], "sampleText", {"content": "x"})
    assert info.value.retryable is retryable


def test_session_webhook_on_a_foreign_host_is_refused(platform) -> None:
    payload = {
        "text": "x",
        "session_webhook": "https://evil.test/hook",
        "session_webhook_expires_at": (NOW + timedelta(hours=1)).isoformat(),
    }
    with pytest.raises(PlatformAPIError, match="not on the configured DingTalk host") as info:
        platform.reply("u1", payload, dedupe_key="k")
    assert not info.value.retryable


# -- directory and failed callbacks ---------------------------------------------------------------
def test_get_user_flattens_and_names_departments(rsps, client) -> None:
    token(rsps)
    hired_ms = int(datetime(2026, 3, 2, tzinfo=UTC).timestamp() * 1000) - 8 * 3600 * 1000  # local midnight
    rsps.post(
        f"{OAPI}/topapi/v2/user/get",
        json={
            "errcode": 0,
            "result": {
                "userid": "zhangsan",
                "name": "张三",
                "dept_id_list": [2, 3],
                "manager_userid": "li",
                "hired_date": hired_ms,
                "title": "工程师",
                "mobile": "13800000000",
            },
        },
        match=[matchers.json_params_matcher({"userid": "zhangsan", "language": "zh_CN"})],
    )
    rsps.post(
        f"{OAPI}/topapi/v2/department/get",
        json={"errcode": 0, "result": {"name": "研发部"}},
        match=[matchers.json_params_matcher({"dept_id": 2})],
    )
    rsps.post(
        f"{OAPI}/topapi/v2/department/get",
        json={"errcode": 60003, "errmsg": "部门不存在"},
        match=[matchers.json_params_matcher({"dept_id": 3})],
    )
    user = client.get_user("zhangsan")
    assert user == {
        "userid": "zhangsan",
        "name": "张三",
        "dept_ids": [2, 3],
        "dept_names": ["研发部"],
        "manager_userid": "li",
        "hired_date": "2026-03-02",
        "title": "工程师",
        "active": True,
        "mobile": "13800000000",
    }
    assert "email" not in user


def test_failed_callbacks_are_paged_while_has_more(rsps, client) -> None:
    token(rsps)
    url = f"{OAPI}/call_back/get_call_back_failed_result"
    first = {"call_back_tag": "user_add_org", "event_time": 1, "user_add_org": {"userid": ["u1"]}}
    second = {"call_back_tag": "user_leave_org", "event_time": 2, "user_leave_org": {"userid": ["u2"]}}
    rsps.get(
        url,
        json={"errcode": 0, "has_more": True, "failed_list": [first]},
        match=[matchers.query_param_matcher({"access_token": "tok-1"})],
    )
    rsps.get(url, json={"errcode": 0, "has_more": False, "failed_list": [second]})
    assert client.failed_callbacks() == [first, second]


def test_long_card_body_is_split_under_the_1kb_value_limit() -> None:
    from bot.platforms.dingtalk.platform import MARKDOWN_PARTS, split_markdown

    body = "\n".join(f"- 11月{d}日 最后打卡 21:{d:02d}，连续深夜下班，请关注休息与排班安排" for d in range(1, 40))
    params = card_params(Card("c1", "关怀提醒", body, (Button("已跟进", "done"),)))
    assert all(len(v.encode()) <= 1000 for v in params.values())
    shown = "\n".join(params["markdown"] if n == 1 else params[f"markdown_{n}"] for n in range(1, MARKDOWN_PARTS + 1))
    assert shown.rstrip("\n") == body  # nothing lost, lines kept whole
    assert split_markdown("短") == ["短"]
    huge = split_markdown("字" * 5000)
    assert len(huge) == MARKDOWN_PARTS and huge[-1].endswith("…")
    assert all(len(p.encode()) <= 1000 for p in huge)
