"""Journeys: who starts one and who does not, overdue re-send and escalation, leave, buttons, /待办, the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.intake.directory_sync import apply_org_change
from bot.models import Employee, Journey, JourneyStep
from bot.pipeline import outbox
from bot.pipeline.events import OrgChange
from tests.commands_org import say
from tests.journeys_support import NEWBIE, SETTINGS, TOKEN, at, hire_by_api, hire_by_import, make_staff, run_day


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return SETTINGS


def _steps(runtime: Any) -> dict[str, JourneyStep]:
    with runtime.db.session() as s:
        return {st.step_key: st for st in s.scalars(select(JourneyStep))}


def _journeys(runtime: Any) -> list[Journey]:
    with runtime.db.session() as s:
        return list(s.scalars(select(Journey)))


def test_overdue_task_is_resent_once_then_escalated_to_the_manager(client, runtime, clock, fake_platform, tmp_path):
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5)))
    hire_by_import(runtime, client, tmp_path)
    sent = run_day(runtime, clock, fake_platform, date(2026, 2, 9))  # day −2: admin and IT (due in 2 workdays)
    assert {(d.userid, d.step_key) for d in sent} == {("admin1", "admin_prepare"), ("it1", "it_accounts")}
    say(client, "it1", "/完成 1")  # IT is on time; admin is not
    assert run_day(runtime, clock, fake_platform, date(2026, 2, 10)) == []
    day0 = run_day(runtime, clock, fake_platform, date(2026, 2, 11))
    resent = [d for d in day0 if d.card_id == f"jstep{_steps(runtime)['admin_prepare'].id}-r"]
    assert [d.userid for d in resent] == ["admin1"] and "已逾期" in resent[0].text
    assert _steps(runtime)["admin_prepare"].status == "overdue"
    assert run_day(runtime, clock, fake_platform, date(2026, 2, 11), hh=15) == []  # re-sent once only
    assert not [d for d in run_day(runtime, clock, fake_platform, date(2026, 2, 12)) if "-esc" in (d.card_id or "")]
    admin_card = f"jstep{_steps(runtime)['admin_prepare'].id}-esc"
    escalated = [d for d in run_day(runtime, clock, fake_platform, date(2026, 2, 13)) if d.card_id == admin_card]
    assert [d.userid for d in escalated] == ["mgr"] and "陈静" in escalated[0].text
    # The manager closes it from the escalation card.
    step = _steps(runtime)["admin_prepare"]
    resp = client.post(
        "/simulator/api/cards",
        json={
            "user": "mgr",
            "card_id": escalated[0].card_id,
            "action": "journey.done",
            "params": {"step": str(step.id)},
        },
    )
    assert "已完成" in resp.get_json()["replies"][0]["text"]
    assert _steps(runtime)["admin_prepare"].status == "done"
    assert sum(1 for d in fake_platform.sent if d.kind == "card" and d.body["card"].card_id == admin_card) == 1


def test_the_managers_own_overdue_task_goes_to_hr(client, runtime, clock, fake_platform, tmp_path):
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5)))
    hire_by_import(runtime, client, tmp_path)
    for day in (9, 10, 11, 12, 13):  # manager_welcome: due 2-11, 1 workday → overdue 2-12, escalated 2-13
        sent = run_day(runtime, clock, fake_platform, date(2026, 2, day))
        if day == 9:
            say(client, "admin1", "/完成 1")
            say(client, "it1", "/完成 1")
    esc = [m for m in fake_platform.sent if m.kind == "card" and m.body["card"].card_id.endswith("-esc")]
    assert [m.userid for m in esc] == ["hr1"] and "李强" in esc[0].body["card"].markdown
    assert sent is not None


def test_buttons_later_and_not_applicable_and_tasks_list(client, runtime, clock, fake_platform, tmp_path):
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5)))
    hire_by_api(runtime, client, tmp_path)
    [card] = [d for d in run_day(runtime, clock, fake_platform, date(2026, 2, 9)) if d.userid == "admin1"]
    listing = say(client, "admin1", "/待办")[0]["text"]
    assert "1. 为林新准备工位、工牌和电脑" in listing and "2月11日前" in listing
    assert say(client, "admin1", "/tasks")[0]["text"] == listing
    step_id = card.card_id[5:]
    resp = client.post(
        "/simulator/api/cards",
        json={"user": "admin1", "card_id": card.card_id, "action": "journey.later", "params": {"step": step_id}},
    )
    assert "再提醒你" in resp.get_json()["replies"][0]["text"]
    woken = run_day(runtime, clock, fake_platform, date(2026, 2, 10))
    assert [d.card_id for d in woken if d.userid == "admin1"] == [
        f"jstep{step_id}-s{int(at(date(2026, 2, 10)).timestamp())}"
    ]
    resp = client.post(
        "/simulator/api/cards",
        json={"user": "admin1", "card_id": card.card_id, "action": "journey.skip", "params": {"step": step_id}},
    )
    assert (
        "已标记不适用" in resp.get_json()["replies"][0]["text"] and "/不适用 1" in resp.get_json()["replies"][0]["text"]
    )
    assert "已补充备注" in say(client, "admin1", "/不适用 1 已有工位和电脑")[0]["text"]
    step = _steps(runtime)["admin_prepare"]
    assert (step.status, step.note) == ("skipped", "已有工位和电脑")
    assert "没有待办" in say(client, "admin1", "/待办")[0]["text"]
    assert "没有编号为 9" in say(client, "admin1", "/完成 9")[0]["text"]
    assert "用法" in say(client, "admin1", "/完成 abc")[0]["text"]
    # Someone else cannot close IT's task by its id on a card: a card never sent to them is ignored
    # (and audited as card_click_refused, docs/security.md); the step stays open.
    it_step = _steps(runtime)["it_accounts"]
    resp = client.post(
        "/simulator/api/cards",
        json={"user": "mentor1", "card_id": "x", "action": "journey.done", "params": {"step": str(it_step.id)}},
    )
    assert resp.get_json()["replies"] == []
    assert _steps(runtime)["it_accounts"].status == it_step.status != "done"


def test_leave_cancels_open_steps(client, runtime, clock, fake_platform, tmp_path):
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5)))
    hire_by_api(runtime, client, tmp_path)
    run_day(runtime, clock, fake_platform, date(2026, 2, 9))
    say(client, "it1", "/完成 1")
    clock.set(at(date(2026, 2, 10)))
    resp = client.put(
        "/api/v1/employees/newbie",
        json={**NEWBIE, "left_on": "2026-02-10", "leave_reason": "voluntary"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert resp.status_code == 200
    steps = _steps(runtime)
    assert steps["it_accounts"].status == "done"
    assert {st.status for k, st in steps.items() if k != "it_accounts"} == {"cancelled"}
    assert [j.status for j in _journeys(runtime)] == ["cancelled"]
    assert run_day(runtime, clock, fake_platform, date(2026, 2, 11)) == []
    assert "没有待办" in say(client, "admin1", "/待办")[0]["text"]


def test_platform_leave_event_cancels_too(client, runtime, clock, fake_platform, tmp_path):
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5)))
    hire_by_import(runtime, client, tmp_path)
    with runtime.db.session() as s:
        apply_org_change(s, runtime, OrgChange(platform="dingtalk", change="leave", userids=("newbie",)))
    assert [j.status for j in _journeys(runtime)] == ["cancelled"]


def test_transfer_rehire_old_hire_and_leaver_start_nothing(client, runtime, clock, fake_platform, tmp_path):
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5)))
    # A transfer: a known employee changes department and manager.
    hire_by_api(runtime, client, tmp_path, {**NEWBIE, "userid": "mentor1", "name": "周杰", "department": "市场部"})
    # An old hire imported for the first time (a backfill of the company).
    hire_by_import(runtime, client, tmp_path, {**NEWBIE, "userid": "veteran", "name": "老王", "hired_on": "2024-06-03"})
    # A leaver imported with left_on.
    hire_by_api(runtime, client, tmp_path, {**NEWBIE, "userid": "gone", "name": "离开", "left_on": "2026-02-01"})
    # A rehire with history: a former employee made active again with a new hire date.
    with runtime.db.session() as s:
        s.add(Employee(userid="back", name="回来", status="left", left_on=date(2025, 6, 30), hired_on=date(2023, 3, 1)))
    hire_by_api(runtime, client, tmp_path, {**NEWBIE, "userid": "back", "name": "回来"})
    assert _journeys(runtime) == []
    # A real new hire still starts one, with hired_on up to two workdays in the past.
    clock.set(at(date(2026, 2, 13)))
    hire_by_api(runtime, client, tmp_path)
    assert len(_journeys(runtime)) == 1


@pytest.mark.parametrize("settings_overrides", [{**SETTINGS, "onboarding": {"enabled": False}}])
def test_disabled_onboarding_starts_nothing(client, runtime, clock, fake_platform, tmp_path):
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5)))
    hire_by_api(runtime, client, tmp_path)
    assert _journeys(runtime) == []


def test_api_shape_and_errors(client, runtime, clock, fake_platform, tmp_path):
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5)))
    hire_by_import(runtime, client, tmp_path)
    run_day(runtime, clock, fake_platform, date(2026, 2, 9))
    say(client, "admin1", "/完成 1 电脑已到位")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = client.get("/api/v1/journeys/newbie", headers=auth).get_json()
    assert set(body) == {"userid", "journey", "started_on", "steps"}
    assert (body["userid"], body["journey"], body["started_on"]) == ("newbie", "default", "2026-02-05")
    first = body["steps"][0]
    assert set(first) == {"id", "day", "due_on", "assignee_role", "assignee", "title", "status", "done_on", "note"}
    by_role = {s["assignee_role"]: s for s in body["steps"] if s["day"] == -2}
    assert by_role["admin"] | {"id": 0} == {
        "id": 0,
        "day": -2,
        "due_on": "2026-02-09",
        "assignee_role": "admin",
        "assignee": "admin1",
        "title": "为林新准备工位、工牌和电脑",
        "status": "done",
        "done_on": "2026-02-09",
        "note": "电脑已到位",
    }
    assert by_role["it"]["status"] == "sent" and by_role["it"]["assignee"] == "it1"
    assert {s["status"] for s in body["steps"]} <= {"pending", "sent", "done", "skipped", "overdue", "cancelled"}
    review = next(s for s in body["steps"] if s["assignee_role"] == "manager" and s["day"] == -10)
    assert review["due_on"] == "2026-04-23" and review["status"] == "pending" and review["assignee"] is None
    en = client.get("/api/v1/journeys/newbie", headers={**auth, "Accept-Language": "en"}).get_json()
    assert en["steps"][0]["title"].startswith("Prepare desk") or en["steps"][1]["title"].startswith("Prepare desk")
    assert client.get("/api/v1/journeys/nobody", headers=auth).status_code == 404
    assert client.get("/api/v1/journeys/hr1", headers=auth).get_json()["error"] == "该员工没有入职旅程"
    assert client.get("/api/v1/journeys/newbie").status_code == 401


def test_mentor_from_csv_and_api_and_command(client, runtime, clock, fake_platform, tmp_path: Path):
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5)))
    hire_by_import(runtime, client, tmp_path, {**NEWBIE, "mentor_userid": "mentor1"})
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/api/v1/employees/newbie", headers=auth).get_json()["mentor_userid"] == "mentor1"
    # A CSV without the column keeps the mentor; the API sets another.
    hire_by_import(runtime, client, tmp_path, dict(NEWBIE))
    assert client.get("/api/v1/employees/newbie", headers=auth).get_json()["mentor_userid"] == "mentor1"
    hire_by_api(runtime, client, tmp_path, {**NEWBIE, "mentor_userid": "admin1"})
    assert client.get("/api/v1/employees/newbie", headers=auth).get_json()["mentor_userid"] == "admin1"
    assert "周杰" in say(client, "mgr", "/mentor newbie mentor1")[0]["text"]
    assert "导师：周杰" in say(client, "mgr", "/导师 newbie")[0]["text"]
    assert "用法" in say(client, "mgr", "/导师")[0]["text"]
    assert "找不到" in say(client, "mgr", "/导师 newbie nobody")[0]["text"]
    # Not a manager or HR: the command is refused and nothing changes.
    say(client, "it1", "/导师 newbie it1")
    assert client.get("/api/v1/employees/newbie", headers=auth).get_json()["mentor_userid"] == "mentor1"
    outbox.drain(runtime)
    assert any(m.userid == "mentor1" and "导师" in m.body.get("title", "") for m in fake_platform.sent)


def test_journey_replaces_the_new_hire_touchpoint_tags(runtime: Any) -> None:
    from bot.models import Journey as JourneyModel
    from tests import rules_builders as b

    with runtime.db.session() as s:
        in_journey = b.employee(s, "in-journey", hired_on=b.d("2026-11-16"))
        b.employee(s, "no-journey", hired_on=b.d("2026-11-16"))
        s.add(JourneyModel(employee_id=in_journey, name="default", started_on=date(2026, 11, 12), source="import"))
    touch = {"kind": "tenure_milestone", "days": [7, 30, 60, 90]}
    assert set(b.run(runtime, touch, "2026-11-23")) == {"no-journey"}
