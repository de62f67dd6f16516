"""The JSON API for integrations (CRM metrics, HRIS import, BI export) under ``/api/v1``.

Every route needs ``Authorization: Bearer <token>`` with a token from ``[api].tokens``; anything
else is answered 401 ``{"error": …}``. Errors are always JSON, never a stack trace.

Adding routes: create a module in this package that imports ``bp`` from here and decorates its
views (``@bp.get("/things")``); :func:`register` imports every module of the package, so no other
file needs to change. Use :func:`api_actor` as the audit-log actor and :func:`error` for failures.
"""

from __future__ import annotations

import functools
import importlib
import logging
import pkgutil
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from bot.core import i18n
from bot.core.logsafe import describe
from bot.core.runtime import get_runtime
from bot.core.settings import scopes as token_scopes
from bot.people.directory import MAX_DATE, MIN_DATE
from bot.privacy import Policy, Viewer, policy_of
from bot.privacy.viewers import api_viewer
from handlers import auth_limits
from handlers.routing_errors import on_routing_error

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

i18n.register(
    {
        "api.unauthorized": {
            "zh-CN": "需要有效的 API 令牌（Authorization: Bearer <token>）",
            "en": "a valid API token is required (Authorization: Bearer <token>)",
        },
        "api.disabled": {
            "zh-CN": "API 未启用：[api].tokens 中没有配置令牌",
            "en": "the API is disabled: no tokens are configured in [api].tokens",
        },
        "api.not_found": {"zh-CN": "没有这个接口", "en": "no such endpoint"},
        "api.method": {"zh-CN": "此接口不支持该方法", "en": "method not allowed on this endpoint"},
        "api.too_large": {"zh-CN": "请求体过大", "en": "request body too large"},
        "api.bad_json": {"zh-CN": "请求体必须是 JSON", "en": "the body must be JSON"},
        "api.locked": {
            "zh-CN": "认证失败次数过多，请 {seconds} 秒后再试",
            "en": "too many failed authentications; try again in {seconds} seconds",
        },
        "api.nul": {"zh-CN": "请求中含有 NUL 字符", "en": "the request contains a NUL character"},
        "api.internal": {"zh-CN": "服务器内部错误，已记录", "en": "internal error; it has been logged"},
        "api.invalid": {"zh-CN": "数据无效", "en": "invalid data"},
        "api.date": {"zh-CN": "应为日期 YYYY-MM-DD", "en": "expected a date YYYY-MM-DD"},
        "api.date_sane": {"zh-CN": "日期超出合理范围", "en": "date out of the sane range"},
        "api.forbidden_scope": {
            "zh-CN": "此令牌没有所需的权限范围 {scope}",
            "en": "this token lacks the required scope {scope}",
        },
    }
)


def locale() -> str:
    """The caller's language: ``Accept-Language`` when it names one we speak, else ``[app].locale``."""
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    return i18n.normalise_locale(best or get_runtime().settings.app.locale)


def error(status: int, key: str, *, values: Mapping[str, Any] | None = None, **extra: Any) -> tuple[Response, int]:
    """A JSON error ``{"error": <message in the caller's language>, **extra}`` with ``status``."""
    return jsonify(error=i18n.t(key, locale(), **(values or {})), **extra), status


def query_day(name: str, default: date, errors: dict[str, str]) -> date:
    """The ``YYYY-MM-DD`` query parameter ``name`` (``default`` when absent or empty).

    A malformed or implausible day is reported in ``errors`` under ``name`` (in the caller's
    language) and ``default`` is returned, so a view can collect every bad field before a 422.
    """
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors[name] = i18n.t("api.date", locale())
        return default
    if not MIN_DATE <= day <= MAX_DATE:
        errors[name] = i18n.t("api.date_sane", locale())
        return default
    return day


token_id = token_scopes.token_id  # a short, non-reversible id of a token for audit logs


def api_actor() -> str:
    """The audit-log actor of the current request: ``api:<token-id>``."""
    return str(g.get("api_actor", "api:unknown"))


