"""Liveness and readiness probes."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.migrate import current_revisions, head_revisions
from bot.runtime import get_runtime

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 while the process runs."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """200 when the database answers and migrations are at head, else 503 with the reason."""
    runtime = get_runtime()
    try:
        with runtime.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = current_revisions(runtime.db.engine)
    except SQLAlchemyError as exc:
        log.warning("readiness: database unreachable (%s)", type(exc).__name__)
        return jsonify(status="unavailable", reason="database unreachable"), 503
    heads = head_revisions()
    if current != heads:
        return jsonify(
            status="unavailable", reason="migrations not at head", current=sorted(current), head=sorted(heads)
        ), 503
    return jsonify(status="ready", revision=sorted(current))
