"""The local simulator (``make run``): a reminder card arrives, a click settles it, a pulse is answered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import LocalMessage, Reminder
from bot.pipeline import outbox
from bot.reminders.delivery import deliver
from bot.reminders.planner import plan
from tests.test_reminders_builders import make_org, make_tag, write_rules


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    return {"rules": {"paths": [write_rules(tmp_path / "rules")]}}


def test_click_in_the_simulator_settles_the_card(client, runtime, db) -> None:
    org = make_org(db)
    make_tag(db, org["zs"])
    with db.session() as s:
        plan(runtime, s)
    deliver(runtime)
    outbox.drain(runtime)
    messages = client.get("/simulator/api/messages?user=hrbp1").get_json()["messages"]
    [card] = [m for m in messages if m["kind"] == "card"]
    assert "连续3个工作日最后打卡 > 21:00" in card["payload"]["markdown"]
    done = next(b for b in card["payload"]["buttons"] if b["label"] == "已跟进")
    resp = client.post(
        "/simulator/api/cards",
        json={"user": "hrbp1", "card_id": card["card_id"], "action": done["action"], "params": done["params"]},
    )
    assert resp.status_code == 200 and "已记为已跟进" in resp.get_json()["replies"][0]["text"]
    with db.session() as s:
        shown = s.scalars(select(LocalMessage).where(LocalMessage.kind == "card")).one()
        assert shown.payload["status_text"] == "✅ 已跟进 · 王芳 · 11月23日 14:00"
        assert shown.payload["markdown"] == card["payload"]["markdown"]  # the body stays, the buttons settle
        assert s.scalars(select(Reminder.status)).one() == "done"
