"""End to end on WeCom and DingTalk: free text → consent question → "是" → HR reminder quoting the
employee → HR marks it done; "先不用" stores nothing beyond the answer; distress gives the support
lines at once; no chat text in the logs at INFO."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import CareAction, Reminder, Tag, VoiceRequest
from bot.pipeline import outbox
from tests.test_reminders_builders import make_org
from tests.test_reminders_e2e_support import (
    DINGTALK,
    WECOM,
    only_rules,
    post_dingtalk_card,
    post_dingtalk_robot,
    post_wecom,
    wecom_card_click,
    wecom_text,
)

WORDS = "最近压力好大，晚上都睡不着，想找人聊聊"


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
        "rules": {"disabled": only_rules("voice_request", "voice_distress")},
    }


class Chat:
    """Sends what a person types, as the platform would, and returns what the bot said back."""

    def __init__(self, client: Any, runtime: Any, fake: Any, platform: str) -> None:
        self.client, self.runtime, self.fake, self.platform, self.n = client, runtime, fake, platform, 0

    def say(self, userid: str, text: str) -> str:
        self.n += 1
        before = len(self.fake.texts(userid))
        if self.platform == "wecom":
            assert post_wecom(self.client, wecom_text(userid, text, f"{9000 + self.n}")).status_code == 200
            outbox.drain(self.runtime)
            return "\n".join(self.fake.texts(userid)[before:])
        response = post_dingtalk_robot(self.client, userid, "张三", text, f"msg-{self.n}")
        assert response.status_code == 200
        body = response.get_json()
        outbox.drain(self.runtime)
        sync = (body.get("text") or {}).get("content") or (body.get("markdown") or {}).get("text") or ""
        return "\n".join([sync, *self.fake.texts(userid)[before:]])

    def click(self, userid: str, card: Any, button: Any) -> None:
        if self.platform == "wecom":
            key = button.action + "?" + "&".join(f"{k}={v}" for k, v in sorted(button.params.items()))
            assert post_wecom(self.client, wecom_card_click(userid, card.card_id, key, "rc-9")).status_code == 200
        else:
            assert (
                post_dingtalk_card(self.client, card.card_id, userid, button.action, button.params).status_code == 200
            )
        outbox.drain(self.runtime)


def _consent_card(fake: Any, userid: str) -> Any:
    cards = [s.body["card"] for s in fake.to(userid) if s.kind == "card"]
    assert cards, "no consent card was sent"
    return cards[-1]


def test_help_consent_by_text_reaches_hrbp_with_the_quote_then_done(
    client, runtime, db, fake_platform, platform_name, caplog
) -> None:
    org = make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    with caplog.at_level(logging.INFO):
        asked = chat.say("zhangsan", WORDS)
        assert "要我请你的 HRBP 王芳联系你吗？" in asked and "是" in asked
        card = _consent_card(fake_platform, "zhangsan")
        assert [b.label for b in card.buttons] == ["是", "先不用"]
        with db.session() as s:
            assert s.scalars(select(Tag)).all() == []  # nothing reaches HR before the answer
        told = chat.say("zhangsan", "是")
    assert "王芳" in told and WORDS in told and "主管看不到" in told
    # No chat text at INFO or above, on any logger.
    assert not [
        r
        for r in caplog.records
        if r.levelno >= logging.INFO and ("压力" in r.getMessage() or "睡不着" in r.getMessage())
    ]

    with db.session() as s:
        [tag] = s.scalars(select(Tag)).all()
        reminders = s.scalars(select(Reminder)).all()
    assert tag.rule_id == "voice_request" and tag.employee_id == org["zs"]
    assert [r.recipient_id for r in reminders] == [org["hrbp"]]  # never the manager
    hr_cards = [s.body["card"] for s in fake_platform.to("hrbp1") if s.kind == "card"]
    assert hr_cards and WORDS in hr_cards[-1].markdown and "张三" in hr_cards[-1].markdown
    assert not fake_platform.to("mgr1")
    done = next(b for b in hr_cards[-1].buttons if b.action == "reminder.done")
    chat.click("hrbp1", hr_cards[-1], done)
    with db.session() as s:
        assert s.get(Reminder, reminders[0].id).status == "done"
        assert [c.kind for c in s.scalars(select(CareAction))] == ["done"]


def test_not_now_on_the_card_is_respected_and_the_words_are_dropped(
    client, runtime, db, fake_platform, platform_name
) -> None:
    make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    chat.say("zhangsan", "打算这个月底就提离职了")
    card = _consent_card(fake_platform, "zhangsan")
    chat.click("zhangsan", card, card.buttons[1])
    with db.session() as s:
        [req] = s.scalars(select(VoiceRequest)).all()
        assert (req.intent, req.status, req.quote) == ("resign", "declined", None)
        assert s.scalars(select(Tag)).all() == [] and s.scalars(select(Reminder)).all() == []
    assert not fake_platform.to("hrbp1") and not fake_platform.to("mgr1")
    # A later "是" no longer answers anything: the question is closed.
    chat.say("zhangsan", "是")
    with db.session() as s:
        assert s.scalars(select(Tag)).all() == []


def test_distress_gives_support_lines_at_once_and_alerts_hr_high_after_yes(
    client, runtime, db, fake_platform, platform_name
) -> None:
    org = make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    reply = chat.say("zhangsan", "真的不想活了")
    assert "12356" in reply and "EAP" in reply and "要我请你的 HRBP 王芳联系你吗？" in reply
    chat.say("zhangsan", "好")
    with db.session() as s:
        [tag] = s.scalars(select(Tag)).all()
        [reminder] = s.scalars(select(Reminder)).all()
    assert (tag.rule_id, tag.severity) == ("voice_distress", "high")
    assert reminder.recipient_id == org["hrbp"] and reminder.delivery == "immediate"


def test_privacy_and_none_never_offer_hr(client, runtime, db, fake_platform, platform_name) -> None:
    make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    assert "/mydata" in chat.say("zhangsan", "我的数据谁能看到？")
    for text in ("我不累", "压力好大哈哈开玩笑", "帮同事问一下离职流程"):
        assert "联系你吗" not in chat.say("zhangsan", text)
    with db.session() as s:
        assert s.scalars(select(VoiceRequest)).all() == []
