"""GET /api/v1/employees/<userid>/attendance: every day of the range, local HH:MM, audit-logged."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.attendance import facts
from bot.attendance.approvals import record_approval_touching
from bot.attendance.punches import record_punches
from bot.models import AuditLog
from bot.people.directory import EmployeeRow, upsert_employees
from bot.pipeline.events import ApprovalChange, AttendancePunch

TZ = ZoneInfo("Asia/Shanghai")
AUTH = {"Authorization": "Bearer t0ken"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": ["t0ken"]}}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def zhang(runtime: Any) -> None:
    shift = facts.shift_of(runtime)
    with runtime.db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="zhang", name="张三")])
        punches = [
            AttendancePunch("dingtalk", "zhang", at(t))
            for t in ("2026-10-09 09:12", "2026-10-09 21:40", "2026-10-10 08:55", "2026-10-11 01:30")
        ]
        touched = record_punches(s, punches, day_of=shift.shift_day)
        leave = ApprovalChange(
            "dingtalk",
            "zhang",
            "leave",
            "approved",
            "lv-1",
            starts_at=at("2026-10-12 09:00"),
            ends_at=at("2026-10-12 18:00"),
        )
        touched |= record_approval_touching(s, leave, shift)[1]
        facts.recompute(s, runtime, touched)


def test_days_of_the_range(client: Any, zhang: None, db: Any) -> None:
    resp = client.get("/api/v1/employees/zhang/attendance?from=2026-10-07&to=2026-10-12", headers=AUTH)
    assert resp.status_code == 200
    days = {d["date"]: d for d in resp.json["days"]}
    assert list(days) == [f"2026-10-{d:02d}" for d in range(7, 13)]
    assert days["2026-10-07"] == {
        "date": "2026-10-07",
        "kind": "holiday",
        "on_leave": False,
        "first_in": None,
        "last_out": None,
        "worked_minutes": 0,
        "late_minutes": 0,
        "overtime_minutes": 0,
    }
    assert days["2026-10-09"]["first_in"] == "09:12"
    assert days["2026-10-09"]["last_out"] == "21:40"
    assert days["2026-10-09"]["late_minutes"] == 12
    assert days["2026-10-09"]["overtime_minutes"] == 220
    # The 调休 Saturday is a workday; leaving at 01:30 belongs to it.
    assert days["2026-10-10"]["kind"] == "workday"
    assert days["2026-10-10"]["last_out"] == "01:30"
    assert days["2026-10-11"]["kind"] == "restday" and days["2026-10-11"]["first_in"] is None
    assert days["2026-10-12"]["on_leave"] is True
    with db.session() as s:
        row = s.scalar(select(AuditLog).where(AuditLog.action == "api.attendance.get"))
    assert row is not None and row.subject_userid == "zhang" and row.channel == "api"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-10-32&to=2026-11-01", "from"),
        ("from=2026-11-01&to=yesterday", "to"),
        ("from=2026-11-10&to=2026-11-01", "from"),
        ("from=2024-01-01&to=2026-11-01", "to"),
        ("from=1800-01-01&to=2026-11-01", "from"),
    ],
)
def test_bad_ranges_are_422(client: Any, zhang: None, query: str, field: str) -> None:
    resp = client.get(f"/api/v1/employees/zhang/attendance?{query}", headers=AUTH)
    assert resp.status_code == 422
    assert field in resp.json["fields"]


def test_unknown_employee_and_default_range(client: Any, zhang: None) -> None:
    assert client.get("/api/v1/employees/nobody/attendance", headers=AUTH).status_code == 404
    resp = client.get("/api/v1/employees/zhang/attendance", headers=AUTH)
    assert resp.status_code == 200
    assert len(resp.json["days"]) == 30
    assert resp.json["days"][-1]["date"] == "2026-11-23"  # the test clock's today


def test_2027_without_calendar_data(client: Any, zhang: None) -> None:
    resp = client.get("/api/v1/employees/zhang/attendance?from=2027-02-05&to=2027-02-08", headers=AUTH)
    assert resp.status_code == 200
    assert [d["kind"] for d in resp.json["days"]] == ["workday", "restday", "restday", "workday"]
