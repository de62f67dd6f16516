"""The effectiveness report on a known organisation: exact figures in JSON, CSV and Markdown, both databases."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import AuditLog
from tests import report_org

AUTH = {"Authorization": "Bearer r3port"}
PERIOD = ["--from", "2026-11-02", "--to", "2026-11-15"]


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": ["other", "r3port"]}}


@pytest.fixture
def org(runtime: Any) -> None:
    with runtime.db.session() as s:
        report_org.build(s)


EXPECTED: dict[str, Any] = {
    "period": {"from": "2026-11-02", "to": "2026-11-15", "days": 14, "workdays": 10},
    "min_group_size": 5,
    "care_activity": {
        "tags_total": 14,
        "employees_tagged": 13,
        "tags": [
            {"rule": "high_pressure", "rule_name": "连续深夜下班", "severity": "high", "tags": 6, "employees": 6},
            {"rule": "high_stress", "rule_name": "自评压力很大", "severity": "high", "tags": 5, "employees": 5},
            {"rule": "mood_falling", "rule_name": "心情持续走低", "severity": "medium", "tags": 1, "employees": 1},
            {"rule": "birthday_tomorrow", "rule_name": "明天生日", "severity": "low", "tags": 2, "employees": 2},
        ],
        "reminders": {
            "created": 14,
            "sent": 11,
            "done": 5,
            "dismissed": 3,
            "auto_closed": 1,
            "snoozed": 1,
            "capped": 1,
            "expired": 0,
            "still_open": 4,
            "acted_on": 7,
            "acted_on_rate": 0.6364,
            # 跟进率 counts only "done": 5 of the 11 sent; the 2 sent then marked 不需要 are apart.
            "followed_up": 5,
            "followed_up_rate": 0.4545,
            "dismissed_after_send": 2,
            "dismissed_rate": 0.1818,
            "held_out": 0,
        },
        "dismiss_reasons": [{"reason": "已知情况", "count": 2}, {"reason": "", "count": 1}],
        "time_to_act": {
            "reminders": 7,
            "working_day": {"start": "09:00", "end": "18:00"},
            # working hours 1, 1, 5, 7, 9, 26.5, 34; plain hours 1, 1, 5, 7, 24, 79, 119.5
            "working_hours": {"median": 7.0, "p90": 29.5},
            "hours": {"median": 7.0, "p90": 95.2},
        },
        "care_actions": {"dismissed": 3, "done": 6, "note": 1},
    },
    "pulse_after_care": {
        "window_days": 14,
        "questions": [
            {
                "question": "mood",
                "cared": {"people": 4, "suppressed": True, "before": None, "after": None, "change": None},
                "not_cared": {"people": 0, "suppressed": True, "before": None, "after": None, "change": None},
                "difference": None,
            },
            {
                "question": "stress",
                "cared": {"people": 5, "suppressed": False, "before": 8.6, "after": 5.2, "change": -3.4},
                "not_cared": {"people": 5, "suppressed": False, "before": 8.2, "after": 8.0, "change": -0.2},
                "difference": -3.2,
            },
        ],
    },
    "turnover": {
        "window_days": 90,
        "cared": {
            "people": 5,
            "suppressed": False,
            "left": 1,
            "voluntary": 1,
            "involuntary": 0,
            "other": 0,
            "rate": 0.2,
        },
        "not_cared": {
            "people": 8,
            "suppressed": False,
            "left": 3,
            "voluntary": 1,
            "involuntary": 1,
            "other": 1,
            "rate": 0.375,
        },
        "still_observed": 9,
        "overall": {
            "headcount_start": 17,
            "headcount_end": 14,
            "average_headcount": 15.5,
            "left": 4,
            "voluntary": 1,
            "involuntary": 1,
            "other": 2,
            "rate": 0.2581,
        },
    },
    "hr_time": {
        "care_actions": 6,
        "minutes_per_care_action": 15,
        "recorded_actions": 0,  # nobody recorded a duration: every conversation counts 15 minutes
        "recorded_minutes": 0,
        "care_minutes": 90,
        "workdays": 10,
        "employee_workdays": 164,
        "average_active_employees": 16.4,
        "baseline_minutes_per_chat": 5,
        "baseline_minutes": 820,
        "saved_minutes": 730,
        "saved_share": 0.8902,
    },
    # Fixed windows: Nov 2–15 maps onto the closed half-month Nov 1–15; counts are rounded down to a
    # multiple of 5 and means to one decimal, so no two reports can be subtracted (bot/privacy/aggregates.py).
    "team_pulse": {
        "min_respondents": 5,
        "window": {"from": "2026-11-01", "to": "2026-11-15"},
        "company": [
            {"question": "stay_2y", "respondents": 0, "suppressed": True, "average": None},
            {"question": "stress", "respondents": 0, "suppressed": True, "average": None},  # the team-mode decoy
            {"question": "supported", "respondents": 5, "suppressed": False, "average": 3.7},
        ],
        "departments": [
            {"department": "研发部", "question": "stay_2y", "respondents": 0, "suppressed": True, "average": None},
            {"department": "研发部", "question": "supported", "respondents": 0, "suppressed": True, "average": None},
            {"department": "销售部", "question": "stress", "respondents": 0, "suppressed": True, "average": None},
            # 5 people, but shown next to the company mean it would give away 研发部's one answer.
            {"department": "销售部", "question": "supported", "respondents": 5, "suppressed": True, "average": None},
        ],
    },
    # No attrition model trained in this org: the rule score is in use, and the report says why.
    "risk": {
        "kind": "rules",
        "as_of": None,
        "horizon_days": 90,
        "message": "尚未训练模型（运行 carebot risk train），目前使用规则评分",
        "backtest": {k: None for k in ("auc", "pr_auc", "top10", "top20", "base_rate", "n", "leavers", "calibration")},
    },
    "new_hires": {
        "journeys_started": 0,
        "early_days": 90,
        "steps_by_role": [],
        # e2, hired 2026-11-09, is a cohort of one: only its size shows.
        "cohorts": [
            {
                "month": "2026-11",
                "people": 1,
                "suppressed": True,
                "probation_decided": None,
                "probation_passed": None,
                "probation_pass_rate": None,
                "early_observed": None,
                "early_leavers": None,
                "early_leaver_rate": None,
            }
        ],
    },
    "felt_cared": {  # nobody answered the felt-cared team pulse: six empty periods of 14 days, oldest first
        "question": "felt_cared",
        "min_respondents": 5,
        "periods": [
            {"from": start, "to": end, "respondents": 0, "suppressed": True, "share_4_5": None}
            for start, end in (
                ("2026-08-24", "2026-09-06"),
                ("2026-09-07", "2026-09-20"),
                ("2026-09-21", "2026-10-04"),
                ("2026-10-05", "2026-10-18"),
                ("2026-10-19", "2026-11-01"),
                ("2026-11-02", "2026-11-15"),
            )
        ],
        "trend": None,
    },
    "performance_after_care": {  # the test organisation has no metric values
        "weeks": 4,
        "metrics": ["calls", "sales"],
        "cared": {"people": 0, "suppressed": True, "change": None},
        "not_cared": {"people": 0, "suppressed": True, "change": None},
        "difference": {"estimate": None, "ci_low": None, "ci_high": None, "p_value": None},
        "arms": None,
    },
    "experiment": {  # evaluation mode is off: the shape is there, the figures are not
        "enabled": False,
        "holdout_share": 0.3,
        "unit": "employee",
        "arms": {
            "care": {"employees": 0, "left": None, "left_voluntary": None},
            "holdout": {"employees": 0, "left": None, "left_voluntary": None},
        },
        **{
            key: {"estimate": None, "ci_low": None, "ci_high": None, "p_value": None}
            for key in (
                "turnover_difference",
                "pulse_difference",
                "performance_difference",
                "turnover_difference_voluntary",
            )
        },
        "realised_holdout_share": None,
        "start": None,
        "suppressed": True,
        "window_days": 90,
        "pulse_question": "mood",
        "performance_weeks": 4,
        "analysis": "intention_to_treat",
        "hr_actions": {arm: {"cared": None, "pulse_people": 0, "performance_people": 0} for arm in ("care", "holdout")},
    },
}


def _without_stamp(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("generated_at", "locale")}


def test_json_from_the_cli_has_the_exact_figures(runner: Any, org: None) -> None:
    result = runner.invoke(args=["report", *PERIOD, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["locale"] == "zh-CN"
    assert data["generated_at"] == "2026-11-23T06:00:00+00:00"
    assert _without_stamp(data) == EXPECTED


def test_api_answers_the_same_json_and_audits_one_row(client: Any, org: None, runtime: Any) -> None:
    resp = client.get("/api/v1/report?from=2026-11-02&to=2026-11-15", headers=AUTH)
    assert resp.status_code == 200, resp.json
    assert _without_stamp(resp.json) == EXPECTED
    with runtime.db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "report.generate")).all()
        assert len(rows) == 1
        row = rows[0]
        assert row.actor_userid.startswith("api:") and "r3port" not in row.actor_userid
        assert (row.channel, row.subject_userid) == ("api", None)
        assert row.detail == {"from": "2026-11-02", "to": "2026-11-15", "format": "json"}
        # Aggregates only: no per-person audit rows.
        assert s.scalars(select(AuditLog).where(AuditLog.subject_userid.is_not(None))).all() == []


def test_api_rule_names_follow_accept_language(client: Any, org: None) -> None:
    resp = client.get(
        "/api/v1/report?from=2026-11-02&to=2026-11-15", headers={**AUTH, "Accept-Language": "en-US,en;q=0.9"}
    )
    assert resp.json["locale"] == "en"
    assert [t["rule_name"] for t in resp.json["care_activity"]["tags"]] == [
        "Late nights in a row",
        "Reports high stress",
        "Mood sliding",
        "Birthday tomorrow",
    ]


def test_api_needs_a_token(client: Any) -> None:
    resp = client.get("/api/v1/report")
    assert resp.status_code == 401 and "error" in resp.json


def _csv(text: str) -> dict[tuple[str, str, str], dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return {(r["section"], r["metric"], r["group"]): r for r in rows}


def test_csv_has_one_figure_per_row(runner: Any, org: None, runtime: Any) -> None:
    result = runner.invoke(args=["report", *PERIOD, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "section,metric,group,label,value,note"
    rows = _csv(result.output)
    value = {key: row["value"] for key, row in rows.items()}
    assert value[("period", "from", "")] == "2026-11-02"
    assert value[("period", "workdays", "")] == "10"
    assert value[("care", "tags", "high_pressure/high")] == "6"
    assert rows[("care", "tags", "high_pressure/high")]["label"] == "连续深夜下班 · 高"
    assert value[("care", "reminders_created", "")] == "14"
    assert value[("care", "reminders_capped", "")] == "1"
    assert value[("care", "acted_on_rate", "")] == "0.6364"
    assert value[("care", "dismiss_reason", "已知情况")] == "2"
    assert rows[("care", "dismiss_reason", "")]["label"] == "（未填写原因）"
    assert value[("care", "time_to_act_p90", "working_hours")] == "29.5"
    assert value[("care", "time_to_act_median", "hours")] == "7.0"
    assert value[("care", "care_actions", "done")] == "6"
    assert value[("pulse", "before", "stress/cared")] == "8.6"
    assert value[("pulse", "difference", "stress")] == "-3.2"
    mood = rows[("pulse", "before", "mood/cared")]
    assert (mood["value"], mood["note"]) == ("", "suppressed")
    assert value[("pulse", "people", "mood/cared")] == "4"
    assert value[("turnover", "rate", "not_cared")] == "0.375"
    assert value[("turnover", "other", "company")] == "2"
    assert value[("turnover", "rate", "company")] == "0.2581"
    assert value[("hr_time", "baseline_minutes", "")] == "820"
    assert value[("hr_time", "saved_share", "")] == "0.8902"
    assert rows[("team_pulse", "average", "销售部/supported")]["note"] == "suppressed"
    assert rows[("team_pulse", "average", "研发部/supported")]["note"] == "suppressed"
    assert value[("team_pulse", "average", "company/supported")] == "3.7"


def test_csv_to_a_file_opens_in_excel(runner: Any, org: None, tmp_path: Any) -> None:
    target = tmp_path / "report.csv"
    result = runner.invoke(args=["report", *PERIOD, "--format", "csv", "--output", str(target)])
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert ("hr_time", "care_minutes", "") in _csv(raw.decode("utf-8-sig"))


def test_markdown_reads_like_a_report(runner: Any, org: None, runtime: Any) -> None:
    result = runner.invoke(args=["report", *PERIOD])
    assert result.exit_code == 0, result.output
    md = result.output
    assert md.startswith("# 关怀成效报告\n")
    assert "**统计期**：2026年11月2日 – 2026年11月15日（14 天，其中工作日 10 天）" in md
    assert "生成于 11月23日 14:00" in md
    assert "本期共产生 **14** 个关怀标签，涉及 **13** 人。" in md
    assert "| 连续深夜下班 | 高 | 6 | 6 |" in md
    assert "| 超出关怀次数上限，未发送 | 1 |" in md
    assert "**跟进率**：45.5%（已发送的 11 条中有 5 条被标记为已跟进）" in md
    assert "**不需要**：18.2%（2 条被标记为不需要，不算作跟进）；已处理合计 63.6%。" in md
    assert "中位数 7.0，P90 29.5 工作小时（只计工作日 09:00–18:00）" in md
    assert "按自然时间：中位数 7.0，P90 95.2 小时" in md
    assert "| 已知情况 | 2 |" in md and "| （未填写原因） | 1 |" in md
    assert "| 压力（0–10，越低越好） | 已关怀 | 5 | 8.60 | 5.20 | -3.40 |" in md
    assert "| 心情（1–5，越高越好） | 已关怀 | 4 | 样本不足 | — | — |" in md
    assert "压力（0–10，越低越好）：差异中的差异 -3.20" in md
    assert "| 未关怀 | 8 | 3 | 1 | 1 | 1 | 37.5% |" in md
    assert "其中 9 人的 90 天观察期尚未结束" in md
    assert "本期离职 4 人（主动 1、被动 1、其他 2），期初在职 17 人、期末 14 人，离职率 25.8%" in md
    assert "| 关怀用时（0 次按 HR 记录的时长，其余每次按 15 分钟） | 90 分钟（1.5小时） |" in md
    assert "平均在职 16.4 人 × 10 个工作日" in md
    assert "| 节省 | 730 分钟（12.2小时） · 89.0% |" in md
    assert "| 销售部 | 获得支持（1–5，越高越好） | 5 | 样本不足 |" in md
    assert "| 研发部 | 获得支持（1–5，越高越好） | 0 | 样本不足 |" in md
    for name in ("关怀1", "未跟1", "王芳", "c1", "n1"):  # aggregates only: nobody is named
        assert name not in md


@pytest.mark.parametrize("settings_overrides", [{"app": {"locale": "en"}}])
def test_markdown_in_english(runner: Any, org: None) -> None:
    md = runner.invoke(args=["report", *PERIOD]).output
    assert md.startswith("# Care effectiveness report\n")
    assert "**Period**: Nov 2, 2026 – Nov 15, 2026 (14 days, 10 workdays)" in md
    assert "| Late nights in a row | high | 6 | 6 |" in md
    assert "**Follow-up rate**: 45.5% (5 of 11 sent reminders marked done)" in md
    assert "| Stress (0–10, lower is better) | cared | 5 | 8.60 | 5.20 | -3.40 |" in md
    assert "insufficient sample" in md
    assert "样本不足" not in md and "关怀" not in md


def test_cli_writes_one_audit_row_per_report(runner: Any, org: None, runtime: Any) -> None:
    for fmt in ("md", "csv"):
        assert runner.invoke(args=["report", *PERIOD, "--format", fmt]).exit_code == 0
    with runtime.db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "report.generate").order_by(AuditLog.id)).all()
        assert [(r.actor_userid, r.channel, r.detail["format"]) for r in rows] == [
            ("cli", "cli", "md"),
            ("cli", "cli", "csv"),
        ]


@pytest.mark.parametrize(
    "settings_overrides",
    [{"report": {"minutes_per_care_action": 30, "baseline_minutes_per_chat": 10, "pulse_window_days": 3}}],
)
def test_config_changes_the_estimates_and_windows(runner: Any, org: None) -> None:
    data = json.loads(runner.invoke(args=["report", *PERIOD, "--format", "json"]).output)
    hr = data["hr_time"]
    assert (hr["care_minutes"], hr["baseline_minutes"], hr["saved_minutes"]) == (180, 1640, 1460)
    stress = data["pulse_after_care"]["questions"][1]
    # Three days each side: no cared person answered after their care day; of the others only n4
    # (Nov 2 before, Nov 5 after the Nov 4 tag) answered on both sides.
    assert (stress["cared"]["people"], stress["not_cared"]["people"]) == (0, 1)
    assert stress["cared"]["suppressed"] and stress["difference"] is None


@pytest.mark.parametrize("settings_overrides", [{"report": {"min_group_size": 6}}])
def test_a_higher_privacy_floor_hides_more(runner: Any, org: None) -> None:
    data = json.loads(runner.invoke(args=["report", *PERIOD, "--format", "json"]).output)
    assert data["min_group_size"] == 6
    assert data["turnover"]["cared"] == {
        "people": 5,
        "suppressed": True,
        "left": None,
        "voluntary": None,
        "involuntary": None,
        "other": None,
        "rate": None,
    }
    assert data["turnover"]["not_cared"]["left"] == 3
    assert data["team_pulse"]["company"][2] == {
        "question": "supported",
        "respondents": 5,  # 6 respondents, shown rounded down to a multiple of 5
        "suppressed": False,
        "average": 3.7,
    }
    assert data["team_pulse"]["departments"][3]["suppressed"] is True
