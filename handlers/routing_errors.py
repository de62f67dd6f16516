"""404/405 raised while routing, before any blueprint is chosen, answered in each area's own format.

Flask runs a blueprint's error handlers only for its own views, so an unknown ``/api/v1/...`` path
or a wrong method would otherwise get Werkzeug's HTML page. Each area registers the answer for its
URL prefix here; :func:`install` attaches one app-level handler that picks it by the request path.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

RoutingHandler = Callable[[HTTPException], Response | tuple[Response, int]]

_by_prefix: dict[str, RoutingHandler] = {}


def on_routing_error(prefix: str, handler: RoutingHandler) -> None:
    """Answer routing 404/405 under ``prefix`` with ``handler`` (registering again replaces it)."""
    _by_prefix[prefix] = handler


def _dispatch(exc: HTTPException) -> Response | tuple[Response, int] | HTTPException:
    # The longest matching prefix wins, so a nested area can refine its parent's answer.
    for prefix in sorted(_by_prefix, key=len, reverse=True):
        if request.path.startswith(prefix):
            return _by_prefix[prefix](exc)
    return exc


def install(app: Flask) -> None:
    """Attach the dispatching handler for routing 404 and 405 to ``app``."""
    app.register_error_handler(NotFound, _dispatch)
    app.register_error_handler(MethodNotAllowed, _dispatch)
