"""Rule files: the built-in library, validation errors naming file/rule/field, config switches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.core.config import RulesSection
from bot.core.errors import BadRuleFile
from rules.loader import load_rules
from rules.model import Rule
from rules.templates import PLACEHOLDER, render

ISSUE_LIBRARY = {
    "new_hire_touchpoint",
    "probation_ending",
    "high_pressure",
    "long_week",
    "overtime_near_limit",
    "performance_dip",
    "rejection_spike",
    "sales_pressure",
    "high_stress",
    "mood_falling",
    "silent",
    "birthday_tomorrow",
    "work_anniversary",
    "family_event",
    "attrition_risk",
}

GOOD = """
id = "{rid}"
severity = "medium"
category = "workload"

[name]
zh = "测试规则"
en = "Test rule"

[why]
zh = "原因"
en = "Because"

[condition]
kind = "streak"
field = "last_out_min"
op = ">="
value = 1260
days = 3
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_library_covers_the_issue_and_validates() -> None:
    rules = load_rules()
    assert set(rules.rules) >= ISSUE_LIBRARY
    for rule in rules:
        assert rule.name.zh and rule.name.en and rule.why.zh and rule.why.en
        assert rule.talking_points and rule.actions, rule.id
        assert rule.sources, f"{rule.id} should cite where its threshold comes from"


SAMPLES: dict[str, dict[str, Any]] = {
    "streak": {
        "kind": "streak",
        "field": "last_out_min",
        "op": ">=",
        "threshold": 1260,
        "days": [
            {"date": "2026-11-18", "value": 1302},
            {"date": "2026-11-19", "value": 1325},
            {"date": "2026-11-20", "value": 1297},
        ],
        "skipped_leave": [],
    },
    "count_in_window": {
        "kind": "count_in_window",
        "field": "late_minutes",
        "op": ">",
        "threshold": 0,
        "count": 3,
        "window": {"from": "2026-11-16", "to": "2026-11-20", "workdays": 5},
        "days": [
            {"date": "2026-11-16", "value": 12},
            {"date": "2026-11-18", "value": 30},
            {"date": "2026-11-20", "value": 5},
        ],
        "skipped_leave": [],
    },
    "period_sum": {
        "kind": "period_sum",
        "field": "worked_minutes",
        "period": "week",
        "op": ">=",
        "threshold": 3300,
        "periods": [{"from": "2026-11-16", "to": "2026-11-20", "total": 3420, "complete": False}],
    },
    "monthly_overtime": {
        "kind": "monthly_overtime",
        "field": "legal_overtime_minutes",
        "month": "2026-11",
        "from": "2026-11-01",
        "to": "2026-11-19",
        "total": 1860,
        "threshold": 1800,
        "cap": 2160,
        "exceeded": False,
        "days": [{"day": "2026-11-07", "minutes": 600}],
    },
    "metric_change": {
        "kind": "metric_change",
        "metric": "calls",
        "aggregate": "avg",
        "op": "<=",
        "threshold": -15,
        "weeks": [
            {"from": "2026-11-02", "to": "2026-11-08", "value": 100},
            {"from": "2026-11-09", "to": "2026-11-15", "value": 80},
            {"from": "2026-11-16", "to": "2026-11-22", "value": 64},
        ],
        "changes": [-20.0, -20.0],
    },
    "metric_threshold": {
        "kind": "metric_threshold",
        "metric": "rejection_rate",
        "aggregate": "avg",
        "op": ">=",
        "threshold": 0.4,
        "value": 0.46,
        "points": 5,
        "from": "2026-11-14",
        "to": "2026-11-20",
    },
    "pulse_latest": {
        "kind": "pulse_latest",
        "question": "stress",
        "op": ">=",
        "threshold": 8,
        "value": 9,
        "answered_on": "2026-11-20",
    },
    "pulse_trend": {
        "kind": "pulse_trend",
        "question": "mood",
        "direction": "falling",
        "answers": [
            {"answered_on": "2026-11-06", "value": 4},
            {"answered_on": "2026-11-13", "value": 3},
            {"answered_on": "2026-11-20", "value": 2},
        ],
        "change": -2,
    },
    "pulse_unanswered": {"kind": "pulse_unanswered", "surveys": ["2026-10-29", "2026-11-05", "2026-11-12"]},
    "birthday": {"kind": "birthday", "birthday": "11-21", "date": "2026-11-21", "days_until": 1},
    "work_anniversary": {"kind": "work_anniversary", "hired_on": "2023-11-20", "date": "2026-11-20", "years": 3},
    "tenure_milestone": {"kind": "tenure_milestone", "milestone": 30, "date": "2026-11-20", "hired_on": "2026-10-21"},
    "probation_ending": {"kind": "probation_ending", "ends_on": "2026-12-01", "days_left": 11},
    "life_event": {
        "kind": "life_event",
        "events": [{"type": "newborn", "declared_on": "2026-11-10", "expires_on": "2026-12-10"}],
    },
}
SAMPLES["all"] = {
    "kind": "all",
    "parts": [
        {
            "kind": "metric_vs_team",
            "metric": "calls",
            "team": "department",
            "op": "<=",
            "ratio": 0.7,
            "days": [{"date": "2026-11-20", "value": 50, "team_avg": 100, "team_size": 8}],
        },
        SAMPLES["pulse_latest"],
    ],
}
SAMPLES["voice_request"] = {
    "kind": "voice_request",
    "requests": [{"id": 1, "intent": "help", "quote": "so stressed, need someone to talk to", "on": "2026-11-23"}],
}
SAMPLES["score"] = {
    "kind": "score",
    "score": 60,
    "threshold": 50,
    "max": 100,
    "signals": [
        {
            "id": "early_tenure",
            "label": {"zh": "入职3–12个月", "en": "3–12 months"},
            "weight": 15,
            "evidence": {"kind": "tenure", "hired_on": "2026-03-01", "tenure_days": 264},
        },
        {
            "id": "performance_dip",
            "label": {"zh": "业绩下滑", "en": "dip"},
            "weight": 25,
            "evidence": SAMPLES["metric_change"],
        },
        {
            "id": "silence",
            "label": {"zh": "沉默", "en": "silence"},
            "weight": 20,
            "evidence": SAMPLES["pulse_unanswered"],
        },
    ],
}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_builtin_rule_renders_its_texts_with_evidence(locale: str) -> None:
    for rule in load_rules():
        text = render(rule, SAMPLES[rule.condition.kind], locale, employee="张三")
        for part in [text.name, text.evidence, text.why, *text.actions, *text.talking_points]:
            assert part and not PLACEHOLDER.search(part), (rule.id, part)
        if locale == "en":
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in text.evidence + text.why), (rule.id, text.evidence)


