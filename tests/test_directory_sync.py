"""Org events → platform user APIs (responses-mocked) → employees; leaves with reason and date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import responses
from responses import matchers
from sqlalchemy import select

from bot.attendance.punches import record_punches
from bot.intake.directory_sync import apply_org_change, reason_category
from bot.models import AttendanceDay, Department, Employee
from bot.people.directory import EmployeeRow, upsert_employees
from bot.pipeline.dispatch import Context, dispatch
from bot.pipeline.events import AttendancePunch, OrgChange

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


def dingtalk_token(rsps: Any) -> None:
    rsps.post(
        f"{DT_API}/v1.0/oauth2/accessToken",
        json={"accessToken": "dt-token", "expireIn": 7200},
        match=[matchers.json_params_matcher({"appKey": "ak", "appSecret": "as"})],
    )


def dingtalk_user(rsps: Any, userid: str, result: dict[str, Any], errcode: int = 0) -> None:
    rsps.post(
        f"{DT_OAPI}/topapi/v2/user/get",
        json={"errcode": errcode, "errmsg": "ok" if not errcode else "找不到该用户", "result": result},
        match=[
            matchers.json_params_matcher({"userid": userid, "language": "zh_CN"}),
            matchers.query_param_matcher({"access_token": "dt-token"}),
        ],
    )


def dingtalk_dept(rsps: Any, dept_id: int, name: str) -> None:
    rsps.post(
        f"{DT_OAPI}/topapi/v2/department/get",
        json={"errcode": 0, "result": {"dept_id": dept_id, "name": name}},
        match=[matchers.json_params_matcher({"dept_id": dept_id})],
    )


def people(db: Any) -> dict[str, Employee]:
    with db.session() as s:
        return {e.userid: e for e in s.scalars(select(Employee))}


def run(runtime: Any, change: OrgChange) -> None:
    with runtime.db.session() as s:
        dispatch(change, Context(runtime=runtime, session=s))


def test_dingtalk_hire_fetches_details(runtime: Any, mocked: Any) -> None:
    with runtime.db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="boss", name="王经理", department="电销一部")])
    dingtalk_token(mocked)
    hired_ms = int(datetime(2026, 11, 16, tzinfo=UTC).timestamp() * 1000) - 8 * 3600 * 1000  # local midnight
    dingtalk_user(
        mocked,
        "new1",
        {
            "userid": "new1",
            "name": "陈新",
            "dept_id_list": [42],
            "manager_userid": "boss",
            "hired_date": hired_ms,
            "title": "销售专员",
            "mobile": "13800000000",
        },
    )
    dingtalk_dept(mocked, 42, "电销一部")
    run(runtime, OrgChange("dingtalk", "add", ("new1",), occurred_at=datetime(2026, 11, 16, 2, 0, tzinfo=UTC)))
    staff = people(runtime.db)
    new = staff["new1"]
    assert (new.name, new.position, new.status, new.source) == ("陈新", "销售专员", "active", "dingtalk")
    assert new.hired_on == date(2026, 11, 16)
    assert new.manager_id == staff["boss"].id
    assert new.mobile is None  # contact data is not copied from the platform
    with runtime.db.session() as s:
        assert s.scalar(select(Department.name).where(Department.id == new.department_id)) == "电销一部"


def test_modify_keeps_what_only_hr_knows(runtime: Any, mocked: Any) -> None:
    with runtime.db.session() as s:
        upsert_employees(
            s,
            [
                EmployeeRow(userid="hr1", name="赵HR", is_hr=True),
                EmployeeRow(
                    userid="e1",
                    name="张三",
                    department="电销一部",
                    hrbp_userid="hr1",
                    birthday="03-15",
                    hired_on=date(2025, 3, 1),
                    email="zs@example.com",
                ),
            ],
        )
    dingtalk_token(mocked)
    dingtalk_user(mocked, "e1", {"userid": "e1", "name": "张三丰", "dept_id_list": [7], "title": "组长"})
    dingtalk_dept(mocked, 7, "电销二部")
    run(runtime, OrgChange("dingtalk", "modify", ("e1",)))
    e1 = people(runtime.db)["e1"]
    assert (e1.name, e1.position, e1.birthday, e1.email) == ("张三丰", "组长", "03-15", "zs@example.com")
    assert e1.hired_on == date(2025, 3, 1) and e1.hrbp_id == people(runtime.db)["hr1"].id
    assert e1.name_pinyin == "zhang san feng"


@pytest.mark.parametrize(
    ("detail", "reason"),
    [({}, None), ({"reason": "主动离职"}, "voluntary"), ({"leave_reason": "被动离职（辞退）"}, "involuntary")],
)
def test_leave_sets_status_date_and_reason(runtime: Any, detail: dict[str, Any], reason: str | None) -> None:
    with runtime.db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="e1", name="张三")])
    # 2026-11-20 23:30 in Shanghai: the leave date is the local date.
    change = OrgChange(
        "dingtalk", "leave", ("e1", "ghost"), occurred_at=datetime(2026, 11, 20, 15, 30, tzinfo=UTC), detail=detail
    )
    with runtime.db.session() as s:
        result = apply_org_change(s, runtime, change)
    assert (result.left, result.skipped) == (1, 1)
    e1 = people(runtime.db)["e1"]
    assert (e1.status, e1.left_on, e1.leave_reason) == ("left", date(2026, 11, 20), reason)
    with runtime.db.session() as s:  # a replayed leave a day later keeps the first date
        later = OrgChange("dingtalk", "leave", ("e1",), occurred_at=datetime(2026, 11, 21, 3, 0, tzinfo=UTC))
        apply_org_change(s, runtime, later)
    assert people(runtime.db)["e1"].left_on == date(2026, 11, 20)


def test_wecom_create_update_with_new_userid_and_delete(runtime: Any, mocked: Any) -> None:
    mocked.get(
        f"{WC_API}/cgi-bin/gettoken",
        json={"errcode": 0, "access_token": "wc-token", "expires_in": 7200},
        match=[matchers.query_param_matcher({"corpid": "ww1", "corpsecret": "ws"})],
    )
    mocked.get(
        f"{WC_API}/cgi-bin/user/get",
        json={"errcode": 0, "userid": "li.si", "name": "李四", "department": [3], "position": "客服专员", "status": 1},
        match=[matchers.query_param_matcher({"userid": "li.si", "access_token": "wc-token"})],
    )
    mocked.get(
        f"{WC_API}/cgi-bin/department/get",
        json={"errcode": 0, "department": {"id": 3, "name": "客户服务部"}},
        match=[matchers.query_param_matcher({"id": "3", "access_token": "wc-token"})],
    )
    mocked.get(
        f"{WC_API}/cgi-bin/user/get",
        json={"errcode": 0, "userid": "lisi", "name": "李四", "department": [3], "position": "客服组长", "status": 1},
        match=[matchers.query_param_matcher({"userid": "lisi", "access_token": "wc-token"})],
    )
    at = datetime(2026, 11, 18, 1, 0, tzinfo=UTC)
    run(runtime, OrgChange("wecom", "add", ("li.si",), occurred_at=at))
    first = people(runtime.db)["li.si"]
    assert first.hired_on == date(2026, 11, 18)  # WeCom keeps no hire date: the day they joined the directory
    with runtime.db.session() as s:
        record_punches(s, [AttendancePunch("wecom", "li.si", at)])
    run(runtime, OrgChange("wecom", "modify", ("li.si",), detail={"NewUserID": "lisi"}))
    staff = people(runtime.db)
    assert "li.si" not in staff and staff["lisi"].id == first.id and staff["lisi"].position == "客服组长"
    assert staff["lisi"].hired_on == date(2026, 11, 18)
    run(runtime, OrgChange("wecom", "leave", ("lisi",), occurred_at=at))
    assert people(runtime.db)["lisi"].status == "left"


def test_user_gone_is_skipped_other_errors_raise(runtime: Any, mocked: Any) -> None:
    dingtalk_token(mocked)
    dingtalk_user(mocked, "gone", {}, errcode=60121)
    with runtime.db.session() as s:
        result = apply_org_change(s, runtime, OrgChange("dingtalk", "modify", ("gone",)))
    assert result.skipped == 1 and people(runtime.db) == {}


def test_rehire_reactivates(runtime: Any, mocked: Any) -> None:
    with runtime.db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="e1", name="张三", left_on=date(2026, 5, 1), leave_reason="voluntary")])
    dingtalk_token(mocked)
    dingtalk_user(mocked, "e1", {"userid": "e1", "name": "张三", "dept_id_list": []})
    run(runtime, OrgChange("dingtalk", "add", ("e1",), occurred_at=datetime(2026, 11, 2, 2, 0, tzinfo=UTC)))
    e1 = people(runtime.db)["e1"]
    assert (e1.status, e1.left_on, e1.leave_reason) == ("active", None, None)


def test_punches_before_the_hire_event_get_facts(runtime: Any, mocked: Any) -> None:
    with runtime.db.session() as s:
        record_punches(
            s,
            [
                AttendancePunch("dingtalk", "new2", datetime(2026, 11, 18, 1, 10, tzinfo=UTC)),
                AttendancePunch("dingtalk", "new2", datetime(2026, 11, 18, 11, 0, tzinfo=UTC)),
            ],
        )
    dingtalk_token(mocked)
    dingtalk_user(mocked, "new2", {"userid": "new2", "name": "周新"})
    run(runtime, OrgChange("dingtalk", "add", ("new2",)))
    with runtime.db.session() as s:
        day = s.scalar(select(AttendanceDay))
    assert day is not None and (day.late_minutes, day.overtime_minutes) == (10, 60)


@pytest.mark.parametrize("settings_overrides", [{}])
def test_without_a_configured_client_nothing_is_called(runtime: Any) -> None:
    with runtime.db.session() as s:
        result = apply_org_change(s, runtime, OrgChange("dingtalk", "add", ("x",)))
    assert result.skipped == 1


def test_reason_category() -> None:
    assert reason_category({"reason": "Resigned"}) == "voluntary"
    assert reason_category({"reasonType": "非主动离职"}) == "involuntary"
    assert reason_category({"reason": "合同到期"}) is None
