"""Person search and page, the audit-log page, charts on pages, and the strict CSP of the dashboard."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.core.runtime import Runtime
from bot.models import AuditLog, Department, Employee, Reminder, Survey, SurveyAnswer, Tag
from bot.people.directory import name_to_pinyin
from tests.dashboard_accounts import ADMIN, PASSWORD

TOKEN = "people-page-token"
EVIDENCE = {
    "kind": "streak",
    "field": "last_out_min",
    "op": ">=",
    "threshold": 1260,
    "days": [{"date": "2026-11-18", "value": 1302}, {"date": "2026-11-19", "value": 1325}],
    "skipped_leave": [],
}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    # An account linked to an HR employee is that employee (not an admin); tokens never open the dashboard.
    hrbp = {**ADMIN, "username": "hrbp", "userid": "hr1"}
    return {"api": {"tokens": [TOKEN]}, "access": {"hr_scope": "hrbp"}, "dashboard": {"users": [ADMIN, hrbp]}}


def _org(runtime: Runtime) -> None:
    """hr1 (HRBP of 张三) and hr2 (HRBP of nobody); 张三 has a tag, a done reminder and check-in answers."""
    with runtime.db.session() as s:
        sales = Department(name="销售部")
        s.add(sales)
        s.flush()
        hr1 = Employee(userid="hr1", name="王芳", name_pinyin=name_to_pinyin("王芳"), is_hr=True)
        hr2 = Employee(userid="hr2", name="赵敏", name_pinyin=name_to_pinyin("赵敏"), is_hr=True)
        s.add_all([hr1, hr2])
        s.flush()
        zs = Employee(
            userid="zhangsan", name="张三", name_pinyin=name_to_pinyin("张三"), department_id=sales.id, hrbp_id=hr1.id
        )
        s.add(zs)
        s.flush()
        day = date(2026, 11, 20)
        tag = Tag(rule_id="high_pressure", employee_id=zs.id, severity="high", raised_on=day, last_seen_on=day,
                  evidence=EVIDENCE)  # fmt: skip
        s.add(tag)
        s.flush()
        at = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
        s.add(Reminder(tag_id=tag.id, recipient_id=hr1.id, role="hrbp", status="done", due_at=at, created_at=at,
                       sent_at=at, acted_at=at, note="聊过了"))  # fmt: skip
        survey = Survey(employee_id=zs.id, scheduled_on=day, question_keys=["stress", "supported"], status="answered")
        s.add(survey)
        s.flush()
        s.add(SurveyAnswer(survey_id=survey.id, employee_id=zs.id, question_key="stress", mode="checkin", value=8,
                           answered_on=day, answered_at=at))  # fmt: skip
        s.add(SurveyAnswer(survey_id=survey.id, employee_id=zs.id, question_key="supported", mode="team", value=2,
                           answered_on=day, answered_at=at))  # fmt: skip


def _csrf(client: Any) -> str:
    page = client.get("/dashboard/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _as(client: Any, **form: str) -> None:
    response = client.post("/dashboard/login", data={"csrf_token": _csrf(client), **form})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["张三", "zhangsan", "zs", "zhangsan ", "ZhangSan"])
def test_search_by_name_pinyin_initials_userid(client: Any, runtime: Runtime, query: str) -> None:
    _org(runtime)
    _as(client, userid="hr1")
    page = client.get("/dashboard/people", query_string={"q": query}).get_data(as_text=True)
    assert "/dashboard/people/zhangsan" in page


def test_person_page_shows_everything_and_is_audited(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    _as(client, userid="hr1")
    response = client.get("/dashboard/people/zhangsan")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in ("张三", "销售部", "王芳", "聊过了", 'data-chart="attendance"', 'data-chart="metrics"', "stress"):
        assert text in page, text
    assert "supported" not in page, "a confidential team-pulse answer is never shown per person"
    with runtime.db.session() as s:
        rows = s.execute(select(AuditLog.actor_userid, AuditLog.subject_userid, AuditLog.action)).all()
    assert ("hr1", "zhangsan", "view.dashboard.person") in rows


def test_out_of_scope_is_not_found(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    _as(client, userid="hr2")  # hr_scope = hrbp: hr2 partners nobody
    assert client.get("/dashboard/people/zhangsan").status_code == 404
    assert client.get("/dashboard/people/nobody").status_code == 404
    page = client.get("/dashboard/people", query_string={"q": "张三"}).get_data(as_text=True)
    assert "/dashboard/people/zhangsan" not in page


def test_audit_page_for_admins_only(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    _as(client, userid="hr1")
    client.get("/dashboard/people/zhangsan")
    assert client.get("/dashboard/audit").status_code == 403
    assert "/dashboard/audit" not in client.get("/dashboard/").get_data(as_text=True)
    with runtime.db.session() as s:
        s.execute(update(Employee).where(Employee.userid == "hr1").values(is_admin=True))
    page = client.get("/dashboard/audit", query_string={"subject": "zhangsan", "action": "view.dashboard"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "view.dashboard.person" in text and "王芳 (hr1)" in text
    assert client.get("/dashboard/audit", query_string={"from": "yesterday"}).status_code == 400
    with runtime.db.session() as s:
        assert s.scalar(select(AuditLog.id).where(AuditLog.action == "view.dashboard.audit")) is not None


def test_audit_log_follows_the_visibility_policy_for_tokens(client: Any, runtime: Runtime) -> None:
    # The default policy gives only HR admins the audit log: an HRBP's account is refused, and an
    # API token cannot even sign in to the dashboard.
    _org(runtime)
    assert client.post("/dashboard/login", data={"csrf_token": _csrf(client), "token": TOKEN}).status_code != 302
    _as(client, username="hrbp", password=PASSWORD)
    assert client.get("/dashboard/audit").status_code == 403


def test_pages_have_charts_and_a_strict_csp(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    _as(client, username="hradmin", password=PASSWORD)
    for path, charts in (("/dashboard/", 3), ("/dashboard/reminders", 2), ("/dashboard/report", 2)):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert page.count('class="chart ') == charts, path
        csp = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "script-src" not in csp, "no script at all on the dashboard"
        assert "<style" not in page and " style=" not in page, f"no inline style on {path}"
        assert "<script" not in page, path
