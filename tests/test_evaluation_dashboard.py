"""The dashboard shows the evaluation arm to HR admins only."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot.evaluation.assignment import arms_by_employee, assign_pending
from bot.models import Employee
from tests.dashboard_accounts import ACCOUNTS, sign_in
from tests.evaluation_org import company, tag


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    evaluation = getattr(request, "param", {"enabled": True, "holdout_share": 0.5, "seed": 1})
    return {"dashboard": ACCOUNTS, "app": {"secret_key": "k" * 32}, "evaluation": evaluation}


def _login(client: Any, **form: str) -> None:
    page = client.get("/dashboard/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    assert client.post("/dashboard/login", data={"csrf_token": found.group(1), **form}).status_code == 302


@pytest.fixture
def tagged(runtime: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 10)
        s.add(Employee(userid="hradmin", name="赵敏", is_hr=True, is_admin=True))
        assign_pending(runtime, s)
        arms = arms_by_employee(s, "employee", [ids[f"u{i:04d}"] for i in range(10)])
        for emp in arms:
            tag(s, emp, "high_pressure", date(2026, 11, 20))
        assert set(arms.values()) == {"care", "holdout"}


def test_admin_account_sees_the_arm(client: Any, tagged: None) -> None:
    assert sign_in(client).status_code == 302  # a [dashboard].users account without userid: the administrator
    page = client.get("/dashboard/tags").get_data(as_text=True)
    assert "评估分组" in page and "对照组" in page and "关怀组" in page


def test_hr_admin_sees_it_and_other_hr_do_not(client: Any, tagged: None, runtime: Any) -> None:
    _login(client, userid="hradmin")
    assert "评估分组" in client.get("/dashboard/tags").get_data(as_text=True)
    client.post(
        "/dashboard/logout",
        data={
            "csrf_token": re.search(
                r'name="csrf_token" value="([^"]+)"', client.get("/dashboard").get_data(as_text=True)
            ).group(1)
        },
    )
    _login(client, userid="hr1")
    page = client.get("/dashboard/tags").get_data(as_text=True)
    assert "评估分组" not in page and "对照组" not in page
    with runtime.db.session() as s:
        assert s.scalar(select(Employee.is_admin).where(Employee.userid == "hr1")) is False


@pytest.mark.parametrize("settings_overrides", [{"enabled": False}], indirect=True)
def test_no_arm_column_when_evaluation_is_off(client: Any, runtime: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 3)
        tag(s, ids["u0001"], "high_pressure", date(2026, 11, 20))
    assert sign_in(client).status_code == 302
    assert "评估分组" not in client.get("/dashboard/tags").get_data(as_text=True)
