"""Acting on reminders: card buttons, text commands, who may act, care actions, card updates, the API."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import CareAction, OutboxMessage, Reminder
from bot.pipeline import outbox
from bot.pipeline.dispatch import Context, dispatch
from bot.pipeline.events import CardAction
from bot.reminders.delivery import deliver
from bot.reminders.planner import plan
from tests.test_reminders_builders import at, make_org, make_tag, write_rules

TOKEN = "reminders-test-token"  # legacy: read:people, so notes (sensitive) are left out
SENSITIVE_TOKEN = "reminders-sensitive-token"


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    sensitive = {"name": "hr-bi", "token": SENSITIVE_TOKEN, "scopes": ["read:sensitive"]}
    return {"rules": {"paths": [write_rules(tmp_path / "rules")]}, "api": {"tokens": [TOKEN, sensitive]}}


@pytest.fixture
def sent(runtime: Any, db: Any, fake_platform: Any) -> dict[str, int]:
    """张三's pressure reminder, sent as a card to 王芳 on Monday 14:00."""
    org = make_org(db)
    make_tag(db, org["zs"])
    with db.session() as s:
        plan(runtime, s)
    deliver(runtime)
    outbox.drain(runtime)
    with db.session() as s:
        org["reminder"] = s.scalars(select(Reminder.id)).one()
    return org


def click(runtime: Any, user: str, action: str, reminder_id: int) -> Any:
    event = CardAction(
        platform="local", userid=user, card_id=f"rem{reminder_id}", action=action, params={"id": str(reminder_id)}
    )
    with runtime.db.session() as s:
        [reply] = dispatch(event, Context(runtime=runtime, session=s))
    return reply


def say(client: Any, user: str, text: str) -> str:
    resp = client.post("/simulator/api/messages", json={"user": user, "text": text, "id": uuid.uuid4().hex})
    assert resp.status_code == 200, resp.get_json()
    return "\n".join(r["text"] for r in resp.get_json()["replies"])


def reminder(db: Any, rid: int) -> Reminder:
    with db.session() as s:
        row = s.get(Reminder, rid)
        assert row is not None
        return row


def actions(db: Any) -> list[CareAction]:
    with db.session() as s:
        return list(s.scalars(select(CareAction).order_by(CareAction.id)))


def test_done_button_records_a_care_action_and_settles_the_card(runtime, db, sent) -> None:
    reply = click(runtime, "hrbp1", "reminder.done", sent["reminder"])
    assert reply.card_update == {"status_text": "✅ 已跟进 · 王芳 · 11月23日 14:00"}
    assert "已记为已跟进" in reply.text and f"/done {sent['reminder']} 备注" in reply.text
    rem = reminder(db, sent["reminder"])
    assert (rem.status, rem.acted_at) == ("done", at("2026-11-23 14:00"))
    [care] = actions(db)
    assert (care.kind, care.employee_id, care.actor_id, care.reminder_id) == ("done", sent["zs"], sent["hrbp"], rem.id)
    again = click(runtime, "hrbp1", "reminder.done", sent["reminder"])  # a replayed or double click
    assert "已经处理过了" in again.text and again.card_update == reply.card_update
    assert len(actions(db)) == 1


def test_snooze_button_brings_the_card_back_next_workday(runtime, db, clock, sent, fake_platform) -> None:
    reply = click(runtime, "hrbp1", "reminder.snooze", sent["reminder"])
    assert reply.card_update == {"status_text": "⏰ 已推迟到 11月24日 14:00 再提醒"}
    rem = reminder(db, sent["reminder"])
    assert (rem.status, rem.snoozed_until) == ("snoozed", at("2026-11-24 14:00"))
    assert actions(db) == []  # snoozing is not a care action
    clock.set(at("2026-11-24 13:59"))
    assert deliver(runtime).woken == 0
    clock.set(at("2026-11-24 14:00"))
    assert deliver(runtime).woken == 1
    outbox.drain(runtime)
    back = [s.body["card"] for s in fake_platform.to("hrbp1") if s.kind == "card"][-1]
    assert "稍后再次提醒" in back.markdown and back.card_id.startswith(f"rem{rem.id}-s")
    assert reminder(db, rem.id).status == "open"


def test_snooze_late_in_the_day_moves_into_the_window(runtime, db, clock, sent) -> None:
    clock.set(at("2026-11-27 18:30"))  # Friday evening → Monday at the start of the window
    click(runtime, "hrbp1", "reminder.snooze", sent["reminder"])
    assert reminder(db, sent["reminder"]).snoozed_until == at("2026-11-30 09:00")


def test_dismiss_button_then_reason_by_text(runtime, db, client, sent) -> None:
    rid = sent["reminder"]
    reply = click(runtime, "hrbp1", "reminder.dismiss", rid)
    assert reply.card_update == {"status_text": "🚫 不需要 · 王芳 · 11月23日 14:00"}
    assert f"/dismiss {rid} 原因" in reply.text
    assert "补充备注" in say(client, "hrbp1", f"/dismiss {rid} 已知情况，项目冲刺期")
    rem = reminder(db, rid)
    assert (rem.status, rem.dismiss_reason) == ("dismissed", "已知情况，项目冲刺期")
    assert [(a.kind, a.note) for a in actions(db)] == [("dismissed", None), ("note", "已知情况，项目冲刺期")]


