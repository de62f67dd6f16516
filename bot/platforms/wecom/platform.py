"""The ``wecom`` platform: CareBot's neutral messages as WeCom app messages and template cards.

* text / markdown → ``message/send`` with ``enable_duplicate_check`` (a resend within 4 h is dropped
  by WeCom, which makes a retry after a crash harmless);
* cards → ``template_card`` ``button_interaction`` with ``task_id`` = ``Card.card_id`` (WeCom refuses
  a second card with the same ``task_id`` — answered 42014 — which we count as already sent);
* card updates → ``update_template_card`` with the single-use ``response_code`` from the ref.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.errors import PlatformAPIError
from bot.pipeline.platform import Card, SendResult, reply_directly
from bot.platforms.wecom import cards as wecom_cards
from bot.platforms.wecom.client import DUPLICATE_CHECK_SECONDS, TASK_ID_EXISTS, WeComClient

log = logging.getLogger(__name__)

__all__ = ["WeComClient", "WeComPlatform"]

# WeCom counts its duplicate-check interval from the first message; stop relying on it a little
# before the end, as the repeat itself takes a moment to arrive.
DUPLICATE_WINDOW = timedelta(seconds=DUPLICATE_CHECK_SECONDS) - timedelta(minutes=5)


def _check_delivered(userid: str, answer: dict[str, Any]) -> None:
    """WeCom answers 0 even when a recipient is invalid or unlicensed; for one recipient that is a failure."""
    for field, what in (("invaliduser", "invalid user"), ("unlicenseduser", "user without a WeCom licence")):
        listed = {u.lower() for u in str(answer.get(field) or "").split("|") if u}
        if userid.lower() in listed:
            raise PlatformAPIError(f"wecom: {what} {userid}", code=field, retryable=False)


class WeComPlatform:
    """Implements :class:`bot.pipeline.platform.Platform` on WeCom."""

    name = "wecom"
    # Its client runs ``delivery_starting`` just before each message request (bot/platforms/http.py).
    announces_deliveries = True

    def __init__(self, client: WeComClient) -> None:
        self.client = client

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> WeComPlatform:
        """Build the platform from ``[wecom]`` (base URL included)."""
        cfg = settings.wecom
        return cls(
            WeComClient(
                corp_id=cfg.corp_id, secret=cfg.secret, agent_id=cfg.agent_id, clock=clock, api_base=cfg.api_base
            )
        )

    def _send(self, userid: str, msgtype: str, content: dict[str, Any]) -> dict[str, Any]:
        answer = self.client.send_message([userid], msgtype, content)[0]
        _check_delivered(userid, answer)
        return answer

    def send_text(self, userid: str, text: str) -> SendResult:
        answer = self._send(userid, "text", {"content": text})
        return SendResult(ok=True, ref={"via": "message", "msgid": answer.get("msgid")})

    def send_markdown(self, userid: str, title: str, text: str) -> SendResult:
        content = f"**{title}**\n{text}" if title else text
        answer = self._send(userid, "markdown", {"content": content})
        return SendResult(ok=True, ref={"via": "message", "msgid": answer.get("msgid")})

    def send_card(self, userid: str, card: Card) -> SendResult:
        tid = wecom_cards.task_id(card.card_id)
        try:
            answer = self._send(userid, "template_card", wecom_cards.template_card(card))
        except PlatformAPIError as exc:
            if exc.code != TASK_ID_EXISTS:
                raise
            # Sent before (e.g. the process died before recording it): WeCom keeps one card per task_id.
            log.info("wecom: card %s was already sent; not sending it again", tid)
            return SendResult(
                ok=True, ref={"via": "card", "card_id": card.card_id, "task_id": tid, "already_sent": True}
            )
        ref = {"via": "card", "card_id": card.card_id, "task_id": tid, "msgid": answer.get("msgid")}
        if answer.get("response_code"):
            ref["response_code"] = answer["response_code"]
        return SendResult(ok=True, ref=ref)

    def reply(self, recipient: str, payload: dict[str, Any], *, dedupe_key: str) -> SendResult:
        """No conversation reply channel is used here: the sender gets a message."""
        return reply_directly(self, recipient, payload)

    def update_card(self, userid: str, card: Card, ref: dict[str, Any]) -> SendResult:
        code = ref.get("response_code")
        if not code:
            raise PlatformAPIError(
                "wecom: a card update needs the response_code of the send or of the click", retryable=False
            )
        if card.status_text:
            self.client.update_template_card([userid], str(code), replace_name=card.status_text)
        else:
            self.client.update_template_card([userid], str(code), template_card=wecom_cards.template_card(card))
        return SendResult(
            ok=True, ref={"via": "card", "card_id": card.card_id, "task_id": wecom_cards.task_id(card.card_id)}
        )

    def repeat_risk(self, kind: str, payload: dict[str, Any], since: datetime, now: datetime) -> str | None:
        """None where WeCom drops a repeat of a call made at ``since``, else why it would not.

        Dropped: a template card (same ``task_id``: refused with 42014, recorded as already sent),
        a card update (the same state again; a spent ``response_code`` fails without showing
        anything), and a text or markdown message inside ``duplicate_check_interval`` (4 h) of the
        first try. There is no API to ask whether a message arrived without its ``msgid``.
        """
        if kind in ("card", "card_update"):
            return None
        if now - since < DUPLICATE_WINDOW:
            return None
        return "WeCom's duplicate check covers 4 hours from the first try, and they are over"
