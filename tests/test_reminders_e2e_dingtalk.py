"""End to end on DingTalk (API mocked with ``responses``): punch callbacks → rules → reminder card → "done"."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import responses
from responses import matchers
from sqlalchemy import select

from bot.models import AttendanceDay, CareAction, OutboxMessage, Reminder, Tag
from bot.pipeline import outbox
from tests.test_reminders_builders import make_org
from tests.test_reminders_e2e_support import (
    DINGTALK,
    DT_API,
    DT_OAPI,
    EVIDENCE,
    LATE_NIGHTS,
    body_has,
    dingtalk_punches,
    dingtalk_token,
    only_rules,
    post_dingtalk_card,
)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "platform": {"default": "dingtalk"},
        "dingtalk": DINGTALK,
        "inbox": {"process": "inline"},
        "rules": {"disabled": only_rules("high_pressure")},
    }


def test_punches_to_reminder_card_to_done(client, runner, runtime, db) -> None:
    org = make_org(db)
    dingtalk_punches(client, "zhangsan", LATE_NIGHTS)
    with db.session() as s:
        facts = s.execute(
            select(AttendanceDay.day, AttendanceDay.last_out_min).where(AttendanceDay.employee_id == org["zs"])
        ).all()
    assert sorted(facts) == [(date(2026, 11, 18), 1302), (date(2026, 11, 19), 1325), (date(2026, 11, 20), 1297)]

    result = runner.invoke(args=["evaluate", "--date", "2026-11-23"])
    assert result.exit_code == 0, result.output
    with db.session() as s:
        [tag] = s.scalars(select(Tag).where(Tag.employee_id == org["zs"])).all()
        reminders = {r.recipient_id: r for r in s.scalars(select(Reminder))}
    assert tag.rule_id == "high_pressure" and tag.severity == "high"
    assert set(reminders) == {org["hrbp"], org["mgr"]}  # the rule's audience is HR and the manager
    hrbp_card = f"rem{reminders[org['hrbp']].id}"
    mgr_card = f"rem{reminders[org['mgr']].id}"

    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        dingtalk_token(rsps)
        for card_id, userid in ((hrbp_card, "hrbp1"), (mgr_card, "mgr1")):
            rsps.post(
                f"{DT_API}/v1.0/card/instances/createAndDeliver",
                json={"success": True, "result": {"outTrackId": card_id, "deliverResults": [{"success": True}]}},
                match=[
                    matchers.json_params_matcher(
                        {
                            "outTrackId": card_id,
                            "cardTemplateId": "tpl.schema",
                            "openSpaceId": f"dtv1.card//IM_ROBOT.{userid}",
                            "callbackType": "HTTP",
                            "callbackRouteKey": "carebot",
                        },
                        strict_match=False,
                    ),
                    body_has("cardData", "cardParamMap", "markdown", contains=EVIDENCE),
                ],
            )
        assert outbox.drain(runtime)["sent"] == 2
        call = json.loads(rsps.calls[1].request.body)
    params = call["cardData"]["cardParamMap"]
    assert "张三" in params["title"] and "连续深夜下班" in params["title"]
    assert "**张三** · 销售一部 · 销售专员 · 入职1年2个月" in params["markdown"]
    assert "“有没有哪块工作可以让别人分担，或者往后排一排？”" in params["markdown"]
    buttons = json.loads(params["buttons"])
    assert [b["text"] for b in buttons] == ["已跟进", "稍后提醒", "不需要"]
    assert buttons[0]["action"] == "reminder.done"

    # 王芳 clicks 已跟进: the card is updated in the callback's answer, the note hint goes to her 1:1.
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:  # the token is cached by now
        rsps.post(
            f"{DT_OAPI}/topapi/message/corpconversation/asyncsend_v2",
            json={"errcode": 0, "task_id": 1},
            match=[matchers.json_params_matcher({"userid_list": "hrbp1"}, strict_match=False)],
        )
        response = post_dingtalk_card(client, hrbp_card, "hrbp1", "reminder.done", buttons[0]["params"])
    assert response.status_code == 200
    settled = response.get_json()["cardData"]["cardParamMap"]
    assert (settled["status"], settled["buttons"]) == ("✅ 已跟进 · 王芳 · 11月23日 14:00", "[]")
    with db.session() as s:
        [care] = s.scalars(select(CareAction)).all()
        done = s.get(Reminder, reminders[org["hrbp"]].id)
        manager_copy = s.get(Reminder, reminders[org["mgr"]].id)
        to_hrbp = select(OutboxMessage).where(OutboxMessage.kind == "text", OutboxMessage.recipient == "hrbp1")
        texts = [(m.status, m.payload["text"]) for m in s.scalars(to_hrbp)]
    assert (care.kind, care.employee_id, care.actor_id, care.tag_id) == ("done", org["zs"], org["hrbp"], tag.id)
    assert done.status == "done" and manager_copy.status == "open"
    assert [(status, "已记为已跟进" in text) for status, text in texts] == [("sent", True)]

    # A replayed click is acknowledged and changes nothing.
    assert post_dingtalk_card(client, hrbp_card, "hrbp1", "reminder.done", buttons[0]["params"]).get_json() == {}
    with db.session() as s:
        assert len(s.scalars(select(CareAction)).all()) == 1
