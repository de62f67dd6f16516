"""Date and life-event conditions: birthdays, anniversaries, tenure, touchpoints, probation, consent."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from bot.models import Consent
from tests import rules_builders as b

BIRTHDAY = {"kind": "birthday", "days_ahead": 1}


@pytest.mark.parametrize(
    ("day", "condition", "expected"),
    [
        pytest.param("2026-11-19", BIRTHDAY, {"11-20": 1}, id="thursday-sees-friday"),
        pytest.param(
            "2026-11-20", BIRTHDAY, {"11-21": 1, "11-22": 2, "11-23": 3}, id="friday-sees-the-weekend-and-monday"
        ),
        pytest.param("2026-11-21", BIRTHDAY, {}, id="nothing-on-saturday"),
        pytest.param("2026-11-21", {**BIRTHDAY, "workdays_only": False}, {"11-22": 1}, id="calendar-days"),
        pytest.param("2026-09-30", BIRTHDAY, {"10-05": 5}, id="before-national-day"),
        pytest.param("2026-10-09", BIRTHDAY, {"10-10": 1}, id="adjusted-saturday-is-a-workday"),
        pytest.param("2027-02-26", BIRTHDAY, {"02-28": 2, "02-29": 2, "03-01": 3}, id="29-february-on-28th-in-2027"),
    ],
)
def test_birthday(runtime: Any, day: str, condition: dict[str, Any], expected: dict[str, int]) -> None:
    with runtime.db.session() as s:
        for mmdd in ["11-20", "11-21", "11-22", "11-23", "11-24", "10-05", "10-10", "10-11", "02-28", "02-29", "03-01"]:
            b.employee(s, f"b{mmdd}", birthday=mmdd)
    found = b.run(runtime, condition, day)
    assert {u.removeprefix("b"): ev["days_until"] for u, ev in found.items()} == expected


def test_work_anniversary(runtime: Any) -> None:
    with runtime.db.session() as s:
        for userid, hired in [
            ("two-years", "2024-11-20"),
            ("sunday", "2025-11-22"),
            ("joined-today", "2026-11-20"),
            ("other-day", "2024-11-24"),
            ("leap", "2020-02-29"),
        ]:
            b.employee(s, userid, hired_on=b.d(hired))
    found = b.run(runtime, {"kind": "work_anniversary"}, "2026-11-20")
    assert {u: (ev["years"], ev["date"]) for u, ev in found.items()} == {
        "two-years": (2, "2026-11-20"),
        "sunday": (1, "2026-11-22"),
    }
    assert {u: ev["years"] for u, ev in b.run(runtime, {"kind": "work_anniversary"}, "2027-02-26").items()} == {
        "leap": 7
    }


def test_tenure_bounds_are_inclusive(runtime: Any) -> None:
    with runtime.db.session() as s:
        for userid, hired in [
            ("d89", "2026-08-23"),
            ("d90", "2026-08-22"),
            ("d365", "2025-11-20"),
            ("d366", "2025-11-19"),
        ]:
            b.employee(s, userid, hired_on=b.d(hired))
    found = b.run(runtime, {"kind": "tenure", "min_days": 90, "max_days": 365}, "2026-11-20")
    assert {u: ev["tenure_days"] for u, ev in found.items()} == {"d90": 90, "d365": 365}


def test_tenure_milestones_on_days_off_move_to_the_next_workday(runtime: Any) -> None:
    with runtime.db.session() as s:
        for userid, hired in [
            ("day7-monday", "2026-11-16"),
            ("day7-saturday", "2026-11-14"),
            ("day30-monday", "2026-10-24"),
            ("day7-friday", "2026-11-13"),
            ("day11", "2026-11-12"),
        ]:
            b.employee(s, userid, hired_on=b.d(hired))
    touch = {"kind": "tenure_milestone", "days": [7, 30, 60, 90]}
    found = b.run(runtime, touch, "2026-11-23")
    assert {u: (ev["milestone"], ev["date"]) for u, ev in found.items()} == {
        "day7-monday": (7, "2026-11-23"),
        "day7-saturday": (7, "2026-11-21"),
        "day30-monday": (30, "2026-11-23"),
    }
    assert b.run(runtime, touch, "2026-11-22") == {}
    assert set(b.run(runtime, touch, "2026-11-20")) == {"day7-friday"}


def test_probation_ending(runtime: Any) -> None:
    with runtime.db.session() as s:
        for userid, ends in [
            ("today", "2026-11-20"),
            ("in14", "2026-12-04"),
            ("in15", "2026-12-05"),
            ("past", "2026-11-19"),
        ]:
            b.employee(s, userid, hired_on=date(2026, 9, 1), probation_ends_on=b.d(ends))
        b.employee(s, "none")
    found = b.run(runtime, {"kind": "probation_ending", "within_days": 14}, "2026-11-20")
    assert {u: ev["days_left"] for u, ev in found.items()} == {"today": 0, "in14": 14}


def test_life_events_need_an_active_consent_and_carry_only_a_shared_note(runtime: Any) -> None:
    revoked = datetime.combine(date(2026, 11, 15), time(10, 0), b.SH)
    with runtime.db.session() as s:
        ok = b.employee(s, "consented")
        b.life_event(s, ok, "newborn", "2026-11-10", "2026-12-10")
        # A note is stored only when the employee agreed HR may read it (bot/voice/life_records.py).
        b.life_event(s, b.employee(s, "no-note"), "bereavement", "2026-11-12", "2026-12-12", note=None)
        b.life_event(s, b.employee(s, "no-consent"), "family", "2026-11-10", "2026-12-10", consent=False)
        b.life_event(s, b.employee(s, "revoked"), "family", "2026-11-10", "2026-12-10", revoked=revoked)
        b.life_event(s, b.employee(s, "event-expired"), "family", "2026-10-10", "2026-11-19")
        b.life_event(s, b.employee(s, "declared-later"), "family", "2026-11-21", "2026-12-21")
        general = b.employee(s, "general-consent")
        b.life_event(s, general, "family", "2026-11-10", "2026-12-10", consent=False)
        s.add(Consent(employee_id=general, kind="life_event", granted_at=revoked))
        wrong = b.employee(s, "health-needs-health-consent")
        b.life_event(s, wrong, "health", "2026-11-10", "2026-12-10", consent=False)
        s.add(Consent(employee_id=wrong, kind="life_event", granted_at=revoked))
        lapsed = b.employee(s, "consent-expired")
        b.life_event(s, lapsed, "family", "2026-11-10", "2026-12-10", consent=False)
        s.add(Consent(employee_id=lapsed, kind="life_event", granted_at=revoked, expires_on=date(2026, 11, 19)))
        b.life_event(s, b.employee(s, "move-not-asked"), "move", "2026-11-10", "2026-12-10")
    cond = {"kind": "life_event", "kinds": ["family", "newborn", "health", "bereavement"]}
    found = b.run(runtime, cond, "2026-11-20")
    assert set(found) == {"consented", "general-consent", "no-note"}
    assert found["consented"] == {
        "kind": "life_event",
        "events": [{"type": "newborn", "declared_on": "2026-11-10", "expires_on": "2026-12-10", "note": "私人"}],
    }
    assert found["no-note"]["events"] == [
        {"type": "bereavement", "declared_on": "2026-11-12", "expires_on": "2026-12-12"}
    ]
