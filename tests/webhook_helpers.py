"""Helpers for webhook tests: payload files, isolated handlers that record what they saw."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.models import InboundEvent, OutboxMessage
from bot.pipeline import dispatch
from bot.pipeline.dispatch import Context, Reply

PAYLOADS = Path(__file__).resolve().parent / "payloads"


def dingtalk_payload(name: str) -> dict[str, Any]:
    """A DingTalk JSON payload from tests/payloads/dingtalk/."""
    data: dict[str, Any] = json.loads((PAYLOADS / "dingtalk" / f"{name}.json").read_text("utf-8"))
    return data


def wecom_payload(name: str) -> str:
    """A WeCom XML payload from tests/payloads/wecom/."""
    return (PAYLOADS / "wecom" / f"{name}.xml").read_text("utf-8").strip()


@dataclass
class Recorder:
    """Handlers registered only for one test: they record events and answer with ``replies``."""

    seen: list[Any] = field(default_factory=list)
    replies: dict[type, Callable[[Any], Reply | None]] = field(default_factory=dict)

    def listen(self, *types: type) -> None:
        for event_type in types:
            dispatch.on(event_type)(self._handle)

    def answer(self, event_type: type, fn: Callable[[Any], Reply | None]) -> None:
        self.replies[event_type] = fn
        self.listen(event_type)

    def _handle(self, event: Any, ctx: Context) -> Reply | None:
        self.seen.append(event)
        fn = self.replies.get(type(event))
        return fn(event) if fn else None

    def of(self, event_type: type) -> list[Any]:
        return [e for e in self.seen if isinstance(e, event_type)]


@pytest.fixture
def recorder(app: Any, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Replace every registered handler with the recorder's, for this test only.

    Depends on ``app`` so that the handler modules are imported (and register themselves in the
    real tables) before they are swapped out; otherwise the first import would land in the
    temporary tables and the handlers would be missing for every later test.
    """
    monkeypatch.setattr(dispatch, "_handlers", {})
    monkeypatch.setattr(dispatch, "_fallbacks", {})
    return Recorder()


def inbox_rows(runtime: Any) -> list[InboundEvent]:
    with runtime.db.session() as s:
        return list(s.scalars(select(InboundEvent).order_by(InboundEvent.id)))


def outbox_rows(runtime: Any) -> list[OutboxMessage]:
    with runtime.db.session() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def inbox_count(runtime: Any) -> int:
    with runtime.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(InboundEvent)) or 0)
