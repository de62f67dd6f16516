"""The ``local`` platform: messages are stored in the database and read back by the simulator."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.core.db import Database
from bot.models import LocalMessage
from bot.pipeline.platform import Card, SendResult, reply_directly


class LocalPlatform:
    """Delivers to the ``local_messages`` table; the simulator shows it as a chat."""

    name = "local"

    def __init__(self, db: Database) -> None:
        self._db = db

    def _store(self, userid: str, kind: str, payload: dict[str, Any], ref: str | None = None) -> SendResult:
        with self._db.session() as s:
            row = LocalMessage(userid=userid, direction="out", kind=kind, payload=payload, ref=ref)
            s.add(row)
            s.flush()
            return SendResult(ok=True, ref={"message_id": row.id, "card_id": ref})

    def send_text(self, userid: str, text: str) -> SendResult:
        return self._store(userid, "text", {"text": text})

    def send_markdown(self, userid: str, title: str, text: str) -> SendResult:
        return self._store(userid, "markdown", {"title": title, "text": text})

    def send_card(self, userid: str, card: Card) -> SendResult:
        with self._db.session() as s:
            # The card id is the idempotency key, as outTrackId/task_id are on the real platforms.
            existing = s.scalar(
                select(LocalMessage.id).where(LocalMessage.ref == card.card_id, LocalMessage.kind == "card")
            )
        if existing is not None:
            return SendResult(ok=True, ref={"message_id": existing, "card_id": card.card_id})
        return self._store(userid, "card", asdict(card), ref=card.card_id)

    def reply(self, recipient: str, payload: dict[str, Any], *, dedupe_key: str) -> SendResult:
        """No conversation reply channel is used here: the sender gets a message."""
        return reply_directly(self, recipient, payload)

    def update_card(self, userid: str, card: Card, ref: dict[str, Any]) -> SendResult:
        with self._db.session() as s:
            row = s.scalar(select(LocalMessage).where(LocalMessage.ref == card.card_id, LocalMessage.kind == "card"))
            if row is not None:
                row.payload = asdict(card)
        return self._store(userid, "card_update", asdict(card), ref=card.card_id)

    def repeat_risk(self, kind: str, payload: dict[str, Any], since: datetime, now: datetime) -> str | None:
        """A repeat is harmless here: the simulator is a developer's chat, and cards are kept by id."""
        return None
