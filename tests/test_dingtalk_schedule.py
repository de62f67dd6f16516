"""Shift schedules from DingTalk (topapi/attendance/listschedule) → shift_days → facts against the shift."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import responses
from responses import matchers
from sqlalchemy import select

from bot.attendance import facts
from bot.attendance.dingtalk_schedule import shifts_of_day, sync
from bot.attendance.punches import record_punches
from bot.models import AttendanceDay, ShiftDay
from bot.people.directory import EmployeeRow, upsert_employees
from bot.pipeline.events import AttendancePunch
from bot.pipeline.scheduler import registered_jobs
from bot.platforms.dingtalk.client import list_schedules

DT_API = "https://api.dingtalk.test"
DT_OAPI = "https://oapi.dingtalk.test"
URL = f"{DT_OAPI}/topapi/attendance/listschedule"


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {
        "dingtalk": {"app_key": "ak", "app_secret": "as", "agent_id": "1", "api_base": DT_API, "oapi_base": DT_OAPI}
    }


def plan(userid: str, kind: str, at: str) -> dict[str, Any]:
    return {"userid": userid, "check_type": kind, "plan_check_time": at, "class_id": 1, "plan_id": 2}


def day_call(rsps: Any, day: str, offset: int, items: list[dict[str, Any]], more: bool) -> None:
    rsps.post(
        URL,
        json={"errcode": 0, "result": {"has_more": more, "schedules": items}},
        match=[
            matchers.query_param_matcher({"access_token": "dt-token"}),
            matchers.json_params_matcher({"workDate": f"{day} 00:00:00", "offset": offset, "size": 200}),
        ],
    )


def test_shifts_of_day_takes_first_on_and_last_off_duty() -> None:
    items = [
        plan("a", "OnDuty", "2026-11-18 09:00:00"),
        plan("a", "OffDuty", "2026-11-18 12:00:00"),
        plan("a", "OnDuty", "2026-11-18 13:00:00"),
        plan("a", "OffDuty", "2026-11-18 18:00:00"),
        plan("n", "OnDuty", "2026-11-18 22:00:00"),
        plan("n", "OffDuty", "2026-11-19 06:00:00"),
        plan("x", "OnDuty", "not a time"),
    ]
    shifts = shifts_of_day(items, date(2026, 11, 18))
    assert {u: (s.start_min, s.end_min) for u, s in shifts.items()} == {"a": (540, 1080), "n": (1320, 1800)}


def test_sync_pages_through_days_and_measures_against_the_shift(runtime: Any) -> None:
    with runtime.db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="n1", name="夜一"), EmployeeRow(userid="d1", name="日一")])
    client = runtime.platforms["dingtalk"].client
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.post(f"{DT_API}/v1.0/oauth2/accessToken", json={"accessToken": "dt-token", "expireIn": 7200})
        first = [plan("n1", "OnDuty", "2026-11-18 22:00:00")] + [
            plan(f"x{i}", "OnDuty", "2026-11-18 09:00:00") for i in range(199)
        ]
        day_call(rsps, "2026-11-18", 0, first, True)
        day_call(rsps, "2026-11-18", 200, [plan("n1", "OffDuty", "2026-11-19 06:00:00")], False)
        day_call(
            rsps,
            "2026-11-19",
            0,
            [plan("d1", "OnDuty", "2026-11-19 09:00:00"), plan("d1", "OffDuty", "2026-11-19 18:00:00")],
            False,
        )
        written = sync(runtime, lambda day: list_schedules(client, day), date(2026, 11, 18), date(2026, 11, 19))
    assert written == 2
    at = lambda text: datetime.fromisoformat(text + "+08:00").astimezone(UTC)  # noqa: E731
    punches = [
        AttendancePunch("dingtalk", "n1", at("2026-11-18 21:55")),
        AttendancePunch("dingtalk", "n1", at("2026-11-19 06:40")),
    ]
    with runtime.db.session() as s:
        record_punches(s, punches)
        facts.rebuild(s, runtime, date(2026, 11, 17), date(2026, 11, 20))
        rows = {(r.day): r for r in s.scalars(select(AttendanceDay))}
        assert s.scalar(select(ShiftDay.source)) == "dingtalk"
    night = rows[date(2026, 11, 18)]
    assert (night.first_in_min, night.last_out_min, night.overtime_minutes, night.sched_end_min) == (
        1315,
        1840,
        40,
        1800,
    )
    assert date(2026, 11, 19) not in rows  # the 06:40 clock-out is not a lone punch of the next day


def test_schedule_job_is_registered_and_skips_without_dingtalk(runtime: Any) -> None:
    import bot.ops.jobs  # noqa: F401

    job = registered_jobs()["attendance.dingtalk_schedules"]
    runtime.platforms.pop("dingtalk", None)
    job.func(runtime)  # no client, no call, no error
