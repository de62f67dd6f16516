"""Planning reminders for a large first evaluation: chunked, no bound-parameter overflow."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from bot.models import Employee, Reminder, Tag
from bot.people.directory import EmployeeRow, upsert_employees
from bot.reminders import planner


def _tag_each(s, employee_ids) -> None:
    """A high-severity high_pressure tag raised today for each of ``employee_ids``."""
    day = date(2026, 11, 23)
    for emp_id in list(employee_ids):
        tag = Tag(rule_id="high_pressure", employee_id=emp_id, severity="high", evidence={})
        tag.raised_on = tag.last_seen_on = day
        s.add(tag)
    s.flush()


def test_plan_handles_more_tags_than_one_chunk(runtime, db, monkeypatch) -> None:
    monkeypatch.setattr(planner, "PLAN_CHUNK", 7)  # exercise several chunks with a small org
    rows = [EmployeeRow(userid="hr", name="王HR", is_hr=True)] + [
        EmployeeRow(userid=f"e{i}", name=f"员工{i}", hrbp_userid="hr") for i in range(30)
    ]
    with db.session() as s:
        upsert_employees(s, rows)
        _tag_each(s, s.scalars(select(Employee.id).where(Employee.userid != "hr")))
        tag_ids = s.scalars(select(Tag.id)).all()
        result = planner.plan(runtime, s, tag_ids)
        assert (result.tags, result.reminders, result.unrouted) == (30, 30, 0)
        assert planner.plan(runtime, s, tag_ids).reminders == 0  # idempotent
        assert s.scalar(select(func.count()).select_from(Reminder)) == 30


def _tagged_org(s, n: int, **row) -> list[int]:
    upsert_employees(
        s,
        [EmployeeRow(userid="hr1", name="王HR", is_hr=True), EmployeeRow(userid="hr2", name="李HR", is_hr=True)]
        + [EmployeeRow(userid=f"m{i}", name=f"经理{i}") for i in range(n)]
        + [EmployeeRow(userid=f"e{i}", name=f"员工{i}", manager_userid=f"m{i}", **row) for i in range(n)],
    )
    _tag_each(s, s.scalars(select(Employee.id).where(Employee.userid.like("e%"))))
    s.expunge_all()  # nothing cached in the session: every lookup the planner makes would be a query
    return list(s.scalars(select(Tag.id)))


@pytest.mark.parametrize("settings_overrides", [{"reminders": {"hr_userids": ["hr1", "hr2"]}}])
def test_routing_a_batch_does_not_query_per_tag(runtime, db) -> None:
    """Subjects without an HRBP fall back to the configured HR list: read once, not once per tag."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with db.session() as s:
        tag_ids = _tagged_org(s, 40)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            result = planner.plan(runtime, s, tag_ids)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert (result.tags, result.reminders) == (40, 120)  # hr1, hr2 and the manager (audience "both")
    assert len(statements) <= 5  # the tags, their managers/HRBPs, the HR list, one INSERT
