"""A new installation (or a rule newly switched on) backfills tags but reminds only about what is current."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from bot.models import Reminder, Tag
from rules import engine
from rules.loader import RuleSet, load_rules
from tests import rules_builders as b

MONDAY_MORNING = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 Shanghai: facts through Sunday


def rules(*ids: str) -> RuleSet:
    full = load_rules()
    return RuleSet({i: full.rules[i] for i in ids}, {}, ())


def late_nights(runtime: Any, userid: str, days: list[str]) -> int:
    with runtime.db.session() as s:
        emp = b.employee(s, userid, hrbp_id=None)
        for day in days:
            b.attendance(s, emp, day, "22:10")
        return emp


def tags(runtime: Any) -> dict[int, tuple[str, bool]]:
    with runtime.db.session() as s:
        return {t.employee_id: (t.rule_id, t.quiet) for t in s.scalars(select(Tag))}


def reminded(runtime: Any) -> set[int]:
    with runtime.db.session() as s:
        return set(s.scalars(select(Tag.employee_id).join(Reminder, Reminder.tag_id == Tag.id)))


def setup_hr(runtime: Any) -> None:
    with runtime.db.session() as s:
        b.employee(s, "hr", is_hr=True)
    runtime.settings.reminders.hr_userids.append("hr")


def test_first_run_tags_everyone_but_reminds_only_what_is_new(runtime: Any, clock: Any) -> None:
    """Old behaviour: day one turned every standing situation into a reminder (153 for one HRBP)."""
    setup_hr(runtime)
    # Three late nights up to Friday: already held on Friday's run (Wed–Fri... and Mon–Wed before).
    old = late_nights(runtime, "old", ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"])
    # Late Wednesday to Friday only: on Friday's run (facts through Thursday) it did not hold yet.
    new = late_nights(runtime, "new", ["2026-11-18", "2026-11-19", "2026-11-20"])
    clock.set(MONDAY_MORNING)
    engine.evaluate(runtime, date(2026, 11, 23), rules=rules("high_pressure"))
    assert tags(runtime) == {old: ("high_pressure", True), new: ("high_pressure", False)}
    assert reminded(runtime) == {new}


def test_a_rule_switched_on_later_backfills_quietly_too(runtime: Any, clock: Any) -> None:
    setup_hr(runtime)
    clock.set(datetime(2026, 11, 20, 0, 0, tzinfo=UTC))
    engine.evaluate(runtime, date(2026, 11, 20), rules=rules("birthday_tomorrow"))  # the installation
    old = late_nights(runtime, "old", ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"])
    clock.set(MONDAY_MORNING)
    engine.evaluate(runtime, date(2026, 11, 23), rules=rules("birthday_tomorrow", "high_pressure"))
    assert tags(runtime) == {old: ("high_pressure", True)} and reminded(runtime) == set()
    # From the next run on the rule is established: new situations are reminded as usual.
    newer = late_nights(runtime, "newer", ["2026-11-19", "2026-11-20", "2026-11-23"])
    clock.set(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))
    engine.evaluate(runtime, date(2026, 11, 24), rules=rules("birthday_tomorrow", "high_pressure"))
    assert tags(runtime)[newer] == ("high_pressure", False) and reminded(runtime) == {newer}


def test_dated_rules_are_always_current(runtime: Any, clock: Any) -> None:
    setup_hr(runtime)
    with runtime.db.session() as s:
        emp = b.employee(s, "ends", probation_ends_on=date(2026, 11, 30))  # within 14 days since last week
    clock.set(MONDAY_MORNING)
    engine.evaluate(runtime, date(2026, 11, 23), rules=rules("probation_ending"))
    assert tags(runtime) == {emp: ("probation_ending", False)} and reminded(runtime) == {emp}
