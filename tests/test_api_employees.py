"""/api/v1 auth and the employee endpoints: 401s, 422 with failing fields, upsert, audit log."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.models import AuditLog, Employee

TOKEN = "s3cret-token-for-hris"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": ["other-token", TOKEN]}}


def put(client: Any, userid: str, body: Any, **headers: str) -> Any:
    return client.put(f"/api/v1/employees/{userid}", json=body, headers={**AUTH, **headers})


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": "Basic " + TOKEN}],
    ids=["missing", "wrong token", "no scheme", "basic"],
)
def test_401_without_a_valid_token(client: Any, headers: dict[str, str]) -> None:
    for resp in (
        client.get("/api/v1/employees/e1", headers=headers),
        client.put("/api/v1/employees/e1", json={"name": "张三"}, headers=headers),
        client.post("/api/v1/metrics", json=[], headers=headers),
        client.get("/api/v1/employees/e1/attendance", headers=headers),
    ):
        assert resp.status_code == 401
        assert resp.is_json and resp.json["error"]
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("settings_overrides", [{}])
def test_api_is_closed_without_configured_tokens(client: Any) -> None:
    resp = client.get("/api/v1/employees/e1", headers={"Authorization": "Bearer anything"})
    assert resp.status_code == 401
    assert "[api].tokens" in resp.json["error"]


def test_put_then_get_round_trip(client: Any, db: Any) -> None:
    body = {"name": "李经理", "department": "电销一部", "hired_on": "2020-01-01"}
    assert put(client, "m1", body).status_code == 201
    resp = put(
        client,
        "e1",
        {
            "name": "张三",
            "department": "电销一部",
            "manager_userid": "m1",
            "hired_on": "2026-09-01",
            "birthday": "03-15",
        },
    )
    assert resp.status_code == 201
    got = client.get("/api/v1/employees/e1", headers=AUTH)
    assert got.status_code == 200
    assert got.json == {
        "userid": "e1",
        "name": "张三",
        "department": "电销一部",
        "manager_userid": "m1",
        "hrbp_userid": None,
        "status": "active",
        "hired_on": "2026-09-01",
        "left_on": None,
    }
    # GET → PUT of the same object works (status agrees with left_on); a leave date makes it "left".
    again = dict(got.json, left_on="2026-11-20", leave_reason="voluntary", status="left")
    resp = put(client, "e1", again)
    assert resp.status_code == 200
    assert resp.json["status"] == "left" and resp.json["left_on"] == "2026-11-20"
    with db.session() as s:
        assert s.scalar(select(Employee.leave_reason).where(Employee.userid == "e1")) == "voluntary"
        actions = s.execute(select(AuditLog.action, AuditLog.subject_userid, AuditLog.actor_userid)).all()
    assert ("api.employee.get", "e1") in {(a, sub) for a, sub, _ in actions}
    assert all(actor.startswith("api:") and TOKEN not in actor for _, _, actor in actions)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"department": "x"}, {"name"}),
        ({"name": "张三", "hired_on": "2026-13-01"}, {"hired_on"}),
        ({"name": "张三", "hired_on": "1890-01-01"}, {"hired_on"}),
        ({"name": "张三", "birthday": "1990-03-15", "is_hr": "maybe"}, {"birthday", "is_hr"}),
        ({"name": "张三", "userid": "other"}, {"userid"}),
        ({"name": "张三", "salary": 1}, {"salary"}),
        ({"name": "张三", "status": "left"}, {"left_on"}),
        ({"name": "张三", "leave_reason": "bored"}, {"leave_reason"}),
    ],
)
def test_422_names_the_failing_fields(client: Any, body: dict[str, Any], fields: set[str]) -> None:
    resp = put(client, "e1", body)
    assert resp.status_code == 422
    assert set(resp.json["fields"]) == fields
    assert client.get("/api/v1/employees/e1", headers=AUTH).status_code == 404


def test_422_in_english_when_asked(client: Any) -> None:
    resp = put(client, "e1", {"name": "张三", "hired_on": "soon"}, **{"Accept-Language": "en"})
    assert resp.json["fields"]["hired_on"] == "expected a date YYYY-MM-DD"
    zh = put(client, "e1", {"name": "张三", "hired_on": "soon"})
    assert zh.json["fields"]["hired_on"] == "应为日期 YYYY-MM-DD"


def test_bad_json_and_wrong_shape(client: Any) -> None:
    resp = client.put("/api/v1/employees/e1", data="{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert resp.status_code == 400 and resp.is_json
    assert put(client, "e1", ["a", "list"]).status_code == 422


def test_unknown_employee_is_404_json(client: Any) -> None:
    resp = client.get("/api/v1/employees/nobody", headers=AUTH)
    assert resp.status_code == 404 and resp.json["error"]
