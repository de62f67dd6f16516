"""`carebot doctor` warnings (missing holiday years, closed API) and `carebot facts rebuild`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.attendance.punches import record_punches
from bot.models import AttendanceDay
from bot.people.directory import EmployeeRow, upsert_employees
from bot.pipeline.events import AttendancePunch


def test_doctor_warns_about_next_year_from_1_december_and_exits_0(runner: Any, clock: Any) -> None:
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert "2027 年没有法定节假日数据" not in runner.invoke(args=["doctor"]).output  # too early to nag
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "2027 年没有法定节假日数据" in result.output
    assert "carebot calendar import FILE" in result.output
    assert "[api].tokens" in result.output
    assert "结构为最新" in result.output


@pytest.fixture
def holiday_file(tmp_path: Path) -> str:
    path = tmp_path / "holidays.toml"
    path.write_text('[2027]\nholidays = ["2027-01-01"]\nworkdays = []\n')
    return str(path)


@pytest.mark.parametrize("settings_overrides", [{"app": {"locale": "en"}, "api": {"tokens": ["x"]}}])
def test_doctor_in_english_with_tokens(runner: Any, clock: Any) -> None:
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    out = runner.invoke(args=["doctor"]).output
    assert "no statutory holiday data for 2027" in out
    assert "answers 401 to every request" not in out


def test_doctor_quiet_when_the_year_is_supplied(app: Any, runner: Any, holiday_file: str) -> None:
    from bot.core.workcalendar import WorkCalendar

    app.extensions["carebot"].calendar = WorkCalendar(holiday_file)
    out = runner.invoke(args=["doctor"]).output
    assert "2027 年没有" not in out and "2026, 2027" in out


def test_doctor_on_an_unmigrated_or_unreachable_database(tmp_path: Path) -> None:
    from app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path}/fresh.db"))
    result = app.test_cli_runner().invoke(args=["doctor"])
    # A fresh SQLite file answers but has no schema: a warning, not an error.
    assert result.exit_code == 0
    assert "carebot db upgrade" in result.output
    down = create_app(make_settings(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"))
    result = down.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "无法连接数据库" in result.output and "2027" in result.output


def test_facts_rebuild_command(runner: Any, runtime: Any) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    with runtime.db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="e1", name="张三")])
        record_punches(
            s,
            [
                AttendancePunch("wecom", "e1", datetime(2026, 11, 10, 9, 5, tzinfo=tz)),
                AttendancePunch("wecom", "e1", datetime(2026, 11, 10, 18, 0, tzinfo=tz)),
            ],
        )
    result = runner.invoke(args=["facts", "rebuild", "--from", "2026-11-01", "--to", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    with runtime.db.session() as s:
        assert s.scalar(select(AttendanceDay.late_minutes)) == 5
    bad = runner.invoke(args=["facts", "rebuild", "--from", "2026-11-20", "--to", "2026-11-01"])
    assert bad.exit_code == 2
    assert runner.invoke(args=["facts", "rebuild", "--from", "someday"]).exit_code == 2
