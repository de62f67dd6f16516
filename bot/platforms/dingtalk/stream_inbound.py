"""DingTalk Stream frames ↔ the inbound pipeline: EVENT and CALLBACK frames become neutral requests,
the pipeline's answers become acks (protocols.md §3.3–3.4).

No signature in Stream (the connection is authenticated); the adapter still checks that the corp
and robot are ours and that a clicked card was sent to the clicker. Acks are built only after the
inbox committed: an event that could not be stored is answered ``LATER`` (DingTalk delivers it
again); a robot message that could not be stored is lost (DingTalk does not redeliver them), so
it is logged and counted by the pipeline.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bot.pipeline.requests import UNAVAILABLE, InboundAnswer, InboundRequest
from bot.platforms.dingtalk.fields import field
from bot.platforms.dingtalk.inbound import PLATFORM
from bot.platforms.dingtalk.stream_frames import (
    STATUS_LATER,
    STATUS_SUCCESS,
    TOPIC_CARD,
    TOPIC_ROBOT,
    TYPE_CALLBACK,
    TYPE_EVENT,
    StreamAck,
    StreamFrame,
    callback_ack,
    event_ack,
)

log = logging.getLogger(__name__)

ROUTES = {TOPIC_ROBOT: "robot", TOPIC_CARD: "cards"}
SUCCESS: dict[str, str] = {"status": STATUS_SUCCESS, "message": ""}
# The data of a robot CALLBACK ack, as DingTalk's SDK sends it; the replies go through the outbox.
ROBOT_ACK: dict[str, Any] = {"response": "OK"}
# An EVENT frame's header → the key the HTTP payload carries it under (protocols.md §2.6).
EVENT_HEADERS = (
    ("eventId", "eventId"),
    ("eventType", "EventType"),
    ("eventCorpId", "CorpId"),
    ("eventBornTime", "EventTime"),
)


def event_payload(data: Mapping[str, Any], headers: Mapping[str, str]) -> dict[str, Any]:
    """An EVENT frame's data plus its header metadata, shaped as the decrypted HTTP event.

    The HTTP payload carries ``eventId`` in the body, Stream in the headers: both give the same
    idempotency key (``eid:<eventId>``), so an event delivered both ways is stored once.
    """
    lowered = {str(k).lower(): v for k, v in headers.items()}
    payload = dict(data)
    for header, name in EVENT_HEADERS:
        value = lowered.get(header.lower())
        if value not in (None, "") and field(payload, name) is None:
            payload[name] = value
    return payload


class DingTalkStreamCodec:
    """Implements :class:`bot.pipeline.inbound.StreamCodec` for DingTalk's EVENT and CALLBACK frames."""

    def request(self, frame: StreamFrame) -> InboundRequest | None:
        if frame.type == TYPE_EVENT:
            route = "events"
        elif frame.type == TYPE_CALLBACK and frame.topic in ROUTES:
            route = ROUTES[frame.topic]
        else:
            return None
        return InboundRequest(PLATFORM, route, "stream", headers=dict(frame.headers), body=frame.data.encode("utf-8"))

    def ack(self, frame: StreamFrame, request: InboundRequest | None, answer: InboundAnswer | None) -> StreamAck | None:
        message_id = frame.message_id
        if request is None:
            log.warning("dingtalk stream frame %s/%s not handled", frame.type, frame.topic[:80])
            return StreamAck(message_id, "{}", code=404, message="unknown topic")
        if answer is not None and answer.ok:
            if request.route == "events":
                return event_ack(frame, STATUS_SUCCESS)  # only now: the event is committed
            response = answer.json_value()  # a card click: the card update itself
            return callback_ack(frame, response if isinstance(response, dict) else None)
        if answer is None or answer.status >= 500:
            if request.route == "events":
                return event_ack(frame, STATUS_LATER, UNAVAILABLE)  # DingTalk delivers it again later
            if request.route == "robot":
                log.warning("dingtalk robot message (frame %s) received over Stream but not stored: lost", message_id)
            return StreamAck(message_id, "{}", code=500, message=UNAVAILABLE)
        # Refused (bad JSON, another corp's robot, a card never sent to the clicker): say why.
        return StreamAck(message_id, "{}", code=answer.status, message=answer.text[:200])
