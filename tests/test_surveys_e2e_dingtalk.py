"""End to end on DingTalk (API mocked): pulse dispatch → numeric reply to the robot → answer → tag → reminder."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from responses import matchers
from sqlalchemy import select

from bot.models import Employee, Reminder, Survey, SurveyAnswer, Tag
from bot.pipeline import outbox
from bot.surveys.dispatch import plan
from tests.test_reminders_builders import make_org
from tests.test_reminders_e2e_support import (
    DINGTALK,
    DT_API,
    DT_OAPI,
    body_has,
    dingtalk_token,
    only_rules,
    post_dingtalk_robot,
)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "platform": {"default": "dingtalk"},
        "dingtalk": DINGTALK,
        "inbox": {"process": "inline"},
        "rules": {"disabled": only_rules("high_stress")},
    }


def test_dispatch_reply_answer_tag_reminder(client, runner, runtime, db) -> None:
    org = make_org(db)
    with db.session() as s:
        for emp in s.scalars(select(Employee).where(Employee.userid != "zhangsan")):
            emp.surveys_paused = True
        plan(runtime, s, runtime.today())
        s.scalars(select(Survey)).one().question_keys = ["stress", "mood", "comment"]

    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        dingtalk_token(rsps)
        rsps.post(
            f"{DT_OAPI}/topapi/message/corpconversation/asyncsend_v2",
            json={"errcode": 0, "task_id": 11},
            match=[
                matchers.json_params_matcher({"userid_list": "zhangsan", "agent_id": 3001}, strict_match=False),
                body_has("msg", "markdown", "text", contains="请直接回复 0–10 之间的数字"),
            ],
        )
        result = runner.invoke(args=["surveys", "dispatch"])
        assert result.exit_code == 0 and "sent 1" in result.output, result.output

    # The employee answers in the robot chat; the reply is the callback's body (no API call needed).
    response = post_dingtalk_robot(client, "zhangsan", "张三", "9", "msg-answer-1")
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["msgtype"] == "text" and answer["text"]["content"].startswith("已记录：9 ✓")
    assert "第 2/2 题" in answer["text"]["content"]
    with db.session() as s:
        stored = s.scalars(select(SurveyAnswer)).one()
        [tag] = s.scalars(select(Tag).where(Tag.employee_id == org["zs"])).all()
        rem = s.scalars(select(Reminder)).one()
    assert (stored.question_key, stored.value, stored.mode) == ("stress", 9, "checkin")
    assert (tag.rule_id, tag.severity, tag.raised_on.isoformat()) == ("high_stress", "high", "2026-11-23")
    assert rem.recipient_id == org["hrbp"] and rem.sent_at is not None  # within working hours: at once

    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.post(
            f"{DT_API}/v1.0/card/instances/createAndDeliver",
            json={"success": True, "result": {"outTrackId": f"rem{rem.id}"}},
            match=[
                matchers.json_params_matcher({"outTrackId": f"rem{rem.id}"}, strict_match=False),
                body_has("cardData", "cardParamMap", "markdown", contains="11月23日关怀问答中压力评分为 9/10"),
            ],
        )
        assert outbox.drain(runtime)["sent"] == 1
        params = json.loads(rsps.calls[0].request.body)["cardData"]["cardParamMap"]
    assert "自评压力很大" in params["title"] and "张三" in params["title"]

    # The same message delivered again (DingTalk retries) is not a second answer.
    assert post_dingtalk_robot(client, "zhangsan", "张三", "9", "msg-answer-1").get_json() == {"msgtype": "empty"}
    # Invalid replies are corrected, not stored.
    bad = post_dingtalk_robot(client, "zhangsan", "张三", "9", "msg-answer-2").get_json()
    assert bad["text"]["content"] == "请回复 1–5 之间的数字"
    with db.session() as s:
        assert len(s.scalars(select(SurveyAnswer)).all()) == 1