def _presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


@bp.before_request
def require_token() -> tuple[Response, int] | None:
    """Reject the request unless it carries one of the configured bearer tokens.

    Also run for unknown ``/api/v1`` paths and wrong methods (handlers/request_guard.py), so an
    unauthenticated caller learns nothing about which endpoints exist. Failed attempts count
    towards a lockout of the client (``[security].api_max_failures``), shared by every worker.
    """
    tokens = get_runtime().settings.api.tokens
    if not tokens:
        return _unauthorized("api.disabled")
    wait = auth_limits.retry_after("api")
    if wait:
        response, status = error(429, "api.locked", values={"seconds": wait})
        response.headers["Retry-After"] = str(wait)
        return response, status
    presented = _presented_token()
    grant = token_scopes.match(tokens, presented) if presented is not None else None
    if grant is None:
        auth_limits.failed("api")
        log.info("API request without a known token refused (%s %s)", request.method, request.path)
        return _unauthorized("api.unauthorized")
    g.api_grant = grant
    g.api_actor = f"api:{grant.id}"
    view = current_app.view_functions.get(request.endpoint or "")
    # Every route declares its scopes with @needs; one that forgot is treated as sensitive (fail closed).
    wanted: tuple[str, ...] = getattr(view, "api_scopes", (token_scopes.READ_SENSITIVE,)) if view else ()
    return require_scope(*wanted) if wanted else None


View = Callable[..., Any]


def needs(*wanted: str) -> Callable[[View], View]:
    """Declare the scopes a route accepts (any one of them suffices); checked before the view runs."""

    def mark(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return view(*args, **kwargs)

        wrapper.api_scopes = wanted  # type: ignore[attr-defined]
        return wrapper

    return mark


def has_scope(*wanted: str) -> bool:
    """Whether the current token holds any of ``wanted``."""
    grant: token_scopes.Grant | None = g.get("api_grant")
    return grant is not None and bool(grant.scopes & set(wanted))


def require_scope(*wanted: str) -> tuple[Response, int] | None:
    """``None`` when the token holds one of ``wanted``, else a 403 naming the (first) scope needed."""
    if has_scope(*wanted):
        return None
    log.info("API %s %s refused: token lacks scope %s", request.method, request.path, wanted[0])
    return error(403, "api.forbidden_scope", values={"scope": wanted[0]}, scope=wanted[0])


def viewer() -> Viewer:
    """The policy viewer of the current request (role ``api`` with the token's scopes)."""
    grant: token_scopes.Grant = g.api_grant
    return api_viewer(grant, api_actor())


def policy() -> Policy:
    """The visibility policy in force."""
    return policy_of(get_runtime().settings)


def _unauthorized(key: str) -> tuple[Response, int]:
    response, status = error(401, key)
    response.headers["WWW-Authenticate"] = 'Bearer realm="carebot"'
    return response, status


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> tuple[Response, int]:
    code = exc.code or 500
    key = {404: "api.not_found", 405: "api.method", 413: "api.too_large", 400: "api.bad_json"}.get(code, "api.invalid")
    return error(code, key)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> tuple[Response, int]:
    # Classes and location only: a database error's text quotes the submitted personal data.
    log.error("API %s %s failed: %s", request.method, request.path, describe(exc))
    return error(500, "api.internal")


def json_body() -> Any:
    """The parsed JSON body; a 400 JSON error (via the handler above) when it is not JSON."""
    try:
        return request.get_json(force=True, silent=False)
    except RecursionError:
        # Nesting deeper than the parser's recursion limit is not a body any client means to send.
        raise BadRequest("JSON nested too deeply") from None


def register(app: Flask) -> None:
    """Import every route module of this package and attach the blueprint to ``app``."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")
    app.register_blueprint(bp)
    # Unknown paths and wrong methods never reach the blueprint's handlers: answer them in JSON too.
    on_routing_error(bp.url_prefix or "/api/v1", _http_error)
