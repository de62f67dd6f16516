"""Reminder texts from TOML: bundled zh-CN/en defaults, an override file, clear errors at start-up."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from bot.core.errors import ConfigError
from bot.pipeline import outbox
from bot.reminders import templates
from bot.reminders.delivery import deliver
from bot.reminders.planner import plan
from tests.conftest import make_settings
from tests.test_reminders_builders import BIRTHDAY_EVIDENCE, make_org, make_tag, write_rules

OVERRIDE = """
["zh-CN"]
card_title = "【关怀】{name} · {tag}"
button_done = "聊过了"

["zh-CN".advice]
test_pressure = "今天下班前发条消息问候一下。"
"""


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_bundled_locales_have_the_same_texts_and_placeholders() -> None:
    bundled = templates.load()
    zh, en = bundled.texts["zh-CN"], bundled.texts["en"]
    assert set(zh) == set(en)
    assert all(_fields(zh[k]) == _fields(en[k]) for k in zh)
    assert bundled.advice("zh-CN", "unknown_rule") and bundled.advice("en", "unknown_rule")


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    override = tmp_path / "reminders.toml"
    override.write_text(OVERRIDE, encoding="utf-8")
    return {"rules": {"paths": [write_rules(tmp_path / "rules")]}, "reminders": {"templates_file": str(override)}}


def test_override_file_changes_texts_without_code(runtime, db, fake_platform, tmp_path) -> None:
    org = make_org(db)
    make_tag(
        db,
        org["zs"],
        rule_id="test_birthday",
        severity="high",
        evidence=BIRTHDAY_EVIDENCE,
    )
    make_tag(db, org["zl"])
    with db.session() as s:
        plan(runtime, s)
    deliver(runtime)
    outbox.drain(runtime)
    cards = {s.body["card"].title: s.body["card"] for s in fake_platform.to("hrbp1")}
    assert set(cards) == {"【关怀】张三 · 明天生日", "【关怀】赵六 · 持续高压"}
    birthday = cards["【关怀】张三 · 明天生日"]
    assert [b.label for b in birthday.buttons] == ["聊过了", "稍后提醒", "不需要"]  # untouched keys keep the defaults
    assert "找个合适的时间和 TA 单独聊一聊" in birthday.markdown  # the default advice: the rule lists no actions
    assert "这两天找 赵六 聊 10 分钟" in cards["【关怀】赵六 · 持续高压"].markdown  # the rule's own actions win


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('["zh-CN"]\ncard_titel = "x"\n', "[zh-CN].card_titel is not a known text"),
        ('["zh-CN"]\ncard_title = "{name} {salary}"\n', "[zh-CN].card_title uses unknown {salary}"),
        ('[fr]\ncard_title = "x"\n', "unknown locale [fr]"),
        ('["zh-CN"\n', "cannot read reminder templates"),
    ],
)
def test_bad_override_stops_start_up_with_a_clear_message(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        create_app(make_settings(tmp_path, reminders={"templates_file": str(path)}))
    assert message in str(err.value) and str(path) in str(err.value)


def test_missing_override_file_is_an_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="cannot read reminder templates"):
        create_app(make_settings(tmp_path, reminders={"templates_file": str(tmp_path / "nope.toml")}))
