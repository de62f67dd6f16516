"""Signed, expiring links to a person's growth page: ``<employee id>.<expiry>.<HMAC-SHA256>``.

The signature covers a purpose prefix, the employee id and the expiry (Unix seconds) under
``[app].secret_key``; it is compared in constant time and the expiry is read from the runtime's
clock. Without a secret key no link is made (a random per-process key would not verify on the
other web workers).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

PURPOSE = b"carebot-growth-v1"
VALID_DAYS = 7
_TOKEN = re.compile(r"^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class Grant:
    """What a valid token allows: viewing one employee's growth page until ``expires_at``."""

    employee_id: int
    expires_at: int


def _signature(secret: str, employee_id: int, expires_at: int) -> str:
    message = PURPOSE + f"|{employee_id}|{expires_at}".encode()
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def make_token(secret: str, employee_id: int, now: datetime, days: int = VALID_DAYS) -> str:
    """A token for ``employee_id`` that expires ``days`` after ``now``.

    Raises:
        ValueError: no secret key.
    """
    if not secret:
        raise ValueError("[app].secret_key is empty: growth links cannot be signed")
    expires_at = int((now + timedelta(days=days)).timestamp())
    return f"{employee_id}.{expires_at}.{_signature(secret, employee_id, expires_at)}"


def verify(secret: str, token: str, now: datetime) -> Grant | None:
    """The grant of a well-formed, correctly signed, unexpired ``token``; None otherwise."""
    match = _TOKEN.match(token or "")
    if not secret or match is None:
        return None
    employee_id, expires_at, sent = int(match.group(1)), int(match.group(2)), match.group(3)
    expected = _signature(secret, employee_id, expires_at)
    if not hmac.compare_digest(sent.encode("ascii"), expected.encode("ascii")):
        return None
    if now.timestamp() >= expires_at:
        return None
    return Grant(employee_id, expires_at)


def url(public_url: str, token: str) -> str:
    """The page's absolute address under ``[app].public_url``."""
    return f"{public_url.rstrip('/')}/growth/{token}"
