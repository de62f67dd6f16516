"""On WeCom and DingTalk: ``/status`` with no name shows yourself; a mistyped command gets
"你是不是想用 /status？" instead of the full help (edit distance for names, pinyin for aliases)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.models import AuditLog
from handlers.commands import registry
from handlers.commands.suggest import edit_distance, suggest
from tests.test_reminders_builders import make_org
from tests.test_reminders_e2e_support import DINGTALK, WECOM
from tests.test_voice_consent_e2e import Chat


@pytest.fixture(params=["wecom", "dingtalk"])
def platform_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings_overrides(platform_name: str) -> dict[str, Any]:
    return {
        "platform": {"default": platform_name},
        "wecom": WECOM,
        "dingtalk": DINGTALK,
        "inbox": {"process": "inline"},
    }


def test_status_without_a_name_shows_yourself_and_is_audited(client, runtime, db, fake_platform, platform_name) -> None:
    make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    for text in ("/status", "/状态"):
        said = chat.say("zhangsan", text)
        assert "张三" in said and "zhangsan" in said and "用法" not in said
    with db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "view.status")).all()
    assert [(r.actor_userid, r.subject_userid) for r in rows] == [("zhangsan", "zhangsan")] * 2


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("/stauts", "status"), ("/状太", "status"), ("/statsu 张三", "status"), ("/zhuangtai", "status"),
     ("/mydate", "mydata"), ("/我的书据", "mydata"), ("/hlep", "help")],
)  # fmt: skip
def test_a_typo_names_the_command_instead_of_the_whole_help(
    client, runtime, db, fake_platform, platform_name, typed: str, meant: str
) -> None:
    make_org(db)
    said = Chat(client, runtime, fake_platform, platform_name).say("zhangsan", typed)
    assert f"你是不是想用 /{meant}？" in said
    assert "没有“/" not in said and said.count("- **/") == 0  # not the help list


def test_english_and_no_close_command(client, runtime, db, fake_platform, platform_name) -> None:
    make_org(db)
    with db.session() as s:
        from bot.models import Employee

        person = s.scalar(select(Employee).where(Employee.userid == "zhaoliu"))
        assert person is not None
        person.locale = "en"
    chat = Chat(client, runtime, fake_platform, platform_name)
    assert "Did you mean /status?" in chat.say("zhaoliu", "/stauts")
    far = chat.say("zhangsan", "/abcdef")
    assert "你是不是想用" not in far and "没有“/abcdef”这个命令" in far


def test_suggest_only_offers_what_the_caller_may_run_and_ignores_short_aliases() -> None:
    employee_cmds = [c for c in registry.all_commands() if c.allowed({"employee"})]
    assert suggest("tema", registry.all_commands()) is registry.lookup("team")
    assert suggest("tema", employee_cmds) is None  # /team is for managers and HR
    assert suggest("q", registry.all_commands()) is None  # one letter from /h is no typo
    assert edit_distance("stauts", "status") == 1 and edit_distance("status", "status") == 0
