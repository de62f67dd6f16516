"""One small JSON-over-HTTP client base for the platform APIs, and their error classification.

Every failure becomes a :class:`~bot.core.errors.PlatformAPIError` whose ``retryable`` flag tells the
outbox whether to try again later (network, 5xx, throttling) or give up (bad request, invalid
user). Token errors become :class:`TokenRejected` so the token cache can refresh once and retry.
Codes follow shared/protocols.md §4.1 (DingTalk) and §6.1 (WeCom).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError

from bot.core.errors import PlatformAPIError
from bot.pipeline.platform import delivery_starting

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds: fail fast, the outbox retries later

# DingTalk oapi errcodes: token invalid/expired/missing → refresh the token once and retry.
DINGTALK_TOKEN_CODES = frozenset({40014, 42001, 40001, 41001})
# Throttling and transient server trouble (90002 per-API QPS, 90005/90006/90008 app/corp limits).
DINGTALK_RETRYABLE_CODES = frozenset({-1, 90002, 90005, 90006, 90008, 410100})
WECOM_TOKEN_CODES = frozenset({40014, 42001, 40001, 41001})
WECOM_RETRYABLE_CODES = frozenset({-1, 45009, 45033})
# How long a platform says to keep away: DingTalk's IP ban (status 1111) lasts 5 minutes and a
# throttled custom robot (410100) 10 minutes.
DINGTALK_IP_BAN_SECONDS = 300.0
ROBOT_THROTTLE_SECONDS = 600.0


class TokenRejected(PlatformAPIError):
    """The platform rejected the access token (expired, invalid or missing)."""

    def __init__(self, message: str, *, code: str | int | None = None) -> None:
        super().__init__(message, code=code, retryable=True)


class RateLimited(PlatformAPIError):
    """The platform throttled us; ``retry_after`` (seconds) is its hint when it gave one."""

    def __init__(self, message: str, *, code: str | int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, code=code, retryable=True)
        self.retry_after = retry_after


class JsonHttpClient:
    """A ``requests.Session`` with timeouts that turns transport problems into platform errors."""

    platform = "platform"

    def __init__(self, *, session: requests.Session | None = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT):
        self._session = session or requests.Session()
        self._timeout = timeout

    def close(self) -> None:
        self._session.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        delivers: bool = False,
    ) -> tuple[int, dict[str, Any]]:
        """Send one request; returns ``(HTTP status, decoded JSON object)``.

        ``delivers`` marks a call that hands the platform a message: the outbox's
        ``delivery_starting`` hook runs first, and when the call fails after the request may have
        reached the platform, the error says the delivery is unknown.

        Raises:
            PlatformAPIError: retryable for network errors and non-JSON 5xx/429 answers.
        """
        starting = delivery_starting.get() if delivers else None
        if starting is not None:
            starting()
        try:
            resp = self._session.request(
                method, url, params=params, json=json_body, headers=dict(headers or {}), timeout=self._timeout
            )
        except requests.RequestException as exc:
            unknown = delivers and may_have_arrived(exc)
            if isinstance(exc, requests.Timeout):
                what = "timeout" if unknown or not delivers else "connect timeout"
                message, code = f"{self.platform}: {what} calling {_path(url)}", "timeout"
            else:
                # Connection refused/reset, DNS, TLS: the message may contain the URL with the
                # token, so only the exception type is reported.
                message, code = f"{self.platform}: network error calling {_path(url)} ({type(exc).__name__})", "network"
            if unknown:
                message += "; the platform may have received it"
            raise PlatformAPIError(message, code=code, retryable=True, delivery_unknown=unknown) from exc
        try:
            body = resp.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            retryable = resp.status_code >= 500 or resp.status_code == 429
            raise _http_error(self.platform, url, resp, retryable=retryable, detail="answer is not a JSON object")
        if resp.status_code == 429:
            raise RateLimited(
                f"{self.platform}: HTTP 429 from {_path(url)}",
                code=429,
                retry_after=_retry_after(resp.headers.get("Retry-After")),
            )
        return resp.status_code, body


def may_have_arrived(exc: requests.RequestException) -> bool:
    """Whether a failed request may have reached the server: only a connection never made says no.

    A read timeout, or a connection reset or closed after the request was written, leaves the
    platform's side unknown (it may have accepted the message); a refused connection, a DNS or
    TLS failure or a connect timeout never sent anything.
    """
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.SSLError | requests.exceptions.ProxyError):
        return False
    if isinstance(exc, requests.ConnectionError):
        cause = exc.args[0] if exc.args else None
        reason = getattr(cause, "reason", cause)  # urllib3's MaxRetryError wraps the cause
        # NewConnectionError and NameResolutionError are ConnectTimeoutError subclasses in urllib3 2.
        return not isinstance(reason, ConnectTimeoutError)
    return not isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema)


def _path(url: str) -> str:
    """The URL without query string (which may carry an access token)."""
    return url.split("?", 1)[0]


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _http_error(platform: str, url: str, resp: requests.Response, *, retryable: bool, detail: str) -> PlatformAPIError:
    if resp.status_code == 429:
        return RateLimited(f"{platform}: HTTP 429 from {_path(url)}", code=429)
    return PlatformAPIError(
        f"{platform}: HTTP {resp.status_code} from {_path(url)}: {detail}", code=resp.status_code, retryable=retryable
    )


def dingtalk_error(status: int, body: Mapping[str, Any], what: str) -> PlatformAPIError | None:
    """The error a DingTalk answer (oapi ``errcode`` or v1.0 ``code``) stands for, or None if it succeeded."""
    if body.get("status") == 1111:  # IP-level flood protection: a non-standard body, banned for minutes
        return RateLimited(f"dingtalk: {what}: IP throttled", code=1111, retry_after=DINGTALK_IP_BAN_SECONDS)
    errcode = body.get("errcode")
    if errcode not in (None, 0, "0"):
        code = _as_int(errcode)
        msg = f"dingtalk: {what}: errcode {errcode} {body.get('errmsg', '')}".rstrip()
        if code in DINGTALK_TOKEN_CODES:
            return TokenRejected(msg, code=code)
        if code in DINGTALK_RETRYABLE_CODES:
            return RateLimited(msg, code=code, retry_after=ROBOT_THROTTLE_SECONDS if code == 410100 else None)
        return PlatformAPIError(msg, code=code, retryable=False)
    if status < 400:
        return None
    # v1.0 OpenAPI: HTTP 4xx/5xx with {"code": "...", "message": "..."}.
    code_s = str(body.get("code") or status)
    msg = f"dingtalk: {what}: HTTP {status} {code_s} {body.get('message', '')}".rstrip()
    if status == 401 or code_s == "InvalidAuthentication":
        return TokenRejected(msg, code=code_s)
    if status == 429 or (status == 403 and ".Qp" in code_s) or "Throttling" in code_s:
        return RateLimited(msg, code=code_s)
    return PlatformAPIError(msg, code=code_s, retryable=status >= 500)


def wecom_error(status: int, body: Mapping[str, Any], what: str) -> PlatformAPIError | None:
    """The error a WeCom answer stands for, or None if ``errcode`` is 0."""
    errcode = body.get("errcode", 0 if status < 400 else status)
    if errcode in (0, "0") and status < 400:
        return None
    code = _as_int(errcode)
    msg = f"wecom: {what}: errcode {errcode} {_short(body.get('errmsg', ''))}".rstrip()
    if code in WECOM_TOKEN_CODES:
        return TokenRejected(msg, code=code)
    if code in WECOM_RETRYABLE_CODES or status == 429:
        return RateLimited(msg, code=code)
    return PlatformAPIError(msg, code=code, retryable=status >= 500)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _short(errmsg: Any) -> str:
    """WeCom appends ", hint: […], from ip: …, more info at …" to every errmsg; keep the useful part."""
    return str(errmsg).split(", hint:", 1)[0]
