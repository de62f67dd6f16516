"""Caller roles: ``recipient`` is whoever has been sent a care reminder."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.core.db import session_now
from bot.models import Employee, Reminder, Tag
from bot.people.access import roles_of
from bot.people.directory import EmployeeRow, upsert_employees


def test_recipient_role_follows_reminders(db) -> None:
    with db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="contact", name="李联络"), EmployeeRow(userid="e1", name="张三")])
        contact = s.scalar(select(Employee).where(Employee.userid == "contact"))
        e1 = s.scalar(select(Employee).where(Employee.userid == "e1"))
        assert roles_of(s, contact) == {"employee"}
        tag = Tag(
            rule_id="high_pressure",
            employee_id=e1.id,
            severity="high",
            raised_on=date(2026, 11, 23),
            last_seen_on=date(2026, 11, 23),
            evidence={},
        )
        s.add(tag)
        s.flush()
        s.add(Reminder(tag_id=tag.id, recipient_id=contact.id, role="hr", due_at=session_now(s)))
        s.flush()
        assert roles_of(s, contact) == {"employee", "recipient"}
        assert roles_of(s, e1) == {"employee"}
