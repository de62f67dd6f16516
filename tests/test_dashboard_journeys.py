"""The dashboard's journeys page: HR only, overdue first, one audit row per new hire shown, English."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import AuditLog, Employee, Journey, JourneyStep
from tests.dashboard_accounts import ACCOUNTS, ACTOR, sign_in
from tests.journeys_support import NEWBIE, SETTINGS, at, hire_by_import, make_staff

LATER = {**NEWBIE, "userid": "newbie2", "name": "王新", "hired_on": "2026-02-25", "probation_ends_on": "2026-05-25"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {**SETTINGS, "dashboard": ACCOUNTS}


def _login(client: Any) -> None:
    assert sign_in(client).status_code == 302


def _order(html: str) -> list[str]:
    return re.findall(r"\((newbie2?)\)", html)


def test_journeys_page_lists_overdue_first_and_audits_each_person(runtime, client, clock, tmp_path):
    make_staff(runtime)
    clock.set(at(date(2026, 2, 5)))
    hire_by_import(runtime, client, tmp_path)
    hire_by_import(runtime, client, tmp_path, LATER)
    assert client.get("/dashboard/journeys").status_code == 302  # sign-in first
    _login(client)
    html = client.get("/dashboard/journeys").get_data(as_text=True)
    assert _order(html) == ["newbie", "newbie2"]  # nothing overdue: the earlier next step first
    with runtime.db.session() as s:
        later = s.scalar(
            select(JourneyStep)
            .join(Journey, Journey.id == JourneyStep.journey_id)
            .join(Employee, Employee.id == Journey.employee_id)
            .where(Employee.userid == "newbie2", JourneyStep.step_key == "admin_prepare")
        )
        later.status = "overdue"
    resp = client.get("/dashboard/journeys")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert _order(html) == ["newbie2", "newbie"]
    assert "⏰ 1" in html and "入职旅程" in html and "（1 人有逾期）" in html
    assert "<script" not in html and "script-src" not in resp.headers["Content-Security-Policy"]
    with runtime.db.session() as s:
        rows = s.execute(
            select(AuditLog.actor_userid, AuditLog.subject_userid, AuditLog.channel).where(
                AuditLog.action == "view.dashboard.journeys"
            )
        ).all()
    actor = ACTOR
    assert sorted(rows) == sorted([(actor, "newbie", "dashboard"), (actor, "newbie2", "dashboard")] * 2)
    english = client.get("/dashboard/journeys?lang=en").get_data(as_text=True)
    assert "Onboarding journeys in progress" in english and "Overdue tasks" in english


def test_journeys_page_without_journeys(runtime, client):
    _login(client)
    html = client.get("/dashboard/journeys").get_data(as_text=True)
    assert "暂无数据" in html and 'href="/dashboard/journeys"' in html
