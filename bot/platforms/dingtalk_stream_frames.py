"""DingTalk Stream frames as the connector and the pipeline share them (protocols.md §3.3–3.4).

The connector speaks WebSocket and SYSTEM frames; EVENT and CALLBACK frames go to a
:data:`FrameHandler`, whose :class:`StreamAck` (or None: do not ack) it sends back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

TOPIC_ROBOT = "/v1.0/im/bot/messages/get"
TOPIC_CARD = "/v1.0/card/instances/callback"
TOPIC_EVENTS = "*"


@dataclass(frozen=True)
class StreamFrame:
    """One decoded frame: ``type`` SYSTEM | EVENT | CALLBACK, its topic and headers, ``data`` the JSON string."""

    type: str
    topic: str
    headers: Mapping[str, str] = field(default_factory=dict)
    data: str = ""

    @property
    def message_id(self) -> str:
        return str(self.headers.get("messageId", ""))


@dataclass(frozen=True)
class StreamAck:
    """The answer to one frame: ``data`` is a JSON string (event status, card update …)."""

    message_id: str
    data: str
    code: int = 200
    message: str = "OK"

    def to_json(self) -> dict[str, Any]:
        """The ack as sent on the socket."""
        return {
            "code": self.code,
            "headers": {"messageId": self.message_id, "contentType": "application/json"},
            "message": self.message,
            "data": self.data,
        }


FrameHandler = Callable[[StreamFrame], StreamAck | None]


def event_ack(status: str, message: str = "OK") -> str:
    """The ``data`` of an EVENT ack: ``SUCCESS``, or ``LATER`` to ask DingTalk to deliver it again later."""
    return json.dumps({"status": status, "message": message})