def test_done_by_text_with_note_updates_the_sent_card(runtime, db, client, sent) -> None:
    rid = sent["reminder"]
    answer = say(client, "hrbp1", f"/done {rid} 聊过了，安排调休")
    assert f"#{rid}（张三）已记为已跟进" in answer
    rem = reminder(db, rid)
    assert (rem.status, rem.note) == ("done", "聊过了，安排调休")
    [care] = actions(db)
    assert (care.kind, care.note, care.actor_id) == ("done", "聊过了，安排调休", sent["hrbp"])
    with db.session() as s:
        update = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "card_update")).one()
    card = outbox.card_from_payload(update.payload)
    assert card.card_id == f"rem{rid}" and card.status_text == "✅ 已跟进 · 王芳 · 11月23日 14:00：聊过了，安排调休"
    assert update.recipient == "hrbp1" and update.payload["ref"]["card_id"] == f"rem{rid}"


def test_snooze_and_dismiss_by_text(runtime, db, client, sent) -> None:
    rid = sent["reminder"]
    assert "11月24日 14:00" in say(client, "hrbp1", f"/snooze #{rid}")
    assert reminder(db, rid).status == "snoozed"
    assert "标记为不需要" in say(client, "hrbp1", f"/dismiss {rid}，已知情况")
    rem = reminder(db, rid)
    assert (rem.status, rem.dismiss_reason) == ("dismissed", "已知情况")
    assert "不能再推迟" not in say(client, "hrbp1", f"/snooze {rid}")
    assert reminder(db, rid).status == "dismissed"


def test_only_the_recipient_or_hr_may_act(runtime, db, client, sent) -> None:
    rid = sent["reminder"]
    # An employee who never received a reminder may not use /done at all (and /help does not offer it).
    assert "你没有使用 /done 的权限" in say(client, "zhangsan", f"/done {rid}")
    assert "/done" not in say(client, "zhangsan", "/help")
    assert "不是发给你的" in say(client, "mgr1", f"/done {rid}")  # a manager, but not this reminder's recipient
    assert "不是发给你的" in click(runtime, "mgr1", "reminder.done", rid).text
    assert click(runtime, "mgr1", "reminder.done", rid).card_update is None
    assert reminder(db, rid).status == "open"
    assert "已记为已跟进" in say(client, "hrhead", f"/done {rid} 我来跟进")  # an HR colleague covering
    assert [a.actor_id for a in actions(db)] == [sent["boss"]]


def test_bad_references_get_a_clear_answer(runtime, db, client, sent) -> None:
    assert "找不到提醒 #999" in say(client, "hrbp1", "/done 999")
    assert "用法：/done 提醒编号" in say(client, "hrbp1", "/done")
    assert "用法：/dismiss 提醒编号" in say(client, "hrbp1", "/dismiss abc")
    assert reminder(db, sent["reminder"]).status == "open"


def test_api_lists_reminders_by_status(client, runtime, db, sent) -> None:
    rid = sent["reminder"]
    headers = {"Authorization": f"Bearer {TOKEN}"}
    resp = client.get("/api/v1/reminders?status=open", headers=headers)
    assert resp.status_code == 200
    [row] = resp.get_json()["reminders"]
    assert {k: row[k] for k in ("id", "rule", "userid", "recipient", "status", "acted_at", "note")} == {
        "id": rid,
        "rule": "test_pressure",
        "userid": "zhangsan",
        "recipient": "hrbp1",
        "status": "open",
        "acted_at": None,
        "note": None,
    }
    assert isinstance(row["tag_id"], int) and row["created_at"].startswith("2026-11-23T06:00")
    click(runtime, "hrbp1", "reminder.dismiss", rid)
    say(client, "hrbp1", f"/dismiss {rid} 已知情况")
    assert client.get("/api/v1/reminders?status=open", headers=headers).get_json() == {"reminders": []}
    [row] = client.get("/api/v1/reminders?status=dismissed", headers=headers).get_json()["reminders"]
    assert (row["note"], row["acted_at"]) == (None, "2026-11-23T06:00:00+00:00")
    sensitive = {"Authorization": f"Bearer {SENSITIVE_TOKEN}"}
    [row] = client.get("/api/v1/reminders?status=dismissed", headers=sensitive).get_json()["reminders"]
    assert (row["note"], row["acted_at"]) == ("已知情况", "2026-11-23T06:00:00+00:00")
    assert len(client.get("/api/v1/reminders", headers=headers).get_json()["reminders"]) == 1
    bad = client.get("/api/v1/reminders?status=later", headers=headers)
    assert bad.status_code == 422 and "status" in bad.get_json()["fields"]
    assert client.get("/api/v1/reminders?limit=x", headers=headers).status_code == 422
    assert client.get("/api/v1/reminders").status_code == 401
