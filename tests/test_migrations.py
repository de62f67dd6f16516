"""Migrations: `upgrade head` equals the models, and downgrade to base and back works, on both DBs."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.core.migrate import downgrade, upgrade
from bot.models import Base
from bot.platforms.wecom.cards import task_id


def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    return diff


def test_head_matches_models(db_url: str) -> None:
    assert _diff(db_url) == []


def test_downgrade_to_base_and_back(db_url: str) -> None:
    downgrade(db_url, "base")
    engine = create_engine(db_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(db_url)
    assert _diff(db_url) == []


def test_security_migration_keeps_delivered_cards_clickable(db_url: str) -> None:
    """0005 records the cards the outbox already delivered, so clicks on them still count."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from tests.conftest import _truncate

    downgrade(db_url, "0008")
    card = {
        "card_id": "reminder-7:hr/1",
        "title": "关怀提醒",
        "markdown": "…",
        "buttons": [{"label": "已跟进", "action": "done", "params": {"id": "7"}, "style": "primary"}],
    }
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            for i, (platform, status) in enumerate([("wecom", "sent"), ("dingtalk", "sent"), ("dingtalk", "pending")]):
                conn.execute(
                    text(
                        "INSERT INTO outbox_messages (idempotency_key, platform, recipient, kind, payload, status,"
                        " attempts, next_attempt_at, created_at, sent_at)"
                        " VALUES (:key, :platform, 'hr1', 'card', :payload, :status, 1, :at, :at, :sent)"
                    ),
                    {
                        "key": f"card-{i}",
                        "platform": platform,
                        "payload": json.dumps({"card": card}),
                        "status": status,
                        "at": datetime(2026, 11, 20, tzinfo=UTC),
                        "sent": datetime(2026, 11, 20, tzinfo=UTC) if status == "sent" else None,
                    },
                )
        upgrade(db_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT platform, card_id, userid FROM sent_cards ORDER BY platform")).all()
        assert [tuple(r) for r in rows] == [
            ("dingtalk", "reminder-7:hr/1", "hr1"),
            ("wecom", task_id("reminder-7:hr/1"), "hr1"),
        ]
    finally:
        engine.dispose()
        upgrade(db_url)
        _truncate(db_url)
