"""``carebot evaluation plan`` (power) and ``carebot evaluation assign``."""

from __future__ import annotations

import random
from typing import Any

import pytest

from bot.evaluation.power import PlanInput, plan, window_rate
from bot.evaluation.stats import proportion_difference
from tests.evaluation_org import company


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"evaluation": {"enabled": True, "holdout_share": 0.3, "seed": 2}}


def test_plan_answers_months_for_the_company(runner: Any) -> None:
    result = runner.invoke(
        args=["evaluation", "plan", "--employees", "400", "--base-turnover", "0.32", "--reduction", "0.44"]
    )
    assert result.exit_code == 0, result.output
    assert "公司 400 人，年离职率 32.0%：被打标签后 90 天内离职的概率约 9.1%。" in result.output
    assert "需要 1,513 名被打标签的员工（关怀组 1,059，对照组 454，对照组比例 30%）" in result.output
    assert "按每月约 40 人被打标签，需入组 37.8 个月，再观察 90 天：共约 41 个月。" in result.output


def test_plan_without_data_or_options_is_a_one_line_error(runner: Any) -> None:
    result = runner.invoke(args=["evaluation", "plan"])
    assert result.exit_code == 2 and "--base-turnover" in result.output and "Traceback" not in result.output
    bad = runner.invoke(args=["evaluation", "plan", "--reduction", "1.5", "--employees", "10"])
    assert bad.exit_code == 2 and "--reduction" in bad.output


def test_bigger_effects_and_bigger_companies_need_fewer_months() -> None:
    base = PlanInput(500, 0.3, 0.3, 50, 0.3, 90)
    small = plan(base)
    assert plan(PlanInput(500, 0.3, 0.5, 50, 0.3, 90)).people < small.people
    bigger = plan(PlanInput(5000, 0.3, 0.3, 500, 0.3, 90))
    assert bigger.people == small.people and bigger.enrolment_months is not None
    assert small.enrolment_months is not None and bigger.enrolment_months < small.enrolment_months
    assert window_rate(0.32, 365) == pytest.approx(0.32)


def test_the_planned_size_detects_the_effect_about_80_percent_of_the_time() -> None:
    """Simulated experiments of the planned size: the report's test finds the effect with ≈ the planned power."""
    p = plan(PlanInput(1000, 0.6, 0.4, 100, 0.3, 90))
    rng = random.Random(4)
    hits = 0
    runs = 300
    for _ in range(runs):
        care = sum(rng.random() < p.care_rate for _ in range(p.care_people))
        hold = sum(rng.random() < p.holdout_rate for _ in range(p.holdout_people))
        hits += proportion_difference(care, p.care_people, hold, p.holdout_people).excludes_zero
    assert 0.72 <= hits / runs <= 0.88, hits / runs


def test_assign_command_prints_the_split(runner: Any, runtime: Any) -> None:
    with runtime.db.session() as s:
        company(s, 99)
    result = runner.invoke(args=["evaluation", "assign"])
    assert result.exit_code == 0, result.output
    assert "新分组 100 个单位（关怀组 70，对照组 30）；目前对照组实际比例 30.0%。" in result.output
    again = runner.invoke(args=["evaluation", "assign"])
    assert "新分组 0 个单位" in again.output
