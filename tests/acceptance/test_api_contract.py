"""/api/v1 from the outside: bearer tokens, exact JSON shapes, JSON errors for every failure."""

from __future__ import annotations

from typing import Any

import pytest

TOKEN = "acceptance-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": [TOKEN]}}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/no-such-thing", 404),
        ("GET", "/api/v1/employees", 404),
        ("DELETE", "/api/v1/employees/zhangsan", 405),
        ("PATCH", "/api/v1/metrics", 405),
    ],
)
def test_routing_errors_are_json(client: Any, method: str, path: str, status: int) -> None:
    # Without a token the answer is 401 first: which endpoints exist is no business of strangers.
    for headers, expected in ((AUTH, status), ({}, 401)):
        resp = client.open(path, method=method, headers=headers)
        assert resp.status_code == expected
        assert resp.is_json and resp.get_json()["error"], resp.get_data(as_text=True)


def test_callback_routing_errors_stay_plain_text(client: Any) -> None:
    resp = client.get("/callbacks/dingtalk/events")
    assert resp.status_code == 405
    assert resp.content_type.startswith("text/plain") and resp.get_data(as_text=True) == "method not allowed"
    assert client.get("/callbacks/nowhere").get_data(as_text=True) == "not found"


def test_other_unknown_pages_keep_the_default_404(client: Any) -> None:
    assert client.get("/no-such-page").status_code == 404


def test_employee_put_get_shape(client: Any) -> None:
    body = {"name": "张三", "department": "电销一部", "manager_userid": "", "hired_on": "2026-11-02"}
    resp = client.put("/api/v1/employees/zhangsan", json=body, headers=AUTH)
    assert resp.status_code == 201
    got = client.get("/api/v1/employees/zhangsan", headers=AUTH)
    assert got.status_code == 200
    assert got.get_json() == {
        "userid": "zhangsan",
        "name": "张三",
        "department": "电销一部",
        "manager_userid": None,
        "hrbp_userid": None,
        "status": "active",
        "hired_on": "2026-11-02",
        "left_on": None,
    }
    assert client.put("/api/v1/employees/zhangsan", json=body, headers=AUTH).status_code == 200
    assert client.get("/api/v1/employees/zhangsan").status_code == 401
    assert client.get("/api/v1/employees/zhangsan", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_reminders_bad_query_is_422_naming_the_field(client: Any) -> None:
    resp = client.get("/api/v1/reminders?status=later", headers=AUTH)
    assert resp.status_code == 422 and "status" in resp.get_json()["fields"]
    assert client.get("/api/v1/reminders?status=open", headers=AUTH).get_json() == {"reminders": []}
