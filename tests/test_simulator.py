"""The local platform and simulator: messages in through the inbox, out through the platform."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.models import InboundEvent
from bot.pipeline.dispatch import Reply, _handlers, on
from bot.pipeline.events import ChatMessage
from bot.pipeline.platform import Button, Card


def test_post_message_enters_inbox_once(client, db) -> None:
    r = client.post("/simulator/api/messages", json={"user": "u1", "text": "你好", "id": "m-1"})
    assert r.status_code == 200
    assert r.get_json()["duplicate"] is False
    r = client.post("/simulator/api/messages", json={"user": "u1", "text": "你好", "id": "m-1"})
    assert r.get_json()["duplicate"] is True
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(InboundEvent)) == 1
        assert s.scalar(select(InboundEvent.status)) in ("processed", "ignored")
    msgs = client.get("/simulator/api/messages?user=u1").get_json()["messages"]
    # The first copy gets the "send /help" hint; the duplicate is logged but not answered again.
    assert [m["direction"] for m in msgs] == ["in", "out", "in"]


def test_handler_reply_is_delivered_to_the_chat(client) -> None:
    @on(ChatMessage)
    def echo(event: ChatMessage, ctx) -> Reply:
        return Reply(text=f"收到：{event.text}")

    try:
        # Not a slash command, so the command handler stays out and the help hint does not run.
        r = client.post("/simulator/api/messages", json={"user": "u2", "text": "ping"})
        assert r.get_json()["replies"] == [{"text": "收到：ping", "markdown": False}]
        msgs = client.get("/simulator/api/messages?user=u2").get_json()["messages"]
        assert msgs[-1]["direction"] == "out"
        assert msgs[-1]["payload"] == {"text": "收到：ping"}
    finally:
        _handlers[ChatMessage].remove(echo)


def test_local_platform_card_is_idempotent_and_updatable(runtime, client) -> None:
    local = runtime.platforms["local"]
    card = Card(card_id="rem-1", title="关怀提醒", markdown="**张三**", buttons=(Button("已跟进", "done"),))
    local.send_card("hr1", card)
    local.send_card("hr1", card)
    local.update_card("hr1", Card(card_id="rem-1", title="关怀提醒", markdown="**张三**", status_text="已跟进"), {})
    msgs = client.get("/simulator/api/messages?user=hr1").get_json()["messages"]
    assert [m["kind"] for m in msgs] == ["card", "card_update"]
    assert msgs[0]["payload"]["status_text"] == "已跟进"


def test_bad_input(client) -> None:
    assert client.get("/simulator/api/messages").status_code == 400
    assert client.post("/simulator/api/messages", data="x", content_type="text/plain").status_code == 400
    assert client.post("/simulator/api/messages", json={"user": "u"}).status_code == 400
    assert client.post("/simulator/api/cards", json={"user": "u", "card_id": "c"}).status_code == 400


def test_page_renders(client) -> None:
    r = client.get("/simulator?user=u1")
    assert r.status_code == 200
    assert "CareBot" in r.get_data(as_text=True)
