"""``carebot import shifts``: per-department and per-person schedules; night shifts are not "late nights"."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.models import AttendanceDay, Employee, ShiftDay, Tag

EMPLOYEES = (
    "工号,姓名,部门,直属上级,入职日期\n"
    "u1,白班甲,客服部,,2024-01-01\n"
    "u2,夜班乙,夜班组,,2024-01-01\n"
    "u3,夜班丙,夜班组,,2024-01-01\n"
)


def _invoke(runner: Any, kind: str, path: Path) -> str:
    result = runner.invoke(args=["import", kind, str(path)])
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_night_shift_department_with_a_personal_override(runner: Any, runtime: Any, tmp_path: Path) -> None:
    emp = tmp_path / "emp.csv"
    emp.write_text(EMPLOYEES, encoding="utf-8")
    _invoke(runner, "employees", emp)
    shifts = tmp_path / "排班.csv"
    text = (
        "部门,工号,开始日期,结束日期,班次\n"
        "夜班组,,2026-11-16,2026-11-20,夜班 22:00-06:00\n"
        ",u3,2026-11-18,2026-11-18,休息\n"
    )
    shifts.write_bytes(text.encode("gbk"))
    out = _invoke(runner, "shifts", shifts)
    assert "GB18030" in out
    lines = ["userid,date,first_in,last_out"]
    for i in range(5):
        day = date(2026, 11, 16) + timedelta(days=i)
        lines.append(f"u1,{day},09:00,21:30")
        lines.append(f"u2,{day},21:58,06:10")
    att = tmp_path / "att.csv"
    att.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _invoke(runner, "attendance", att)
    with runtime.db.session() as s:
        ids = dict(s.execute(select(Employee.userid, Employee.id)).all())
        sched = {(e, d): st for e, d, st in s.execute(select(ShiftDay.employee_id, ShiftDay.day, ShiftDay.start_min))}
        assert sched[(ids["u3"], date(2026, 11, 18))] is None  # the person's own row wins
        assert sched[(ids["u3"], date(2026, 11, 17))] == 22 * 60
        facts = {(d.employee_id, d.day): d for d in s.scalars(select(AttendanceDay))}
    night = facts[(ids["u2"], date(2026, 11, 17))]
    assert (night.first_in_min, night.last_out_min, night.late_minutes, night.overtime_minutes) == (1318, 1810, 0, 10)
    assert facts[(ids["u1"], date(2026, 11, 17))].overtime_minutes == 210
    result = runner.invoke(args=["evaluate", "--date", "2026-11-21"])
    assert result.exit_code == 0, result.output
    with runtime.db.session() as s:
        tagged = set(
            s.scalars(
                select(Employee.userid).join(Tag, Tag.employee_id == Employee.id).where(Tag.rule_id == "high_pressure")
            )
        )
    # Leaving at 21:30 three workdays running is high pressure; working a 22:00–06:00 shift is not.
    assert tagged == {"u1"}


def test_bad_schedule_rows_name_line_and_column(runner: Any, runtime: Any, tmp_path: Path) -> None:
    emp = tmp_path / "emp.csv"
    emp.write_text(EMPLOYEES, encoding="utf-8")
    _invoke(runner, "employees", emp)
    shifts = tmp_path / "s.csv"
    shifts.write_text(
        "userid,department,date,shift\n"
        "u1,客服部,2026-11-16,09:00-18:00\n"
        "u1,,2026-11-32,09:00-18:00\n"
        "u1,,2026-11-16,早班\n"
        ",无此部门,2026-11-16,09:00-18:00\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", "shifts", str(shifts)])
    assert result.exit_code == 1
    for needle in ("第 2 行，userid", "第 3 行，date", "第 4 行，shift", "第 5 行，department"):
        assert needle in result.output, needle
    with runtime.db.session() as s:
        assert s.scalars(select(ShiftDay)).all() == []
