"""The HR dashboard: sign-in (a [dashboard].users account or local HR employee), CSRF, pages, audit rows, English."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from bot.core.runtime import Runtime
from bot.models import AuditLog, CareAction, Department, Employee, Reminder, Tag
from tests.dashboard_accounts import ACCOUNTS, ACTOR, ADMIN, PASSWORD

PRODUCTION = {"environment": "production", "secret_key": "k" * 32}
STREAK = {
    "kind": "streak",
    "field": "last_out_min",
    "op": ">=",
    "threshold": 1260,
    "days": [
        {"date": "2026-11-18", "value": 1302},
        {"date": "2026-11-19", "value": 1325},
        {"date": "2026-11-20", "value": 1297},
    ],
    "skipped_leave": [],
}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"dashboard": ACCOUNTS}


def _org(runtime: Runtime) -> None:
    """王芳 (hr1, HR) · 张三 and 李四 in 销售部 with tags, reminders and care actions."""
    with runtime.db.session() as s:
        sales = Department(name="销售部")
        s.add(sales)
        s.flush()
        hr = Employee(userid="hr1", name="王芳", is_hr=True)
        zs = Employee(userid="zhangsan", name="张三", department_id=sales.id)
        ls = Employee(userid="lisi", name="李四", department_id=sales.id)
        s.add_all([hr, zs, ls])
        s.flush()
        day = date(2026, 11, 20)
        t1 = Tag(
            rule_id="high_pressure",
            employee_id=zs.id,
            severity="high",
            raised_on=day,
            last_seen_on=day,
            evidence=STREAK,
        )
        t2 = Tag(
            rule_id="high_pressure",
            employee_id=ls.id,
            severity="high",
            raised_on=day,
            last_seen_on=day,
            status="resolved",
            resolved_on=date(2026, 11, 22),
            evidence=STREAK,
        )
        s.add_all([t1, t2])
        s.flush()
        created = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
        r1 = Reminder(tag_id=t1.id, recipient_id=hr.id, role="hrbp", status="open", due_at=created, created_at=created)
        r2 = Reminder(
            tag_id=t2.id,
            recipient_id=hr.id,
            role="hrbp",
            status="done",
            due_at=created,
            created_at=created,
            acted_at=datetime(2026, 11, 21, 13, 42, tzinfo=UTC),
            note="聊过了，调整排期",
        )
        s.add_all([r1, r2])
        s.flush()
        s.add(
            CareAction(
                employee_id=ls.id,
                actor_id=hr.id,
                reminder_id=r2.id,
                tag_id=t2.id,
                kind="done",
                note="聊过了，调整排期",
                acted_at=datetime(2026, 11, 21, 13, 42, tzinfo=UTC),
            )
        )


def _csrf(client: Any, path: str = "/dashboard/login") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def _login(client: Any, **form: str) -> Any:
    return client.post("/dashboard/login", data={"csrf_token": _csrf(client), **form})


def _audit(runtime: Runtime, action: str) -> list[tuple[str, str | None]]:
    with runtime.db.session() as s:
        rows = s.execute(select(AuditLog.actor_userid, AuditLog.subject_userid).where(AuditLog.action == action)).all()
    return sorted((a, b) for a, b in rows)


def test_login_required_redirects(client: Any) -> None:
    for path in ("/dashboard", "/dashboard/tags", "/dashboard/reminders", "/dashboard/care", "/dashboard/report"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/dashboard/login")


def test_wrong_password_refused(client: Any) -> None:
    response = _login(client, username="hradmin", password="not-the-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert _login(client, username="nobody", password=PASSWORD).status_code == 401
    assert client.get("/dashboard").status_code == 302


def test_password_login_then_logout(client: Any) -> None:
    response = _login(client, username="hradmin", password=PASSWORD, next="/dashboard/tags")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/tags"
    assert client.get("/dashboard").status_code == 200
    logout = client.post("/dashboard/logout", data={"csrf_token": _csrf(client, "/dashboard")})
    assert logout.status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_open_redirect_refused(client: Any) -> None:
    response = _login(client, username="hradmin", password=PASSWORD, next="//evil.example/x")
    assert response.headers["Location"] == "/dashboard"


def test_csrf_enforced(client: Any) -> None:
    client.get("/dashboard/login")
    form = {"username": "hradmin", "password": PASSWORD}
    assert client.post("/dashboard/login", data=form).status_code == 400
    assert client.post("/dashboard/login", data={**form, "csrf_token": "forged"}).status_code == 400
    assert client.get("/dashboard").status_code == 302
    _login(client, username="hradmin", password=PASSWORD)
    assert client.post("/dashboard/logout", data={}).status_code == 400
    assert client.get("/dashboard").status_code == 200  # still signed in


def test_hr_sees_pages(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    _login(client, username="hradmin", password=PASSWORD)
    overview = client.get("/dashboard").get_data(as_text=True)
    assert "2026年11月23日" in overview and "连续深夜下班" in overview and "待处理" in overview
    tags = client.get("/dashboard/tags").get_data(as_text=True)
    assert "张三 (zhangsan)" in tags and "销售部" in tags and "2026年11月20日" in tags
    assert "李四" not in tags  # resolved: not in the default (active) filter
    assert "21:42" in tags  # the evidence summary names the late punches
    resolved = client.get("/dashboard/tags?status=resolved&severity=high&rule=high_pressure").get_data(as_text=True)
    assert "李四 (lisi)" in resolved and "张三" not in resolved
    reminders = client.get("/dashboard/reminders?status=done").get_data(as_text=True)
    assert "李四 (lisi)" in reminders and "王芳 (hr1)" in reminders
    assert "11月21日 21:42" in reminders and "3天" in reminders
    care = client.get("/dashboard/care").get_data(as_text=True)
    assert "11月21日 21:42" in care and "李四 (lisi)" in care and "王芳" in care
    # A dashboard account is HR (docs/security.md): HR's working notes are shown to HR.
    assert "聊过了，调整排期" in reminders and "聊过了，调整排期" in care
    report = client.get("/dashboard/report?from=2026-11-01&to=2026-11-22")
    assert report.status_code == 200
    body = report.get_data(as_text=True)
    assert "<h1>关怀成效报告</h1>" in body and "<table>" in body


@pytest.mark.parametrize(
    "settings_overrides",
    [
        {
            "dashboard": ACCOUNTS,
            "api": {
                "tokens": [
                    "legacy-token-reads-people",
                    {"name": "bi", "token": "bi-token", "scopes": ["read:sensitive"]},
                ]
            },
        }
    ],
)
@pytest.mark.parametrize("token", ["legacy-token-reads-people", "bi-token"])
def test_no_api_token_opens_the_dashboard(client: Any, token: str) -> None:
    # Whatever its scopes: the dashboard has its own accounts ([dashboard].users).
    for form in ({"token": token}, {"username": "hradmin", "password": token}):
        assert _login(client, **form).status_code == 401
    assert client.get("/dashboard/tags").status_code == 302  # still signed out


def test_bad_filters_and_period(client: Any) -> None:
    _login(client, username="hradmin", password=PASSWORD)
    assert client.get("/dashboard/tags?severity=urgent").status_code == 400
    assert client.get("/dashboard/reminders?page=0").status_code == 400
    bad = client.get("/dashboard/report?from=2026-13-01")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.get_data(as_text=True)


def test_audit_rows_per_person(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    _login(client, username="hradmin", password=PASSWORD)
    actor = ACTOR
    client.get("/dashboard/tags?status=all")
    client.get("/dashboard/reminders")
    client.get("/dashboard/care")
    assert _audit(runtime, "view.dashboard.tags") == [(actor, "lisi"), (actor, "zhangsan")]
    assert _audit(runtime, "view.dashboard.reminders") == [(actor, "lisi"), (actor, "zhangsan")]
    assert _audit(runtime, "view.dashboard.care") == [(actor, "lisi")]
    client.get("/dashboard/report")
    assert _audit(runtime, "report.generate") == [(actor, None)]


def test_hr_employee_choice_in_local_development(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    page = client.get("/dashboard/login").get_data(as_text=True)
    assert 'value="hr1"' in page and 'value="zhangsan"' not in page
    refused = _login(client, userid="zhangsan")
    assert refused.status_code == 403 and "HR" in refused.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302
    assert _login(client, userid="hr1").status_code == 302
    assert "王芳 (hr1)" in client.get("/dashboard").get_data(as_text=True)
    client.get("/dashboard/tags")
    assert _audit(runtime, "view.dashboard.tags") == [("hr1", "zhangsan")]
    with runtime.db.session() as s:  # losing the HR flag ends the session on the next request
        s.scalars(select(Employee).where(Employee.userid == "hr1")).one().is_hr = False
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize("settings_overrides", [{"dashboard": ACCOUNTS, "app": PRODUCTION}])
def test_no_employee_choice_in_production(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    assert 'name="userid"' not in client.get("/dashboard/login").get_data(as_text=True)
    assert _login(client, userid="hr1").status_code == 403
    assert _login(client, username="hradmin", password=PASSWORD).status_code == 302


def test_english(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    _login(client, username="hradmin", password=PASSWORD)
    overview = client.get("/dashboard?lang=en").get_data(as_text=True)
    assert "Nov 23, 2026" in overview and "Late nights in a row" in overview and "Open reminders" in overview
    tags = client.get("/dashboard/tags").get_data(as_text=True)  # the choice is remembered
    assert "Care tags" in tags and "Nov 20, 2026" in tags and "high" in tags
    report = client.get("/dashboard/report?from=2026-11-01&to=2026-11-22").get_data(as_text=True)
    assert "Care effectiveness report" in report


def test_empty_database_renders(client: Any, runtime: Runtime) -> None:
    _login(client, username="hradmin", password=PASSWORD)
    for path in ("/dashboard", "/dashboard/tags", "/dashboard/reminders", "/dashboard/care", "/dashboard/report"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "暂无数据" in client.get("/dashboard/tags").get_data(as_text=True)
    # Two visits of the tags page that showed nobody: still one row each, so every view is on record.
    assert _audit(runtime, "view.dashboard.tags") == [(ACTOR, None)] * 2


@pytest.mark.parametrize("settings_overrides", [{"dashboard": ACCOUNTS, "calendar": {"holiday_file": ""}}])
def test_calendar_warning_for_missing_next_year(client: Any, clock: Any) -> None:
    from zoneinfo import ZoneInfo

    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))  # warned from 1 December
    _login(client, username="hradmin", password=PASSWORD)
    assert "节假日数据缺少 2027 年" in client.get("/dashboard").get_data(as_text=True)


def test_names_are_escaped(client: Any, runtime: Runtime) -> None:
    with runtime.db.session() as s:
        emp = Employee(userid="x1", name="<script>alert(1)</script>")
        s.add(emp)
        s.flush()
        day = date(2026, 11, 20)
        s.add(
            Tag(
                rule_id="high_pressure",
                employee_id=emp.id,
                severity="high",
                raised_on=day,
                last_seen_on=day,
                evidence=STREAK,
            )
        )
    _login(client, username="hradmin", password=PASSWORD)
    page = client.get("/dashboard/tags").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("change", ["removed", "new password"])
def test_changed_account_ends_its_sessions(client: Any, runtime: Runtime, change: str) -> None:
    _login(client, username="hradmin", password=PASSWORD)
    assert client.get("/dashboard").status_code == 200
    new_hash = generate_password_hash("new", "pbkdf2:sha256:1000")
    users = [] if change == "removed" else [{**ADMIN, "password_hash": new_hash}]
    dashboard = runtime.settings.dashboard.model_validate({"users": users})
    runtime.settings = runtime.settings.model_copy(update={"dashboard": dashboard})
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/dashboard/login")


def test_pages_forbid_third_party_content(client) -> None:
    csp = client.get("/dashboard/login").headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "img-src 'self' data:" in csp and "script-src" not in csp
