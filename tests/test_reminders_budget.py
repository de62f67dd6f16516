"""The right amount: a daily budget per recipient, dated and severe items first, ageing, the weekly summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.models import BudgetUse, Employee, Reminder
from bot.pipeline import outbox
from bot.reminders.budget import DailyBudget
from bot.reminders.delivery import deliver
from bot.reminders.planner import plan
from tests.dashboard_accounts import ACCOUNTS, sign_in
from tests.test_reminders_builders import at, make_org, make_tag, write_rules

BUDGET = 3


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    return {
        "rules": {"paths": [write_rules(tmp_path / "rules")]},
        "reminders": {"daily_budget": BUDGET, "digest_max_items": 50},
        "dashboard": ACCOUNTS,
    }


def people(db: Any, hrbp: int, count: int, prefix: str) -> list[int]:
    with db.session() as s:
        rows = [
            Employee(userid=f"{prefix}{i}", name=f"{prefix}{i}", status="active", hrbp_id=hrbp) for i in range(count)
        ]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def medium(db: Any, employees: list[int], raised_on: date) -> list[int]:
    return [make_tag(db, e, severity="medium", raised_on=raised_on) for e in employees]


def birthday(db: Any, employee: int, on: str) -> int:
    evidence = {"kind": "birthday", "birthday": on[5:], "date": on, "days_until": 1}
    return make_tag(db, employee, rule_id="test_birthday", severity="low", evidence=evidence)


def tick(runtime: Any, when: str) -> Any:
    runtime.clock.set(at(when))
    with runtime.db.session() as s:
        plan(runtime, s)
    result = deliver(runtime)
    outbox.drain(runtime)
    return result


def sent_ids(db: Any) -> set[int]:
    with db.session() as s:
        return set(s.scalars(select(Reminder.tag_id).where(Reminder.sent_at.is_not(None))))


def test_the_budget_caps_new_items_and_a_birthday_goes_first(runtime: Any, db: Any, fake_platform: Any) -> None:
    """Old behaviour: every due item went out (153 on day one); birthdays came after the medium ones."""
    org = make_org(db)
    runtime.clock.set(at("2026-11-23 08:00"))
    early = medium(db, people(db, org["hrbp"], 6, "m"), date(2026, 11, 23))
    cake = birthday(db, org["zl"], "2026-11-24")
    result = tick(runtime, "2026-11-23 10:00")
    assert result.digest_items == BUDGET and result.over_budget == 4
    assert cake in sent_ids(db) and len(sent_ids(db) & set(early)) == BUDGET - 1
    with db.session() as s:
        assert s.scalar(select(func.sum(BudgetUse.used)).where(BudgetUse.recipient_id == org["hrbp"])) == BUDGET
    [digest] = [m.body["text"] for m in fake_platform.to("hrbp1") if m.kind == "markdown"]
    assert "另有 4 条提醒留到下一次摘要" in digest
    assert tick(runtime, "2026-11-23 15:00").digest_items == 0  # the day's budget is spent


def test_waiting_items_age_so_a_low_one_does_not_starve(runtime: Any, db: Any) -> None:
    org = make_org(db)
    runtime.clock.set(at("2026-11-23 08:00"))  # Monday
    [low] = [make_tag(db, e, severity="low") for e in people(db, org["hrbp"], 1, "low")]
    sent_on: dict[str, set[int]] = {}
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        runtime.clock.set(at(f"{day} 08:00"))
        medium(db, people(db, org["hrbp"], BUDGET, f"d{day[-2:]}-"), date.fromisoformat(day))  # a full day's worth
        before = sent_ids(db)
        tick(runtime, f"{day} 10:00")
        sent_on[day] = sent_ids(db) - before
    # Monday and Tuesday the fresh medium items win; by Wednesday the low one has waited two
    # workdays (1 + 2 points) and outranks a fresh medium item (2 points).
    assert low not in sent_on["2026-11-23"] | sent_on["2026-11-24"]
    assert low in sent_on["2026-11-25"]


def test_what_does_not_fit_goes_into_the_weekly_summary(runtime: Any, db: Any, fake_platform: Any) -> None:
    org = make_org(db)
    runtime.clock.set(at("2026-11-26 08:00"))  # Thursday
    tags = medium(db, people(db, org["hrbp"], 10, "w"), date(2026, 11, 26))
    assert tick(runtime, "2026-11-26 10:00").digest_items == BUDGET
    friday = tick(runtime, "2026-11-27 10:00")  # the last workday of the week
    assert friday.digest_items == BUDGET and (friday.summaries, friday.summary_items) == (1, 4)
    with db.session() as s:
        rows = s.execute(select(Reminder.delivery, Reminder.status, Reminder.sent_at)).all()
    assert sorted(d for d, _, _ in rows) == ["digest"] * 6 + ["summary"] * 4
    assert all(status == "open" and sent is not None for _, status, sent in rows)  # actionable, not queued
    [summary] = [m.body for m in fake_platform.to("hrbp1") if "本周未逐条发送" in m.body.get("title", "")]
    assert "4 条超出了每日提醒额度" in summary["text"] and "/done" in summary["text"]
    assert sent_ids(db) == set(tags)
    monday = tick(runtime, "2026-11-30 10:00")
    assert monday.over_budget == 0  # no backlog left; only Thursday's unanswered items are re-sent once
    with db.session() as s:
        assert s.scalars(select(Reminder.resent_at).where(Reminder.delivery == "summary")).all() == [None] * 4


def test_budget_api_is_shared_by_other_features(runtime: Any, db: Any) -> None:
    org = make_org(db)
    with db.session() as s:
        budget = DailyBudget(runtime, s, [org["hrbp"]])
        assert budget.remaining(org["hrbp"]) == BUDGET
        budget.spend(org["hrbp"], 2, source="journeys")
    with db.session() as s:
        assert DailyBudget(runtime, s, [org["hrbp"]]).remaining(org["hrbp"]) == 1
    medium(db, people(db, org["hrbp"], 3, "j"), date(2026, 11, 23))
    assert tick(runtime, "2026-11-23 10:00").digest_items == 1  # what journeys used is not given twice


def test_dashboard_shows_each_recipients_queue(runtime: Any, db: Any, client: Any) -> None:
    org = make_org(db)
    runtime.clock.set(at("2026-11-23 08:00"))
    medium(db, people(db, org["hrbp"], 5, "q"), date(2026, 11, 23))
    birthday(db, org["zs"], "2026-11-20")  # already past when planned: expired, never sent
    tick(runtime, "2026-11-23 10:00")  # 3 of 5 go out
    runtime.clock.set(at("2026-11-24 08:00"))
    medium(db, people(db, org["hrbp"], 1, "t"), date(2026, 11, 24))
    tick(runtime, "2026-11-24 08:30")  # planned for today's digest, not sent yet
    assert sign_in(client).status_code == 302
    page = client.get("/dashboard/queue").get_data(as_text=True)
    assert "王芳 (hrbp1)</td><td>1</td><td>2</td><td>1</td><td>0 / 3</td>" in page


def test_onboarding_tasks_sent_today_count_against_the_budget(runtime: Any, db: Any) -> None:
    from bot.models import Journey, JourneyStep

    org = make_org(db)
    runtime.clock.set(at("2026-11-23 09:30"))
    with db.session() as s:
        journey = Journey(employee_id=org["zl"], name="new_hire", started_on=date(2026, 11, 16), source="import")
        s.add(journey)
        s.flush()
        for n in range(2):
            s.add(
                JourneyStep(
                    journey_id=journey.id,
                    step_key=f"task{n}",
                    day=7,
                    assignee_role="hr",
                    assignee_id=org["hrbp"],
                    status="sent",
                    sent_at=at("2026-11-23 09:15"),
                )
            )
    medium(db, people(db, org["hrbp"], 3, "o"), date(2026, 11, 23))
    assert tick(runtime, "2026-11-23 10:00").digest_items == BUDGET - 2
