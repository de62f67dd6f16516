"""The employee directory: validated rows in, upserted employees out (CSV, API, platform sync, demo)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pypinyin import lazy_pinyin
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.chunks import chunked
from bot.core.input_values import date_value, month_day
from bot.core.sqlutil import IN_CHUNK
from bot.models import Department, Employee, Punch

_BIRTHDAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
MIN_DATE = date(1950, 1, 1)
MAX_DATE = date(2100, 12, 31)
LEAVE_REASONS = ("voluntary", "involuntary", "other")


def name_to_pinyin(name: str) -> str:
    """Toneless pinyin, space separated, lower case ("张三" → "zhang san")."""
    return " ".join(lazy_pinyin(name)).lower()


class EmployeeRow(BaseModel):
    """One employee as imported or sent to the API; empty strings count as absent."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    userid: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=64)
    department: str | None = Field(default=None, max_length=128)
    manager_userid: str | None = Field(default=None, max_length=64)
    hired_on: date | None = None
    hrbp_userid: str | None = Field(default=None, max_length=64)
    # Only rows that carry the field change the mentor (a CSV without the column keeps /导师's choice).
    mentor_userid: str | None = Field(default=None, max_length=64)
    birthday: str | None = None
    probation_ends_on: date | None = None
    position: str | None = Field(default=None, max_length=64)
    is_hr: bool = False
    email: str | None = Field(default=None, max_length=128)
    mobile: str | None = Field(default=None, max_length=32)
    left_on: date | None = None
    leave_reason: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank_is_none(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in data.items()}
        return data

    @field_validator("is_hr", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> Any:
        if value is None:
            return False
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in {"1", "true", "yes", "y", "是"}:
                return True
            if lowered in {"0", "false", "no", "n", "否", ""}:
                return False
            raise ValueError("expected true/false, 1/0 or 是/否")
        return value

    @field_validator("hired_on", "probation_ends_on", "left_on", mode="before")
    @classmethod
    def _spreadsheet_date(cls, value: Any) -> Any:
        return date_value(value)  # 2026/9/1, 2026年9月1日, full-width digits

    @field_validator("birthday", mode="before")
    @classmethod
    def _spreadsheet_month_day(cls, value: Any) -> Any:
        return month_day(value)  # 3-5, 03/05, 3月5日; 02-30 and full birth dates rejected

    @field_validator("birthday")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _BIRTHDAY.match(value):
            raise ValueError("expected MM-DD, e.g. 03-15")
        return value

    @field_validator("hired_on", "probation_ends_on", "left_on")
    @classmethod
    def _sane_date(cls, value: date | None) -> date | None:
        if value is not None and not (MIN_DATE <= value <= MAX_DATE):
            raise ValueError(f"date out of range {MIN_DATE}..{MAX_DATE}")
        return value

    @field_validator("leave_reason")
    @classmethod
    def _reason(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # HRIS exports name the kind of leaving in words; the reason itself stays with HR.
        aliases = {
            "主动": "voluntary",
            "主动离职": "voluntary",
            "辞职": "voluntary",
            "个人原因": "voluntary",
            "被动": "involuntary",
            "被动离职": "involuntary",
            "辞退": "involuntary",
            "解除劳动合同": "involuntary",
            "合同到期": "other",
            "其他": "other",
        }
        value = aliases.get(value, value.lower())
        if value not in LEAVE_REASONS:
            raise ValueError(f"expected one of {', '.join(LEAVE_REASONS)}")
        return value


@dataclass
class UpsertStats:
    created: int = 0
    updated: int = 0


def _departments(session: Session, names: set[str]) -> dict[str, int]:
    known = {d.name: d.id for d in session.scalars(select(Department).where(Department.name.in_(names)))}
    for name in sorted(names - known.keys()):
        dept = Department(name=name)
        session.add(dept)
        session.flush()
        known[name] = dept.id
    return known


def upsert_employees(session: Session, rows: Iterable[EmployeeRow], *, source: str = "import") -> UpsertStats:
    """Create or update employees by ``userid``, then link managers and HR business partners.

    Links are resolved after all rows are written, so a manager may appear after their reports.
    A manager or HRBP id that matches nobody is left unlinked rather than failing the import.
    """
    rows = list(rows)
    stats = UpsertStats()
    dept_ids = _departments(session, {r.department for r in rows if r.department})
    existing: dict[str, Employee] = {}
    for chunk in chunked([r.userid for r in rows], IN_CHUNK):
        existing.update((e.userid, e) for e in session.scalars(select(Employee).where(Employee.userid.in_(chunk))))
    for row in rows:
        emp = existing.get(row.userid)
        if emp is None:
            emp = Employee(userid=row.userid, source=source)
            session.add(emp)
            existing[row.userid] = emp
            stats.created += 1
        else:
            stats.updated += 1
        emp.name = row.name
        emp.name_pinyin = name_to_pinyin(row.name)
        emp.department_id = dept_ids.get(row.department) if row.department else None
        emp.hired_on = row.hired_on
        emp.birthday = row.birthday
        emp.probation_ends_on = row.probation_ends_on
        emp.position = row.position
        emp.is_hr = row.is_hr
        emp.email = row.email
        emp.mobile = row.mobile
        emp.left_on = row.left_on
        emp.leave_reason = row.leave_reason
        emp.status = "left" if row.left_on else "active"
    session.flush()
    wanted = {r.manager_userid for r in rows if r.manager_userid} | {r.hrbp_userid for r in rows if r.hrbp_userid}
    wanted |= {r.mentor_userid for r in rows if r.mentor_userid}
    ids = ids_by_userid(session, wanted)
    for row in rows:
        emp = existing[row.userid]
        emp.manager_id = ids.get(row.manager_userid) if row.manager_userid else None
        emp.hrbp_id = ids.get(row.hrbp_userid) if row.hrbp_userid else None
        if "mentor_userid" in row.model_fields_set:
            mentor_id = ids.get(row.mentor_userid) if row.mentor_userid else None
            emp.mentor_id = mentor_id if mentor_id != emp.id else None
    session.flush()
    link_orphans(session)
    return stats


def active_employee(session: Session, userid: str) -> Employee | None:
    """The active employee with ``userid``; ``None`` for strangers and people who have left."""
    emp = session.scalar(select(Employee).where(Employee.userid == userid[:64]))
    return emp if emp is not None and emp.status == "active" else None


def ids_by_userid(session: Session, userids: Iterable[str]) -> dict[str, int]:
    """``{userid: employee id}`` for the known ``userids`` (unknown ones are absent), one query per 5,000."""
    ids: dict[str, int] = {}
    for chunk in chunked(sorted(set(userids)), IN_CHUNK):
        ids.update(session.execute(select(Employee.userid, Employee.id).where(Employee.userid.in_(chunk))).all())
    return ids


def unknown_userids(session: Session, userids: Iterable[str]) -> set[str]:
    """The user ids among ``userids`` that match no employee."""
    wanted = set(userids)
    return wanted - ids_by_userid(session, wanted).keys()


def link_orphans(session: Session) -> None:
    """Attach punches that arrived before their employee existed."""
    ids = select(Employee.id).where(Employee.userid == Punch.userid).scalar_subquery()
    session.execute(
        update(Punch)
        .where(Punch.employee_id.is_(None), Punch.userid.in_(select(Employee.userid)))
        .values(employee_id=ids)
        .execution_options(synchronize_session=False)
    )


def employee_dict(emp: Employee, session: Session) -> dict[str, Any]:
    """The public JSON shape of an employee (``GET /api/v1/employees/<userid>``)."""

    def userid_of(emp_id: int | None) -> str | None:
        return session.scalar(select(Employee.userid).where(Employee.id == emp_id)) if emp_id else None

    dept = session.get(Department, emp.department_id) if emp.department_id else None
    mentor = _mentor_field(emp, session)
    return {
        "userid": emp.userid,
        "name": emp.name,
        "department": dept.name if dept else None,
        "manager_userid": userid_of(emp.manager_id),
        "hrbp_userid": userid_of(emp.hrbp_id),
        "status": emp.status,
        "hired_on": emp.hired_on.isoformat() if emp.hired_on else None,
        "left_on": emp.left_on.isoformat() if emp.left_on else None,
    } | mentor


def _mentor_field(emp: Employee, session: Session) -> dict[str, Any]:
    """``mentor_userid`` only when a mentor is set, so the long-standing shape stays as it was for everyone else."""
    userid = session.scalar(select(Employee.userid).where(Employee.id == emp.mentor_id)) if emp.mentor_id else None
    return {"mentor_userid": userid} if userid else {}


__all__ = [
    "EmployeeRow",
    "UpsertStats",
    "active_employee",
    "employee_dict",
    "ids_by_userid",
    "link_orphans",
    "unknown_userids",
    "upsert_employees",
]
