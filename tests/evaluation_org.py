"""Builders for the evaluation-mode tests (no tests here): a company in departments and tenure bands."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Employee, Tag
from bot.people.directory import EmployeeRow, upsert_employees

DEPARTMENTS = ("销售部", "研发部", "客服部", "市场部")
# Hire dates that fall in each tenure band on 2026-11-23 (0-3m, 3-12m, 1-3y, 3y+).
HIRES = (date(2026, 10, 1), date(2026, 3, 1), date(2024, 6, 1), date(2019, 1, 1))


def company(session: Session, people: int, *, hr: str = "hr1") -> dict[str, int]:
    """``people`` employees spread over the departments and tenure bands plus one HR partner; userid → id."""
    rows = [EmployeeRow(userid=hr, name="王芳", department="人力资源部", hired_on=date(2018, 1, 1), is_hr=True)]
    rows += [
        EmployeeRow(
            userid=f"u{i:04d}",
            name=f"员工{i}",
            department=DEPARTMENTS[i % len(DEPARTMENTS)],
            hired_on=HIRES[(i // len(DEPARTMENTS)) % len(HIRES)],
            hrbp_userid=hr,
        )
        for i in range(people)
    ]
    upsert_employees(session, rows)
    session.flush()
    return {e.userid: e.id for e in session.scalars(select(Employee))}


def tag(session: Session, employee_id: int, rule: str, raised: date, severity: str = "high", **extra: Any) -> Tag:
    """An active tag of ``rule`` raised on ``raised``."""
    row = Tag(
        rule_id=rule,
        employee_id=employee_id,
        severity=severity,
        status="active",
        raised_on=raised,
        last_seen_on=raised,
        evidence={"test": True},
        **extra,
    )
    session.add(row)
    session.flush()
    return row
