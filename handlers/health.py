"""Liveness and readiness probes."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.core.migrate import current_revisions, head_revisions
from bot.core.runtime import Runtime, get_runtime

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)

READY_TIMEOUT_SECONDS = 3.0  # well inside a load balancer's probe timeout


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 while the process runs; never touches the database, so a hung database kills no worker."""
    return jsonify(status="ok")


def _revisions(runtime: Runtime) -> set[str]:
    with runtime.db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return set(current_revisions(runtime.db.engine))


def _checker(runtime: Runtime) -> ThreadPoolExecutor:
    # One worker: while a check hangs on a database that does not answer, later probes queue
    # behind it and time out, instead of each leaving another thread stuck.
    executor = runtime.extras.get("readiness_executor")
    if not isinstance(executor, ThreadPoolExecutor):
        executor = runtime.extras["readiness_executor"] = ThreadPoolExecutor(1, thread_name_prefix="readyz")
    return executor


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """200 when the database answers and migrations are at head, else 503 with the reason.

    Answers within READY_TIMEOUT_SECONDS even when the database hangs without refusing.
    """
    runtime = get_runtime()
    try:
        current = _checker(runtime).submit(_revisions, runtime).result(timeout=READY_TIMEOUT_SECONDS)
    except FutureTimeout:
        log.warning("readiness: database did not answer within %s s", READY_TIMEOUT_SECONDS)
        return jsonify(status="unavailable", reason="database not answering"), 503
    except SQLAlchemyError as exc:
        log.warning("readiness: database unreachable (%s)", type(exc).__name__)
        return jsonify(status="unavailable", reason="database unreachable"), 503
    heads = head_revisions()
    if current != heads:
        return jsonify(
            status="unavailable", reason="migrations not at head", current=sorted(current), head=sorted(heads)
        ), 503
    return jsonify(status="ready", revision=sorted(current))
