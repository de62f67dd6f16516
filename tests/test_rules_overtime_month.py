"""The monthly overtime rule: the current calendar month to date, "approaching" vs "exceeded" (Labour Law art. 41)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Tag
from rules import engine
from rules.loader import RuleSet, load_rules
from rules.templates import render
from tests import rules_builders as b

OVERTIME = {"kind": "monthly_overtime", "field": "legal_overtime_minutes", "value": 1800, "cap": 2160}


def at_morning(day: str) -> datetime:
    """07:00 Shanghai on ``day`` (facts of the day before are complete)."""
    return datetime.fromisoformat(f"{day}T07:00:00+08:00").astimezone(UTC)


def evenings(days: list[date], minutes: int) -> list[tuple[date, str, dict[str, int]]]:
    return [(d, "22:00", {"overtime": minutes}) for d in days]


def seed(runtime: Any, userid: str, days: list[tuple[date, str, dict[str, int]]]) -> int:
    with runtime.db.session() as s:
        emp = b.employee(s, userid, name="张三")
        for day, out, extra in days:
            b.attendance(s, emp, day, out, **extra)
        return emp


def only_overtime() -> RuleSet:
    full = load_rules()
    return RuleSet({"overtime_near_limit": full.rules["overtime_near_limit"]}, {}, ())


OCTOBER_HEAVY = evenings(b.workdays("2026-10-09", "2026-10-30"), 180)  # 16 workdays × 3 h = 48 h
NOVEMBER_LIGHT = evenings(b.workdays("2026-11-02", "2026-11-06"), 60)  # 5 h


def test_first_of_december_does_not_describe_october(runtime: Any, clock: Any) -> None:
    """Old behaviour: the last complete month (October, 48 h) was reported on 1 December."""
    seed(runtime, "a", OCTOBER_HEAVY + NOVEMBER_LIGHT)
    clock.set(at_morning("2026-12-01"))
    assert b.run(runtime, OVERTIME, "2026-12-01") == {}
    clock.set(at_morning("2026-11-30"))
    assert b.run(runtime, OVERTIME, "2026-11-30") == {}  # November to date: 5 h


def test_the_month_to_date_counts_rest_days_in_full_and_lists_the_dates(runtime: Any, clock: Any) -> None:
    days = evenings(b.workdays("2026-11-02", "2026-11-13"), 120)  # 10 × 2 h
    days.append((date(2026, 11, 7), "19:00", {"first_in": "09:00", "overtime": 0}))  # Saturday: 10 h
    seed(runtime, "a", days)
    clock.set(at_morning("2026-11-20"))
    [evidence] = b.run(runtime, OVERTIME, "2026-11-20").values()
    assert (evidence["month"], evidence["from"], evidence["to"]) == ("2026-11", "2026-11-01", "2026-11-19")
    assert evidence["total"] == 1800 and evidence["exceeded"] is False and "severity" not in evidence
    assert {"day": "2026-11-07", "minutes": 600} in evidence["days"] and len(evidence["days"]) == 11


def _built_in_text(evidence: dict[str, Any], locale: str = "zh-CN", today: date | None = None) -> Any:
    rule = load_rules().rules["overtime_near_limit"]
    return render(rule, evidence, locale, employee="张三", today=today)


def test_86_9_hours_is_exceeded_high_severity_with_the_law(runtime: Any, clock: Any, db: Any) -> None:
    """Old behaviour: 86.9 h (2.4× the cap) was shown as "approaching" at medium severity."""
    days = b.workdays("2026-11-02", "2026-11-27")  # 20 workdays
    heavy = [(d, "23:00", {"overtime": 260 if i else 274}) for i, d in enumerate(days)]  # 86.9 h in total
    emp = seed(runtime, "a", heavy)
    clock.set(at_morning("2026-11-30"))
    engine.evaluate(runtime, date(2026, 11, 30), rules=only_overtime())
    with db.session() as s:
        [tag] = s.scalars(select(Tag).where(Tag.employee_id == emp)).all()
    assert tag.severity == "high" and tag.evidence["exceeded"] is True and tag.evidence["total"] == 5214
    text = _built_in_text(tag.evidence, today=date(2026, 11, 30))
    assert "11月加班已超过36小时上限（《劳动法》第41条）" in text.evidence
    assert "共86.9小时" in text.evidence and "超出50.9小时" in text.evidence
    assert "11月2日 4小时34分" in text.evidence and "11月27日 4小时20分" in text.evidence
    assert "接近" not in text.evidence
    assert "立即停止安排加班" in text.actions[0]
    en = _built_in_text(tag.evidence, "en", today=date(2026, 11, 30))
    assert "over the 36 h cap (Labour Law art. 41)" in en.evidence and "86.9 h" in en.evidence


def test_approaching_below_the_cap_and_no_rest_of_month_advice_after_it_ended(runtime: Any, clock: Any) -> None:
    seed(runtime, "a", evenings(b.workdays("2026-11-02", "2026-11-20"), 120))  # 15 × 2 h = 30 h
    clock.set(at_morning("2026-11-23"))
    [evidence] = b.run(runtime, OVERTIME, "2026-11-23").values()
    during = _built_in_text(evidence, today=date(2026, 11, 24))
    assert "11月加班接近36小时上限：截至11月22日共30小时" in during.evidence
    assert "本月剩余时间" in during.actions[0]
    after = _built_in_text(evidence, today=date(2026, 12, 2))  # a reminder read after the month
    assert all("本月剩余时间" not in a for a in after.actions)
    assert "11月已结束" in after.actions[0]
    assert "11月加班不少" in after.talking_points[0]


def test_crossing_the_cap_escalates_to_a_new_high_tag(runtime: Any, clock: Any, db: Any) -> None:
    days = b.workdays("2026-11-02", "2026-11-20")
    emp = seed(runtime, "a", evenings(days[:15], 120))  # 30 h by 20 Nov
    clock.set(at_morning("2026-11-23"))
    engine.evaluate(runtime, date(2026, 11, 23), rules=only_overtime())
    with db.session() as s:
        b.attendance(s, emp, "2026-11-23", "23:59", overtime=400)  # 36 h 40 min
    clock.set(at_morning("2026-11-24"))
    engine.evaluate(runtime, date(2026, 11, 24), rules=only_overtime())
    with db.session() as s:
        tags = [(t.severity, t.status, t.evidence["exceeded"]) for t in s.scalars(select(Tag).order_by(Tag.id))]
    assert tags == [("medium", "resolved", False), ("high", "active", True)]


@pytest.mark.parametrize("bad", [{"value": 2200}, {"cap": 0}])
def test_warning_level_must_be_below_the_cap(bad: dict[str, Any]) -> None:
    from pydantic import TypeAdapter, ValidationError

    from rules.model import Condition

    with pytest.raises(ValidationError):
        TypeAdapter(Condition).validate_python({**OVERTIME, **bad})
