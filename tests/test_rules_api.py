"""``GET /api/v1/tags``: tags active on a day, filters, paging, auth, errors, audit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import AuditLog, Tag
from tests import rules_builders as b

AUTH = {"Authorization": "Bearer tok-bi"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": ["tok-bi"]}}


def tag(s: Any, emp: int, rule: str, raised: str, status: str = "active", **kw: Any) -> int:
    row = Tag(
        rule_id=rule,
        employee_id=emp,
        severity=kw.pop("severity", "high"),
        status=status,
        raised_on=b.d(raised),
        last_seen_on=b.d(kw.pop("last_seen", raised)),
        evidence=kw.pop("evidence", {"kind": "streak", "days": []}),
        **kw,
    )
    s.add(row)
    s.flush()
    return row.id


@pytest.fixture
def tags(runtime: Any) -> dict[str, int]:
    with runtime.db.session() as s:
        a, c = b.employee(s, "a"), b.employee(s, "c")
        return {
            "active": tag(s, a, "high_pressure", "2026-11-18", last_seen="2026-11-20"),
            "resolved": tag(
                s, a, "long_week", "2026-11-10", "resolved", last_seen="2026-11-17", resolved_on=date(2026, 11, 18)
            ),
            "expired": tag(
                s,
                c,
                "birthday_tomorrow",
                "2026-11-19",
                "expired",
                expires_on=date(2026, 11, 20),
                resolved_on=date(2026, 11, 20),
            ),
            "dismissed": tag(s, c, "high_stress", "2026-11-17", "dismissed", last_seen="2026-11-19"),
            "stale": tag(s, c, "silent", "2026-11-01", expires_on=date(2026, 11, 15)),
        }


def ids(resp: Any) -> set[int]:
    return {t["id"] for t in resp.get_json()["tags"]}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-11-17", {"resolved", "dismissed"}),
        ("2026-11-18", {"active", "dismissed"}),
        ("2026-11-19", {"active", "expired", "dismissed"}),
        ("2026-11-20", {"active"}),
        ("2026-11-14", {"resolved", "stale"}),
    ],
)
def test_tags_active_on_a_day(client: Any, tags: dict[str, int], day: str, expected: set[str]) -> None:
    resp = client.get(f"/api/v1/tags?active_on={day}", headers=AUTH)
    assert resp.status_code == 200
    assert ids(resp) == {tags[name] for name in expected}


def test_tag_shape_and_filters(client: Any, tags: dict[str, int]) -> None:
    resp = client.get("/api/v1/tags?active_on=2026-11-19&rule=high_pressure&userid=a", headers=AUTH)
    assert resp.get_json() == {
        "tags": [
            {
                "id": tags["active"],
                "rule": "high_pressure",
                "userid": "a",
                "severity": "high",
                "status": "active",
                "raised_on": "2026-11-18",
                "evidence": {"kind": "streak", "days": []},
                "arm": None,  # evaluation mode is off
            }
        ]
    }
    assert ids(client.get("/api/v1/tags?active_on=2026-11-19&userid=c", headers=AUTH)) == {
        tags["expired"],
        tags["dismissed"],
    }
    assert ids(client.get("/api/v1/tags?active_on=2026-11-19&rule=nope", headers=AUTH)) == set()
    assert ids(client.get("/api/v1/tags?active_on=2026-11-19&userid=nobody", headers=AUTH)) == set()


def test_default_day_is_today_and_paging(client: Any, runtime: Any, tags: dict[str, int]) -> None:
    # The clock says 2026-11-23: only the still-active tag without expiry counts.
    assert ids(client.get("/api/v1/tags", headers=AUTH)) == {tags["active"]}
    first = client.get("/api/v1/tags?active_on=2026-11-19&limit=2", headers=AUTH)
    assert len(first.get_json()["tags"]) == 2
    after = first.headers["X-Next-After-Id"]
    rest = client.get(f"/api/v1/tags?active_on=2026-11-19&limit=2&after_id={after}", headers=AUTH)
    assert ids(first) | ids(rest) == {tags["active"], tags["expired"], tags["dismissed"]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("active_on=2026-13-01", "active_on"),
        ("active_on=1900-01-01", "active_on"),
        ("limit=0", "limit"),
        ("after_id=x", "after_id"),
    ],
)
def test_bad_parameters_are_422_with_the_field(client: Any, query: str, field: str) -> None:
    resp = client.get(f"/api/v1/tags?{query}", headers=AUTH)
    assert resp.status_code == 422
    assert field in resp.get_json()["fields"]


def test_token_required_and_reads_are_audited(client: Any, runtime: Any, tags: dict[str, int]) -> None:
    assert client.get("/api/v1/tags").status_code == 401
    assert client.get("/api/v1/tags", headers={"Authorization": "Bearer wrong"}).status_code == 401
    client.get("/api/v1/tags?active_on=2026-11-19&userid=a", headers=AUTH)
    with runtime.db.session() as s:
        row = s.scalar(select(AuditLog).where(AuditLog.action == "api.tags.list"))
    assert row is not None and row.subject_userid == "a" and row.actor_userid.startswith("api:")
    assert row.detail == {"active_on": "2026-11-19", "rule": None, "count": 1}
