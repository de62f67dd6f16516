"""The digest fits the platform: one message when it can, numbered parts when it cannot, never over the limit."""

from __future__ import annotations

from datetime import date

import pytest

from bot.models import Reminder, Tag
from bot.reminders import templates
from bot.reminders.compose import Subject
from bot.reminders.digest import DigestItem, fits, messages
from bot.reminders.ruleinfo import RuleText

TODAY = date(2026, 11, 23)
WHY = "连续几个工作日工作到深夜，往往意味着任务量超出了正常节奏，或者遇到了卡点却没开口求助。" * 2


def item(n: int, severity: str, *, why: str = WHY) -> DigestItem:
    rule = RuleText(
        name=f"规则{n}",
        evidence="连续3个工作日最后打卡晚于21:00：11月18日 21:42、11月19日 22:05、11月20日 21:37",
        why=why,
        actions=["和TA的直属主管确认近期的任务量和截止时间。"],
        talking_points=["“最近几天看你都忙到挺晚，辛苦了。”"],
    )
    return DigestItem(
        Reminder(id=n, tag_id=n, recipient_id=1, role="hrbp", status="open"),
        Tag(id=n, rule_id=f"rule_{n}", employee_id=n, severity=severity),
        Subject(f"员工{n}", "销售一部", "销售专员", date(2025, 9, 1)),
        rule,
    )


@pytest.mark.parametrize("platform", ["dingtalk", "wecom", "local"])
def test_long_digests_are_split_into_parts_that_fit(platform: str) -> None:
    tpl = templates.load()
    items = [item(n, ("high", "medium", "low")[n % 3]) for n in range(1, 13)]
    parts = messages(tpl, "zh-CN", items, TODAY, platform)
    assert all(fits(title, text, platform) for title, text in parts)
    text = "\n".join(t for _, t in parts)
    assert all(f"/done {n} 备注" in text for n in range(1, 13))  # every reminder stays actionable
    if len(parts) > 1:
        assert parts[0][0] == f"今日关怀提醒（12 条 · 1/{len(parts)}）"
    # Most severe first, across parts.
    order = [text.index(f"员工{n}（") for n in (3, 6, 9, 12, 1, 4, 7, 10, 2, 5, 8, 11)]
    assert order == sorted(order)


def test_wecom_needs_parts_and_dingtalk_fits_eight_in_one() -> None:
    tpl = templates.load()
    items = [item(n, "low") for n in range(1, 9)]
    assert len(messages(tpl, "zh-CN", items, TODAY, "wecom")) > 1
    [(title, text)] = messages(tpl, "zh-CN", items, TODAY, "dingtalk", more=4)
    assert title == "今日关怀提醒（8 条）" and text.endswith("另有 4 条提醒留到下一次摘要，避免一次太多。")
    assert "建议：和TA的直属主管确认" in text and "可以说：“最近几天" in text


def test_one_huge_item_is_shortened_but_keeps_who_what_and_the_commands() -> None:
    tpl = templates.load()
    [(title, text)] = messages(tpl, "zh-CN", [item(7, "high", why=WHY * 10)], TODAY, "wecom")
    assert fits(title, text, "wecom") and title == "今日关怀提醒（1 条）"
    assert "今天有 1 位同事" in text
    assert "员工7" in text and "11月18日 21:42" in text and "/done 7 备注" in text
