"""End to end on WeCom and DingTalk: a life event declared in chat (from a message or /家里有事) →
separate consent → LifeEvent → ``family_event`` tag → HR reminder with the category (the note only
when consented) → HR done; refusal stores nothing; expiry and an early end through /mydata."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import CareAction, Consent, LifeEvent, Reminder, Tag, VoiceRequest
from bot.pipeline import outbox
from bot.reminders.delivery import deliver
from rules.engine import evaluate_employee
from tests.test_reminders_builders import make_org
from tests.test_reminders_e2e_support import DINGTALK, WECOM, only_rules
from tests.test_voice_consent_e2e import Chat

NOTE = "我妈妈上周住院了，可能要请几天假陪护"


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
        "rules": {"disabled": only_rules("family_event", "voice_request", "voice_distress")},
    }


def _hr_digest(runtime: Any, clock: Any, fake: Any) -> str:
    """Medium severity goes out in the next morning's digest: run it and return what HR received."""
    clock.advance(hours=20)  # Tuesday 10:00, the digest time
    deliver(runtime)
    outbox.drain(runtime)
    clock.advance(hours=-20)  # back: the signed test callbacks carry the fixture's time
    return "\n".join(str(s.body) for s in fake.to("hrbp1"))


def _last_card(fake: Any, userid: str) -> Any:
    return [s.body["card"] for s in fake.to(userid) if s.kind == "card"][-1]


def test_message_yes_then_category_note_and_consent_with_note_reaches_hr(
    client, runtime, db, fake_platform, platform_name, clock, caplog
) -> None:
    org = make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    with caplog.at_level(logging.INFO):
        assert "联系你吗" in chat.say("zhangsan", NOTE)
        asked = chat.say("zhangsan", "是")
        # "是" to a family matter opens the separate declaration instead of passing the words on.
        assert "家人生病" in asked and "结婚" in asked and "搬家" in asked and "自己生病" in asked
        with db.session() as s:
            assert s.scalars(select(Tag)).all() == [] and s.scalars(select(LifeEvent)).all() == []
        note_q = chat.say("zhangsan", "1")
        assert NOTE in note_q  # their words are offered as the note, to keep, replace or skip
        consent_q = chat.say("zhangsan", "好")
        assert "单独同意" in consent_q and "敏感个人信息" in consent_q and "30 天" in consent_q
        assert "/mydata" in consent_q and "主管" in consent_q
        card = _last_card(fake_platform, "zhangsan")
        assert [b.label for b in card.buttons] == ["同意（只告诉类别）", "同意（连同说明）", "不同意"]
        done = chat.say("zhangsan", "2")
    assert "王芳" in done and "连同你的说明" in done
    assert not [r for r in caplog.records if r.levelno >= logging.INFO and "住院" in r.getMessage()]

    with db.session() as s:
        [event] = s.scalars(select(LifeEvent)).all()
        consent = s.get(Consent, event.consent_id)
        [tag] = s.scalars(select(Tag)).all()
        [reminder] = s.scalars(select(Reminder)).all()
        [request] = s.scalars(select(VoiceRequest)).all()
    assert (event.kind, event.note, event.expires_on) == ("family_illness", NOTE, runtime.today() + timedelta(days=30))
    assert consent is not None and consent.kind == "health" and consent.expires_on == event.expires_on
    assert (request.status, request.quote) == ("declared", None)  # voice_request never fires for it
    assert tag.rule_id == "family_event" and tag.employee_id == org["zs"]
    assert reminder.recipient_id == org["hrbp"]
    sent = _hr_digest(runtime, clock, fake_platform)
    assert "家人生病" in sent and NOTE in sent and "张三" in sent
    assert not fake_platform.to("mgr1")  # nothing here is shown to a manager
    for command in ("/status 张三", "/tags", "/team"):
        seen = chat.say("mgr1", command)
        assert "家庭事项" not in seen and "家人生病" not in seen and "住院" not in seen, command
    assert "员工申报了家庭事项" in chat.say("hrbp1", "/status 张三")  # HR covering them does see it
    assert "家人生病" in chat.say("zhangsan", "/status")  # and so do they themselves
    assert "已跟进" in chat.say("hrbp1", f"/done {reminder.id}")
    with db.session() as s:
        assert s.get(Reminder, reminder.id).status == "done"
        assert [c.kind for c in s.scalars(select(CareAction))] == ["done"]


