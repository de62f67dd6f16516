"""Pulse answers: numbers in chat, card buttons, corrections, the optional comment, late replies, opt-out."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Employee, OutboxMessage, Survey, SurveyAnswer
from bot.pipeline import outbox
from bot.pipeline.dispatch import Context, dispatch
from bot.pipeline.events import CardAction
from bot.surveys.dispatch import dispatch as dispatch_surveys
from bot.surveys.parsing import is_skip, parse_number
from tests.test_reminders_builders import at, make_org


def say(client: Any, user: str, text: str, group: str | None = None) -> str:
    body = {"user": user, "text": text, "id": uuid.uuid4().hex, "group": group}
    resp = client.post("/simulator/api/messages", json=body)
    assert resp.status_code == 200, resp.get_json()
    return "\n".join(r["text"] for r in resp.get_json()["replies"])


def pulse(db: Any, userid: str, keys: list[str]) -> Survey:
    """Give ``userid``'s open pulse the questions ``keys`` (+ comment) so tests know what comes next."""
    with db.session() as s:
        survey = s.scalars(select(Survey).join(Employee).where(Employee.userid == userid)).one()
        survey.question_keys = [*keys, "comment"]
        return survey


def answers(db: Any, userid: str) -> dict[str, Any]:
    with db.session() as s:
        rows = s.scalars(
            select(SurveyAnswer)
            .join(Employee, Employee.id == SurveyAnswer.employee_id)
            .where(Employee.userid == userid)
        )
        return {a.question_key: (a.value if a.value is not None else a.text) for a in rows}


@pytest.fixture
def sent(runtime: Any, db: Any, fake_platform: Any) -> dict[str, int]:
    org = make_org(db)
    dispatch_surveys(runtime)
    outbox.drain(runtime)
    return org


@pytest.mark.parametrize(
    ("text", "value"),
    [("8", 8), (" ８ ", 8), ("8分", 8), ("八", 8), ("十", 10), ("0", 0), ("7.5", None), ("很累", None), ("", None)],
)
def test_parse_number(text: str, value: int | None) -> None:
    assert parse_number(text) == value


def test_skip_words() -> None:
    assert is_skip("跳过") and is_skip("Skip.") and is_skip("没有！") and not is_skip("跳过了这个会议")


def test_numeric_replies_walk_through_the_questions(client, db, sent) -> None:
    pulse(db, "zhangsan", ["stress", "mood"])
    first = say(client, "zhangsan", "7")
    assert first.startswith("已记录：7 ✓") and "第 2/2 题" in first and "心情" in first
    assert "请直接回复 1–5 之间的数字" in first
    second = say(client, "zhangsan", "4")
    assert "已记录：4 ✓" in second and "（选填）" in second
    assert answers(db, "zhangsan") == {"stress": 7.0, "mood": 4.0}
    with db.session() as s:
        survey = s.scalars(select(Survey).join(Employee).where(Employee.userid == "zhangsan")).one()
        assert survey.status == "answered" and survey.answered_at == at("2026-11-23 14:00")
        modes = {a.question_key: a.mode for a in s.scalars(select(SurveyAnswer))}
    assert modes == {"stress": "checkin", "mood": "checkin"}
    assert "HR 会认真看" in say(client, "zhangsan", "最近项目有点多，希望能多点人手")
    assert answers(db, "zhangsan")["comment"] == "最近项目有点多，希望能多点人手"
    # The pulse is complete: other messages are not ours (the command framework's hint answers them).
    assert "HR 会认真看" not in say(client, "zhangsan", "谢谢")
    assert len(answers(db, "zhangsan")) == 3


def test_invalid_replies_get_a_short_correction_and_nothing_is_stored(client, db, sent) -> None:
    pulse(db, "zhangsan", ["stress"])
    for text in ("11", "-1", "7.5"):
        assert say(client, "zhangsan", text) == "请回复 0–10 之间的数字"
    # Words are no answer: read as free text, and the open question is asked again (issue 14).
    repeated = say(client, "zhangsan", "很累")
    assert "请回复 0–10 之间的数字" not in repeated.splitlines()[0] and "问卷还在等你回答" in repeated
    assert "最近你感到的压力有多大" in repeated
    pulse(db, "zhaoliu", ["mood"])
    assert say(client, "zhaoliu", "6") == "请回复 1–5 之间的数字"
    assert answers(db, "zhangsan") == {} and answers(db, "zhaoliu") == {}


def test_comment_can_be_skipped(client, db, sent) -> None:
    pulse(db, "zhangsan", ["stay_2y"])
    say(client, "zhangsan", "4")
    assert "谢谢你的反馈" in say(client, "zhangsan", "跳过")
    assert answers(db, "zhangsan") == {"stay_2y": 4.0, "comment": None}
    with db.session() as s:
        assert s.scalars(select(SurveyAnswer.mode).where(SurveyAnswer.question_key == "stay_2y")).one() == "team"


