"""The local platform's inbound adapter: the simulator's (and the demo's) messages and card clicks.

The simulator impersonates any user, so its routes exist only with the local platform
(handlers/simulator.py); what it posts goes through the same pipeline and inbox as a real
platform's callbacks, and the replies appear in the user's simulator chat.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.models import LocalMessage
from bot.pipeline.events import Event
from bot.pipeline.inbound import Accepted, HttpRoute, Item, Outcome, StreamCodec
from bot.pipeline.inbox import ReplySink
from bot.pipeline.requests import InboundAnswer, InboundRequest, Refused
from bot.platforms.inbound_common import json_body
from bot.platforms.local.inbound import PLATFORM, deliver_replies, normalise

MAX_TEXT = 4000
TRANSPORTS = ("simulator", "replay")  # replay: the demo, which stamps its own (historic) times


def _is_json(content_type: str | None) -> bool:
    """``application/json`` or ``application/*+json``, as the simulator page posts."""
    mimetype = (content_type or "").split(";")[0].strip().lower()
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


class LocalInbound:
    """Implements :class:`bot.pipeline.inbound.InboundAdapter` for the simulator."""

    name = PLATFORM
    answered_in_request: frozenset[str] | None = None  # all: the simulator shows replies in its request
    http_routes: tuple[HttpRoute, ...] = ()  # the simulator blueprint has its own routes
    stream: StreamCodec | None = None

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def accept(self, request: InboundRequest) -> Accepted:
        if request.transport not in TRANSPORTS:
            raise Refused("not found", 404)
        if request.transport == "simulator" and not _is_json(request.header("content-type")):
            raise Refused("expected a JSON object", 400)
        try:
            body = json_body(request.body)
        except Refused:
            raise Refused("expected a JSON object", 400) from None
        if request.route == "messages":
            event_type, payload = "text", self._message(body, replay=request.transport == "replay")
        elif request.route == "cards":
            event_type, payload = "card", self._click(body)
        else:
            raise Refused("not found", 404)
        key = str(body.get("id") or uuid.uuid4())
        return self._accepted(Item(key, event_type, payload))

    def refusal(self, reason: str, status: int) -> InboundAnswer:
        return InboundAnswer.json({"error": reason}, status)

    def normalise(self, event_type: str, payload: dict[str, Any]) -> list[Event]:
        return normalise(event_type, payload)

    def clicked_card_id(self, card_id: str) -> str:
        """The id this platform echoes in a click on the card CareBot sent as ``card_id``."""
        return card_id

    def reply_sink(self) -> ReplySink | None:
        return None  # replies are shown by the request that stored the event

    def _message(self, body: dict[str, Any], *, replay: bool) -> dict[str, Any]:
        """``{"user": ID, "text": "...", "id"?: client message id, "group"?: conversation id}``."""
        user, text = body.get("user"), body.get("text")
        if not isinstance(user, str) or not user.strip() or not isinstance(text, str) or not text.strip():
            raise Refused("fields 'user' and 'text' are required strings", 400)
        if len(text) > MAX_TEXT:
            raise Refused(f"text longer than {MAX_TEXT} characters", 400)
        group = body.get("group")
        stamp = body.get("sent_at") if replay else None
        return {
            "user": user.strip(),
            "text": text,
            "group": group if isinstance(group, str) else None,
            # Stamped with the runtime clock when stored (tests fix it); the demo brings its own.
            "sent_at": stamp if isinstance(stamp, str) else self._runtime.clock.now().isoformat(),
        }

    @staticmethod
    def _click(body: dict[str, Any]) -> dict[str, Any]:
        """``{"user": ID, "card_id": ..., "action": ..., "params"?: {...}}`` — a button click."""
        fields = {k: body.get(k) for k in ("user", "card_id", "action")}
        if not all(isinstance(v, str) and v for v in fields.values()):
            raise Refused("fields 'user', 'card_id' and 'action' are required strings", 400)
        params = body.get("params") or {}
        if not isinstance(params, dict):
            raise Refused("'params' must be an object", 400)
        return {**fields, "params": {str(k): str(v) for k, v in params.items()}}

    def _accepted(self, item: Item) -> Accepted:
        payload = item.payload

        def log_incoming(session: Session) -> None:
            if item.event_type == "text":  # a repeated message shows in the log, as on a real client
                session.add(
                    LocalMessage(userid=payload["user"], direction="in", kind="text", payload={"text": payload["text"]})
                )

        def deliver(outcome: Outcome) -> None:
            deliver_replies(self._runtime, payload["user"], outcome.replies, card_id=payload.get("card_id"))

        def answer(outcome: Outcome) -> InboundAnswer:
            return InboundAnswer.json(
                {
                    "event_id": outcome.event_id,
                    "duplicate": not outcome.created,
                    "replies": [{"text": r.text, "markdown": r.markdown_title is not None} for r in outcome.replies],
                }
            )

        return Accepted([item], answer, process="now", deliver=deliver, on_store=log_incoming)
