"""The neutral shapes a transport hands the inbound pipeline and gets back.

A transport (a Flask view, the Stream connector, the failed-callback pull, the simulator) turns
what it received into an :class:`InboundRequest` and renders the :class:`InboundAnswer` it gets
back; it knows nothing else about the platform. The platform adapter reads the request and
raises :class:`Refused` when it will not accept it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TEXT = "text/plain; charset=utf-8"
JSON = "application/json"


def _lowered(values: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in values.items()}


@dataclass(frozen=True)
class InboundRequest:
    """One inbound delivery: which platform and route, over which transport, with what bytes.

    ``transport`` is ``http``, ``stream``, ``pull`` (a platform's list of missed callbacks),
    ``simulator`` or ``replay`` (the demo); adapters accept different proofs per transport.
    Header names are compared case-insensitively.
    """

    platform: str
    route: str
    transport: str = "http"
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", _lowered(self.headers))

    def header(self, name: str) -> str | None:
        """The header's value (any case of ``name``), or None."""
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class InboundAnswer:
    """What the transport sends back: an HTTP-like status, a content type and the body bytes."""

    status: int = 200
    content_type: str = TEXT
    body: bytes = b""

    @classmethod
    def plain(cls, text: str, status: int = 200) -> InboundAnswer:
        """A ``text/plain`` answer with exactly ``text`` as its body (no quotes, no newline)."""
        return cls(status, TEXT, text.encode("utf-8"))

    @classmethod
    def json(cls, value: Any, status: int = 200) -> InboundAnswer:
        """A JSON answer (UTF-8, Chinese kept as it is)."""
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        return cls(status, JSON, body)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json_value(self) -> Any:
        """The body parsed as JSON (for transports that forward it inside their own frame)."""
        return json.loads(self.body) if self.body else None


class Refused(Exception):
    """The adapter will not accept the request: ``reason`` is the short answer, ``status`` its code."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


UNAVAILABLE = "temporarily unavailable, retry later"
