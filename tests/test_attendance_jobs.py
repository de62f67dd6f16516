"""Scheduled attendance work: WeCom check-in pull (resumable, ≤100 users × ≤30 days, paced),
DingTalk failed callbacks through the inbox, and the nightly facts catch-up."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import responses
from responses import matchers
from sqlalchemy import func, select

from bot.attendance import cursors
from bot.attendance.catchup import catch_up
from bot.attendance.dingtalk_failed import pull_failed_callbacks, to_payload
from bot.attendance.pacing import CallPacer
from bot.attendance.punches import record_punches
from bot.attendance.wecom_pull import CURSOR, pull_checkins, to_punch
from bot.core.errors import PlatformAPIError
from bot.models import AttendanceDay, Employee, InboundEvent, Punch
from bot.people.directory import EmployeeRow, upsert_employees
from bot.pipeline import inbox
from bot.pipeline.events import AttendancePunch
from bot.pipeline.scheduler import registered_jobs
from bot.platforms.dingtalk.inbound import event_key, event_type_of

WC_API = "https://qyapi.wecom.test"
DT_API = "https://api.dingtalk.test"
DT_OAPI = "https://oapi.dingtalk.test"
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # the conftest clock: 14:00 in Shanghai


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {
        "wecom": {"corp_id": "ww1", "secret": "ws", "agent_id": "1000002", "api_base": WC_API},
        "dingtalk": {"app_key": "ak", "app_secret": "as", "agent_id": "1", "api_base": DT_API, "oapi_base": DT_OAPI},
    }


@pytest.fixture
def mocked() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


class NoSleep:
    """A pacer clock that records sleeps instead of sleeping."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def pacer(limit: int = 600) -> CallPacer:
    fake = NoSleep()
    return CallPacer(limit, monotonic=fake.monotonic, sleep=fake.sleep)


def staff(db: Any, n: int) -> list[str]:
    ids = [f"wc{i:04d}" for i in range(n)]
    with db.session() as s:
        upsert_employees(s, [EmployeeRow(userid=u, name=f"员工{u}") for u in ids])
    return ids


def wecom_token(rsps: Any) -> None:
    rsps.get(f"{WC_API}/cgi-bin/gettoken", json={"errcode": 0, "access_token": "wc-token", "expires_in": 7200})


def checkin_call(rsps: Any, users: list[str], start: datetime, end: datetime, records: list[dict[str, Any]]) -> None:
    body = {
        "opencheckindatatype": 3,
        "starttime": int(start.timestamp()),
        "endtime": int(end.timestamp()),
        "useridlist": users,
    }
    rsps.post(
        f"{WC_API}/cgi-bin/checkin/getcheckindata",
        json={"errcode": 0, "errmsg": "ok", "checkindata": records},
        match=[matchers.json_params_matcher(body), matchers.query_param_matcher({"access_token": "wc-token"})],
    )


def record(userid: str, local: str, kind: str = "上班打卡", exception: str = "") -> dict[str, Any]:
    at = datetime.fromisoformat(local + "+08:00")
    return {"userid": userid, "checkin_type": kind, "exception_type": exception, "checkin_time": int(at.timestamp())}


def client(runtime: Any, platform: str) -> Any:
    return runtime.platforms[platform].client


def test_wecom_pull_resumes_from_the_cursor(runtime: Any, mocked: Any) -> None:
    users = staff(runtime.db, 150)
    start, end = NOW - timedelta(days=7), NOW
    wecom_token(mocked)
    checkin_call(
        mocked,
        users[:100],
        start,
        end,
        [
            record("wc0001", "2026-11-20 09:12"),
            record("wc0001", "2026-11-20 21:45", "下班打卡"),
            record("wc0002", "2026-11-20 18:00", "下班打卡", exception="未打卡"),
        ],
    )
    first = pull_checkins(runtime, client(runtime, "wecom"), pacer=pacer(), max_calls=1)
    assert (first.calls, first.punches, first.finished) == (1, 2, False)
    with runtime.db.session() as s:
        assert cursors.load(s, CURSOR)["after_userid"] == users[99]
        day = s.scalar(select(AttendanceDay))
    assert day is not None and (day.day, day.late_minutes, day.last_out_min) == (date(2026, 11, 20), 12, 1305)
    # The second run starts after the last user done, in the same window.
    checkin_call(mocked, users[100:], start, end, [record("wc0120", "2026-11-21 10:00", "外出打卡")])
    second = pull_checkins(runtime, client(runtime, "wecom"), pacer=pacer())
    assert (second.calls, second.finished) == (1, True)
    with runtime.db.session() as s:
        assert cursors.load(s, CURSOR) == {"done_until": int(end.timestamp()), "window_start": None}
        assert s.scalar(select(Punch.check_type).where(Punch.userid == "wc0120")) == "out"
        assert s.scalar(select(func.count()).select_from(Punch)) == 3


