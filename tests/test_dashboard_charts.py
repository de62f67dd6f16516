"""The SVG charts and their figures: escaping, k-suppression, the pulse floor, turnover split."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import true

from bot.core.runtime import Runtime
from bot.models import Department, Employee, Survey, SurveyAnswer, Tag
from handlers.dashboard import chart_data, svg


def test_svg_escapes_text_and_has_no_style() -> None:
    chart = svg.line_chart("<b>t</b>", ["a<", "b"], [svg.Series("x&y", [1, None])])
    assert "<b>" not in chart and "&lt;b&gt;" in chart and "x&amp;y" in chart
    assert "style=" not in chart and "<script" not in chart
    bars = svg.stacked_bars("t", ["1", "2"], [svg.Series("a", [1, 2]), svg.Series("b", [3, 0])])
    assert bars.count("<rect") == 3, "zero parts are not drawn"
    assert 'viewBox="0 0 640 240"' in bars and 'width="100%"' in bars


def test_heatmap_marks_suppressed_cells() -> None:
    chart = svg.heatmap("t", ["销售部"], ["加班"], {("销售部", "加班"): None}, suppressed_label="少于 5 人")
    assert "少于 5 人" in chart and ">·<" in chart


def test_bucket_hours() -> None:
    assert chart_data.bucket_hours([0.5, 2, 3, 30, 200]) == [
        ("<1h", 1.0), ("1–4h", 2.0), ("4–9h", 0.0), ("9–24h", 0.0), ("1–3d", 1.0), (">3d", 1.0)
    ]  # fmt: skip


def test_week_and_month_starts() -> None:
    weeks = chart_data.week_starts(date(2026, 11, 18), 3)
    assert weeks == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert chart_data.month_starts(date(2026, 1, 5), 3) == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]


def _people(runtime: Runtime, n: int, dept: str) -> list[int]:
    with runtime.db.session() as s:
        d = Department(name=dept)
        s.add(d)
        s.flush()
        people = [Employee(userid=f"{dept}-{i}", name=f"{dept}{i}", department_id=d.id) for i in range(n)]
        s.add_all(people)
        s.flush()
        return [p.id for p in people]


def test_department_rule_cells_below_k_are_suppressed(runtime: Runtime) -> None:
    big, small = _people(runtime, 6, "大部门"), _people(runtime, 2, "小部门")
    day = date(2026, 11, 20)
    with runtime.db.session() as s:
        for emp in big + small:
            s.add(Tag(rule_id="high_pressure", employee_id=emp, severity="high", raised_on=day, last_seen_on=day,
                      evidence={}))  # fmt: skip
    with runtime.db.session() as s:
        depts, rules, cells = chart_data.department_by_rule(s, true(), day - timedelta(days=90), day, 5)
    assert rules == ["high_pressure"] and set(depts) == {"大部门", "小部门"}
    assert cells[("大部门", "high_pressure")] == 6
    assert cells[("小部门", "high_pressure")] is None


def test_pulse_weeks_below_k_respondents_are_gaps(runtime: Runtime) -> None:
    ids = _people(runtime, 6, "客服部")
    weeks = chart_data.week_starts(date(2026, 11, 18), 2)
    with runtime.db.session() as s:
        for i, emp in enumerate(ids):
            survey = Survey(employee_id=emp, scheduled_on=weeks[0], question_keys=["stress"], status="answered")
            s.add(survey)
            s.flush()
            s.add(SurveyAnswer(survey_id=survey.id, employee_id=emp, question_key="stress", mode="checkin",
                               value=4 + i % 2, answered_on=weeks[0]))  # fmt: skip
            if i < 3:  # the second week: only three answer
                later = Survey(employee_id=emp, scheduled_on=weeks[1], question_keys=["stress"], status="answered")
                s.add(later)
                s.flush()
                s.add(SurveyAnswer(survey_id=later.id, employee_id=emp, question_key="stress", mode="checkin",
                                   value=9, answered_on=weeks[1]))  # fmt: skip
    with runtime.db.session() as s:
        means = chart_data.pulse_weekly(s, true(), weeks, ("stress",), 5)
    assert means["stress"] == [4.5, None]


def test_turnover_split_by_care(runtime: Runtime) -> None:
    ids = _people(runtime, 3, "电销部")
    with runtime.db.session() as s:
        for emp, left in zip(ids[:2], (date(2026, 10, 10), date(2026, 11, 3)), strict=True):
            e = s.get(Employee, emp)
            assert e is not None
            e.left_on, e.status = left, "left"
        s.add(Tag(rule_id="silent", employee_id=ids[0], severity="low", raised_on=date(2026, 9, 20),
                  last_seen_on=date(2026, 9, 20), evidence={}))  # fmt: skip
    with runtime.db.session() as s:
        rows = chart_data.turnover_by_month(s, true(), [date(2026, 10, 1), date(2026, 11, 1)], 90)
    assert [(r.cared, r.not_cared, r.untagged, r.holdout) for r in rows] == [(0, 1, 0, 0), (0, 0, 1, 0)]
    assert rows[0].headcount == 3
