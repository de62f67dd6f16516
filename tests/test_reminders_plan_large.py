"""Planning reminders for a large first evaluation: chunked, no bound-parameter overflow."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from bot.directory import EmployeeRow, upsert_employees
from bot.models import Employee, Reminder, Tag
from bot.reminders import planner


def test_plan_handles_more_tags_than_one_chunk(runtime, db, monkeypatch) -> None:
    monkeypatch.setattr(planner, "PLAN_CHUNK", 7)  # exercise several chunks with a small org
    rows = [EmployeeRow(userid="hr", name="王HR", is_hr=True)] + [
        EmployeeRow(userid=f"e{i}", name=f"员工{i}", hrbp_userid="hr") for i in range(30)
    ]
    with db.session() as s:
        upsert_employees(s, rows)
        ids = s.scalars(select(Employee.id).where(Employee.userid != "hr")).all()
        for emp_id in ids:
            s.add(
                Tag(
                    rule_id="high_pressure",
                    employee_id=emp_id,
                    severity="high",
                    raised_on=date(2026, 11, 23),
                    last_seen_on=date(2026, 11, 23),
                    evidence={},
                )
            )
        s.flush()
        tag_ids = s.scalars(select(Tag.id)).all()
        result = planner.plan(runtime, s, tag_ids)
        assert (result.tags, result.reminders, result.unrouted) == (30, 30, 0)
        assert planner.plan(runtime, s, tag_ids).reminders == 0  # idempotent
        assert s.scalar(select(func.count()).select_from(Reminder)) == 30
