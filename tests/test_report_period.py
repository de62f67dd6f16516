"""The report's period: defaults, validation (CLI exit 2 with one line, API 422), and empty periods."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.report.period import PeriodError, resolve

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 23)  # the test clock's day (conftest DEFAULT_NOW)
AUTH = {"Authorization": "Bearer r3port"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": ["r3port"]}}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, (date(2026, 10, 24), date(2026, 11, 22))),  # 30 days up to yesterday
        ("2026-11-01", None, (date(2026, 11, 1), date(2026, 11, 22))),
        (None, "2026-11-10", (date(2026, 10, 12), date(2026, 11, 10))),
        ("2026-11-23", None, (date(2026, 11, 23), date(2026, 11, 23))),  # today alone: a partial day
        ("2026-11-20", "2026-11-30", (date(2026, 11, 20), date(2026, 11, 30))),  # taken as given
        ("2026-12-01", None, (date(2026, 12, 1), date(2026, 12, 1))),
        (" 2026-11-05 ", "2026-11-05", (date(2026, 11, 5), date(2026, 11, 5))),
        ("", "", (date(2026, 10, 24), date(2026, 11, 22))),  # empty query parameters mean "not given"
    ],
)
def test_defaults(start: str | None, end: str | None, expected: tuple[date, date]) -> None:
    period = resolve(start, end, today=TODAY, tz=TZ, default_days=30, locale="en")
    assert (period.start, period.end) == expected
    assert period.start_at.isoformat() == f"{expected[0]}T00:00:00+08:00"


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2026-02-30", None, "from", "from must be a date YYYY-MM-DD, got '2026-02-30'"),
        (None, "yesterday", "to", "to must be a date YYYY-MM-DD, got 'yesterday'"),
        ("2026-11-10", "2026-11-01", "from", "the start 2026-11-10 is after the end 2026-11-01"),
        (None, "2101-01-01", "to", "to 2101-01-01 is after 2100-12-31"),
        ("1949-12-31", None, "from", "from 1949-12-31 is before 1950-01-01"),
    ],
)
def test_bad_periods_name_the_field(start: str | None, end: str | None, field: str, message: str) -> None:
    with pytest.raises(PeriodError) as err:
        resolve(start, end, today=TODAY, tz=TZ, default_days=30, locale="en")
    assert (err.value.field, err.value.message) == (field, message)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01"], "carebot report: --from 应为日期 YYYY-MM-DD，收到 '2026-13-01'"),
        (["--from", "2026-11-10", "--to", "2026-11-01"], "carebot report: 开始日期 2026-11-10 晚于结束日期 2026-11-01"),
        (["--to", "21000-01-01"], "carebot report: --to 应为日期 YYYY-MM-DD，收到 '21000-01-01'"),
    ],
)
def test_cli_bad_dates_are_one_line_and_exit_2(runner: Any, args: list[str], message: str) -> None:
    result = runner.invoke(args=["report", *args])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [message]


def test_cli_bad_format_is_a_usage_error(runner: Any) -> None:
    result = runner.invoke(args=["report", "--format", "xlsx"])
    assert result.exit_code == 2 and "xlsx" in result.output


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2026/11/01", "from"), ("to=2026-11-31", "to"), ("from=2026-11-10&to=2026-11-01", "from")],
)
def test_api_bad_dates_are_422(client: Any, query: str, field: str) -> None:
    resp = client.get(f"/api/v1/report?{query}", headers={**AUTH, "Accept-Language": "en"})
    assert resp.status_code == 422
    assert resp.json["error"] == "invalid data" and list(resp.json["fields"]) == [field]


def test_empty_period_renders_cleanly_in_every_format(runner: Any, client: Any) -> None:
    md = runner.invoke(args=["report"])
    assert md.exit_code == 0, md.output
    assert "2026年10月24日 – 2026年11月22日（30 天，其中工作日 20 天）" in md.output
    assert "本期没有数据。" in md.output and "**跟进率**：本期没有已发送的提醒。" in md.output
    assert "Traceback" not in md.output and "None" not in md.output
    data = json.loads(runner.invoke(args=["report", "--format", "json"]).output)
    assert data["care_activity"]["reminders"]["acted_on_rate"] is None
    assert data["care_activity"]["tags"] == [] and data["team_pulse"]["company"] == []
    assert data["turnover"]["overall"]["rate"] is None and data["hr_time"]["saved_share"] is None
    assert data["pulse_after_care"]["questions"][0]["cared"] == {
        "people": 0,
        "suppressed": True,
        "before": None,
        "after": None,
        "change": None,
    }
    rows = list(csv.DictReader(io.StringIO(runner.invoke(args=["report", "--format", "csv"]).output)))
    assert {r["section"] for r in rows} >= {"period", "care", "pulse", "turnover", "hr_time"}
    api = client.get("/api/v1/report", headers=AUTH)
    assert api.status_code == 200 and api.json["period"] == {
        "from": "2026-10-24",
        "to": "2026-11-22",
        "days": 30,
        "workdays": 20,
    }


@pytest.mark.parametrize("settings_overrides", [{"report": {"default_days": 7}}])
def test_default_days_comes_from_config(runner: Any) -> None:
    data = json.loads(runner.invoke(args=["report", "--format", "json"]).output)
    assert (data["period"]["from"], data["period"]["to"]) == ("2026-11-16", "2026-11-22")
