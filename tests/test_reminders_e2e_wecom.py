"""End to end on WeCom (API mocked with ``responses``): pulled check-ins → rules → template card → "done"."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import responses
from responses import matchers
from sqlalchemy import select

from bot.attendance.wecom_pull import pull_checkins
from bot.models import CareAction, Reminder, Tag
from bot.pipeline import outbox
from rules.engine import evaluate
from tests.test_reminders_builders import at, make_org
from tests.test_reminders_e2e_support import (
    LATE_NIGHTS,
    WC_API,
    WECOM,
    body_has,
    only_rules,
    post_wecom,
    wecom_card_click,
    wecom_token,
)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "platform": {"default": "wecom"},
        "wecom": WECOM,
        "inbox": {"process": "inline"},
        "rules": {"disabled": only_rules("high_pressure")},
    }


def checkins(userid: str) -> list[dict[str, Any]]:
    """WeCom check-in records: a morning and a late evening punch on each day."""
    out = []
    for day, evening in LATE_NIGHTS:
        for hhmm, kind in (("09:01", "上班打卡"), (evening, "下班打卡")):
            out.append(
                {
                    "userid": userid,
                    "groupname": "销售打卡",
                    "checkin_type": kind,
                    "exception_type": "",
                    "checkin_time": int(at(f"{day} {hhmm}").timestamp()),
                    "groupid": 3,
                }
            )
    return out


def test_checkins_to_template_card_to_done(client, runtime, db) -> None:
    org = make_org(db)
    send_url = f"{WC_API}/cgi-bin/message/send"
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        wecom_token(rsps)
        rsps.post(f"{WC_API}/cgi-bin/checkin/getcheckindata", json={"errcode": 0, "checkindata": checkins("zhangsan")})
        pull = pull_checkins(runtime, runtime.platforms["wecom"].client)  # type: ignore[attr-defined]
        assert pull.punches == 6
        evaluate(runtime, date(2026, 11, 23))
        with db.session() as s:
            [tag] = s.scalars(select(Tag)).all()
            rem = s.scalars(select(Reminder).where(Reminder.recipient_id == org["hrbp"])).one()
        card_id = f"rem{rem.id}"
        rsps.post(
            send_url,
            json={"errcode": 0, "msgid": "m-hrbp", "response_code": "rc-send-1"},
            match=[
                matchers.json_params_matcher(
                    {"touser": "hrbp1", "msgtype": "template_card", "agentid": 1000002}, strict_match=False
                ),
                body_has("template_card", "sub_title_text", contains="11月18日 21:42、11月19日 22:05、11月20日 21:37"),
            ],
        )
        rsps.post(
            send_url,
            json={"errcode": 0, "msgid": "m-mgr", "response_code": "rc-send-2"},
            match=[matchers.json_params_matcher({"touser": "mgr1", "msgtype": "template_card"}, strict_match=False)],
        )
        assert outbox.drain(runtime)["sent"] == 2
        sent = next(json.loads(c.request.body) for c in rsps.calls if b'"touser": "hrbp1"' in (c.request.body or b""))
    card = sent["template_card"]
    assert card["task_id"] == card_id and card["card_type"] == "button_interaction"
    assert [b["text"] for b in card["button_list"]] == ["已跟进", "稍后提醒", "不需要"]
    done_key = card["button_list"][0]["key"]
    assert done_key == f"reminder.done?id={rem.id}"

    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.post(
            f"{WC_API}/cgi-bin/message/update_template_card",
            json={"errcode": 0},
            match=[
                matchers.json_params_matcher(
                    {"response_code": "rc-click-1", "button": {"replace_name": "✅ 已跟进 · 王芳 · 11月23日 14:00"}},
                    strict_match=False,
                )
            ],
        )
        rsps.post(
            send_url, json={"errcode": 0, "msgid": "m-text"}, match=[body_has("text", "content", contains="已跟进")]
        )
        response = post_wecom(client, wecom_card_click("hrbp1", card_id, done_key, "rc-click-1"))
        assert response.status_code == 200, response.get_data(as_text=True)
        outbox.drain(runtime)
    with db.session() as s:
        [care] = s.scalars(select(CareAction)).all()
        assert s.get(Reminder, rem.id).status == "done"
    assert (care.kind, care.employee_id, care.actor_id, care.tag_id) == ("done", org["zs"], org["hrbp"], tag.id)
