"""The command framework end to end: parsing, dispatch, help per role, unknown input, rate limit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core.clock import FixedClock
from bot.core.runtime import Runtime
from bot.models import AuditLog, CommandHit, Employee, InboundEvent
from bot.pipeline.dispatch import Context, Reply
from bot.pipeline.events import ChatMessage
from handlers.commands import CommandContext, command, registry
from handlers.commands.chat import run_command
from handlers.commands.parser import parse
from handlers.commands.text import Section, layout, limit_for, plain, render


def _add(runtime: Runtime, userid: str, name: str, **kw: Any) -> None:
    with runtime.db.session() as s:
        s.add(Employee(userid=userid, name=name, **kw))


def _say(client: Any, user: str, text: str, group: str | None = None) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"user": user, "text": text}
    if group:
        body["group"] = group
    resp = client.post("/simulator/api/messages", json=body)
    assert resp.status_code == 200, resp.get_json()
    replies: list[dict[str, Any]] = resp.get_json()["replies"]
    return replies


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("/status 张三", "status", "张三"),
        ("／状态 张三", "状态", "张三"),
        ("/状态张三", "状态", "张三"),
        ("@关怀助手 /status  zhang  san ", "status", "zhang san"),
        ("/STATUS zs", "status", "zs"),
        ("、状态 张三", "状态", "张三"),
        ("/", "", ""),
    ],
)
def test_parse_commands(text: str, name: str, args: str) -> None:
    parsed = parse(text, {"status", "状态", "help"})
    assert parsed is not None
    assert (parsed.name, parsed.args) == (name, args)


@pytest.mark.parametrize("text", ["5", "张三", "  ", "、你好", "hello /status"])
def test_not_commands(text: str) -> None:
    assert parse(text, {"status", "状态"}) is None


def test_help_for_stranger_lists_only_help(client: Any, runtime: Runtime) -> None:
    replies = _say(client, "nobody", "/help")
    assert len(replies) == 1
    text = replies[0]["text"]
    assert "/help" in text and "/status" not in text


def test_unknown_text_gets_hint(client: Any, runtime: Runtime) -> None:
    _add(runtime, "u1", "张三")
    replies = _say(client, "u1", "今天天气不错")
    assert len(replies) == 1 and "/help" in replies[0]["text"]


def test_unknown_command_gives_help(client: Any, runtime: Runtime) -> None:
    _add(runtime, "u1", "张三")
    replies = _say(client, "u1", "/frobnicate")
    assert "没有“/frobnicate”这个命令" in replies[0]["text"]
    assert "/help" in replies[0]["text"]


def test_rate_limit(client: Any, runtime: Runtime, settings_overrides: Any) -> None:
    _add(runtime, "u1", "张三")
    limit = runtime.settings.commands.rate_limit_per_minute
    for _ in range(limit):
        assert "太快" not in _say(client, "u1", "/help")[0]["text"]
    assert "有点快" in _say(client, "u1", "/help")[0]["text"]
    with runtime.db.session() as s:
        assert s.scalar(select(func.count(CommandHit.id))) == limit


# -- markdown limits ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("platform", "check"),
    [
        ("wecom", lambda t: len(t.encode("utf-8")) <= 2048),
        ("dingtalk", lambda t: len(t) <= 5000),
        ("local", lambda t: len(t) <= 5000 and len(t.encode("utf-8")) <= 2048),
    ],
)
def test_long_lists_are_cut_with_a_count(platform: str, check: Any) -> None:
    items = [f"- 员工{i:04d} · 销售部：连续深夜下班、业绩下滑" for i in range(1000)]
    sections = [Section(lines=["**团队概况**"], items=items)]
    text, shown = layout(sections, "zh-CN", limit_for(platform))
    assert check(text)
    assert 0 < shown[0] < 1000
    assert text.endswith(f"…另有 {1000 - shown[0]} 人")
    assert f"员工{shown[0] - 1:04d}" in text and f"员工{shown[0]:04d}" not in text
    # Not wasteful: one more item (and its newline) would not have fitted.
    room = (limit_for(platform).bytes or 10**9) - len(text.encode("utf-8"))
    assert len(items[shown[0]].encode("utf-8")) + 1 > min(room, 5000 - len(text))


def test_fixed_text_too_long_is_cut_on_a_line() -> None:
    text = render([Section(lines=["标题", "长" * 3000, "短"])], "en", limit_for("wecom"))
    assert len(text.encode("utf-8")) <= 2048 and text.startswith("标题\n\n长长") and text.endswith("长…")
    assert len(text.encode("utf-8")) > 2040


def test_plain_strips_markdown_and_control_characters() -> None:
    assert plain("[x](http://e.vil) **b** `c` # <i>\n\x00z") == "［x］(http://e.vil) ＊＊b＊＊ ｀c｀ ＃ ＜i＞ z"
    assert plain("很长" * 100, 10) == "很长很长很长很长很…"


# -- dispatch details --------------------------------------------------------------------------
def test_mentions_resolve_to_the_mentioned_user(runtime: Runtime) -> None:
    _add(runtime, "boss", "老板")
    with runtime.db.session() as s:
        boss = s.scalar(select(Employee).where(Employee.userid == "boss"))
        assert boss is not None
        s.add(Employee(userid="u-123", name="同名", manager_id=boss.id))
        s.add(Employee(userid="u-456", name="同名", manager_id=boss.id))
    event = ChatMessage(
        platform="dingtalk",
        sender_userid="boss",
        text="/status @同名",
        message_id="m1",
        sent_at=datetime(2026, 11, 23, 6, tzinfo=UTC),
        mentions=("u-456",),
    )
    with runtime.db.session() as s:
        ctx = Context(runtime=runtime, session=s)
        reply = run_command(event, ctx)
    assert reply is not None and "（u-456）" in reply.text and "u-123" not in reply.text


@pytest.fixture
def broken_command() -> Iterator[None]:
    @command("explode", roles=("employee",), summary_key="commands.help.summary", example="/explode")
    def explode(ctx: CommandContext) -> Reply:
        ctx.audit("u1", "view.test")
        raise RuntimeError("boom")

    yield
    registry._commands.pop("explode", None)
    registry._index.pop("explode", None)


def test_a_failing_command_answers_and_keeps_the_event(client: Any, runtime: Runtime, broken_command: None) -> None:
    _add(runtime, "u1", "张三")
    replies = _say(client, "u1", "/explode")
    assert "出错了" in replies[0]["text"]
    with runtime.db.session() as s:
        assert s.scalars(select(AuditLog)).all() == []  # the command's own writes were rolled back
        assert s.scalar(select(func.count(CommandHit.id))) == 1  # …but not the rate-limit hit
        assert s.scalar(select(InboundEvent.status)) == "processed"


def test_rate_limit_window_and_users(client: Any, runtime: Runtime, clock: FixedClock) -> None:
    _add(runtime, "u1", "张三")
    _add(runtime, "u2", "李四")
    limit = runtime.settings.commands.rate_limit_per_minute
    for _ in range(limit):
        _say(client, "u1", "/help")
        clock.advance(seconds=2)
    text = _say(client, "u1", "/help")[0]["text"]
    assert f"请 {60 - 2 * limit} 秒后再试" in text
    assert "可用命令" in _say(client, "u2", "/help")[0]["text"]  # other users are not affected
    clock.advance(seconds=60)
    assert "可用命令" in _say(client, "u1", "/help")[0]["text"]


@pytest.mark.parametrize("settings_overrides", [{"commands": {"rate_limit_per_minute": 2}}])
def test_rate_limit_is_configurable(client: Any, runtime: Runtime) -> None:
    _add(runtime, "u1", "张三")
    texts = [_say(client, "u1", "/help")[0]["text"] for _ in range(3)]
    assert "有点快" not in texts[1] and "每分钟最多 2 条" in texts[2]


def test_non_commands_are_left_to_other_handlers(runtime: Runtime) -> None:
    _add(runtime, "u1", "张三")
    event = ChatMessage(
        platform="local", sender_userid="u1", text="7", message_id="m", sent_at=datetime(2026, 11, 23, 6, tzinfo=UTC)
    )
    with runtime.db.session() as s:
        assert run_command(event, Context(runtime=runtime, session=s)) is None
        assert s.scalar(select(func.count(CommandHit.id))) == 0


@pytest.mark.parametrize("caller", ["hr", "mgr", "emp", "nobody"])
def test_help_lists_only_what_the_caller_may_use(client: Any, runtime: Runtime, caller: str) -> None:
    _add(runtime, "hr", "王芳", is_hr=True)
    _add(runtime, "mgr", "李强")
    with runtime.db.session() as s:
        mgr = s.scalar(select(Employee).where(Employee.userid == "mgr"))
        assert mgr is not None
        s.add(Employee(userid="emp", name="张三", manager_id=mgr.id))
    text = _say(client, caller, "/帮助")[0]["text"]
    expected = {
        "hr": {"/help", "/status", "/team", "/risk", "/tags", "/mydata"},
        "mgr": {"/help", "/status", "/team", "/risk", "/tags", "/mydata"},
        "emp": {"/help", "/status", "/mydata"},
        "nobody": {"/help"},
    }[caller]
    for name in ("/help", "/status", "/team", "/risk", "/tags", "/mydata"):
        assert (f"**{name}**" in text) == (name in expected), (caller, name)
    assert text.count("例：") == text.count("- **/")
