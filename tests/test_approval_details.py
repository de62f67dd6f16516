"""Approval events carry no dates: the interval comes from the platform (responses-mocked)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
import responses
from responses import matchers
from sqlalchemy import select

from bot.models import Approval, AttendanceDay
from bot.people.directory import EmployeeRow, upsert_employees
from bot.pipeline.dispatch import Context, dispatch
from bot.pipeline.events import ApprovalChange

DT_API = "https://api.dingtalk.test"
DT_OAPI = "https://oapi.dingtalk.test"
WC_API = "https://qyapi.wecom.test"


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {
        "dingtalk": {"app_key": "ak", "app_secret": "as", "agent_id": "1", "api_base": DT_API, "oapi_base": DT_OAPI},
        "wecom": {"corp_id": "ww1", "secret": "ws", "agent_id": "1000002", "api_base": WC_API},
    }


@pytest.fixture
def mocked() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture
def person(db: Any) -> None:
    with db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="p1", name="请假人")])


def ts(local: str) -> int:
    return int(datetime.fromisoformat(local + "+08:00").timestamp())


def handle(runtime: Any, change: ApprovalChange) -> None:
    with runtime.db.session() as s:
        dispatch(change, Context(runtime=runtime, session=s))


def days(db: Any) -> dict[date, AttendanceDay]:
    with db.session() as s:
        return {d.day: d for d in s.scalars(select(AttendanceDay))}


def test_wecom_leave_gets_its_dates_from_the_approval_detail(runtime: Any, mocked: Any, person: None) -> None:
    mocked.get(f"{WC_API}/cgi-bin/gettoken", json={"errcode": 0, "access_token": "wc", "expires_in": 7200})
    detail = {
        "errcode": 0,
        "info": {
            "sp_no": "202611180001",
            "apply_data": {
                "contents": [
                    {"control": "Text", "value": {"text": "家里有事"}},
                    {
                        "control": "Vacation",
                        "value": {
                            "vacation": {
                                "attendance": {
                                    "date_range": {
                                        "type": "halfday",
                                        "new_begin": ts("2026-11-18 09:00"),
                                        "new_end": ts("2026-11-19 18:00"),
                                        "new_duration": 2 * 86400,
                                    },
                                    "type": 1,
                                }
                            }
                        },
                    },
                ]
            },
        },
    }
    mocked.post(
        f"{WC_API}/cgi-bin/oa/getapprovaldetail",
        json=detail,
        match=[matchers.json_params_matcher({"sp_no": "202611180001"})],
    )
    handle(runtime, ApprovalChange("wecom", "p1", "leave", "approved", "202611180001"))
    got = days(runtime.db)
    assert set(got) == {date(2026, 11, 18), date(2026, 11, 19)}
    assert all(d.on_leave and d.leave_kind == "leave" for d in got.values())


def test_wecom_pending_calls_nothing(runtime: Any, person: None) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False):  # any call would fail: none is mocked
        handle(runtime, ApprovalChange("wecom", "p1", "leave", "pending", "sp-9"))
    with runtime.db.session() as s:
        assert s.scalar(select(Approval.status)) == "pending"


def leave_status(rsps: Any, intervals: list[tuple[str, str]]) -> None:
    rsps.post(
        f"{DT_OAPI}/topapi/attendance/getleavestatus",
        json={
            "errcode": 0,
            "result": {
                "has_more": False,
                "leave_status": [
                    {
                        "userid": "p1",
                        "start_time": ts(a) * 1000,
                        "end_time": ts(b) * 1000,
                        "duration_unit": "percent_day",
                        "duration_percent": 100,
                    }
                    for a, b in intervals
                ],
            },
        },
        match=[matchers.query_param_matcher({"access_token": "dt"})],
    )


def test_dingtalk_leave_syncs_the_persons_leave_intervals(runtime: Any, mocked: Any, person: None) -> None:
    mocked.post(f"{DT_API}/v1.0/oauth2/accessToken", json={"accessToken": "dt", "expireIn": 7200})
    leave_status(mocked, [("2026-11-18 09:00", "2026-11-18 18:00"), ("2026-11-25 09:00", "2026-11-26 18:00")])
    handle(runtime, ApprovalChange("dingtalk", "p1", "leave", "approved", "proc-1"))
    assert set(days(runtime.db)) == {date(2026, 11, 18), date(2026, 11, 25), date(2026, 11, 26)}
    # The later leave is revoked: DingTalk lists only the first one now.
    leave_status(mocked, [("2026-11-18 09:00", "2026-11-18 18:00")])
    handle(runtime, ApprovalChange("dingtalk", "p1", "leave", "revoked", "proc-2"))
    assert set(days(runtime.db)) == {date(2026, 11, 18)}


def test_dingtalk_trip_reads_the_form(runtime: Any, mocked: Any, person: None) -> None:
    mocked.post(f"{DT_API}/v1.0/oauth2/accessToken", json={"accessToken": "dt", "expireIn": 7200})
    form = [
        {"name": "出差事由", "value": "拜访客户"},
        {"name": "行程", "value": json.dumps(["2026-11-18", "2026-11-19", "2", "day"])},
    ]
    mocked.post(
        f"{DT_OAPI}/topapi/processinstance/get",
        json={"errcode": 0, "process_instance": {"form_component_values": form}},
        match=[matchers.json_params_matcher({"process_instance_id": "proc-trip"})],
    )
    handle(runtime, ApprovalChange("dingtalk", "p1", "trip", "approved", "proc-trip"))
    got = days(runtime.db)
    assert set(got) == {date(2026, 11, 18), date(2026, 11, 19)}
    assert {d.leave_kind for d in got.values()} == {"trip"}


def test_permission_errors_record_the_event_without_dates(runtime: Any, mocked: Any, person: None) -> None:
    mocked.post(f"{DT_API}/v1.0/oauth2/accessToken", json={"accessToken": "dt", "expireIn": 7200})
    mocked.post(f"{DT_OAPI}/topapi/processinstance/get", json={"errcode": 88, "errmsg": "no permission"})
    handle(runtime, ApprovalChange("dingtalk", "p1", "goout", "approved", "proc-x"))
    with runtime.db.session() as s:
        row = s.scalar(select(Approval))
    assert row is not None and row.starts_at is None and days(runtime.db) == {}


@pytest.mark.parametrize("settings_overrides", [{}])
def test_without_clients_nothing_breaks(runtime: Any, person: None) -> None:
    handle(runtime, ApprovalChange("dingtalk", "p1", "leave", "approved", "proc-1"))
    with runtime.db.session() as s:
        assert s.scalar(select(Approval.source_key)) == "proc-1"
