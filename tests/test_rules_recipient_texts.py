"""Rule texts read as their recipient: the manager's copy never tells the manager to ask the manager."""

from __future__ import annotations

from typing import Any

import pytest

from bot.pipeline import outbox
from bot.reminders.delivery import deliver
from bot.reminders.planner import plan
from rules.loader import load_rules
from rules.templates import render
from tests.test_reminders_builders import PRESSURE_EVIDENCE, make_org, make_tag

# One sample evidence per condition kind, shared with the loader tests.
from tests.test_rules_loader import SAMPLES

MANAGER_RULES = [r for r in load_rules() if r.audience in ("manager", "both")]
# A third-person manager: what a text addressed to HR says about the manager.
SPEAKS_OF_MANAGER = {"zh-CN": "主管", "en": "manager"}


@pytest.mark.parametrize("rule", MANAGER_RULES, ids=lambda r: r.id)
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_managers_copy_of_every_built_in_rule_reads_as_the_manager(rule: Any, locale: str) -> None:
    text = render(rule, SAMPLES[rule.condition.kind], locale, employee="张三", audience="manager")
    for line in [*text.actions, *text.talking_points]:
        assert SPEAKS_OF_MANAGER[locale] not in line.lower(), (rule.id, line)


def test_hr_still_reads_the_hr_actions() -> None:
    rule = load_rules().rules["high_pressure"]
    hr = render(rule, PRESSURE_EVIDENCE, "zh-CN", audience="hr")
    manager = render(rule, PRESSURE_EVIDENCE, "zh-CN", audience="manager")
    assert "和TA的直属主管确认" in hr.actions[0]
    assert "和TA的直属主管确认" not in "".join(manager.actions) and "调整优先级" in manager.actions[0]


def test_cards_to_hrbp_and_manager_carry_their_own_actions(runtime: Any, db: Any, fake_platform: Any) -> None:
    org = make_org(db)
    make_tag(db, org["zs"], rule_id="high_pressure")
    with db.session() as s:
        plan(runtime, s)
    deliver(runtime)
    outbox.drain(runtime)
    [to_hrbp] = [m.body["card"] for m in fake_platform.to("hrbp1") if m.kind == "card"]
    [to_manager] = [m.body["card"] for m in fake_platform.to("mgr1") if m.kind == "card"]
    assert "和TA的直属主管确认" in to_hrbp.markdown
    assert "主管" not in to_manager.markdown.split("**建议怎么做**")[1].split("**可以这样说**")[0]
    assert "看看TA手上的任务量和截止时间" in to_manager.markdown