def test_command_and_card_consent_without_note_shows_the_category_only(
    client, runtime, db, fake_platform, platform_name, clock
) -> None:
    make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    assert "回复数字" in chat.say("zhangsan", "/家里有事")
    assert "不太懂" not in chat.say("zhangsan", "宝宝出生")  # a category by its words, not only its number
    chat.say("zhangsan", "下个月预产期，老婆在老家")
    card = _last_card(fake_platform, "zhangsan")
    chat.click("zhangsan", card, card.buttons[0])  # 同意（只告诉类别）
    with db.session() as s:
        [event] = s.scalars(select(LifeEvent)).all()
        [tag] = s.scalars(select(Tag)).all()
    assert (event.kind, event.note) == ("newborn", None)  # a note kept from HR is not kept at all
    assert tag.rule_id == "family_event"
    sent = _hr_digest(runtime, clock, fake_platform)
    assert "家有新生儿" in sent and "预产期" not in sent and "老家" not in sent


def test_refusal_and_cancel_store_nothing(client, runtime, db, fake_platform, platform_name) -> None:
    make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    chat.say("zhangsan", "/life")
    chat.say("zhangsan", "2")
    chat.say("zhangsan", "外婆走了，心里很难受")
    assert "不告诉任何人" in chat.say("zhangsan", "不同意")
    chat.say("zhangsan", "/家里有事 下周搬家")
    assert "已取消" in chat.say("zhangsan", "取消")
    with db.session() as s:
        assert s.scalars(select(LifeEvent)).all() == [] and s.scalars(select(Consent)).all() == []
        assert s.scalars(select(Tag)).all() == []
        assert all(r.quote is None and r.status == "declined" for r in s.scalars(select(VoiceRequest)))
    assert not fake_platform.to("hrbp1") and not fake_platform.to("mgr1")


def test_ends_early_with_mydata_and_lapses_at_expiry(client, runtime, db, fake_platform, platform_name) -> None:
    org = make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    for text in ("/家里有事", "5", "跳过", "1"):
        chat.say("zhangsan", text)
    with db.session() as s:
        [event] = s.scalars(select(LifeEvent)).all()
    listed = chat.say("zhangsan", "/mydata")
    assert f"#{event.id} 搬家" in listed and f"/mydata 结束 {event.id}" in listed
    assert "没有找到" in chat.say("zhangsan", "/mydata 结束 999999")
    assert "没有找到" in chat.say("zhaoliu", f"/mydata 结束 {event.id}")  # only one's own events
    assert "已结束" in chat.say("zhangsan", f"/mydata 结束 {event.id}")
    with db.session() as s:
        assert s.scalars(select(LifeEvent)).all() == []
        [consent] = s.scalars(select(Consent)).all()
        [tag] = s.scalars(select(Tag)).all()
    assert consent.revoked_at is not None and tag.status == "resolved"

    # A second event simply lapses: the rule no longer sees it after its expiry.
    for text in ("/家里有事", "3", "跳过", "1"):
        chat.say("zhangsan", text)
    later = runtime.today() + timedelta(days=31)
    result = evaluate_employee(runtime, org["zs"], day=later, rule_ids={"family_event"})
    assert result is not None
    with db.session() as s:
        statuses = {t.status for t in s.scalars(select(Tag).where(Tag.rule_id == "family_event"))}
        assert "active" not in statuses
