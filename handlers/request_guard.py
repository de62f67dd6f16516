"""Checks every request passes before routing, and headers every personal-data response carries.

* NUL characters in the path, the query, a form or a JSON body (outside the platform callbacks,
  which strip them) are refused with 400: PostgreSQL cannot store them and nothing means them.
* An unknown ``/api/v1`` path or a wrong method authenticates first: without a token the answer
  is 401, so endpoints cannot be enumerated.
* Responses of the dashboard, the simulator and the API are ``Cache-Control: no-store``: they show
  personal data that must not stay in a browser or proxy cache.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue

from bot.core import i18n
from bot.core.input_guard import any_nul, has_nul
from bot.core.runtime import get_runtime

API_PREFIX = "/api/v1"
CALLBACKS_PREFIX = "/callbacks/"
NO_STORE_PREFIXES = ("/dashboard", "/simulator", API_PREFIX)
NUL_REASON = "the request contains a NUL character"


def _is_api() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def _refuse_nul() -> ResponseReturnValue:
    if _is_api():
        loc = request.accept_languages.best_match(["zh-CN", "zh", "en"]) or get_runtime().settings.app.locale
        return jsonify(error=i18n.t("api.nul", i18n.normalise_locale(loc))), 400
    return Response(NUL_REASON, status=400, content_type="text/plain; charset=utf-8")


def _carries_nul() -> bool:
    if "\x00" in request.path or any_nul(k for k in request.args) or any_nul(request.args.values()):
        return True
    if request.path.startswith(CALLBACKS_PREFIX):
        return False  # verified callbacks are made storable instead (bot/pipeline/payloads.py)
    if request.mimetype == "application/x-www-form-urlencoded":
        return any_nul(k for k in request.form) or any_nul(request.form.values())
    if request.is_json:
        try:
            return has_nul(request.get_json(silent=True))
        except RecursionError:
            return False  # too deeply nested: the view answers that with its own 400
    return False


def _before() -> ResponseReturnValue | None:
    if _carries_nul():
        return _refuse_nul()
    if _is_api() and request.url_rule is None:
        from handlers.api import require_token

        return require_token()  # 401 before the 404/405 that would say what exists
    return None


def _after(response: Response) -> Response:
    if request.path.startswith(NO_STORE_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Pragma", "no-cache")
    return response


def install(app: Flask) -> None:
    """Attach the checks and headers to ``app``."""
    app.before_request(_before)
    app.after_request(_after)
