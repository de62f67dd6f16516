"""Reminder planning and delivery: routing, immediate cards, digests, caps, quiet hours, leave, holidays."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Approval, AttendanceDay, Employee, Reminder, Tag
from bot.pipeline import outbox
from bot.reminders.delivery import deliver
from bot.reminders.planner import plan
from tests.test_reminders_builders import (
    BIRTHDAY_EVIDENCE,
    DIP_EVIDENCE,
    STRESS_EVIDENCE,
    at,
    make_org,
    make_tag,
    write_rules,
)


@pytest.fixture
def settings_overrides(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The test rules, plus whatever a test passes with ``indirect=True``."""
    return {"rules": {"paths": [write_rules(tmp_path / "rules")]}, **getattr(request, "param", {})}


def run(runtime: Any) -> Any:
    """One scheduler tick: plan, deliver, drain the outbox."""
    with runtime.db.session() as s:
        plan(runtime, s)
    result = deliver(runtime)
    outbox.drain(runtime)
    return result


def reminders(db: Any) -> list[Reminder]:
    with db.session() as s:
        return list(s.scalars(select(Reminder).order_by(Reminder.id)))


def cards(fake: Any, userid: str) -> list[Any]:
    return [s.body["card"] for s in fake.to(userid) if s.kind == "card"]


def test_high_severity_card_goes_to_the_hrbp_with_evidence(runtime, db, fake_platform) -> None:
    org = make_org(db)
    make_tag(db, org["zs"])
    result = run(runtime)
    assert result.sent == 1
    [card] = cards(fake_platform, "hrbp1")
    assert "张三" in card.title and "持续高压" in card.title
    assert "**张三** · 销售一部 · 销售专员 · 入职1年2个月" in card.markdown
    assert "连续3个工作日最后打卡 > 21:00：11月18日 21:42、11月19日 22:05、11月20日 21:37" in card.markdown
    assert "连续加班容易透支" in card.markdown  # why it matters
    assert "这两天找 张三 聊 10 分钟" in card.markdown  # what to do
    assert "“最近辛苦了，有什么我能帮上忙的吗？”" in card.markdown  # what to say
    [rem] = reminders(db)
    assert f"/done {rem.id}" in card.markdown
    assert [b.label for b in card.buttons] == ["已跟进", "稍后提醒", "不需要"]
    assert [b.action for b in card.buttons] == ["reminder.done", "reminder.snooze", "reminder.dismiss"]
    assert all(b.params == {"id": str(rem.id)} for b in card.buttons)
    assert rem.role == "hrbp" and rem.delivery == "immediate" and rem.sent_at is not None
    assert rem.card_ref and rem.card_ref["card_id"] == f"rem{rem.id}"
    assert fake_platform.to("mgr1") == []  # the rule's audience is HR only


def test_one_reminder_per_tag_and_recipient_and_one_send(runtime, db, fake_platform) -> None:
    org = make_org(db)
    make_tag(db, org["zs"])
    run(runtime)
    run(runtime)
    with db.session() as s:
        assert plan(runtime, s).reminders == 0
    assert len(reminders(db)) == 1
    assert len(cards(fake_platform, "hrbp1")) == 1


def test_audience_both_reaches_hrbp_and_manager(runtime, db, fake_platform) -> None:
    org = make_org(db)
    make_tag(db, org["zs"], rule_id="test_stress", evidence=STRESS_EVIDENCE)
    run(runtime)
    assert {(r.role, r.recipient_id) for r in reminders(db)} == {("hrbp", org["hrbp"]), ("manager", org["mgr"])}
    assert len(cards(fake_platform, "hrbp1")) == 1 and len(cards(fake_platform, "mgr1")) == 1


def test_manager_audience_goes_to_the_manager_only(runtime, db) -> None:
    org = make_org(db)
    make_tag(db, org["zs"], rule_id="test_dip", severity="medium", evidence=DIP_EVIDENCE)
    with db.session() as s:
        plan(runtime, s)
    assert [(r.role, r.recipient_id, r.delivery) for r in reminders(db)] == [("manager", org["mgr"], "digest")]


@pytest.mark.parametrize("settings_overrides", [{"reminders": {"hr_userids": ["hrhead"]}}], indirect=True)
def test_without_hrbp_the_configured_hr_list_is_used(runtime, db) -> None:
    org = make_org(db)
    with db.session() as s:
        s.get(Employee, org["zs"]).hrbp_id = None
    make_tag(db, org["zs"])
    with db.session() as s:
        plan(runtime, s)
    assert [(r.role, r.recipient_id) for r in reminders(db)] == [("hr", org["boss"])]


def test_without_hrbp_or_hr_list_the_manager_hears_and_nobody_about_themselves(runtime, db) -> None:
    org = make_org(db)
    make_tag(db, org["hrbp"])  # 王芳 has no HRBP; her manager is the HR head
    with db.session() as s:
        s.get(Employee, org["hrbp"]).hrbp_id = org["hrbp"]  # bad data: her own partner
        plan(runtime, s)
    assert [(r.role, r.recipient_id) for r in reminders(db)] == [("manager", org["boss"])]


