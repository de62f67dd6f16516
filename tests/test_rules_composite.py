"""Composites (all / any / not) and the weighted score with its explanation (both backends)."""

from __future__ import annotations

from typing import Any

from tests import rules_builders as b

LATE = {"kind": "streak", "field": "last_out_min", "op": ">=", "value": 1260, "days": 3}
STRESS = {"kind": "pulse_latest", "question": "stress", "op": ">=", "value": 8}
NEW = {"kind": "tenure", "min_days": 0, "max_days": 365}


def people(runtime: Any) -> None:
    """late: 3 late nights; stressed: stress 9; both: both; neither: nothing; newbie: hired this year."""
    with runtime.db.session() as s:
        for userid in ["late", "stressed", "both", "neither"]:
            emp = b.employee(s, userid)
            if userid in ("late", "both"):
                for day in ["2026-11-18", "2026-11-19", "2026-11-20"]:
                    b.attendance(s, emp, day, "21:45")
            if userid in ("stressed", "both"):
                b.answer(s, emp, "stress", 9, "2026-11-19")
        b.employee(s, "newbie", hired_on=b.d("2026-06-01"))


def test_all_any_not(runtime: Any) -> None:
    people(runtime)
    both = b.run(runtime, {"kind": "all", "of": [LATE, STRESS]}, "2026-11-20")
    assert set(both) == {"both"}
    assert [p["kind"] for p in both["both"]["parts"]] == ["streak", "pulse_latest"]
    either = b.run(runtime, {"kind": "any", "of": [LATE, STRESS]}, "2026-11-20")
    assert {u: [p["kind"] for p in ev["parts"]] for u, ev in either.items()} == {
        "late": ["streak"],
        "stressed": ["pulse_latest"],
        "both": ["streak", "pulse_latest"],
    }
    calm = b.run(runtime, {"kind": "not", "of": {"kind": "any", "of": [LATE, STRESS]}}, "2026-11-20")
    assert set(calm) == {"neither", "newbie"}
    assert calm["neither"]["absent"]["zh"].startswith("连续3个工作日最后打卡")
    late_not_new = b.run(runtime, {"kind": "all", "of": [LATE, {"kind": "not", "of": NEW}]}, "2026-11-20")
    assert set(late_not_new) == {"late", "both"}


def test_not_only_covers_the_people_evaluated(runtime: Any) -> None:
    people(runtime)
    with runtime.db.session() as s:
        ids = dict(s.execute(b.select(b.Employee.userid, b.Employee.id)).all())
    found = b.run(runtime, {"kind": "not", "of": LATE}, "2026-11-20", only=[ids["neither"], ids["late"]])
    assert set(found) == {"neither"}


SCORE = {
    "kind": "score",
    "threshold": 50,
    "signals": [
        {"id": "late", "weight": 30, "label": {"zh": "常加班", "en": "late nights"}, "condition": LATE},
        {"id": "stress", "weight": 30, "label": {"zh": "压力大", "en": "stress"}, "condition": STRESS},
        {"id": "new", "weight": 25, "label": {"zh": "新员工", "en": "new"}, "condition": NEW},
    ],
}


def test_score_lists_each_contributing_signal_and_weight(runtime: Any) -> None:
    people(runtime)
    with runtime.db.session() as s:
        newbie = s.scalar(b.select(b.Employee.id).where(b.Employee.userid == "newbie"))
        b.answer(s, newbie, "stress", 8, "2026-11-20")
    found = b.run(runtime, SCORE, "2026-11-20")
    assert {u: ev["score"] for u, ev in found.items()} == {"both": 60, "newbie": 55}
    ev = found["newbie"]
    assert ev["threshold"] == 50 and ev["max"] == 85
    assert [(s["id"], s["weight"], s["evidence"]["kind"]) for s in ev["signals"]] == [
        ("stress", 30, "pulse_latest"),
        ("new", 25, "tenure"),
    ]
    assert ev["signals"][0]["label"] == {"zh": "压力大", "en": "stress"}
