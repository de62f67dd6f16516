"""The experiment section on synthetic companies: a planted effect is found, an A/A run finds none."""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any

import pytest

from bot.core.settings.evaluation import EvaluationSection
from bot.evaluation.assignment import Candidate, _systematic
from bot.evaluation.stats import mean_difference, proportion_difference
from tests.evaluation_synthetic import PERIOD, Planted, build

ON = {"enabled": True, "holdout_share": 0.3, "seed": 5, "start": "2026-08-01"}


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"evaluation": getattr(request, "param", ON)}


def report(runner: Any, fmt: str = "json") -> str:
    result = runner.invoke(args=["report", "--from", PERIOD[0], "--to", PERIOD[1], "--format", fmt])
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_a_planted_reduction_in_leaving_is_found_and_covered(runtime: Any, runner: Any) -> None:
    truth = Planted()
    with runtime.db.session() as s:
        arms = build(runtime, s, 400, truth, seed=3)
    exp = json.loads(report(runner))["experiment"]
    assert (exp["enabled"], exp["holdout_share"], exp["unit"]) == (True, 0.3, "employee")
    care, hold = exp["arms"]["care"], exp["arms"]["holdout"]
    assert care["employees"] + hold["employees"] == 400
    assert care["employees"] == sum(1 for a in arms.values() if a == "care")
    assert 0.28 <= exp["realised_holdout_share"] <= 0.32
    turnover = exp["turnover_difference"]
    assert set(turnover) == {"estimate", "ci_low", "ci_high", "p_value"}
    assert turnover["estimate"] == round(care["left"] / care["employees"] - hold["left"] / hold["employees"], 4)
    assert turnover["ci_low"] <= truth.turnover_difference <= turnover["ci_high"]  # covers the truth
    assert turnover["ci_high"] < 0 and turnover["p_value"] < 0.05  # and excludes zero
    assert care["left_voluntary"] <= care["left"] and hold["left_voluntary"] <= hold["left"]
    pulse, perf = exp["pulse_difference"], exp["performance_difference"]
    assert pulse["ci_low"] <= 0.8 <= pulse["ci_high"] and pulse["ci_low"] > 0
    assert perf["ci_low"] <= 0.18 <= perf["ci_high"] and perf["ci_low"] > 0
    assert exp["analysis"] == "intention_to_treat" and exp["suppressed"] is False
    rows = list(csv.reader(io.StringIO(report(runner, "csv"))))
    figures = {(r[1], r[2]): r[4] for r in rows if r[0] == "experiment"}
    assert figures[("turnover_difference", "ci_low")] == str(turnover["ci_low"])
    assert figures[("employees", "holdout")] == str(hold["employees"])
    md = report(runner, "md")
    assert "## 七、对照实验（关怀组 vs 对照组）" in md and "| 离职率差 |" in md and "95% 置信区间" in md


def test_an_aa_run_shows_no_effect(runtime: Any, runner: Any) -> None:
    """One A/A company through the whole stack (one draw can miss, 1 in 20; the next test runs many seeds)."""
    with runtime.db.session() as s:
        build(runtime, s, 300, Planted(leave_care=0.2, leave_holdout=0.2, mood_care=0, sales_care=0), seed=9)
    exp = json.loads(report(runner))["experiment"]
    for key in ("turnover_difference", "pulse_difference", "performance_difference"):
        assert exp[key]["ci_low"] <= 0 <= exp[key]["ci_high"], key


@pytest.mark.parametrize("settings_overrides", [{**ON, "holdout_share": 0.02}], indirect=True)
def test_an_arm_under_the_privacy_floor_is_suppressed(runtime: Any, runner: Any) -> None:
    with runtime.db.session() as s:
        build(runtime, s, 100, Planted(), seed=1)
    exp = json.loads(report(runner))["experiment"]
    assert exp["arms"]["holdout"]["employees"] < 5
    assert exp["arms"]["holdout"]["left"] is None and exp["suppressed"] is True
    assert exp["turnover_difference"] == {"estimate": None, "ci_low": None, "ci_high": None, "p_value": None}
    assert "样本不足" in report(runner, "md")