def test_no_sends_outside_working_hours_then_next_morning(runtime, db, clock, fake_platform) -> None:
    org = make_org(db)
    clock.set(at("2026-11-23 20:15"))
    make_tag(db, org["zs"])
    assert run(runtime).sent == 0
    [rem] = reminders(db)
    assert rem.due_at == at("2026-11-24 09:00")
    clock.set(at("2026-11-24 08:59"))
    assert run(runtime).sent == 0
    assert fake_platform.sent == []
    clock.set(at("2026-11-24 09:00"))
    assert run(runtime).sent == 1
    assert len(cards(fake_platform, "hrbp1")) == 1


def test_no_sends_on_holidays_but_on_the_adjusted_working_saturday(runtime, db, clock, fake_platform) -> None:
    org = make_org(db)
    clock.set(at("2026-10-02 10:00"))  # National Day
    make_tag(db, org["zs"], raised_on=date(2026, 10, 2))
    assert run(runtime).sent == 0
    clock.set(at("2026-10-05 10:00"))  # still the holiday
    assert run(runtime).sent == 0
    assert reminders(db)[0].due_at == at("2026-10-08 09:00")
    clock.set(at("2026-10-08 10:00"))  # first workday after the holiday
    assert run(runtime).sent == 1
    make_tag(db, org["zl"], raised_on=date(2026, 10, 10))
    clock.set(at("2026-10-10 11:00"))  # 调休: a working Saturday (and the 2nd workday after the 8th)
    result = run(runtime)
    assert (result.sent, result.resent) == (1, 1)
    assert [c.card_id for c in cards(fake_platform, "hrbp1")] == ["rem1", "rem1-r", "rem2"]


def test_nothing_about_an_employee_on_leave(runtime, db, clock, fake_platform) -> None:
    org = make_org(db)
    make_tag(db, org["zs"])
    with db.session() as s:
        s.add(
            Approval(
                userid="zhangsan",
                employee_id=org["zs"],
                kind="leave",
                status="approved",
                starts_at=at("2026-11-23 09:00"),
                ends_at=at("2026-11-24 18:00"),
                source="test",
                source_key="l1",
            )
        )
    assert run(runtime).waiting == 1
    clock.set(at("2026-11-24 10:00"))
    assert run(runtime).sent == 0
    clock.set(at("2026-11-25 10:00"))
    assert run(runtime).sent == 1
    assert len(cards(fake_platform, "hrbp1")) == 1


def test_leave_from_attendance_facts_also_holds_reminders(runtime, db, fake_platform) -> None:
    org = make_org(db)
    make_tag(db, org["zs"])
    with db.session() as s:
        s.add(
            AttendanceDay(
                employee_id=org["zs"], day=date(2026, 11, 23), kind="workday", on_leave=True, leave_kind="annual"
            )
        )
    assert run(runtime).sent == 0
    assert fake_platform.sent == []


def test_care_contact_cap_keeps_the_fourth_tag_capped(runtime, db, fake_platform) -> None:
    org = make_org(db)
    for offset in range(4):
        make_tag(db, org["zs"], raised_on=date(2026, 11, 23) - timedelta(days=offset))
    result = run(runtime)
    assert (result.sent, result.capped) == (3, 1)
    statuses = [r.status for r in reminders(db)]
    assert statuses.count("capped") == 1 and statuses.count("open") == 3
    assert len(cards(fake_platform, "hrbp1")) == 3
    assert run(runtime).sent == 0  # capped stays capped


def test_cap_counts_one_tag_once_across_recipients_and_old_contacts_age_out(runtime, db, clock) -> None:
    org = make_org(db)
    for offset in range(3):
        make_tag(
            db,
            org["zs"],
            rule_id="test_stress",
            raised_on=date(2026, 11, 23) - timedelta(days=offset),
            evidence=STRESS_EVIDENCE,
        )
    assert run(runtime).sent == 6  # three tags, each to HRBP and manager: three contacts
    clock.set(at("2026-12-24 10:00"))  # 31 days later the window has moved on
    make_tag(db, org["zs"], raised_on=date(2026, 12, 24))
    assert run(runtime).sent == 1


@pytest.mark.parametrize("settings_overrides", [{"reminders": {"max_immediate_per_recipient": 2}}], indirect=True)
def test_daily_cap_per_hr_person_outside_the_digest(runtime, db, clock, fake_platform, tmp_path) -> None:
    org = make_org(db)
    with db.session() as s:
        extra = Employee(userid="wangwu", name="王五", status="active", hrbp_id=org["hrbp"], source="test")
        s.add(extra)
        s.flush()
        extra_id = extra.id
    for emp in (org["zs"], org["zl"], extra_id):
        make_tag(db, emp)
    result = run(runtime)
    assert (result.sent, result.waiting) == (2, 1)
    clock.set(at("2026-11-23 16:00"))
    assert run(runtime).sent == 0
    clock.set(at("2026-11-24 09:30"))
    assert run(runtime).sent == 1
    assert len(cards(fake_platform, "hrbp1")) == 3


