"""``carebot evaluate``, ``carebot rules check`` and ``carebot rules explain``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core.config import RulesSection
from bot.models import AuditLog, Tag
from tests import rules_builders as b


@pytest.fixture
def late_person(runtime: Any) -> None:
    with runtime.db.session() as s:
        emp = b.employee(s, "u1", name="张三", birthday="11-21")
        for day, out in [("2026-11-18", "21:42"), ("2026-11-19", "22:05"), ("2026-11-20", "21:37")]:
            b.attendance(s, emp, day, out)


def test_evaluate_a_day_is_idempotent(runner: Any, runtime: Any, late_person: None) -> None:
    first = runner.invoke(args=["evaluate", "--date", "2026-11-20"])
    assert first.exit_code == 0, first.output
    assert "2026-11-20 (facts through 2026-11-20): 2 raised" in first.output
    assert "high_pressure 1" in first.output and "birthday_tomorrow 1" in first.output
    again = runner.invoke(args=["evaluate", "--date", "2026-11-20"])
    assert again.exit_code == 0 and ": 0 raised" in again.output
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Tag)) == 2


def test_evaluate_a_range_day_by_day(runner: Any, late_person: None) -> None:
    result = runner.invoke(args=["evaluate", "--from", "2026-11-18", "--to", "2026-11-21"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("2026-")]
    assert [line[:10] for line in lines] == ["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["evaluate", "--date", "2026-02-30"], "is not a date"),
        (
            ["evaluate", "--date", "2026-11-20", "--from", "2026-11-01", "--to", "2026-11-02"],
            "either --date or --from/--to",
        ),
        (["evaluate", "--from", "2026-11-01"], "--from and --to go together"),
        (["evaluate", "--from", "2026-11-05", "--to", "2026-11-01"], "--from is after --to"),
    ],
)
def test_evaluate_rejects_bad_arguments(runner: Any, args: list[str], message: str) -> None:
    result = runner.invoke(args=args)
    assert result.exit_code == 2 and message in result.output


def test_rules_check_lists_rules_and_names_errors(runner: Any, runtime: Any, tmp_path: Path) -> None:
    ok = runner.invoke(args=["rules", "check"])
    assert ok.exit_code == 0, ok.output
    assert "high_pressure" in ok.output and "rules OK" in ok.output
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "bad"\nseverity = "high"\n', encoding="utf-8")
    runtime.settings = runtime.settings.model_copy(
        update={"rules": RulesSection(paths=[str(bad)], disabled=["silent"])}
    )
    failed = runner.invoke(args=["rules", "check"])
    assert failed.exit_code == 1
    assert f"{bad}: rule 'bad': name: Field required" in failed.output
    assert "condition: Field required" in failed.output


def test_rules_explain_says_why_and_why_not(runner: Any, runtime: Any, late_person: None) -> None:
    result = runner.invoke(args=["rules", "explain", "u1", "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "张三 (u1) · 2026-11-20" in out
    assert "✓ high_pressure 连续深夜下班 (high)" in out
    assert "连续3个工作日最后打卡晚于21:00：11月18日 21:42、11月19日 22:05、11月20日 21:37" in out
    assert "✗ long_week" in out and "条件：一周内工作时长合计 ≥ 55小时" in out
    english = runner.invoke(args=["rules", "explain", "u1", "--date", "2026-11-20", "--locale", "en"])
    assert "✓ birthday_tomorrow Birthday tomorrow (low)" in english.output
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "rules.explain")) == 2


def test_rules_explain_unknown_person(runner: Any) -> None:
    result = runner.invoke(args=["rules", "explain", "ghost"])
    assert result.exit_code == 1 and "no employee with userid 'ghost'" in result.output


def test_rules_explain_says_when_a_person_is_not_evaluated(runner: Any, runtime: Any) -> None:
    from datetime import date

    with runtime.db.session() as s:
        b.employee(s, "gone", status="left", left_on=date(2026, 11, 10))
    result = runner.invoke(args=["rules", "explain", "gone", "--date", "2026-11-20"])
    assert result.exit_code == 0
    assert "不参与评估：已离职（2026-11-10）" in result.output
    assert "✓" not in result.output