def test_wecom_pull_stops_on_error_and_resumes(runtime: Any, mocked: Any) -> None:
    users = staff(runtime.db, 120)
    start, end = NOW - timedelta(days=7), NOW
    wecom_token(mocked)
    checkin_call(mocked, users[:100], start, end, [record("wc0003", "2026-11-19 09:00")])
    mocked.post(f"{WC_API}/cgi-bin/checkin/getcheckindata", json={"errcode": 45009, "errmsg": "api freq out of limit"})
    with pytest.raises(PlatformAPIError):
        pull_checkins(runtime, client(runtime, "wecom"), pacer=pacer())
    with runtime.db.session() as s:
        assert cursors.load(s, CURSOR)["after_userid"] == users[99]  # the first call's punches are kept
        assert s.scalar(select(func.count()).select_from(Punch)) == 1
    checkin_call(mocked, users[100:], start, end, [])
    assert pull_checkins(runtime, client(runtime, "wecom"), pacer=pacer()).finished


@pytest.mark.parametrize(
    "settings_overrides",
    [
        {
            "wecom": {"corp_id": "ww1", "secret": "ws", "agent_id": "1", "api_base": WC_API},
            "sync": {"wecom_checkin_backfill_days": 45},
        }
    ],
)
def test_wecom_windows_are_at_most_30_days_and_overlap(runtime: Any, mocked: Any) -> None:
    users = staff(runtime.db, 3)
    start = NOW - timedelta(days=45)
    mid = start + timedelta(days=30) - timedelta(seconds=1)
    wecom_token(mocked)
    checkin_call(mocked, users, start, mid, [])
    checkin_call(mocked, users, mid - timedelta(hours=1), NOW, [])
    stats = pull_checkins(runtime, client(runtime, "wecom"), pacer=pacer())
    assert (stats.calls, stats.windows_done, stats.finished) == (2, 2, True)
    # The next run starts an hour before the last window ended (late uploads), up to now.
    runtime.clock.advance(minutes=15)
    checkin_call(mocked, users, NOW - timedelta(hours=1), NOW + timedelta(minutes=15), [])
    assert pull_checkins(runtime, client(runtime, "wecom"), pacer=pacer()).calls == 1


def test_left_employees_are_pulled_until_they_left(runtime: Any, mocked: Any) -> None:
    with runtime.db.session() as s:
        upsert_employees(
            s,
            [
                EmployeeRow(userid="stay", name="在职"),
                EmployeeRow(userid="left-recently", name="刚离职", left_on=date(2026, 11, 20)),
                EmployeeRow(userid="left-long-ago", name="早离职", left_on=date(2026, 1, 20)),
            ],
        )
    wecom_token(mocked)
    checkin_call(mocked, ["left-recently", "stay"], NOW - timedelta(days=7), NOW, [])
    assert pull_checkins(runtime, client(runtime, "wecom"), pacer=pacer()).calls == 1


def test_pacer_waits_instead_of_exceeding_the_limit() -> None:
    fake = NoSleep()
    p = CallPacer(3, 60, monotonic=fake.monotonic, sleep=fake.sleep)
    for _ in range(3):
        p.wait()
    assert fake.slept == []
    fake.now += 10
    p.wait()
    assert fake.slept == [50]
    p.wait()
    p.wait()
    assert len(fake.slept) == 1  # the two other early calls have aged out by now


def test_to_punch() -> None:
    assert to_punch(record("u", "2026-11-20 09:00", exception="未打卡")) is None
    assert to_punch({"userid": "u"}) is None
    punch = to_punch(record("u", "2026-11-20 18:02", "下班打卡", exception="地点异常"))
    assert punch is not None and punch.check_type == "off" and punch.platform == "wecom"


# -- DingTalk failed callbacks --------------------------------------------------------------------
def dingtalk_token(rsps: Any) -> None:
    rsps.post(f"{DT_API}/v1.0/oauth2/accessToken", json={"accessToken": "dt-token", "expireIn": 7200})


def ms(local: str) -> int:
    return int(datetime.fromisoformat(local + "+08:00").timestamp() * 1000)