def test_low_and_medium_arrive_as_one_digest_sorted_by_severity(runtime, db, clock, fake_platform) -> None:
    org = make_org(db)
    clock.set(at("2026-11-23 07:00"))
    make_tag(db, org["zl"], rule_id="test_birthday", severity="low", evidence=BIRTHDAY_EVIDENCE)
    make_tag(db, org["zs"], rule_id="test_stress", severity="medium", evidence=STRESS_EVIDENCE)
    clock.set(at("2026-11-23 09:30"))
    assert run(runtime).digests == 0
    clock.set(at("2026-11-23 10:00"))
    result = run(runtime)
    assert (result.digests, result.digest_items) == (2, 3)  # the manager gets the stress tag in a digest too
    assert [s.kind for s in fake_platform.to("mgr1")] == ["markdown"]
    digests = [s for s in fake_platform.to("hrbp1") if s.kind == "markdown"]
    assert len(digests) == 1
    text = digests[0].body["text"]
    assert digests[0].body["title"] == "今日关怀提醒（2 条）"
    assert text.index("压力自评偏高") < text.index("明天生日")  # medium before low
    assert "/done" in text and "张三" in text and "赵六" in text
    assert "11月23日关怀问答中压力回答为 9" in text and "11月24日（明天）生日" in text
    assert run(runtime).digests == 0
    assert len([s for s in fake_platform.to("hrbp1") if s.kind == "markdown"]) == 1


@pytest.mark.parametrize("settings_overrides", [{"reminders": {"digest_max_items": 1}}], indirect=True)
def test_long_digest_keeps_the_dated_item_first_and_the_rest_waits(runtime, db, clock, fake_platform) -> None:
    """A birthday (date-bound) goes before a medium item that can wait a day; it never starves behind it."""
    org = make_org(db)
    make_tag(db, org["zl"], rule_id="test_birthday", severity="low", evidence=BIRTHDAY_EVIDENCE)
    make_tag(db, org["zs"], rule_id="test_pressure", severity="medium")
    clock.set(at("2026-11-23 10:00"))
    assert run(runtime).digest_items == 1
    [first] = [s.body for s in fake_platform.to("hrbp1") if s.kind == "markdown"]
    assert "明天生日" in first["text"] and "持续高压" not in first["text"]
    assert "另有 1 条提醒留到下一次摘要" in first["text"]
    assert run(runtime).digest_items == 0  # one digest a day
    clock.set(at("2026-11-24 10:00"))
    assert run(runtime).digest_items == 1
    second = [s.body for s in fake_platform.to("hrbp1") if s.kind == "markdown"][-1]
    assert "持续高压" in second["text"]


def test_unanswered_reminder_is_resent_once_after_n_workdays(runtime, db, clock, fake_platform) -> None:
    org = make_org(db)
    clock.set(at("2026-11-27 10:00"))  # Friday
    make_tag(db, org["zs"])
    assert run(runtime).sent == 1
    clock.set(at("2026-11-30 10:00"))  # Monday: one workday later
    assert run(runtime).resent == 0
    clock.set(at("2026-12-01 10:00"))  # two workdays later
    assert run(runtime).resent == 1
    clock.set(at("2026-12-02 10:00"))
    assert run(runtime).resent == 0
    first, again = cards(fake_platform, "hrbp1")
    assert again.card_id == f"{first.card_id}-r"
    assert "再提醒一次" in again.markdown
    [rem] = reminders(db)
    assert rem.status == "open" and rem.resent_at == at("2026-12-01 10:00")


def test_unsent_reminder_of_an_ended_tag_is_closed_not_sent(runtime, db, clock, fake_platform) -> None:
    org = make_org(db)
    clock.set(at("2026-11-23 19:00"))
    tag_id = make_tag(db, org["zs"])
    run(runtime)
    with db.session() as s:
        s.get(Tag, tag_id).status = "resolved"
    clock.set(at("2026-11-24 09:30"))
    assert run(runtime).expired == 1
    [rem] = reminders(db)
    assert rem.status == "expired" and rem.dismiss_reason.startswith("auto:")
    assert fake_platform.sent == []


@pytest.mark.parametrize("settings_overrides", [{"app": {"locale": "en"}}], indirect=True)
def test_english_reminder(runtime, db, fake_platform) -> None:
    org = make_org(db)
    make_tag(db, org["zs"])
    run(runtime)
    [card] = cards(fake_platform, "hrbp1")
    assert "Sustained pressure" in card.title
    assert "Nov 18 21:42, Nov 19 22:05, Nov 20 21:37" in card.markdown
    assert "with us for 1 yr 2 mo" in card.markdown
    assert [b.label for b in card.buttons] == ["Done", "Later", "Not needed"]
