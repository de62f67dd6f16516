"""Helpers for the journey tests: a small org, the three hire entry paths, and a day-by-day walker."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.core.runtime import Runtime
from bot.intake.directory_sync import apply_org_change
from bot.intake.imports import import_employees
from bot.journeys.dispatch import dispatch
from bot.models import JourneyStep
from bot.people.directory import EmployeeRow, upsert_employees
from bot.pipeline import outbox
from bot.pipeline.events import OrgChange
from tests.fakes import FakePlatform

SH = ZoneInfo("Asia/Shanghai")
TOKEN = "journey-test-token"
HIRED_ON = date(
    2026, 2, 11
)  # a Wednesday before the 2026 Spring Festival (2-15..2-23; 2-14 and 2-28 are 调休 Saturdays)
PROBATION_ENDS = date(2026, 5, 11)  # after Labor Day (5-1..5-5; 5-9 is a 调休 Saturday)
SETTINGS: dict[str, dict[str, Any]] = {
    "onboarding": {"admin_userids": ["admin1"], "it_userids": ["it1"]},
    "api": {"tokens": [TOKEN]},
}
NEWBIE = {
    "userid": "newbie",
    "name": "林新",
    "department": "销售部",
    "manager_userid": "mgr",
    "hrbp_userid": "hr1",
    "hired_on": HIRED_ON.isoformat(),
    "probation_ends_on": PROBATION_ENDS.isoformat(),
    "position": "销售代表",
}


def at(day: date, hh: int = 10, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=SH).astimezone(UTC)


def workday_shift(anchor: date, n: int) -> date:
    """An independent count of workdays on chinese_calendar (not the product's WorkCalendar)."""
    day, step, left = anchor, (1 if n >= 0 else -1), abs(n)
    while left:
        day += timedelta(days=step)
        left -= chinese_calendar.is_workday(day)
    return day


def make_staff(runtime: Runtime) -> None:
    """HR, a manager, a would-be mentor, admin and IT (long-standing staff: no journeys)."""
    rows = [
        EmployeeRow(userid="hr1", name="王芳", department="人力资源部", hired_on=date(2020, 1, 6), is_hr=True),
        EmployeeRow(userid="mgr", name="李强", department="销售部", hired_on=date(2019, 3, 1), hrbp_userid="hr1"),
        EmployeeRow(
            userid="mentor1", name="周杰", department="销售部", manager_userid="mgr", hired_on=date(2021, 5, 6)
        ),
        EmployeeRow(userid="admin1", name="陈静", department="行政部", hired_on=date(2018, 7, 2)),
        EmployeeRow(userid="it1", name="赵磊", department="信息部", hired_on=date(2018, 7, 2)),
    ]
    with runtime.db.session() as s:
        upsert_employees(s, rows)


def hire_by_import(runtime: Runtime, client: Any, tmp_path: Path, row: dict[str, str] | None = None) -> None:
    row = row or NEWBIE
    path = tmp_path / f"hire-{uuid.uuid4().hex[:6]}.csv"
    header = list(row)
    path.write_text(",".join(header) + "\n" + ",".join(row[h] for h in header) + "\n", encoding="utf-8")
    with runtime.db.session() as s:
        report = import_employees(s, runtime, path)
    assert report.ok, [e.text("en") for e in report.errors]


def hire_by_api(runtime: Runtime, client: Any, tmp_path: Path, row: dict[str, str] | None = None) -> None:
    row = row or NEWBIE
    resp = client.put(f"/api/v1/employees/{row['userid']}", json=row, headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code in (200, 201), resp.get_json()


@dataclass
class FakeDirectory:
    """The platform user API as directory sync sees it (DingTalk ``topapi/v2/user/get`` shape)."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get_user(self, userid: str, *, dept_names: bool = True) -> dict[str, Any]:
        return self.users[userid]


@dataclass
class DirectoryPlatform(FakePlatform):
    client: FakeDirectory = field(default_factory=FakeDirectory)


def hire_by_platform(runtime: Runtime, client: Any, tmp_path: Path, row: dict[str, str] | None = None) -> None:
    """A DingTalk ``user_add_org`` event; the user API says when the person starts."""
    row = row or NEWBIE
    platform = runtime.platforms.get("dingtalk")
    if not isinstance(platform, DirectoryPlatform):
        platform = runtime.platforms["dingtalk"] = DirectoryPlatform(name="dingtalk")
    platform.client.users[row["userid"]] = {
        "name": row["name"],
        "dept_names": [row["department"]],
        "manager_userid": row["manager_userid"],
        "hired_date": row["hired_on"],
        "title": row.get("position"),
    }
    change = OrgChange(platform="dingtalk", change="add", userids=(row["userid"],), occurred_at=runtime.clock.now())
    with runtime.db.session() as s:
        apply_org_change(s, runtime, change)
        # HR completes what the platform does not know (HRBP, probation) as it would in the HRIS import.
        from bot.models import Employee

        emp = s.scalar(select(Employee).where(Employee.userid == row["userid"]))
        assert emp is not None
        hr = s.scalar(select(Employee).where(Employee.userid == row["hrbp_userid"]))
        emp.hrbp_id = hr.id if hr else None
        emp.probation_ends_on = date.fromisoformat(row["probation_ends_on"])


ENTRY_PATHS = {"import": hire_by_import, "api": hire_by_api, "platform": hire_by_platform}


@dataclass(frozen=True)
class Delivery:
    day: date
    userid: str
    kind: str
    step_key: str | None
    card_id: str | None
    text: str


def step_key_of(runtime: Runtime, card_id: str | None) -> str | None:
    if not card_id or not card_id.startswith("jstep"):
        return None
    step_id = int(card_id[5:].split("-")[0])
    with runtime.db.session() as s:
        return s.scalar(select(JourneyStep.step_key).where(JourneyStep.id == step_id))


def run_day(runtime: Runtime, clock: FixedClock, fake: FakePlatform, day: date, hh: int = 10) -> list[Delivery]:
    """Dispatch and deliver on ``day`` at ``hh``:00; what the platform was asked to send."""
    clock.set(at(day, hh))
    before = len(fake.sent)
    dispatch(runtime)
    outbox.drain(runtime)
    out = []
    for sent in fake.sent[before:]:
        if sent.kind == "card_update":
            continue  # the settled cards of yesterday's text commands, not new messages
        card = sent.body.get("card")
        text = (card.title + "\n" + card.markdown) if card is not None else str(sent.body.get("text", ""))
        card_id = card.card_id if card is not None else None
        out.append(Delivery(day, sent.userid, sent.kind, step_key_of(runtime, card_id), card_id, text))
    return out
