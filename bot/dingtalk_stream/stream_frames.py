"""The Stream seam: decoded frames, acks and the handler type shared by the connector and the pipeline.

Protocol: shared/protocols.md §3.3 (frame and ack shapes) and §3.4 (event ack semantics).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

TOPIC_ROBOT = "/v1.0/im/bot/messages/get"
TOPIC_CARD = "/v1.0/card/instances/callback"
TOPIC_EVENTS = "*"


@dataclass(frozen=True)
class StreamFrame:
    """One decoded EVENT or CALLBACK frame; ``data`` is the JSON string DingTalk sent."""

    type: str
    topic: str
    headers: Mapping[str, str] = field(default_factory=dict)
    data: str = ""

    @property
    def message_id(self) -> str:
        return self.headers.get("messageId", "")


@dataclass(frozen=True)
class StreamAck:
    """The answer to one frame; ``data`` is a JSON string (event status, card update, or empty)."""

    message_id: str
    data: str
    code: int = 200
    message: str = "OK"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "headers": {"messageId": self.message_id, "contentType": "application/json"},
            "message": self.message,
            "data": self.data,
        }


# None means "do not ack": DingTalk redelivers events that were not acked.
FrameHandler = Callable[[StreamFrame], StreamAck | None]


def event_ack(status: Literal["SUCCESS", "LATER"], message: str = "") -> str:
    """The ``data`` of an event ack: SUCCESS, or LATER to ask DingTalk for a later redelivery."""
    return json.dumps({"status": status, "message": message or status.lower()})
