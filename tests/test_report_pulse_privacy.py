"""Team pulse: the company mean and the shown department means never give away a group under the floor."""

from __future__ import annotations

from bot.report.model import TeamPulseRow
from bot.report.pulse import _hide_complements


def _dept(name: str, n: int, avg: float | None = 4.0, question: str = "supported") -> TeamPulseRow:
    return TeamPulseRow(question, name, n, avg is None or n < 5, None if n < 5 else avg)


def _company(n: int, question: str = "supported") -> TeamPulseRow:
    return TeamPulseRow(question, None, n, n < 5, None if n < 5 else 3.5)


def _shown(rows: list[TeamPulseRow]) -> list[str | None]:
    return [r.department for r in rows if not r.suppressed]


def test_a_lone_hidden_respondent_hides_the_smallest_shown_department() -> None:
    rows = _hide_complements([_company(17)], [_dept("A", 10), _dept("B", 6), _dept("C", 1)], 5)
    assert _shown(rows) == ["A"]  # 17 - 10 - 6 = 1 person: B goes too, leaving 7 unexplained
    hidden = next(r for r in rows if r.department == "B")
    assert hidden.average is None and hidden.respondents == 6


def test_nothing_more_hidden_when_the_rest_is_empty_or_big_enough() -> None:
    assert _shown(_hide_complements([_company(16)], [_dept("A", 10), _dept("B", 6)], 5)) == ["A", "B"]
    assert _shown(_hide_complements([_company(22)], [_dept("A", 10), _dept("B", 6), _dept("C", 6)], 5)) == [
        "A",
        "B",
        "C",
    ]
    other = _dept("A", 10, question="stress")  # each question is judged on its own company total
    rows = _hide_complements([_company(11), _company(10, "stress")], [_dept("A", 10), other], 5)
    assert [(r.question, r.suppressed) for r in rows] == [("supported", True), ("stress", False)]
