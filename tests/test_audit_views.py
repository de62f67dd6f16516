"""List views audit every person they show (one row each), so "who saw X's data?" has an answer."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.models import AuditLog
from bot.people import audit
from tests import rules_builders as b
from tests.test_rules_api import tag

AUTH = {"Authorization": "Bearer tok-bi"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": ["tok-bi"]}}


def _rows(runtime: Any, action: str) -> list[tuple[str | None, str]]:
    with runtime.db.session() as s:
        return [
            (r.subject_userid, r.actor_userid)
            for r in s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.subject_userid))
        ]


def test_record_views_one_row_per_distinct_person(runtime: Any) -> None:
    at = runtime.clock.now()
    with runtime.db.session() as s:
        n = audit.record_views(s, "hr1", ["b", "a", "b", ""], "view.list", "api", {"count": 3}, at=at)
    assert n == 2
    with runtime.db.session() as s:
        rows = s.scalars(select(AuditLog).order_by(AuditLog.subject_userid)).all()
        assert [(r.subject_userid, r.detail, r.at) for r in rows] == [("a", {"count": 3}, at), ("b", {"count": 3}, at)]


def test_record_views_of_nobody_still_records_the_query(runtime: Any) -> None:
    with runtime.db.session() as s:
        assert audit.record_views(s, "hr1", [], "view.list", "api", query_subject="ghost") == 1
    assert _rows(runtime, "view.list") == [("ghost", "hr1")]


def test_tags_list_without_filter_audits_each_person_shown(client: Any, runtime: Any) -> None:
    with runtime.db.session() as s:
        a, c = b.employee(s, "a"), b.employee(s, "c")
        tag(s, a, "high_pressure", "2026-11-18")
        tag(s, a, "long_week", "2026-11-18")
        tag(s, c, "high_stress", "2026-11-18")
    resp = client.get("/api/v1/tags?active_on=2026-11-19", headers=AUTH)
    assert resp.status_code == 200 and len(resp.get_json()["tags"]) == 3
    rows = _rows(runtime, "api.tags.list")
    assert [subject for subject, _ in rows] == ["a", "c"]
    assert all(actor.startswith("api:") for _, actor in rows)


def test_empty_reminder_list_is_still_audited(client: Any, runtime: Any) -> None:
    resp = client.get("/api/v1/reminders?userid=nobody", headers=AUTH)
    assert resp.status_code == 200 and resp.get_json() == {"reminders": []}
    assert [subject for subject, _ in _rows(runtime, "api.reminders.list")] == ["nobody"]