def test_high_pressure_reads_like_the_reminder_example() -> None:
    rule = load_rules().rules["high_pressure"]
    evidence = {
        **SAMPLES["streak"],
        "days": [
            {"date": "2026-11-18", "value": 1302},
            {"date": "2026-11-19", "value": 1325},
            {"date": "2026-11-20", "value": 1297},
        ],
    }
    assert (
        render(rule, evidence).evidence
        == "连续3个工作日最后打卡晚于21:00：11月18日 21:42、11月19日 22:05、11月20日 21:37"
    )
    assert render(rule, evidence, "en").evidence == (
        "Last punch after 21:00 on 3 workdays in a row: Nov 18 21:42, Nov 19 22:05, Nov 20 21:37"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            GOOD.replace("days = 3", "days = 0"), ["condition.days", "greater than or equal to 1"], id="bad-value"
        ),
        pytest.param(
            GOOD.replace('kind = "streak"', 'kind = "eval"'),
            ["condition", "unknown condition kind 'eval'"],
            id="unknown-kind",
        ),
        pytest.param(
            GOOD.replace("days = 3", "days = 3\nsql = 'DROP TABLE tags'"),
            ["condition.sql: unknown field"],
            id="unknown-field",
        ),
        pytest.param(GOOD.replace('en = "Test rule"\n', ""), ["name.en", "Field required"], id="missing-english"),
        pytest.param(GOOD.replace('severity = "medium"', 'severity = "urgent"'), ["severity"], id="bad-severity"),
        pytest.param(
            GOOD.replace(
                '[condition]\nkind = "streak"\nfield = "last_out_min"\nop = ">="\nvalue = 1260\ndays = 3\n',
                "condition = \"__import__('os').system('id')\"\n",
            ),
            ["condition"],
            id="code-is-not-a-condition",
        ),
        pytest.param(
            GOOD.replace(
                'field = "last_out_min"\nop = ">="\nvalue = 1260\ndays = 3',
                'of = [{kind = "tenure", min_days = 1, max_days = 9}, '
                '{kind = "pulse_latest", question = "stress", op = ">=", value = "high"}]',
            ).replace('kind = "streak"', 'kind = "all"'),
            ["condition.of.1.value"],
            id="nested-field",
        ),
        pytest.param(GOOD, [], id="valid-control"),
    ],
)
def test_errors_name_file_rule_and_field(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = write(tmp_path / "custom", "mine.toml", text.replace("{rid}", "mine"))
    config = RulesSection(paths=[str(path.parent)])
    if not expected:
        assert "mine" in load_rules(config).rules
        return
    with pytest.raises(BadRuleFile) as err:
        load_rules(config)
    message = str(err.value)
    assert str(path) in message and "rule 'mine'" in message, message
    for part in expected:
        assert part in message, message


def test_unknown_placeholder_is_named(tmp_path: Path) -> None:
    text = GOOD.format(rid="mine").replace(
        "[condition]", '[evidence]\nzh = "连续{count}天：{dates}，{oops}"\nen = "{details}"\n\n[condition]'
    )
    path = write(tmp_path, "mine.toml", text)
    with pytest.raises(BadRuleFile, match=r"mine\.toml: rule 'mine': evidence\.zh: unknown placeholder \{oops\}"):
        load_rules(RulesSection(paths=[str(path)]))


def test_invalid_toml_and_missing_path_and_duplicates(tmp_path: Path) -> None:
    write(tmp_path / "a", "broken.toml", "id = \n")
    write(tmp_path / "a", "one.toml", GOOD.format(rid="twin"))
    write(tmp_path / "a", "two.toml", GOOD.format(rid="twin"))
    with pytest.raises(BadRuleFile) as err:
        load_rules(RulesSection(paths=[str(tmp_path / "a"), str(tmp_path / "nowhere")]))
    message = str(err.value)
    assert "broken.toml: invalid TOML" in message
    assert "two.toml: rule 'twin': id: duplicate of" in message
    assert "nowhere does not exist" in message


def test_score_threshold_must_be_reachable(tmp_path: Path) -> None:
    text = GOOD.format(rid="risk").split("[condition]")[0] + (
        '[condition]\nkind = "score"\nthreshold = 90\n'
        '[[condition.signals]]\nid = "a"\nweight = 40\nlabel = { zh = "甲", en = "a" }\n'
        'condition = { kind = "tenure", min_days = 0, max_days = 90 }\n'
    )
    path = write(tmp_path, "risk.toml", text)
    with pytest.raises(BadRuleFile, match="threshold is higher than the sum of all weights"):
        load_rules(RulesSection(paths=[str(path)]))


def test_config_switches_off_and_overrides_thresholds() -> None:
    config = RulesSection(
        disabled=["birthday_tomorrow"],
        overrides={
            "high_pressure": {"condition.days": 4, "condition.value": 1320, "severity": "medium"},
            "attrition_risk": {"condition.signals.2.weight": 30},
        },
    )
    rules = load_rules(config)
    assert "birthday_tomorrow" not in rules.rules and rules.disabled == ("birthday_tomorrow",)
    hp = rules.rules["high_pressure"]
    assert (hp.condition.days, hp.condition.value, hp.severity) == (4, 1320, "medium")  # type: ignore[union-attr]
    assert rules.rules["attrition_risk"].condition.signals[2].weight == 30  # type: ignore[union-attr]
    assert render(hp, {**SAMPLES["streak"], "threshold": 1320}).evidence.startswith("连续3个工作日最后打卡晚于22:00")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (RulesSection(disabled=["no_such_rule"]), "config [rules].disabled: unknown rule 'no_such_rule'"),
        (RulesSection(overrides={"nope": {"severity": "low"}}), "config [rules].overrides: unknown rule 'nope'"),
        (
            RulesSection(overrides={"high_pressure": {"condition.nope.x": 1}}),
            "config [rules].overrides.high_pressure: condition.nope.x: no such field",
        ),
        (
            RulesSection(overrides={"high_pressure": {"condition.days": -1}}),
            "rule 'high_pressure' (with [rules].overrides): condition.days",
        ),
        (RulesSection(overrides={"high_pressure": {"condition.dayz": 4}}), "condition.dayz: unknown field"),
    ],
)
def test_config_mistakes_are_named(config: RulesSection, message: str) -> None:
    with pytest.raises(BadRuleFile) as err:
        load_rules(config)
    assert message in str(err.value)


def test_override_shorthand_reaches_into_the_condition() -> None:
    rules = load_rules(RulesSection(overrides={"high_pressure": {"days": 5, "on_leave": "skip", "cooldown_days": 3}}))
    hp = rules.rules["high_pressure"]
    assert (hp.condition.days, hp.condition.on_leave, hp.cooldown_days) == (5, "skip", 3)  # type: ignore[union-attr]


def test_custom_rule_replaces_builtin_of_the_same_id(tmp_path: Path) -> None:
    path = write(tmp_path, "hp.toml", GOOD.format(rid="high_pressure").replace("days = 3", "days = 5"))
    rules = load_rules(RulesSection(paths=[str(path)]))
    assert rules.rules["high_pressure"].condition.days == 5  # type: ignore[union-attr]
    assert rules.files["high_pressure"] == path


def test_data_sources_select_rules_for_a_new_answer() -> None:
    from rules.engine import select_rules

    chosen = {r.id for r in select_rules(load_rules(), sources={"pulse"})}
    assert {"high_stress", "sales_pressure", "mood_falling", "silent", "attrition_risk"} <= chosen
    assert "high_pressure" not in chosen and "birthday_tomorrow" not in chosen
    assert isinstance(load_rules().rules["high_stress"], Rule)
