"""The simulator page: both URLs, names and roles, DingTalk-style markdown, a card updated in place, CSP."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.runtime import Runtime
from bot.models import Department, Employee
from bot.people.directory import name_to_pinyin
from bot.pipeline.platform import Button, Card
from handlers.chat_markdown import chat_html


def _org(runtime: Runtime) -> None:
    with runtime.db.session() as s:
        d = Department(name="电销一部")
        s.add(d)
        s.flush()
        hr = Employee(userid="hr1", name="王芳", name_pinyin=name_to_pinyin("王芳"), is_hr=True, position="HRBP")
        boss = Employee(userid="m1", name="李强", name_pinyin=name_to_pinyin("李强"), department_id=d.id)
        s.add_all([hr, boss])
        s.flush()
        s.add(Employee(userid="e1", name="张三", name_pinyin=name_to_pinyin("张三"), department_id=d.id,
                       manager_id=boss.id, position="销售专员"))  # fmt: skip


@pytest.mark.parametrize("path", ["/simulator", "/simulator/"])
def test_both_urls_post_to_the_api(client: Any, runtime: Runtime, path: str) -> None:
    _org(runtime)
    page = client.get(f"{path}?user=e1").get_data(as_text=True)
    # Absolute URLs: the page works whether or not the address ends with a slash.
    assert 'data-message-url="/simulator/api/messages"' in page
    assert 'data-card-url="/simulator/api/cards"' in page
    assert client.post("/simulator/api/messages", json={"user": "e1", "text": "/help"}).status_code == 200


def test_names_roles_and_search_data(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    page = client.get("/simulator?user=e1").get_data(as_text=True)
    assert "以 张三 的身份与关怀助手对话" in page and "Chat as e1" not in page
    assert 'data-role="hr"' in page and 'data-role="manager"' in page and 'data-role="employee"' in page
    assert "zhangsan" in page and " zs " in page, "pinyin and initials are searchable"
    english = client.get("/simulator?user=e1&lang=en").get_data(as_text=True)
    assert "Chatting with CareBot as 张三" in english


def test_strict_csp_and_no_inline_code(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    response = client.get("/simulator?user=e1")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    page = response.get_data(as_text=True)
    assert "onclick" not in page and "<style" not in page and " style=" not in page
    assert "<script>" not in page and '<script src="/static/simulator.js"' in page
    assert client.get("/static/simulator.js").status_code == 200


def test_card_is_updated_in_place_and_markdown_rendered(client: Any, runtime: Runtime) -> None:
    _org(runtime)
    local = runtime.platforms["local"]
    card = Card(card_id="rem-9", title="关怀提醒", markdown="**张三** · 电销一部\n连续3天晚于21:00",
                buttons=(Button("已跟进", "reminder.done", {"id": "9"}),))  # fmt: skip
    local.send_card("hr1", card)
    local.update_card("hr1", Card(card_id="rem-9", title="关怀提醒", markdown=card.markdown,
                                  status_text="✅ 已跟进 · 王芳"), {})  # fmt: skip
    fragment = client.get("/simulator/chat?user=hr1").get_data(as_text=True)
    assert fragment.count('data-card-id="rem-9"') == 1, "one card, updated, not a second one"
    assert "✅ 已跟进 · 王芳" in fragment and "card-button" not in fragment
    assert "<strong>张三</strong>" in fragment and "**" not in fragment
    assert "<br />" in fragment, "a single newline breaks the line, as in DingTalk"


def test_markdown_is_escaped_and_images_stay_out() -> None:
    html = chat_html("<script>alert(1)</script> ![x](http://evil.example/p.png) [a](javascript:alert)")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html, "remote images would break the CSP: shown as links"
    assert "href=\"javascript" not in html
