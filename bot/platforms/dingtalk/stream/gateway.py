"""Open a Stream connection: ``POST {api_base}/v1.0/gateway/connections/open`` → endpoint and ticket.

Protocol: shared/protocols.md §3.3–3.4. A ticket is valid about 90 s and opens **one** WebSocket,
so every (re)connection asks for a new one.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests

from bot.core.errors import PlatformAPIError
from bot.platforms.dingtalk.stream_frames import TOPIC_CARD, TOPIC_EVENTS, TOPIC_ROBOT

OPEN_PATH = "/v1.0/gateway/connections/open"
USER_AGENT = "carebot-stream/1.0"
SUBSCRIPTIONS = (
    {"type": "EVENT", "topic": TOPIC_EVENTS},
    {"type": "CALLBACK", "topic": TOPIC_ROBOT},
    {"type": "CALLBACK", "topic": TOPIC_CARD},
)


@dataclass(frozen=True)
class Ticket:
    """Where to connect, and the one-use ticket that authorises the WebSocket."""

    endpoint: str
    ticket: str

    def url(self) -> str:
        """``endpoint?ticket=…`` (keeping any query the endpoint already has)."""
        parts = urlsplit(self.endpoint)
        query = "&".join(q for q in (parts.query, urlencode({"ticket": self.ticket})) if q)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def local_ip() -> str:
    """This host's address as DingTalk's console shows it; informational, so never an error."""
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def open_connection(api_base: str, app_key: str, app_secret: str, *, timeout: float = 10) -> Ticket:
    """Ask the gateway for a connection; raises :class:`PlatformAPIError` (retryable) when it refuses."""
    body = {
        "clientId": app_key,
        "clientSecret": app_secret,
        "subscriptions": list(SUBSCRIPTIONS),
        "ua": USER_AGENT,
        "localIp": local_ip(),
    }
    try:
        resp = requests.post(
            api_base.rstrip("/") + OPEN_PATH, json=body, timeout=timeout, headers={"Accept": "application/json"}
        )
    except requests.RequestException as exc:
        raise PlatformAPIError(f"connections/open failed: {type(exc).__name__}", retryable=True) from exc
    try:
        answer = resp.json()
    except ValueError:
        answer = {}
    if resp.status_code != 200 or not isinstance(answer, dict):
        # DingTalk answers {code, message} on errors (e.g. a wrong secret); neither carries a secret.
        detail = str(answer.get("code") or answer.get("message") or "") if isinstance(answer, dict) else ""
        raise PlatformAPIError(
            f"connections/open answered HTTP {resp.status_code} {detail[:120]}".strip(),
            code=resp.status_code,
            retryable=True,
        )
    endpoint, ticket = answer.get("endpoint"), answer.get("ticket")
    if not (isinstance(endpoint, str) and endpoint and isinstance(ticket, str) and ticket):
        raise PlatformAPIError("connections/open answered without endpoint and ticket", retryable=True)
    return Ticket(endpoint, ticket)
