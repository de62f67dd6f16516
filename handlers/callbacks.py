"""Platform callbacks over HTTP: thin views that turn a Flask request into a neutral one for the pipeline.

Every adapter's :class:`~bot.pipeline.inbound.HttpRoute` becomes ``/callbacks/<platform><path>``;
the view knows nothing of the platform: the adapter verifies and parses, the pipeline stores,
processes and routes replies, and the view renders the answer (docs/callbacks.md).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, request

from bot.core.runtime import get_runtime
from bot.pipeline.inbound import InboundPipeline
from bot.pipeline.requests import InboundAnswer, InboundRequest
from handlers.webhooks_common import CALLBACKS_PREFIX, install_error_handlers


def render(answer: InboundAnswer) -> Response:
    """The pipeline's answer as a Flask response, byte for byte."""
    return Response(answer.body, status=answer.status, content_type=answer.content_type)


def neutral(platform: str, route: str, transport: str = "http") -> InboundRequest:
    """The current Flask request as the pipeline's neutral request (first value of repeated query keys)."""
    return InboundRequest(
        platform=platform,
        route=route,
        transport=transport,
        headers=dict(request.headers.items()),
        query=request.args.to_dict(),
        body=request.get_data(cache=False),
    )


def _view(platform: str, route: str) -> Callable[[], Response]:
    def view() -> Response:
        return render(get_runtime().pipeline.dispatch(neutral(platform, route)))

    view.__name__ = f"{platform}_{route}"
    return view


def blueprint(pipeline: InboundPipeline) -> Blueprint:
    """The ``/callbacks/…`` routes of every platform adapter the pipeline has."""
    bp = Blueprint("callbacks", __name__, url_prefix=CALLBACKS_PREFIX.rstrip("/"))
    install_error_handlers(bp)
    for adapter in pipeline.adapters:
        for route in adapter.http_routes:
            view = _view(adapter.name, route.route)
            bp.add_url_rule(f"/{adapter.name}{route.path}", view.__name__, view, methods=[route.method])
    return bp
