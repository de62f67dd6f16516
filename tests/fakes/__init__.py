"""Test doubles: an in-memory platform that records what the bot sends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.pipeline.platform import Card, SendResult, reply_directly


@dataclass
class Sent:
    kind: str
    userid: str
    body: dict[str, Any]


@dataclass
class FakePlatform:
    """Records sends; ``fail_with`` makes the next sends raise (for retry tests)."""

    name: str = "fake"
    sent: list[Sent] = field(default_factory=list)
    fail_with: Exception | None = None

    def _record(self, kind: str, userid: str, **body: Any) -> SendResult:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(Sent(kind, userid, body))
        return SendResult(
            ok=True, ref={"n": len(self.sent), **({"card_id": body["card"].card_id} if "card" in body else {})}
        )

    def send_text(self, userid: str, text: str) -> SendResult:
        return self._record("text", userid, text=text)

    def send_markdown(self, userid: str, title: str, text: str) -> SendResult:
        return self._record("markdown", userid, title=title, text=text)

    def send_card(self, userid: str, card: Card) -> SendResult:
        return self._record("card", userid, card=card)

    def update_card(self, userid: str, card: Card, ref: dict[str, Any]) -> SendResult:
        return self._record("card_update", userid, card=card, ref=ref)

    def reply(self, recipient: str, payload: dict[str, Any], *, dedupe_key: str) -> SendResult:
        """No conversation channel: the sender gets a text or markdown message (recorded as such)."""
        return reply_directly(self, recipient, payload)

    def to(self, userid: str) -> list[Sent]:
        return [s for s in self.sent if s.userid == userid]

    def texts(self, userid: str | None = None) -> list[str]:
        """Every text-like body sent (text, markdown, card markdown), optionally to one user."""
        out = []
        for s in self.sent:
            if userid is not None and s.userid != userid:
                continue
            if "text" in s.body:
                out.append(s.body["text"])
            elif "card" in s.body:
                out.append(s.body["card"].title + "\n" + s.body["card"].markdown)
        return out
