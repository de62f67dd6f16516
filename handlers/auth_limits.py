"""Lockout after failed sign-ins (``login``) and failed API authentications (``api``), per client.

The client is the request's remote address. Behind a reverse proxy that is the proxy's address
unless ``[server].proxy_hops`` says how many proxies to trust, in which case their ``X-Forwarded-For`` is.
Counts live in the database (bot/security/lockout.py), so every worker applies the same limit.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Literal

from flask import request

from bot.core.runtime import Runtime, get_runtime
from bot.security import lockout

log = logging.getLogger(__name__)

Scope = Literal["login", "api"]


def client() -> str:
    """Who is trying: the remote address (as the WSGI server or a trusted proxy reports it)."""
    return request.remote_addr or "unknown"


def _limits(runtime: Runtime, scope: Scope) -> tuple[int, timedelta]:
    sec = runtime.settings.security
    limit = sec.login_max_failures if scope == "login" else sec.api_max_failures
    return limit, timedelta(minutes=sec.lockout_minutes)


def retry_after(scope: Scope) -> int:
    """Seconds the current client must wait before trying again; 0 when it may try now."""
    runtime = get_runtime()
    limit, period = _limits(runtime, scope)
    with runtime.db.session() as s:
        return lockout.retry_after(s, scope, client(), runtime.clock.now(), limit, period)


def failed(scope: Scope) -> None:
    """Count a failure of the current client."""
    runtime = get_runtime()
    _limit, period = _limits(runtime, scope)
    with runtime.db.session() as s:
        lockout.record_failure(s, scope, client(), runtime.clock.now(), period)
    log.info("%s authentication failed (client %s)", scope, client())


def succeeded(scope: Scope) -> None:
    """Forget the current client's failures."""
    runtime = get_runtime()
    with runtime.db.session() as s:
        lockout.clear(s, scope, client())
