"""Liveness and readiness."""

from __future__ import annotations

from pathlib import Path

from app import create_app
from tests.conftest import make_settings


def test_healthz(client) -> None:
    assert client.get("/healthz").status_code == 200


def test_readyz_at_head(client) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.get_json()["status"] == "ready"


def test_readyz_not_migrated(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}"))
    r = app.test_client().get("/readyz")
    assert r.status_code == 503
    assert r.get_json()["reason"] == "migrations not at head"


def test_readyz_database_unreachable(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, "postgresql+psycopg://postgres:pw@127.0.0.1:1/none"))
    r = app.test_client().get("/readyz")
    assert r.status_code == 503
    assert r.get_json()["reason"] == "database unreachable"
    assert "pw" not in r.get_data(as_text=True)