def test_failed_callbacks_go_through_the_inbox_and_dedupe(runtime: Any, mocked: Any) -> None:
    with runtime.db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="dt1", name="钉一"), EmployeeRow(userid="dt2", name="钉二")])
    punch_in = {"userId": "dt1", "checkTime": ms("2026-11-20 09:05"), "bizId": "biz-in"}
    punch_out = {"userId": "dt1", "checkTime": ms("2026-11-20 22:10"), "bizId": "biz-out"}
    live = {"EventType": "attendance_check_record", "DataList": [punch_in]}
    with runtime.db.session() as s:  # this one did arrive live before
        event_id, _ = inbox.store(s, "dingtalk", event_key(live), event_type_of(live), live)
    inbox.process(runtime, event_id)
    dingtalk_token(mocked)
    page1 = {
        "errcode": 0,
        "has_more": True,
        "failed_list": [
            {
                "call_back_tag": "attendance_check_record",
                "event_time": 1,
                "attendance_check_record": {"DataList": [punch_in]},
            },
            {
                "call_back_tag": "attendance_check_record",
                "event_time": 2,
                "attendance_check_record": {"dataList": [punch_out]},
            },
        ],
    }
    page2 = {
        "errcode": 0,
        "has_more": False,
        "failed_list": [
            {
                "call_back_tag": "user_leave_org",
                "event_time": 3,
                "user_leave_org": json.dumps({"UserId": ["dt2"], "TimeStamp": ms("2026-11-21 10:00")}),
            },
            {"event_time": 4},
        ],
    }
    for page in (page1, page2):
        mocked.get(
            f"{DT_OAPI}/call_back/get_call_back_failed_result",
            json=page,
            match=[matchers.query_param_matcher({"access_token": "dt-token"})],
        )
    stats = pull_failed_callbacks(runtime, client(runtime, "dingtalk"))
    assert (stats.fetched, stats.stored, stats.replays, stats.malformed) == (4, 2, 1, 1)
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Punch)) == 2
        assert s.scalar(select(func.count()).select_from(InboundEvent)) == 3
        day = s.scalar(select(AttendanceDay))
        dt2 = s.scalar(select(Employee).where(Employee.userid == "dt2"))
    assert day is not None and (day.first_in_min, day.last_out_min, day.late_minutes) == (545, 1330, 5)
    assert dt2 is not None and (dt2.status, dt2.left_on) == ("left", date(2026, 11, 21))


def test_to_payload() -> None:
    assert to_payload({"event_time": 1}) is None
    assert to_payload({"call_back_tag": "user_add_org", "user_add_org": "not json"}) == {"EventType": "user_add_org"}


# -- nightly catch-up and registration -------------------------------------------------------------
def test_catch_up_recent_days_and_days_touched_since_last_run(runtime: Any) -> None:
    with runtime.db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="e1", name="张三")])
        record_punches(s, [AttendancePunch("dingtalk", "e1", datetime.fromisoformat("2026-11-20T09:30+08:00"))])
    catch_up(runtime)  # facts for 11-20..11-22 (yesterday), nothing older
    with runtime.db.session() as s:
        assert s.scalars(select(AttendanceDay.day)).all() == [date(2026, 11, 20)]
        # A back-filled punch for a day long past arrives after the run.
        record_punches(s, [AttendancePunch("dingtalk", "e1", datetime.fromisoformat("2026-11-02T09:10+08:00"))])
        s.execute(
            Punch.__table__.update()
            .values(received_at=NOW + timedelta(hours=1))
            .where(Punch.punched_at < NOW - timedelta(days=10))
        )
    runtime.clock.advance(days=1)
    catch_up(runtime)
    with runtime.db.session() as s:
        assert set(s.scalars(select(AttendanceDay.day))) == {date(2026, 11, 2), date(2026, 11, 20)}


def test_jobs_are_registered_and_skip_unconfigured_platforms(app: Any) -> None:
    import bot.ops.jobs  # noqa: F401

    jobs = registered_jobs()
    for job_id in ("attendance.wecom_checkins", "attendance.dingtalk_failed_callbacks", "attendance.facts_catchup"):
        assert job_id in jobs
    spec = jobs["attendance.facts_catchup"]
    settings = app.extensions["carebot"].settings
    assert {k: v(settings) for k, v in spec.trigger_args.items()} == {"hour": 2, "minute": 30}
    runtime = app.extensions["carebot"]
    runtime.platforms.pop("wecom", None)
    runtime.platforms.pop("dingtalk", None)
    jobs["attendance.wecom_checkins"].func(runtime)  # no client, no call, no error
    jobs["attendance.dingtalk_failed_callbacks"].func(runtime)
