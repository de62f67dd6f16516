"""Performance rules watch every metric marked ``performance = true`` in ``[metrics].catalogue``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.config import load_settings
from bot.core.errors import ConfigError
from bot.models import Tag
from rules import engine
from rules.loader import RuleSet, load_rules
from rules.templates import render
from tests import rules_builders as b

FRIDAY_EVENING = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # Monday 08:00 Shanghai: facts through Sunday


def dipping(runtime: Any, userid: str, metric: str, values: tuple[float, float, float] = (100, 80, 64)) -> int:
    """``metric`` on every workday of three weeks from 2 November, falling 20 % a week."""
    with runtime.db.session() as s:
        emp = b.employee(s, userid, name="李四")
        for week, value in enumerate(values):
            for day in b.workdays(date(2026, 11, 2 + 7 * week), date(2026, 11, 8 + 7 * week)):
                b.metric(s, emp, metric, day, value)
        return emp


def only(rule_id: str) -> RuleSet:
    full = load_rules()
    return RuleSet({rule_id: full.rules[rule_id]}, {}, ())


def dip_tags(runtime: Any) -> dict[int, dict[str, Any]]:
    with runtime.db.session() as s:
        return {t.employee_id: t.evidence for t in s.scalars(select(Tag).where(Tag.rule_id == "performance_dip"))}


def test_built_in_dip_fires_on_sales_and_names_it(runtime: Any, clock: Any) -> None:
    """Old behaviour: the built-in dip watched only ``calls``; a company sending ``sales`` never got a tag."""
    emp = dipping(runtime, "seller", "sales")
    clock.set(FRIDAY_EVENING)
    engine.evaluate(runtime, date(2026, 11, 23), rules=only("performance_dip"))
    evidence = dip_tags(runtime)[emp]
    assert evidence["metric"] == "sales" and evidence["changes"] == [-20.0, -20.0]
    rule = load_rules().rules["performance_dip"]
    assert render(rule, evidence, "zh-CN").evidence.startswith("销售额连续2周环比下降（-20%、-20%）")
    assert render(rule, evidence, "en").evidence.startswith("sales down 2 weeks in a row")


def test_calls_still_count_and_a_non_performance_metric_does_not(runtime: Any, clock: Any) -> None:
    caller = dipping(runtime, "caller", "calls")
    dipping(runtime, "retained", "customer_retention", (0.9, 0.7, 0.5))
    clock.set(FRIDAY_EVENING)
    engine.evaluate(runtime, date(2026, 11, 23), rules=only("performance_dip"))
    tags = dip_tags(runtime)
    assert set(tags) == {caller} and tags[caller]["metric"] == "calls"


CUSTOM = {
    "metrics": {
        "catalogue": [
            {"name": "deals", "label_zh": "成交单数", "label_en": "Deals", "performance": True},
            {"name": "calls", "label_zh": "通话量", "label_en": "Calls"},
        ]
    }
}


@pytest.mark.parametrize("settings_overrides", [CUSTOM])
def test_a_custom_performance_metric_is_watched_and_an_unmarked_one_is_not(runtime: Any, clock: Any) -> None:
    deals = dipping(runtime, "dealer", "deals")
    dipping(runtime, "caller", "calls")  # calls is not marked performance in this catalogue
    clock.set(FRIDAY_EVENING)
    assert runtime.settings.metrics.performance == ("deals",)
    engine.evaluate(runtime, date(2026, 11, 23), rules=only("performance_dip"))
    tags = dip_tags(runtime)
    assert set(tags) == {deals} and tags[deals]["metric"] == "deals"


def test_default_catalogue_marks_sales_and_calls(tmp_path: Any) -> None:
    settings = load_settings(path=tmp_path / "none.toml", overrides={}, environ={})
    assert set(settings.metrics.performance) == {"sales", "calls"}


def test_performance_is_a_reserved_metric_name(tmp_path: Any) -> None:
    with pytest.raises(ConfigError, match="reserved"):
        load_settings(
            path=tmp_path / "none.toml",
            overrides={"metrics": {"catalogue": [{"name": "performance", "label_zh": "业绩", "label_en": "P"}]}},
            environ={},
        )
