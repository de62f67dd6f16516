"""The ``dingtalk`` platform: CareBot's neutral messages as DingTalk work notifications, cards and robot replies.

* text / markdown → work notification (``asyncsend_v2``, §4.2);
* cards → interactive card (``createAndDeliver``, our ``outTrackId`` = ``Card.card_id``, §4.4) when
  ``[dingtalk].card_template_id`` and ``robot_code`` are set, else an ``action_card`` work
  notification whose buttons are links (DingTalk action cards cannot call back);
* card updates → ``PUT /v1.0/card/instances`` by ``outTrackId``;
* replies → the conversation's ``sessionWebhook`` while valid (with ``msgUuid``), else a robot
  1:1 message (``oToMessages/batchSend``), else a work notification.

The card template reads four string variables: ``title``, ``markdown``, ``status`` (empty until the
card is settled) and ``buttons`` (a JSON list of ``{text, action, params, style}``; a button's
``actionId`` is its ``action`` and its callback params carry ``params``).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.errors import PlatformAPIError
from bot.core.input_guard import plain_int
from bot.pipeline.platform import Card, SendResult
from bot.platforms.dingtalk.client import DingTalkClient

log = logging.getLogger(__name__)

__all__ = ["DingTalkClient", "DingTalkPlatform", "card_params", "parse_expiry"]

WEBHOOK_MARGIN = timedelta(seconds=30)  # don't start a webhook call that may arrive after it expired
CHINA = ZoneInfo("Asia/Shanghai")  # DingTalk counts its days in China time, whatever the company's zone

Route = Literal["work_notice", "card", "card_update", "session_webhook", "robot"]
_ROUTE_NAMES: dict[str, str] = {
    "work_notice": "work notification",
    "card": "interactive card",
    "card_update": "card update",
    "session_webhook": "session-webhook reply",
    "robot": "robot 1:1 message",
}


# DingTalk limits each cardParamMap value to 1 KB; a reminder (evidence, why, talking points) is
# longer, so the body is split at line breaks over markdown, markdown_2, … markdown_N, which the
# card template shows one after another (docs/delivery.md).
PARAM_VALUE_BYTES = 1000
MARKDOWN_PARTS = 6


def split_markdown(text: str, limit: int = PARAM_VALUE_BYTES, parts: int = MARKDOWN_PARTS) -> list[str]:
    """``text`` cut at line breaks into at most ``parts`` pieces of at most ``limit`` UTF-8 bytes."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line.encode()) > limit:  # one very long line: cut it at a character boundary
            cut = line.encode()[:limit].decode(errors="ignore")
            if current:
                pieces.append(current)
                current = ""
            pieces.append(cut)
            line = line[len(cut) :]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    pieces.append(current)
    if len(pieces) > parts:
        last = pieces[parts - 1].encode()[: limit - 3].decode(errors="ignore")
        pieces = [*pieces[: parts - 1], last + "…"]
    return pieces


def card_params(card: Card) -> dict[str, str]:
    """The ``cardParamMap`` of a card (DingTalk wants string values of at most 1 KB each)."""
    buttons = [] if card.status_text else [
        {"text": b.label, "action": b.action, "params": b.params, "style": b.style} for b in card.buttons
    ]  # fmt: skip
    body = split_markdown(card.markdown)
    params = {
        "title": card.title,
        "markdown": body[0],
        "status": card.status_text or "",
        "buttons": json.dumps(buttons, ensure_ascii=False),
    }
    for n in range(2, MARKDOWN_PARTS + 1):
        params[f"markdown_{n}"] = body[n - 1] if n <= len(body) else ""
    return params


def parse_expiry(value: Any) -> datetime | None:
    """``sessionWebhookExpiredTime`` as stored: an ISO 8601 string or a millisecond epoch."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and plain_int(value.strip()) is not None:
        value = int(value.strip())  # ASCII digits only: "²" passes isdigit() but not int()
    if isinstance(value, int | float):
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def msg_uuid(key: str) -> str:
    """A stable ``msgUuid`` for an outbox key: DingTalk ignores a second robot message with it."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"carebot:{key}").hex