def _aa_covers_zero(seed: int, people: int = 400, base: float = 0.2) -> tuple[bool, bool]:
    """One A/A company: stratified seeded assignment, everyone leaves with the same chance."""
    cfg = EvaluationSection(enabled=True, holdout_share=0.3, seed=seed)
    rng = random.Random(seed)
    units = [Candidate(i, f"d{i % 4}/{(i // 4) % 4}") for i in range(people)]
    arms = _systematic(cfg, units)
    left = {i: rng.random() < base for i in arms}
    mood = {i: rng.gauss(0, 1) for i in arms}
    care = [i for i, a in arms.items() if a == "care"]
    hold = [i for i, a in arms.items() if a == "holdout"]
    turnover = proportion_difference(sum(left[i] for i in care), len(care), sum(left[i] for i in hold), len(hold))
    pulse = mean_difference([mood[i] for i in care], [mood[i] for i in hold])
    return not turnover.excludes_zero, not pulse.excludes_zero


def test_aa_intervals_include_zero_in_about_95_percent_of_seeds() -> None:
    runs = [_aa_covers_zero(seed) for seed in range(400)]
    turnover = sum(t for t, _ in runs) / len(runs)
    pulse = sum(p for _, p in runs) / len(runs)
    # 400 seeds: the binomial standard error of a 95 % coverage is 1.1 points; bench/evaluation.py runs 5,000.
    assert 0.92 <= turnover <= 0.98, turnover
    assert 0.92 <= pulse <= 0.98, pulse


def test_performance_after_care_cared_vs_not_and_by_arm(runtime: Any, runner: Any) -> None:
    """Sales rise 18 % for the care arm; HR marks the care arm's reminders done, so cared ≈ care arm."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from bot.models import Employee, Reminder, Tag

    with runtime.db.session() as s:
        arms = build(runtime, s, 120, Planted(), seed=2)
        hr = s.scalar(select(Employee.id).where(Employee.userid == "hr1"))
        for t in s.scalars(select(Tag)):
            if arms[t.employee_id] == "care":
                s.add(
                    Reminder(
                        tag_id=t.id,
                        recipient_id=hr,
                        role="hrbp",
                        status="done",
                        delivery="immediate",
                        due_at=datetime(2026, 9, 1, 2, tzinfo=UTC),
                        sent_at=datetime(2026, 9, 1, 2, tzinfo=UTC),
                        acted_at=datetime(2026, 9, 1, 6, tzinfo=UTC),
                    )
                )
    data = json.loads(report(runner))
    perf = data["performance_after_care"]
    assert perf["metrics"] == ["calls", "sales"] and perf["weeks"] == 4
    assert perf["cared"]["people"] == sum(1 for a in arms.values() if a == "care")
    assert 0.14 <= perf["cared"]["change"] <= 0.22 and abs(perf["not_cared"]["change"]) <= 0.04
    assert perf["difference"]["ci_low"] <= 0.18 <= perf["difference"]["ci_high"]
    assert 0.14 <= perf["arms"]["care"]["change"] <= 0.22 and abs(perf["arms"]["holdout"]["change"]) <= 0.04
    assert data["experiment"]["hr_actions"]["care"]["cared"] == perf["cared"]["people"]
    assert data["experiment"]["hr_actions"]["holdout"]["cared"] == 0
    assert "## 八、关怀后的业绩变化" in report(runner, "md")


@pytest.mark.parametrize("settings_overrides", [{"enabled": True, "holdout_share": 0.3, "seed": 5}], indirect=True)
def test_without_a_start_everyone_tagged_with_an_arm_counts(runtime: Any, runner: Any) -> None:
    """Tags raised before the arms were drawn (a catch-up of past days) still count when no start is set."""
    with runtime.db.session() as s:
        build(runtime, s, 200, Planted(), seed=4)
    exp = json.loads(report(runner))["experiment"]
    assert exp["start"] is None
    assert exp["arms"]["care"]["employees"] + exp["arms"]["holdout"]["employees"] == 200
