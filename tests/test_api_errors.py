"""Bodies no client means to send are a 400 with a short JSON reason, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

AUTH = {"Authorization": "Bearer tok"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": ["tok"]}}


@pytest.mark.parametrize("path,method", [("/api/v1/metrics", "post"), ("/api/v1/employees/u1", "put")])
def test_json_nested_past_the_parser_limit_is_a_400(client: Any, path: str, method: str) -> None:
    body = "[" * 100_000 + "]" * 100_000
    resp = getattr(client, method)(path, data=body, content_type="application/json", headers=AUTH)
    assert resp.status_code == 400
    assert resp.get_json() == {"error": "请求体必须是 JSON"}
