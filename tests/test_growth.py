"""/成长 (/growth) as the employee: own figures only, target or team median, journey, feedback,
milestones; and the signed chart page (valid, expired, tampered → 403, audit-logged)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.runtime import Runtime
from bot.core.settings.metric_catalogue import DEFAULT_METRICS
from bot.models import AuditLog, Employee, JourneyStep, Metric
from bot.people.directory import EmployeeRow, upsert_employees
from tests.commands_org import reply_text
from tests.journeys_support import HIRED_ON, PROBATION_ENDS, SETTINGS, at, hire_by_import, make_staff, workday_shift

SECRET = "growth-test-secret"
PUBLIC = "https://care.example.com"
TODAY = date(2026, 5, 20)  # a Wednesday after probation ended (5-11)
CANARY, CANARY_2 = 987654.0, 111111.0  # a teammate's figures: must never reach the new hire


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {**SETTINGS, "app": {"secret_key": SECRET, "public_url": PUBLIC}}


def _metric(s: Any, userid: str, day: date, value: float, name: str = "sales") -> None:
    emp = s.scalar(select(Employee).where(Employee.userid == userid))
    s.add(Metric(employee_id=emp.id, metric=name, day=day, value=value))


def _setup(runtime: Runtime, client: Any, tmp_path: Any, clock: Any) -> None:
    """销售部: 李强 (mgr), 周杰 (mentor1), 林新 (newbie) and three teammates; sales in two weeks."""
    make_staff(runtime)
    with runtime.db.session() as s:
        upsert_employees(
            s,
            [
                EmployeeRow(userid=f"tm{i}", name=f"同事{i}", department="销售部", hired_on=date(2022, 1, 4))
                for i in (1, 2, 3)
            ],
        )
    clock.set(at(date(2026, 2, 5)))
    hire_by_import(runtime, client, tmp_path)
    with runtime.db.session() as s:
        newbie = s.scalar(select(Employee).where(Employee.userid == "newbie"))
        mentor = s.scalar(select(Employee).where(Employee.userid == "mentor1"))
        newbie.mentor_id = mentor.id
        steps = {st.step_key: st for st in s.scalars(select(JourneyStep))}
        for key in ("admin_prepare", "it_accounts", "manager_welcome"):
            steps[key].status, steps[key].done_on = "done", date(2026, 2, 10)
        steps["mentor_checkin"].status, steps["mentor_checkin"].done_on = "done", date(2026, 2, 16)
        steps["mentor_checkin"].note = "先熟悉产品手册"
        steps["mentor_evaluation"].status, steps["mentor_evaluation"].done_on = "done", date(2026, 4, 1)
        steps["mentor_evaluation"].note = "仅主管可见的评语"
        # Week of 5-11: six people have figures (median 2,750); week of 5-04: only two (withheld).
        _metric(s, "newbie", date(2026, 5, 12), 1000)
        _metric(s, "newbie", date(2026, 5, 13), 500)
        for userid, value in (("mentor1", 2000), ("tm1", CANARY), ("tm2", 3000), ("tm3", 4000), ("mgr", 2500)):
            _metric(s, userid, date(2026, 5, 12), value)
        _metric(s, "newbie", date(2026, 5, 5), 800)
        _metric(s, "tm1", date(2026, 5, 5), CANARY_2)
    clock.set(at(TODAY))


def _no_canary(text: str) -> None:
    for figure in (CANARY, CANARY_2):
        assert f"{figure:,.0f}" not in text and f"{figure:.0f}" not in text


def test_growth_shows_own_trend_team_median_journey_feedback_and_milestones(runtime, client, clock, tmp_path):
    _setup(runtime, client, tmp_path, clock)
    text = reply_text(client, "newbie", "/成长")
    _no_canary(text)
    assert "销售额：— → — → — → — → — → 800 → 1,500 → —" in text
    assert "团队中位数：— → — → — → — → — → — → 2,750 → —" in text  # 5-04 had two people: withheld
    with runtime.db.session() as s:
        total = len(list(s.scalars(select(JourneyStep).where(JourneyStep.status != "cancelled"))))
    assert f"已完成 5/{total} 步" in text
    assert "下一步：" in text
    assert "先熟悉产品手册" in text  # the mentor's note is visible to the new hire
    assert "仅主管可见的评语" not in text  # the evaluation is for HR and the manager only
    reached = [n for n in (7, 30, 60, 90) if workday_shift(HIRED_ON, n) <= TODAY]
    assert reached and reached != [7, 30, 60, 90]  # the test date sits between milestones
    for n in (7, 30, 60, 90):
        assert (f"入职第 {n} 天" in text) == (n in reached)
    assert "顺利转正" in text and PROBATION_ENDS < TODAY
    assert f"{PUBLIC}/growth/" in text
    with runtime.db.session() as s:
        rows = s.execute(select(AuditLog.actor_userid, AuditLog.subject_userid).where(AuditLog.action == "view.growth"))
        assert list(rows) == [("newbie", "newbie")]


def test_growth_in_english_and_without_a_journey(runtime, client, clock, tmp_path):
    _setup(runtime, client, tmp_path, clock)
    with runtime.db.session() as s:
        s.scalar(select(Employee).where(Employee.userid == "tm2")).locale = "en"
    text = reply_text(client, "tm2", "/growth")
    assert "My growth" in text and "Sales: " in text and "You have no onboarding journey" in text
    _no_canary(text)  # tm2 sees the median of the week (2,750), never tm1's figure
    assert "Team median: — → — → — → — → — → — → 2,750 → —" in text


def test_no_team_median_for_a_team_under_five(runtime, client, clock, tmp_path):
    _setup(runtime, client, tmp_path, clock)
    with runtime.db.session() as s:
        for userid in ("tm2", "tm3"):
            s.scalar(select(Employee).where(Employee.userid == userid)).status = "left"
    text = reply_text(client, "newbie", "/成长")
    assert "团队中位数" not in text and "团队不足 5 人时不显示中位数" in text
    _no_canary(text)


TARGETS = [
    *(m.model_dump() for m in DEFAULT_METRICS),
    {"name": "sales_target", "unit": "CNY", "label_zh": "销售目标", "label_en": "Sales target"},
]


@pytest.mark.parametrize(
    "settings_overrides", [{**SETTINGS, "app": {"secret_key": SECRET}, "metrics": {"catalogue": TARGETS}}]
)
def test_own_target_wins_over_the_team_median(runtime, client, clock, tmp_path):
    _setup(runtime, client, tmp_path, clock)
    with runtime.db.session() as s:
        _metric(s, "newbie", date(2026, 5, 11), 2000, "sales_target")
        _metric(s, "newbie", date(2026, 5, 4), 1600, "sales_target")
    text = reply_text(client, "newbie", "/成长")
    assert "目标：— → — → — → — → — → 1,600 → 2,000 → —" in text
    assert "完成率：— → — → — → — → — → 50% → 75% → —" in text  # 800/1,600 then 1,500/2,000
    assert "团队中位数" not in text
    assert "/growth/" not in text  # no [app].public_url: no link


def _token(text: str) -> str:
    found = re.search(re.escape(PUBLIC) + r"/growth/([A-Za-z0-9._-]+)", text)
    assert found, text
    return found.group(1)


def test_signed_page_valid_expired_and_tampered(runtime, client, clock, tmp_path):
    _setup(runtime, client, tmp_path, clock)
    token = _token(reply_text(client, "newbie", "/成长"))
    page = client.get(f"/growth/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "林新" in html and "2,750" in html and "1,500" in html
    _no_canary(html)
    for name in ("同事1", "同事2", "周杰", "李强"):
        assert name not in html
    csp = page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src" not in csp and page.headers["Referrer-Policy"] == "no-referrer"
    assert "<script" not in html and "style=" not in html
    with runtime.db.session() as s:
        rows = list(
            s.execute(
                select(AuditLog.actor_userid, AuditLog.subject_userid, AuditLog.channel).where(
                    AuditLog.action == "view.growth.page"
                )
            )
        )
    assert rows == [("newbie", "newbie", "web")]

    emp_id, expires, sig = token.split(".")
    with runtime.db.session() as s:
        other = s.scalar(select(Employee.id).where(Employee.userid == "tm1"))
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    tampered = [
        f"{emp_id}.{expires}.{flipped}",  # signature changed
        f"{other}.{expires}.{sig}",  # someone else's page with this signature
        f"{emp_id}.{int(expires) + 86400}.{sig}",  # expiry pushed back
        "not-a-token",
    ]
    for bad in tampered:
        resp = client.get(f"/growth/{bad}")
        assert resp.status_code == 403, bad
        assert "链接无效或已过期" in resp.get_data(as_text=True)
    clock.set(at(TODAY + timedelta(days=6), 23))
    assert client.get(f"/growth/{token}").status_code == 200  # still inside the 7 days
    clock.set(at(TODAY + timedelta(days=7), 11))
    assert client.get(f"/growth/{token}").status_code == 403  # expired
    with runtime.db.session() as s:
        views = s.scalar(select(AuditLog.id).where(AuditLog.action == "view.growth.page").order_by(AuditLog.id.desc()))
    assert views is not None


@pytest.mark.parametrize("settings_overrides", [{**SETTINGS, "app": {"secret_key": SECRET}}])
def test_no_link_without_public_url(runtime, client, clock, tmp_path):
    _setup(runtime, client, tmp_path, clock)
    text = reply_text(client, "newbie", "/成长")
    assert "/growth/" not in text and "1,500" in text
