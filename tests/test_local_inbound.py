"""The local platform's normaliser: simulator payloads become events stamped with the runtime clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.models import InboundEvent
from bot.pipeline.events import ChatMessage
from bot.platforms.local.inbound import normalise


def test_chat_message_keeps_the_time_the_simulator_stamped() -> None:
    [event] = normalise("text", {"user": "u1", "text": "hi", "sent_at": "2026-11-18T13:42:00+00:00"})
    assert isinstance(event, ChatMessage)
    assert event.sent_at == datetime(2026, 11, 18, 13, 42, tzinfo=UTC)


def test_payload_without_a_stamp_is_still_an_event() -> None:
    [event] = normalise("text", {"user": "u1", "text": "hi"})
    assert isinstance(event, ChatMessage) and event.sent_at == datetime.fromtimestamp(0, UTC)


def test_simulator_stamps_messages_with_the_runtime_clock(client: Any, runtime: Any) -> None:
    assert client.post("/simulator/api/messages", json={"user": "u1", "text": "hi", "id": "m1"}).status_code == 200
    with runtime.db.session() as s:
        payload = s.scalar(select(InboundEvent.payload))
    assert payload["sent_at"] == runtime.clock.now().isoformat()