def test_slash_commands_and_group_messages_are_not_answers(client, db, sent) -> None:
    pulse(db, "zhangsan", ["stress"])
    assert "请回复" not in say(client, "zhangsan", "/help")
    assert "请回复" not in say(client, "zhangsan", "5", group="cid-group-1")
    assert answers(db, "zhangsan") == {}


def test_people_without_a_pulse_are_left_alone(client, db, runtime) -> None:
    make_org(db)
    assert "请回复" not in say(client, "zhangsan", "8")
    assert answers(db, "zhangsan") == {}


def test_late_reply_to_an_expired_pulse_is_thanked_not_counted(client, db, clock, sent, runtime) -> None:
    pulse(db, "zhangsan", ["stress"])
    clock.set(at("2026-11-30 18:05"))
    dispatch_surveys(runtime)
    assert "不会计入" in say(client, "zhangsan", "8")
    assert answers(db, "zhangsan") == {}
    assert "不会计入" not in say(client, "zhangsan", "今天天气不错")


def click(runtime: Any, user: str, survey_id: int, key: str, value: str) -> Any:
    event = CardAction(
        platform="local",
        userid=user,
        card_id=f"sv{survey_id}-{key}-i",
        action="survey.answer",
        params={"survey": str(survey_id), "q": key, "v": value},
    )
    with runtime.db.session() as s:
        return dispatch(event, Context(runtime=runtime, session=s))


def test_card_buttons_record_and_send_the_next_question(runtime, db, sent) -> None:
    survey = pulse(db, "zhangsan", ["mood", "workload"])
    [reply] = click(runtime, "zhangsan", survey.id, "mood", "4")
    assert reply.card_update == {"status_text": "已记录：4 ✓ 谢谢！"}
    with db.session() as s:
        follow = s.scalars(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"survey:{survey.id}:workload:%"))
        ).one()
    card = outbox.card_from_payload(follow.payload)
    assert "第 2/2 题" in card.markdown and [b.label for b in card.buttons] == ["1", "2", "3", "4", "5"]
    [again] = click(runtime, "zhangsan", survey.id, "mood", "2")
    assert "已经记录过了" in again.card_update["status_text"] and "4" not in again.card_update["status_text"]
    [last] = click(runtime, "zhangsan", survey.id, "workload", "5")
    assert last.card_update == {"status_text": "已记录：5 ✓ 谢谢！"}
    with db.session() as s:
        comment = s.scalars(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == f"survey:{survey.id}:comment:next")
        ).one()
    assert comment.kind == "markdown" and "（选填）" in comment.payload["text"]
    assert answers(db, "zhangsan") == {"mood": 4.0, "workload": 5.0}
    assert click(runtime, "zhaoliu", survey.id, "mood", "1") == []  # someone else's card: not ours to answer
    assert click(runtime, "zhangsan", survey.id, "mood", "9") != []


def test_card_click_after_expiry_is_thanked_not_counted(runtime, db, clock, sent) -> None:
    survey = pulse(db, "zhangsan", ["mood"])
    clock.set(at("2026-12-01 10:00"))
    [reply] = click(runtime, "zhangsan", survey.id, "mood", "3")
    assert "不会计入" in reply.card_update["status_text"]
    assert answers(db, "zhangsan") == {}


def test_zero_to_ten_questions_ask_for_a_number_instead_of_buttons(runtime, db, clock) -> None:
    make_org(db)
    with db.session() as s:
        for emp in s.scalars(select(Employee)):
            emp.surveys_paused = emp.userid != "zhangsan"
    dispatch_surveys(runtime)
    survey = pulse(db, "zhangsan", ["stress"])
    with db.session() as s:
        s.execute(OutboxMessage.__table__.delete())
        s.execute(Survey.__table__.update().values(status="pending"))
    clock.set(at("2026-11-23 15:00"))
    dispatch_surveys(runtime)
    with db.session() as s:
        msg = s.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"survey:{survey.id}:%"))).one()
    assert msg.kind == "markdown" and "请直接回复 0–10 之间的数字" in msg.payload["text"]


def test_optout_pauses_and_closes_the_open_pulse_optin_resumes(client, db, runtime, clock, sent) -> None:
    pulse(db, "zhangsan", ["stress"])
    assert "已暂停" in say(client, "zhangsan", "/optout")
    assert "已经是暂停状态" in say(client, "zhangsan", "/optout")
    with db.session() as s:
        emp = s.scalars(select(Employee).where(Employee.userid == "zhangsan")).one()
        assert emp.surveys_paused
        assert s.scalars(select(Survey.status).where(Survey.employee_id == emp.id)).one() == "expired"
    clock.set(at("2026-12-07 10:00"))
    dispatch_surveys(runtime)
    with db.session() as s:
        assert len(list(s.scalars(select(Survey).where(Survey.employee_id == emp.id)))) == 1
    assert "已恢复" in say(client, "zhangsan", "/optin")
    dispatch_surveys(runtime, None)
    with db.session() as s:
        assert len(list(s.scalars(select(Survey).where(Survey.employee_id == emp.id)))) == 2
