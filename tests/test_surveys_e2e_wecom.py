"""End to end on WeCom callbacks with the in-memory fake platform: pulse → answers (text and card) → reminder."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Employee, Reminder, Survey, SurveyAnswer, Tag
from bot.pipeline import outbox
from bot.surveys.dispatch import dispatch, plan
from tests.test_reminders_builders import make_org
from tests.test_reminders_e2e_support import WECOM, only_rules, post_wecom, wecom_card_click, wecom_text


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "platform": {"default": "wecom"},
        "wecom": WECOM,
        "inbox": {"process": "inline"},
        "rules": {"disabled": only_rules("high_stress")},
    }


def test_card_and_text_answers_raise_the_stress_reminder(client, runtime, db, fake_platform) -> None:
    org = make_org(db)
    with db.session() as s:
        for emp in s.scalars(select(Employee).where(Employee.userid != "zhangsan")):
            emp.surveys_paused = True
        plan(runtime, s, runtime.today())
        survey = s.scalars(select(Survey)).one()
        survey.question_keys = ["mood", "stress", "comment"]
    assert dispatch(runtime).sent == 1
    outbox.drain(runtime)
    [first] = fake_platform.to("zhangsan")
    card = first.body["card"]
    assert first.kind == "card" and "张三你好" in card.markdown and "第 1/2 题" in card.markdown
    assert [b.label for b in card.buttons] == ["1", "2", "3", "4", "5"]

    # Button "2" on the card, as WeCom sends it (the key is the button's action and params).
    key = f"survey.answer?q=mood&survey={survey.id}&v=2"
    assert post_wecom(client, wecom_card_click("zhangsan", card.card_id, key, "rc-1")).status_code == 200
    outbox.drain(runtime)
    settled = [s for s in fake_platform.to("zhangsan") if s.kind == "card_update"]
    status = settled[0].body["card"].status_text if settled else ""
    # Mood 2 (≤ 2): the settled card also says what happens next and gives the support lines (issue 14).
    assert status.startswith("已记录：2 ✓ 谢谢！") and "一个工作日内" in status and "12356" in status
    nxt = [s for s in fake_platform.to("zhangsan") if s.kind == "markdown"]
    assert nxt and "请直接回复 0–10 之间的数字" in nxt[-1].body["text"]

    # Stress 8 typed in chat: recorded, the reply goes out, and the high-stress tag reaches the HRBP.
    assert post_wecom(client, wecom_text("zhangsan", "8分", "7306512883749209001")).status_code == 200
    outbox.drain(runtime)
    assert any(t.startswith("已记录：8 ✓") for t in fake_platform.texts("zhangsan"))
    with db.session() as s:
        stored = {a.question_key: a.value for a in s.scalars(select(SurveyAnswer))}
        [tag] = s.scalars(select(Tag).where(Tag.employee_id == org["zs"])).all()
        rem = s.scalars(select(Reminder)).one()
    assert stored == {"mood": 2, "stress": 8}
    assert tag.rule_id == "high_stress" and rem.recipient_id == org["hrbp"]
    [reminder_card] = [s.body["card"] for s in fake_platform.to("hrbp1") if s.kind == "card"]
    assert "11月23日关怀问答中压力评分为 8/10" in reminder_card.markdown

    # The optional comment, then nothing more is read as an answer.
    assert post_wecom(client, wecom_text("zhangsan", "项目太多了", "7306512883749209002")).status_code == 200
    outbox.drain(runtime)
    assert "收到你的留言，HR 会认真看。谢谢！" in fake_platform.texts("zhangsan")
    with db.session() as s:
        assert s.scalars(select(SurveyAnswer.text).where(SurveyAnswer.question_key == "comment")).one() == "项目太多了"
