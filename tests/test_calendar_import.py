"""`carebot calendar import FILE`: validation, what changes, confirmation, the merged file; the Dec 1 warning."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.workcalendar import WorkCalendar
from tests.dashboard_accounts import ACCOUNTS, sign_in

SH = ZoneInfo("Asia/Shanghai")
YEAR_2027 = """
[2027]
holidays = [
    "2027-01-01",
    "2027-02-06..2027-02-12",
    { from = "2027-10-01", to = "2027-10-07", name = "国庆节" },
]
workdays = ["2027-02-14", "2027-10-09"]
"""


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    return {"calendar": {"holiday_file": str(tmp_path / "instance" / "holidays.toml")}, "dashboard": ACCOUNTS}


@pytest.fixture
def target(runtime: Any) -> Path:
    return Path(runtime.settings.calendar.holiday_file)


def write(tmp_path: Path, text: str, name: str = "2027.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_dry_run_lists_what_changes_and_writes_nothing(runner: Any, tmp_path: Path, target: Path) -> None:
    result = runner.invoke(args=["calendar", "import", write(tmp_path, YEAR_2027), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2027 年 15 天法定假日、2 个调休工作日（目前按周一至周五计算）" in result.output
    assert "2027-01-01（周五）：工作日 → 法定假日" in result.output
    assert "2027-02-14（周日）：休息日 → 工作日" in result.output
    assert "2027-02-06（周六）" not in result.output  # a weekend stays a day off: no change
    assert "将有 13 天发生变化" in result.output  # 1 + 5 + 5 weekdays off, 2 weekends worked
    assert "试运行" in result.output and not target.exists()


def test_yes_merges_the_year_and_keeps_the_others(runner: Any, tmp_path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True)
    target.write_text('[2028]\nholidays = ["2028-01-03"]\nworkdays = []\n')
    result = runner.invoke(args=["calendar", "import", write(tmp_path, YEAR_2027), "--yes"])
    assert result.exit_code == 0, result.output
    assert "已写入" in result.output
    cal = WorkCalendar(target)
    assert cal.has_year(2027) and cal.has_year(2028)
    assert cal.kind(date(2027, 2, 8)) == "holiday" and cal.is_workday(date(2027, 2, 14))
    assert cal.kind(date(2028, 1, 3)) == "holiday"
    again = runner.invoke(args=["calendar", "import", write(tmp_path, YEAR_2027), "--yes"])
    assert "将替换之前导入的 2027 年" in again.output


def test_without_yes_it_asks_and_a_silent_run_writes_nothing(runner: Any, tmp_path: Path, target: Path) -> None:
    path = write(tmp_path, YEAR_2027)
    refused = runner.invoke(args=["calendar", "import", path])  # no terminal, no answer
    assert refused.exit_code == 1 and "--yes" in refused.output and not target.exists()
    said_no = runner.invoke(args=["calendar", "import", path], input="n\n")
    assert said_no.exit_code == 1 and not target.exists()
    said_yes = runner.invoke(args=["calendar", "import", path], input="y\n")
    assert said_yes.exit_code == 0, said_yes.output
    assert WorkCalendar(target).has_year(2027)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[2027]\nholidays = []\nworkdays = ["2027-02-15"]\n', "2027-02-15 is a Monday; adjusted workdays"),
        ('[2027]\nholidays = ["2027-02-12..2027-02-06"]\n', "ends before it starts"),
        ('[2027]\nholidays = ["2027-01-01..2027-03-01"]\n', "longer than 16 days"),
        ('[2027]\nholidays = ["2028-01-01"]\n', "is not in 2027"),
        ('[2027]\nholidays = ["2027-02-14"]\nworkdays = ["2027-02-14"]\n', "both a holiday and a workday"),
        ("[2027]\nholidays = []\n[2028]\nholidays = []\n", "one year per file, found 2027, 2028"),
        ("[2027]\nholiday = []\n", "unknown key 'holiday'"),
        ("not toml [", "cannot read holiday file"),
    ],
)
def test_bad_files_are_refused_with_the_reason(
    runner: Any, tmp_path: Path, target: Path, text: str, message: str
) -> None:
    result = runner.invoke(args=["calendar", "import", write(tmp_path, text)])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not target.exists()


def test_an_unchanged_year_writes_nothing(runner: Any, tmp_path: Path, target: Path) -> None:
    # 2026 as bundled: New Year's Day 1–3 January (3 January is a Saturday), 4 January worked (调休).
    text = '[2026]\nholidays = ["2026-01-01..2026-01-03"]\nworkdays = ["2026-01-04"]\n'
    result = runner.invoke(args=["calendar", "import", write(tmp_path, text), "--yes"])
    assert result.exit_code == 0, result.output
    assert "将覆盖内置数据" in result.output
    assert "2026-01-02（周五）" not in result.output


def test_dashboard_warns_from_1_december_until_next_year_is_imported(
    app: Any, client: Any, clock: Any, runner: Any, tmp_path: Path, target: Path
) -> None:
    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=SH))
    assert sign_in(client).status_code == 302
    assert "节假日数据缺少" not in overview(client)
    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=SH))
    assert sign_in(client).status_code == 302  # a day later: the dashboard session has ended
    assert "节假日数据缺少 2027 年" in overview(client)
    runner.invoke(args=["calendar", "import", write(tmp_path, YEAR_2027), "--yes"])
    app.extensions["carebot"].calendar = WorkCalendar(target)  # what a restart does
    assert "节假日数据缺少" not in overview(client)


def overview(client: Any) -> str:
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return str(response.get_data(as_text=True))
