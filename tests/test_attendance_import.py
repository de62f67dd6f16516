"""``carebot import attendance``: history rows → punches, leaves, shifts and rebuilt facts; GBK; 中文表头."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.models import AttendanceDay, Employee, Punch, ShiftDay
from rules.conditions.sqlbits import within_shift_hours

EMPLOYEES = "userid,name,department,manager_userid,hired_on\nu1,张三,一部,,2025-01-01\nu2,李四,一部,,2025-01-01\n"


def setup(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "emp.csv"
    path.write_text(EMPLOYEES, encoding="utf-8")
    result = runner.invoke(args=["import", "employees", str(path)])
    assert result.exit_code == 0, result.output


def facts_of(db: Any) -> dict[tuple[str, date], AttendanceDay]:
    with db.session() as s:
        rows = s.execute(
            select(Employee.userid, AttendanceDay).join(Employee, Employee.id == AttendanceDay.employee_id)
        )
        return {(u, d.day): d for u, d in rows}


def test_rows_become_facts_with_leave_and_night_shift(runner: Any, runtime: Any, tmp_path: Path) -> None:
    setup(runner, tmp_path)
    path = tmp_path / "att.csv"
    path.write_text(
        "userid,date,first_in,last_out,on_leave,shift\n"
        "u1,2026-03-02,09:12,21:40,,\n"
        "u1,2026-03-03,,,1,\n"
        "u2,2026-03-02,22:00,06:05,,夜班 22:00-06:00\n"
        "u2,2026-03-03,21:55,次日06:20,,夜班 22:00-06:00\n"
        "u2,2026-03-04,,,,休息\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", "attendance", str(path)])
    assert result.exit_code == 0, result.output
    assert "UTF-8" in result.output and "5" in result.output
    f = facts_of(runtime.db)
    day = f[("u1", date(2026, 3, 2))]
    assert (day.first_in_min, day.last_out_min, day.late_minutes, day.overtime_minutes) == (552, 1300, 12, 220)
    assert day.sched_end_min is None
    assert f[("u1", date(2026, 3, 3))].on_leave
    night = f[("u2", date(2026, 3, 2))]
    # The 06:05 clock-out belongs to the night shift that started the evening before.
    assert (night.first_in_min, night.last_out_min, night.late_minutes, night.overtime_minutes) == (1320, 1805, 0, 5)
    assert (night.kind, night.sched_start_min, night.sched_end_min) == ("workday", 1320, 1800)
    assert f[("u2", date(2026, 3, 3))].last_out_min == 1820
    assert ("u2", date(2026, 3, 4)) not in f  # a rest day without punches has no facts row
    with runtime.db.session() as s:
        assert s.scalar(select(ShiftDay.start_min).where(ShiftDay.day == date(2026, 3, 4))) is None
        # A night shift ending at 06:00 is not a "late night" (last out after 21:00) for the rules.
        late = select(AttendanceDay.id).where(
            AttendanceDay.last_out_min >= 1260, within_shift_hours("last_out_min", ">=", 1260)
        )
        assert len(s.execute(late).all()) == 1  # only u1's 21:40


def test_reimport_replaces_the_days_it_covers(runner: Any, runtime: Any, tmp_path: Path) -> None:
    setup(runner, tmp_path)
    path = tmp_path / "att.csv"
    path.write_text("userid,date,first_in,last_out\nu1,2026-03-02,09:00,18:00\n", encoding="utf-8")
    assert runner.invoke(args=["import", "attendance", str(path)]).exit_code == 0
    path.write_text("userid,date,first_in,last_out\nu1,2026-03-02,08:30,20:00\n", encoding="utf-8")
    assert runner.invoke(args=["import", "attendance", str(path)]).exit_code == 0
    with runtime.db.session() as s:
        assert len(s.scalars(select(Punch)).all()) == 2
    day = facts_of(runtime.db)[("u1", date(2026, 3, 2))]
    assert (day.first_in_min, day.last_out_min) == (510, 1200)


def test_gbk_file_with_chinese_headers(runner: Any, runtime: Any, tmp_path: Path) -> None:
    setup(runner, tmp_path)
    path = tmp_path / "考勤.csv"
    path.write_bytes("工号,考勤日期,上班打卡,下班打卡,是否请假\nu1,2026/3/2,09:00,18:30,否\n".encode("gbk"))
    result = runner.invoke(args=["import", "attendance", str(path)])
    assert result.exit_code == 0, result.output
    assert "GB18030" in result.output
    assert facts_of(runtime.db)[("u1", date(2026, 3, 2))].last_out_min == 1110


def test_gbk_employee_file_with_hris_headers(runner: Any, runtime: Any, tmp_path: Path) -> None:
    path = tmp_path / "花名册.csv"
    text = (
        "工号,姓名,部门,直属上级,入职日期,离职日期,离职原因,生日\n"
        "m1,王经理,销售部,,2019-04-01,,,\n"
        "e1,张三,销售部,m1,2025-06-01,2026-02-10,主动离职,03-15\n"
    )
    path.write_bytes(text.encode("gb18030"))
    result = runner.invoke(args=["import", "employees", str(path)])
    assert result.exit_code == 0, result.output
    assert "GB18030" in result.output
    with runtime.db.session() as s:
        e1 = s.scalar(select(Employee).where(Employee.userid == "e1"))
        assert e1 is not None
        assert (e1.left_on, e1.leave_reason, e1.birthday, e1.name) == (date(2026, 2, 10), "voluntary", "03-15", "张三")
        assert e1.manager is not None and e1.manager.userid == "m1"


def test_bad_rows_name_line_and_column_and_write_nothing(runner: Any, runtime: Any, tmp_path: Path) -> None:
    setup(runner, tmp_path)
    path = tmp_path / "att.csv"
    path.write_text(
        "userid,date,first_in,last_out,on_leave,shift\n"
        "u1,2026-03-02,09:00,18:00,,\n"
        "u1,2026-03-03,9点,18:00,,\n"
        "u1,2026-03-04,09:00,18:00,也许,\n"
        "u1,2026-03-05,09:00,18:00,,早班\n"
        "u1,2026-03-02,09:00,18:00,,\n"
        "nobody,2026-03-02,09:00,18:00,,\n"
        "u1,2026-02-30,09:00,18:00,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", "attendance", str(path)])
    assert result.exit_code == 1
    for needle in (
        "第 3 行，first_in",
        "第 4 行，on_leave",
        "第 5 行，shift",
        "第 6 行，date",
        "第 7 行，userid",
        "第 8 行，date",
    ):
        assert needle in result.output, needle
    assert "Traceback" not in result.output
    with runtime.db.session() as s:
        assert s.scalars(select(Punch)).all() == []
        assert s.scalars(select(AttendanceDay)).all() == []


def test_undecodable_file_is_an_error(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "att.csv"
    path.write_bytes(b"userid,date,first_in,last_out\n\xff\xfe\xfa,2026-03-02,09:00,18:00\n")
    result = runner.invoke(args=["import", "attendance", str(path)])
    assert result.exit_code == 1
    assert "第 2 行" in result.output and "GBK" in result.output
