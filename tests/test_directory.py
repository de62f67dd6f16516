"""Employee upsert: managers later in the input, pinyin, punches before their employee."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from bot.attendance.punches import record_punches
from bot.models import Employee, Punch
from bot.people.directory import EmployeeRow, employee_dict, upsert_employees
from bot.pipeline.events import AttendancePunch


def test_manager_after_report_and_update(db) -> None:
    rows = [
        EmployeeRow(
            userid="e1",
            name="张三",
            department="电销一部",
            manager_userid="m1",
            hrbp_userid="h1",
            hired_on=date(2026, 9, 1),
        ),
        EmployeeRow(userid="m1", name="李经理", department="电销一部", hired_on=date(2020, 1, 1)),
        EmployeeRow(userid="h1", name="王HR", department="人力资源部", is_hr=True),
    ]
    with db.session() as s:
        stats = upsert_employees(s, rows)
        assert (stats.created, stats.updated) == (3, 0)
    with db.session() as s:
        stats = upsert_employees(s, [rows[0].model_copy(update={"name": "张三丰"})])
        assert (stats.created, stats.updated) == (0, 1)
        e1 = s.scalar(select(Employee).where(Employee.userid == "e1"))
        assert employee_dict(e1, s) == {
            "userid": "e1",
            "name": "张三丰",
            "department": "电销一部",
            "manager_userid": "m1",
            "hrbp_userid": "h1",
            "status": "active",
            "hired_on": "2026-09-01",
            "left_on": None,
        }
        assert e1.name_pinyin == "zhang san feng"


def test_punch_for_unknown_user_is_kept_and_linked_later(db) -> None:
    at = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    with db.session() as s:
        record_punches(s, [AttendancePunch("dingtalk", "late-joiner", at)])
        record_punches(s, [AttendancePunch("dingtalk", "late-joiner", at)])  # a re-sent punch
    with db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="late-joiner", name="赵新")])
    with db.session() as s:
        punches = s.scalars(select(Punch)).all()
        assert len(punches) == 1
        assert punches[0].employee_id is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [("birthday", "13-01"), ("hired_on", "1900-01-01"), ("is_hr", "maybe"), ("leave_reason", "bored")],
)
def test_row_validation(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as err:
        EmployeeRow.model_validate({"userid": "u", "name": "n", field: value})
    assert err.value.errors()[0]["loc"] == (field,)
