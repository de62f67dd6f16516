"""The command framework end to end: parsing, dispatch, help per role, unknown input, rate limit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.models import CommandHit, Employee
from bot.runtime import Runtime
from handlers.commands.parser import parse


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
