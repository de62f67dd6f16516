"""Anonymous questions end to end on WeCom and DingTalk: /匿名 → HR inbox without the sender →
/答复 → the answer reaches the sender; the way back is deleted; rate limit; and no HR surface
(chat, dashboard, API, report export, logs at INFO) shows who asked."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import AnonymousQuestion, AnonymousSender, AuditLog
from tests.dashboard_accounts import ACCOUNTS, sign_in
from tests.test_reminders_builders import make_org
from tests.test_reminders_e2e_support import DINGTALK, WECOM
from tests.test_voice_consent_e2e import Chat

TOKEN = "anon-test-token"
QUESTION = "年假没休完可以折现吗？我不想让主管知道我在问"
SENDER_MARKS = ("zhangsan", "张三")


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
        "api": {"tokens": [TOKEN]},
        "app": {"secret_key": "anon-test-secret"},
        "dashboard": ACCOUNTS,
    }


def _number(fake: Any) -> int:
    [text] = [t for t in fake.texts("hrbp1") if "匿名问题" in t]
    return int(text.split("#", 1)[1].split("（", 1)[0])


def test_question_reaches_hr_without_the_sender_and_the_answer_comes_back(
    client, runtime, db, fake_platform, platform_name, caplog
) -> None:
    make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    with caplog.at_level(logging.INFO):
        ack = chat.say("zhangsan", f"/匿名 {QUESTION}")
        assert "已匿名转给 HR" in ack and "数据库" in ack  # says honestly who could still trace it
        to_hr = "\n".join(fake_platform.texts("hrbp1"))
        assert QUESTION in to_hr and "/答复" in to_hr
        assert not any(mark in to_hr for mark in SENDER_MARKS)
        n = _number(fake_platform)
        assert not fake_platform.to("mgr1")
        done = chat.say("hrbp1", f"/答复 {n} 可以，按公司制度折现，找薪酬组办理")
    assert "已把你对匿名问题" in done
    answer = fake_platform.texts("zhangsan")[-1]
    assert "HR 回复了你的匿名问题" in answer and "找薪酬组办理" in answer
    # Logs at INFO never pair the sender with the question.
    for record in caplog.records:
        message = record.getMessage()
        if record.levelno >= logging.INFO and ("匿名" in message or "anonymous" in message):
            assert not any(mark in message for mark in SENDER_MARKS), message
        assert "年假" not in message

    with db.session() as s:
        [row] = s.scalars(select(AnonymousQuestion)).all()
        assert (row.status, row.sender_token) == ("answered", None)
        assert s.scalars(select(AnonymousSender)).all() == []  # the way back is gone once answered
        stored = " ".join(str(v) for v in (row.question, row.routed_to, row.answer, row.answered_by, row.asked_at))
        assert not any(mark in stored for mark in SENDER_MARKS)
        assert not s.scalars(select(AuditLog).where(AuditLog.subject_userid == "zhangsan")).all()
    assert "已经答复过了" in chat.say("hrbp1", f"/答复 {n} 再补充一句")


def test_no_hr_surface_shows_who_asked(client, runtime, db, fake_platform, platform_name) -> None:
    make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    chat.say("zhangsan", f"/ask {QUESTION}")
    with db.session() as s:
        [mapping] = s.scalars(select(AnonymousSender)).all()
        [row] = s.scalars(select(AnonymousQuestion)).all()
    assert row.sender_token and mapping.token_hash != row.sender_token  # keyed hash, not the token
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for path in ("/api/v1/tags", "/api/v1/reminders", "/api/v1/report", "/api/v1/report?format=csv"):
        body = client.get(path, headers=auth).get_data(as_text=True)
        assert "年假" not in body and str(row.sender_token) not in body, path
    assert sign_in(client).status_code in (302, 303)
    for path in ("/dashboard", "/dashboard/tags", "/dashboard/reminders", "/dashboard/care", "/dashboard/report"):
        page = client.get(path).get_data(as_text=True)
        assert "年假" not in page and "zhangsan" not in page, path
    # Nobody but the HR it was sent to can answer it (and learn nothing by trying).
    assert "没有找到" in chat.say("hrhead", f"/答复 {row.id} 试试")
    with db.session() as s:
        assert s.get(AnonymousQuestion, row.id).status == "open"


def test_rate_limit_group_refusal_and_usage(client, runtime, db, fake_platform, platform_name) -> None:
    make_org(db)
    chat = Chat(client, runtime, fake_platform, platform_name)
    assert "用法" in chat.say("zhangsan", "/匿名")
    for i in range(3):
        assert "已匿名转给 HR" in chat.say("zhangsan", f"/匿名 问题{i}")
    assert "每天最多匿名提问 3 次" in chat.say("zhangsan", "/匿名 第四个问题")
    with db.session() as s:
        assert len(s.scalars(select(AnonymousQuestion)).all()) == 3
    # The limit is per person: a colleague can still ask.
    assert "已匿名转给 HR" in chat.say("zhaoliu", "/匿名 加班费怎么算")
