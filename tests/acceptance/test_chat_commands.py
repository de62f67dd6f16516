"""Chat commands through the local simulator, as a person in the demo organisation would type them."""

from __future__ import annotations

import re
from typing import Any

import pytest

AUTH = {"Authorization": "Bearer acceptance"}


@pytest.fixture
def settings_overrides() -> dict[str, dict[str, Any]]:
    return {"api": {"tokens": ["acceptance"]}}


def say(client: Any, user: str, text: str) -> list[str]:
    resp = client.post("/simulator/api/messages", json={"user": user, "text": text})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return [r["text"] for r in resp.get_json()["replies"]]


def test_the_tags_example_in_help_names_a_real_tag(client: Any) -> None:
    body = {"name": "李人事", "department": "人力资源部", "hired_on": "2020-03-01", "is_hr": True}
    assert client.put("/api/v1/employees/lihr", json=body, headers=AUTH).status_code == 201
    [help_text] = say(client, "lihr", "/help")
    example = re.search(r"(/tags [^\s·]+)", help_text)
    assert example, help_text
    [answer] = say(client, "lihr", example.group(1))
    assert "没有找到标签" not in answer, f"{example.group(1)} → {answer}"
