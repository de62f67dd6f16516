"""Pulse conditions: latest answer, trend of answers, unanswered pulses (both backends)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import pytest

from tests import rules_builders as b

STRESS = {"kind": "pulse_latest", "question": "stress", "op": ">=", "value": 8, "max_age_days": 14}


def test_pulse_latest(runtime: Any) -> None:
    with runtime.db.session() as s:
        answers = {
            "now-high": [("2026-11-20", 9)],
            "recovered": [("2026-11-10", 9), ("2026-11-18", 3)],
            "too-old": [("2026-11-01", 10)],
            "after-the-day": [("2026-11-21", 9)],
            "exactly-8": [("2026-11-19", 8)],
        }
        for userid, items in answers.items():
            emp = b.employee(s, userid)
            for day, value in items:
                b.answer(s, emp, "stress", value, day)
        team = b.employee(s, "team-pulse")
        b.answer(s, team, "stress", 10, "2026-11-20", mode="team")
    found = b.run(runtime, STRESS, "2026-11-20")
    # A confidential team-pulse answer never feeds a rule about one person.
    assert set(found) == {"now-high", "exactly-8"}
    assert found["now-high"] == {
        "kind": "pulse_latest",
        "question": "stress",
        "op": ">=",
        "threshold": 8,
        "value": 9,
        "answered_on": "2026-11-20",
    }


def test_pulse_answer_today_counts_today(runtime: Any) -> None:
    # The clock says 2026-11-23 14:00; attendance facts of today are incomplete, answers are not.
    with runtime.db.session() as s:
        b.answer(s, b.employee(s, "a"), "stress", 9, "2026-11-23")
    assert set(b.run(runtime, STRESS, "2026-11-23")) == {"a"}


MOOD = {"kind": "pulse_trend", "question": "mood", "direction": "falling", "answers": 3, "min_change": 2}
MOOD_DAYS = ["2026-10-30", "2026-11-06", "2026-11-13", "2026-11-20"]


@pytest.mark.parametrize(
    ("values", "condition", "expected_change"),
    [
        pytest.param([5, 4, 3, 2], MOOD, -2, id="falling"),
        pytest.param([1, 4, 4, 2], MOOD, -2, id="flat-then-down-is-falling"),
        pytest.param([4, 4, 5, 2], MOOD, None, id="a-rise-breaks-it"),
        pytest.param([3, 5, 4, 4], MOOD, None, id="drop-too-small"),
        pytest.param([None, None, 4, 2], MOOD, None, id="two-answers-are-not-a-trend"),
        pytest.param([1, 2, 3, 4], {**MOOD, "direction": "rising"}, 2, id="rising"),
    ],
)
def test_pulse_trend(
    runtime: Any, values: list[int | None], condition: dict[str, Any], expected_change: int | None
) -> None:
    with runtime.db.session() as s:
        emp = b.employee(s, "a")
        for day, value in zip(MOOD_DAYS, values, strict=True):
            if value is not None:
                b.answer(s, emp, "mood", value, day)
    found = b.run(runtime, condition, "2026-11-20")
    if expected_change is None:
        assert found == {}
    else:
        assert found["a"]["change"] == expected_change
        assert [a["answered_on"] for a in found["a"]["answers"]] == MOOD_DAYS[1:]


SILENT = {"kind": "pulse_unanswered", "surveys": 3}


def test_pulse_unanswered(runtime: Any) -> None:
    past = datetime.combine(b.d("2026-11-18"), time(18, 0), b.SH)
    future = datetime.combine(b.d("2026-11-25"), time(18, 0), b.SH)
    with runtime.db.session() as s:
        plan = {
            "silent": [("2026-10-15", "expired"), ("2026-10-29", "expired"), ("2026-11-12", "expired")],
            "answered-once": [
                ("2026-10-15", "answered"),
                ("2026-10-29", "expired"),
                ("2026-11-05", "expired"),
                ("2026-11-12", "answered"),
            ],
            "open-one-does-not-count": [
                ("2026-10-15", "expired"),
                ("2026-10-29", "expired"),
                ("2026-11-05", "expired"),
                ("2026-11-18", "sent", future),
                ("2026-11-20", "pending"),
            ],
            "lapsed-but-not-marked": [
                ("2026-10-29", "expired"),
                ("2026-11-05", "expired"),
                ("2026-11-11", "sent", past),
            ],
            "only-two": [("2026-10-29", "expired"), ("2026-11-12", "expired")],
        }
        for userid, surveys in plan.items():
            emp = b.employee(s, userid)
            for day, status, *expires in surveys:
                b.survey(s, emp, day, status, expires_at=expires[0] if expires else None)
        paused = b.employee(s, "paused", surveys_paused=True)
        for day in ["2026-10-15", "2026-10-29", "2026-11-12"]:
            b.survey(s, paused, day, "expired")
    found = b.run(runtime, SILENT, "2026-11-20")
    assert set(found) == {"silent", "open-one-does-not-count", "lapsed-but-not-marked"}
    assert found["silent"]["surveys"] == ["2026-10-15", "2026-10-29", "2026-11-12"]
    assert set(b.run(runtime, {**SILENT, "exclude_paused": False}, "2026-11-20")) == set(found) | {"paused"}