class DingTalkPlatform:
    """Implements :class:`bot.pipeline.platform.Platform` on DingTalk."""

    name = "dingtalk"
    # Its client runs ``delivery_starting`` just before each message request (bot/platforms/http.py).
    announces_deliveries = True

    def __init__(
        self,
        client: DingTalkClient,
        *,
        clock: Clock,
        robot_code: str = "",
        card_template_id: str = "",
        card_callback_route_key: str = "",
        link_url: str = "",
        stream_callbacks: bool = False,
    ) -> None:
        self.client = client
        self._clock = clock
        self.robot_code = robot_code
        self.card_template_id = card_template_id
        self.card_callback_route_key = card_callback_route_key
        self.link_url = link_url
        self.stream_callbacks = stream_callbacks  # [dingtalk].mode = "stream": card clicks come over Stream

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> DingTalkPlatform:
        """Build the platform from ``[dingtalk]`` (base URLs included)."""
        cfg = settings.dingtalk
        client = DingTalkClient(
            app_key=cfg.app_key,
            app_secret=cfg.app_secret,
            agent_id=cfg.agent_id,
            clock=clock,
            api_base=cfg.api_base,
            oapi_base=cfg.oapi_base,
        )
        return cls(
            client,
            clock=clock,
            robot_code=cfg.robot_code,
            card_template_id=cfg.card_template_id,
            card_callback_route_key=cfg.card_callback_route_key,
            link_url=settings.app.public_url,
            stream_callbacks=cfg.mode == "stream",
        )

    @property
    def interactive_cards(self) -> bool:
        """Whether cards go out as interactive cards (buttons call back) rather than link-only action cards."""
        return bool(self.card_template_id and self.robot_code)

    # -- Platform ------------------------------------------------------------------------------
    def _notice(self, userid: str, msg: dict[str, Any]) -> SendResult:
        sent = self.client.send_work_notice([userid], msg)
        return SendResult(ok=True, ref={"via": "work_notice", **sent[0]})

    def send_text(self, userid: str, text: str) -> SendResult:
        return self._notice(userid, {"msgtype": "text", "text": {"content": text}})

    def send_markdown(self, userid: str, title: str, text: str) -> SendResult:
        return self._notice(userid, {"msgtype": "markdown", "markdown": {"title": title, "text": text}})

    def send_card(self, userid: str, card: Card) -> SendResult:
        if self.interactive_cards:
            sent = self.client.create_and_deliver_card(
                userid=userid,
                out_track_id=card.card_id,
                template_id=self.card_template_id,
                robot_code=self.robot_code,
                params=card_params(card),
                callback_route_key=self.card_callback_route_key,
                stream_callbacks=self.stream_callbacks,
            )
            ref = {"via": "card", "card_id": card.card_id, "out_track_id": card.card_id}
            carriers = [d.get("carrierId") for d in sent["result"].get("deliverResults") or [] if isinstance(d, dict)]
            if any(carriers):
                ref["carrier_id"] = next(c for c in carriers if c)  # the card message in the 1:1 chat
            return SendResult(ok=True, ref=ref)
        result = self._notice(userid, self._action_card(card))
        return SendResult(ok=True, ref={**result.ref, "card_id": card.card_id})

    def _action_card(self, card: Card) -> dict[str, Any]:
        """A link-only card: buttons with a ``url`` param become links; without any, a markdown notice."""
        text = card.markdown + (f"\n\n**{card.status_text}**" if card.status_text else "")
        links = [(b.label, b.params["url"]) for b in card.buttons if b.params.get("url")]
        if not links and self.link_url:
            links = [(card.title[:20] or "CareBot", self.link_url)]
        if not links:
            return {"msgtype": "markdown", "markdown": {"title": card.title, "text": text}}
        body: dict[str, Any] = {"title": card.title, "markdown": text}
        if len(links) == 1:
            body |= {"single_title": links[0][0][:20], "single_url": links[0][1]}
        else:
            body |= {"btn_orientation": "1", "btn_json_list": [{"title": t[:20], "action_url": u} for t, u in links]}
        return {"msgtype": "action_card", "action_card": body}

    def update_card(self, userid: str, card: Card, ref: dict[str, Any]) -> SendResult:
        if ref.get("via") == "work_notice" or not self.interactive_cards:
            raise PlatformAPIError(
                "dingtalk: this card went out as a work notification, which cannot be updated "
                "(set [dingtalk].card_template_id and robot_code for interactive cards)",
                retryable=False,
            )
        self.client.update_card(card.card_id, card_params(card))
        return SendResult(ok=True, ref={"via": "card", "card_id": card.card_id, "out_track_id": card.card_id})

    # -- replies -------------------------------------------------------------------------------
    def reply(self, recipient: str, payload: dict[str, Any], *, dedupe_key: str) -> SendResult:
        """Answer a chat message: session webhook while valid, else robot 1:1, else work notification."""
        text, title = str(payload.get("text") or ""), payload.get("title")
        userid = str(payload.get("userid") or recipient)
        route = self.route("reply", payload, self._clock.now())
        if route == "session_webhook":
            body: dict[str, Any] = (
                {"msgtype": "markdown", "markdown": {"title": str(title), "text": text}}
                if title
                else {"msgtype": "text", "text": {"content": text}}
            )
            body["msgUuid"] = msg_uuid(dedupe_key)
            self.client.send_session_webhook(str(payload["session_webhook"]), body)
            return SendResult(ok=True, ref={"via": "session_webhook", "msg_uuid": body["msgUuid"]})
        if route == "robot":
            key, param = (
                ("sampleMarkdown", {"title": title, "text": text}) if title else ("sampleText", {"content": text})
            )
            sent = self.client.robot_send_to_users(self.robot_code, [userid], key, param)
            return SendResult(ok=True, ref={"via": "robot", **sent[0]})
        if title:
            return self.send_markdown(userid, str(title), text)
        return self.send_text(userid, text)

    # -- repeats after a call without an answer (RepeatAware) ------------------------------------
    def route(self, kind: str, payload: dict[str, Any], at: datetime) -> Route:
        """Which DingTalk API a message of ``kind`` goes out through if it is sent at ``at``."""
        if kind == "card_update":
            return "card_update"
        if kind == "card":
            return "card" if self.interactive_cards else "work_notice"
        if kind == "reply":
            expires = parse_expiry(payload.get("session_webhook_expires_at"))
            if payload.get("session_webhook") and expires is not None and at + WEBHOOK_MARGIN < expires:
                return "session_webhook"
            return "robot" if self.robot_code else "work_notice"
        return "work_notice"

    def repeat_risk(self, kind: str, payload: dict[str, Any], since: datetime, now: datetime) -> str | None:
        """None where DingTalk drops a repeat of a call made at ``since``, else why it would not.

        Dropped: an interactive card or card update (same ``outTrackId``: "同一个outTrackId重复创建，
        卡片数据不覆盖更新"), a session-webhook reply (same ``msgUuid``), and a work notification
        repeated on the same China day (one identical content per user per day, §4.2). Not dropped:
        robot 1:1 messages (``oToMessages/batchSend`` takes no dedupe key, and its
        ``processQueryKey`` — the only handle to ask about it — was in the answer that was lost).
        """
        before, again = self.route(kind, payload, since), self.route(kind, payload, now)
        if before != again:
            return f"the first try went out as a {_ROUTE_NAMES[before]} and a repeat would be a {_ROUTE_NAMES[again]}"
        if before in ("card", "card_update", "session_webhook"):
            return None
        if before == "robot":
            return "DingTalk robot 1:1 messages have no dedupe key and cannot be looked up without the lost answer"
        if since.astimezone(CHINA).date() == now.astimezone(CHINA).date():
            return None
        return "DingTalk drops an identical work notification only on the same (China) day, and that day is over"
