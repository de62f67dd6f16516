"""POST /api/v1/metrics: upsert by (employee, metric, date), all or nothing, 422 per item index."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.models import AuditLog, Metric
from bot.people.directory import EmployeeRow, upsert_employees

AUTH = {"Authorization": "Bearer crm-token"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": ["crm-token"]}}


@pytest.fixture
def people(db: Any) -> None:
    with db.session() as s:
        upsert_employees(s, [EmployeeRow(userid="u1", name="张三"), EmployeeRow(userid="u2", name="李四")])


def post(client: Any, body: Any, **headers: str) -> Any:
    return client.post("/api/v1/metrics", json=body, headers={**AUTH, **headers})


def metric_rows(db: Any) -> dict[tuple[str, date], float]:
    with db.session() as s:
        return {(m.metric, m.day): m.value for m in s.scalars(select(Metric))}


def test_upsert_by_employee_metric_date(client: Any, db: Any, people: None) -> None:
    body = [
        {"userid": "u1", "metric": "calls", "date": "2026-11-18", "value": 120},
        {"userid": "u1", "metric": "rejection_rate", "date": "2026-11-18", "value": 0.31},
        {"userid": "u2", "metric": "sales", "date": "2026-11-18", "value": "5200.5"},
    ]
    resp = post(client, body)
    assert resp.status_code == 200
    assert resp.json["upserted"] == 3
    resp = post(client, [{"userid": "u1", "metric": "calls", "date": "2026-11-18", "value": 95}])
    assert resp.status_code == 200
    rows = metric_rows(db)
    assert rows[("calls", date(2026, 11, 18))] == 95
    assert len(rows) == 3
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "api.metrics.post")) == 2


def test_422_lists_failing_fields_per_index_and_stores_nothing(client: Any, db: Any, people: None) -> None:
    body = [
        {"userid": "u1", "metric": "calls", "date": "2026-11-18", "value": 120},  # fine
        {"userid": "u1", "metric": "mood", "date": "2026-11-18", "value": 3},  # unknown metric
        {"userid": "u1", "metric": "calls", "date": "2026-02-30", "value": "many"},  # bad date and value
        {"userid": "ghost", "metric": "sales", "date": "2026-11-18", "value": 1},  # unknown employee
        {"userid": "u2", "metric": "rejection_rate", "date": "2026-11-18", "value": 31},  # a ratio above 1
        "not an object",
        {"userid": "u2", "metric": "calls", "date": "1900-01-01", "value": 1},  # outside the sane range
        {"userid": "u2", "metric": "calls", "value": 1, "extra": True},  # missing date, unknown field
    ]
    resp = post(client, body, **{"Accept-Language": "en"})
    assert resp.status_code == 422
    items = {item["index"]: item["fields"] for item in resp.json["items"]}
    assert set(items) == {1, 2, 3, 4, 5, 6, 7}
    assert "mood" in items[1]["metric"] and "calls" in items[1]["metric"]
    assert set(items[2]) == {"date", "value"}
    assert set(items[3]) == {"userid"}
    assert items[4] == {"value": "rejection_rate must be at most 1"}
    assert set(items[6]) == {"date"}
    assert set(items[7]) == {"date", "extra"}
    assert metric_rows(db) == {}


@pytest.mark.parametrize("body", [{"userid": "u1"}, "text", None])
def test_body_must_be_a_list(client: Any, people: None, body: Any) -> None:
    assert post(client, body).status_code in (400, 422)


def test_at_most_10000_items(client: Any, db: Any, people: None) -> None:
    item = {"userid": "u1", "metric": "calls", "date": "2026-11-18", "value": 1}
    resp = post(client, [item] * 10_001)
    assert resp.status_code == 413
    assert "10000" in resp.json["error"]
    many = [
        dict(item, date=f"2026-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}", userid=f"u{1 + i // 336}") for i in range(672)
    ]
    assert post(client, many).status_code == 200
    assert len(metric_rows(db)) == 336


def test_full_batch_of_10000_fits(client: Any, db: Any) -> None:
    with db.session() as s:
        upsert_employees(s, [EmployeeRow(userid=f"sales-{i:05d}", name=f"销售{i}") for i in range(400)])
    body = [
        {
            "userid": f"sales-{i % 400:05d}",
            "metric": "training_completion",
            "date": f"2026-10-{1 + i // 400:02d}",
            "value": 0.5,
        }
        for i in range(10_000)
    ]
    resp = post(client, body)
    assert resp.status_code == 200, resp.json
    assert resp.json["upserted"] == 10_000
