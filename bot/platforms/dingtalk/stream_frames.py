"""DingTalk Stream frames and acks: the seam between the connector (WebSocket) and the pipeline.

The connector speaks the transport (open the connection, SYSTEM ping/disconnect, reconnect) and hands
every EVENT and CALLBACK frame to a :data:`FrameHandler`; the pipeline stores the frame in the inbox
and returns the ack, or ``None`` so DingTalk redelivers (protocols.md §3.3–3.4).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

TOPIC_EVENTS = "*"
TOPIC_ROBOT = "/v1.0/im/bot/messages/get"
TOPIC_CARD = "/v1.0/card/instances/callback"

TYPE_SYSTEM = "SYSTEM"
TYPE_EVENT = "EVENT"
TYPE_CALLBACK = "CALLBACK"

STATUS_SUCCESS = "SUCCESS"
STATUS_LATER = "LATER"


@dataclass(frozen=True)
class StreamFrame:
    """One decoded frame as DingTalk sent it; ``data`` is the JSON string of the payload."""

    type: str
    topic: str
    headers: Mapping[str, str] = field(default_factory=dict)
    data: str = ""

    @property
    def message_id(self) -> str:
        return str(self.headers.get("messageId", ""))

    @classmethod
    def from_json(cls, frame: Mapping[str, Any]) -> StreamFrame:
        """Build from the decoded WebSocket message (``{specVersion, type, headers, data}``)."""
        headers = {str(k): str(v) for k, v in dict(frame.get("headers") or {}).items()}
        data = frame.get("data")
        return cls(
            type=str(frame.get("type", "")),
            topic=headers.get("topic", ""),
            headers=headers,
            data=data if isinstance(data, str) else json.dumps(data, ensure_ascii=False),
        )


@dataclass(frozen=True)
class StreamAck:
    """The answer to one frame: ``data`` is a JSON string (an event status, a card update …)."""

    message_id: str
    data: str
    code: int = 200
    message: str = "OK"

    def to_json(self) -> dict[str, Any]:
        """The ack as sent on the WebSocket (protocols.md §3.3)."""
        return {
            "code": self.code,
            "headers": {"messageId": self.message_id, "contentType": "application/json"},
            "message": self.message,
            "data": self.data,
        }


FrameHandler = Callable[[StreamFrame], "StreamAck | None"]
"""Handle one EVENT/CALLBACK frame; ``None`` means "do not ack" (DingTalk redelivers events)."""


def event_ack(frame: StreamFrame, status: str = STATUS_SUCCESS, message: str = "") -> StreamAck:
    """The ack of an EVENT frame: ``{"status": "SUCCESS"|"LATER", "message": …}``."""
    data = json.dumps({"status": status, "message": message}, ensure_ascii=False)
    return StreamAck(message_id=frame.message_id, data=data)


def callback_ack(frame: StreamFrame, response: Mapping[str, Any] | None = None) -> StreamAck:
    """The ack of a CALLBACK frame; for a card click ``response`` is the card update itself."""
    return StreamAck(message_id=frame.message_id, data=json.dumps(dict(response or {}), ensure_ascii=False))
