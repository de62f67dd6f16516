"""WeCom client and platform against mocked endpoints: token cache and refresh, batching, cards, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

import pytest
import responses
from responses import matchers

from bot.core.clock import FixedClock
from bot.core.errors import PlatformAPIError
from bot.pipeline.platform import Button, Card
from bot.platforms.wecom.cards import button_key, plain_text, task_id, template_card
from bot.platforms.wecom.platform import WeComClient, WeComPlatform

BASE = "https://wecom.test"
TOKEN_URL = f"{BASE}/cgi-bin/gettoken"
SEND_URL = f"{BASE}/cgi-bin/message/send"
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def client(clock: FixedClock) -> WeComClient:
    return WeComClient(corp_id="ww1436e0e65a779aee", secret="s3cret", agent_id="1000002", clock=clock, api_base=BASE)


@pytest.fixture
def platform(client: WeComClient) -> WeComPlatform:
    return WeComPlatform(client)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def token(rsps, value: str = "tok-1", expires_in: int = 7200) -> None:
    rsps.get(
        TOKEN_URL,
        json={"errcode": 0, "errmsg": "ok", "access_token": value, "expires_in": expires_in},
        match=[matchers.query_param_matcher({"corpid": "ww1436e0e65a779aee", "corpsecret": "s3cret"})],
    )


def send(rsps, touser: str, msgtype: str, content: dict, *, tok: str = "tok-1", answer: dict | None = None) -> None:
    rsps.post(
        SEND_URL,
        json=answer if answer is not None else {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "m1"},
        match=[
            matchers.query_param_matcher({"access_token": tok}),
            matchers.json_params_matcher(
                {
                    "touser": touser,
                    "msgtype": msgtype,
                    "agentid": 1000002,
                    msgtype: content,
                    "enable_duplicate_check": 1,
                    "duplicate_check_interval": 14400,
                }
            ),
        ],
    )


# -- tokens ---------------------------------------------------------------------------------------
def test_token_cached_then_refreshed_before_expiry(rsps, platform, clock) -> None:
    token(rsps, "tok-1")
    send(rsps, "u1", "text", {"content": "你好"})
    send(rsps, "u1", "text", {"content": "你好"})
    platform.send_text("u1", "你好")
    clock.advance(seconds=6000)
    platform.send_text("u1", "你好")
    clock.advance(seconds=1000)  # 7000 s: within five minutes of expiry
    token(rsps, "tok-2")
    send(rsps, "u1", "text", {"content": "你好"}, tok="tok-2")
    platform.send_text("u1", "你好")


@pytest.mark.parametrize("errcode", [40014, 42001, 40001, 41001])
def test_token_error_refreshes_once(rsps, platform, errcode) -> None:
    token(rsps, "tok-1")
    send(rsps, "u1", "text", {"content": "x"}, answer={"errcode": errcode, "errmsg": "invalid access_token, hint: [x]"})
    token(rsps, "tok-2")
    send(rsps, "u1", "text", {"content": "x"}, tok="tok-2")
    assert platform.send_text("u1", "x").ref == {"via": "message", "msgid": "m1"}


def test_bad_secret_is_a_permanent_credentials_error(rsps, client) -> None:
    rsps.get(TOKEN_URL, json={"errcode": 40001, "errmsg": "invalid credential, hint: [1], from ip: 1.2.3.4"})
    with pytest.raises(PlatformAPIError) as info:
        client.check_credentials()
    assert not info.value.retryable
    assert "credentials rejected" in str(info.value) and "s3cret" not in str(info.value)
    assert "from ip" not in str(info.value)  # WeCom's hint tail is trimmed


# -- messages -------------------------------------------------------------------------------------
def test_send_message_batches_touser_by_1000(rsps, client) -> None:
    users = [f"u{i}" for i in range(2500)]
    token(rsps)
    for batch in (users[:1000], users[1000:2000], users[2000:]):
        send(rsps, "|".join(batch), "text", {"content": "通知"})
    assert len(client.send_message(users, "text", {"content": "通知"})) == 3


def test_markdown_body(rsps, platform) -> None:
    token(rsps)
    send(rsps, "u1", "markdown", {"content": "**关怀提醒**\n张三 连续3天加班"})
    platform.send_markdown("u1", "关怀提醒", "张三 连续3天加班")


def test_template_card_with_task_id_and_button_keys(rsps, platform) -> None:
    card = Card(
        "rem-42-u1",
        "关怀提醒",
        "**张三** 连续3天21点后下班\n[查看](https://x.test)",
        (Button("已跟进", "done", {"id": "42"}, "primary"), Button("稍后", "snooze", {"id": "42", "days": "2"})),
    )
    body = {
        "card_type": "button_interaction",
        "main_title": {"title": "关怀提醒"},
        "sub_title_text": "张三 连续3天21点后下班\n查看",
        "task_id": "rem-42-u1",
        "button_list": [
            {"type": 0, "text": "已跟进", "style": 1, "key": "done?id=42"},
            {"type": 0, "text": "稍后", "style": 2, "key": "snooze?days=2&id=42"},
        ],
    }
    token(rsps)
    send(rsps, "u1", "template_card", body, answer={"errcode": 0, "msgid": "m9", "response_code": "rc-1"})
    result = platform.send_card("u1", card)
    assert result.ref == {
        "via": "card",
        "card_id": "rem-42-u1",
        "task_id": "rem-42-u1",
        "msgid": "m9",
        "response_code": "rc-1",
    }
    assert dict(parse_qsl("days=2&id=42")) == {"days": "2", "id": "42"}


def test_task_id_already_used_counts_as_sent(rsps, platform) -> None:
    token(rsps)
    rsps.post(SEND_URL, json={"errcode": 42014, "errmsg": "taskid has existed or empty or exceed max len"})
    result = platform.send_card("u1", Card("c-1", "t", "m", (Button("好", "ok"),)))
    assert result.ok and result.ref["already_sent"] is True


def test_task_id_is_sanitised_deterministically() -> None:
    assert task_id("survey-7_u1@corp") == "survey-7_u1@corp"
    odd = task_id("问卷:7/张三")
    assert odd == task_id("问卷:7/张三") and len(odd.encode()) <= 128
    assert all(c.isalnum() or c in "_-@" for c in odd)
    assert task_id("a" * 200) != task_id("a" * 201) and len(task_id("a" * 200)) == 128
    assert task_id("a:b") != task_id("a/b")  # replaced characters never collide


def test_button_keys_are_unique_and_bounded() -> None:
    used: set[str] = set()
    first = button_key(Button("是", "answer", {"q": "1"}), 0, used)
    second = button_key(Button("是", "answer", {"q": "1"}), 1, used)
    assert first != second and second.startswith("answer?q=1")
    long = button_key(Button("x", "a", {"v": "字" * 600}), 2, used)
    assert len(long.encode()) <= 1024


def test_plain_text_strips_markdown() -> None:
    assert plain_text("## 标题\n> 引用 **粗** _斜_ `码` ![i](u) [链接](http://x)") == "标题\n引用 粗 斜 码  链接"


def test_settled_card_shows_its_status() -> None:
    card = Card("c", "t", "m", (Button("a", "a"),), status_text="已提交")
    assert template_card(card)["button_list"] == [{"type": 0, "text": "已提交", "style": 2, "key": "settled"}]


def test_update_template_card_with_response_code(rsps, platform) -> None:
    url = f"{BASE}/cgi-bin/message/update_template_card"
    token(rsps)
    rsps.post(
        url,
        json={"errcode": 0, "errmsg": "ok"},
        match=[
            matchers.json_params_matcher(
                {"userids": ["u1"], "agentid": 1000002, "response_code": "rc-1", "button": {"replace_name": "已跟进 ✓"}}
            )
        ],
    )
    card = Card("rem-1", "t", "m", (Button("已跟进", "done"),))
    rsps.post(
        url,
        json={"errcode": 0, "errmsg": "ok"},
        match=[
            matchers.json_params_matcher(
                {"userids": ["u1"], "agentid": 1000002, "response_code": "rc-2", "template_card": template_card(card)}
            )
        ],
    )
    settled = Card("rem-1", "t", "m", (), status_text="已跟进 ✓")
    platform.update_card("u1", settled, {"response_code": "rc-1"})
    platform.update_card("u1", card, {"response_code": "rc-2"})
    with pytest.raises(PlatformAPIError, match="response_code") as info:
        platform.update_card("u1", settled, {})
    assert not info.value.retryable


# -- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "status", "retryable"),
    [
        ({"errcode": 45009, "errmsg": "api freq out of limit"}, 200, True),
        ({"errcode": -1, "errmsg": "system busy"}, 200, True),
        ({"errcode": 0, "errmsg": "ok"}, 429, True),
        ({"errcode": 81013, "errmsg": "user & party & tag all invalid"}, 200, False),
        ({"errcode": 40003, "errmsg": "invalid userid"}, 200, False),
        ({"errcode": 0, "errmsg": "ok", "invaliduser": "U1"}, 200, False),
        ({"errcode": 0, "errmsg": "ok", "unlicenseduser": "u1"}, 200, False),
        ({"errcode": 60020, "errmsg": "not allow to access from your ip"}, 200, False),
    ],
)
def test_send_errors_are_classified(rsps, platform, answer, status, retryable) -> None:
    token(rsps)
    rsps.post(SEND_URL, json=answer, status=status)
    with pytest.raises(PlatformAPIError) as info:
        platform.send_text("u1", "x")
    assert info.value.retryable is retryable


def test_non_json_gateway_error_is_retryable(rsps, platform) -> None:
    token(rsps)
    rsps.post(SEND_URL, body="<html>502</html>", status=502)
    with pytest.raises(PlatformAPIError) as info:
        platform.send_text("u1", "x")
    assert info.value.retryable and "tok-1" not in str(info.value)


# -- directory and check-ins ----------------------------------------------------------------------
def test_get_user_flattens_and_names_departments(rsps, client) -> None:
    token(rsps)
    rsps.get(
        f"{BASE}/cgi-bin/user/get",
        json={
            "errcode": 0,
            "userid": "zhangsan",
            "name": "张三",
            "department": [1, 2],
            "position": "产品经理",
            "direct_leader": ["lisi"],
            "status": 1,
            "email": "zs@x.test",
        },
        match=[matchers.query_param_matcher({"access_token": "tok-1", "userid": "zhangsan"})],
    )
    rsps.get(
        f"{BASE}/cgi-bin/department/get",
        json={"errcode": 0, "department": {"id": 1, "name": "总部"}},
        match=[matchers.query_param_matcher({"access_token": "tok-1", "id": "1"})],
    )
    rsps.get(
        f"{BASE}/cgi-bin/department/get",
        json={"errcode": 0, "department": {"id": 2, "name": "产品部"}},
        match=[matchers.query_param_matcher({"access_token": "tok-1", "id": "2"})],
    )
    assert client.get_user("zhangsan") == {
        "userid": "zhangsan",
        "name": "张三",
        "dept_ids": [1, 2],
        "dept_names": ["总部", "产品部"],
        "manager_userid": "lisi",
        "hired_date": None,
        "title": "产品经理",
        "active": True,
        "email": "zs@x.test",
    }


def test_checkin_data_is_split_by_100_users_and_30_days(rsps, client) -> None:
    users = [f"u{i}" for i in range(150)]
    start = datetime(2026, 10, 1, tzinfo=UTC)
    end = start + timedelta(days=45)
    mid = start + timedelta(days=30)
    token(rsps)
    windows = [(start, mid), (mid + timedelta(seconds=1), end)]
    for lo, hi in windows:
        for chunk in (users[:100], users[100:]):
            rsps.post(
                f"{BASE}/cgi-bin/checkin/getcheckindata",
                json={"errcode": 0, "checkindata": [{"userid": chunk[0], "checkin_time": int(lo.timestamp())}]},
                match=[
                    matchers.json_params_matcher(
                        {
                            "opencheckindatatype": 3,
                            "starttime": int(lo.timestamp()),
                            "endtime": int(hi.timestamp()),
                            "useridlist": chunk,
                        }
                    )
                ],
            )
    records = client.get_checkin_data(users, start, end)
    assert [r["userid"] for r in records] == ["u0", "u100", "u0", "u100"]
