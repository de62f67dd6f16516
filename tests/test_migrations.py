"""Migrations: `upgrade head` equals the models, and downgrade to base and back works, on both DBs."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.migrate import downgrade, upgrade
from bot.models import Base


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
