"""The local chat simulator: read what the bot sent, write as any user through the real inbound path."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from bot import inbox
from bot.dispatch import Reply
from bot.models import Department, Employee, LocalMessage
from bot.platforms.local_inbound import deliver_replies
from bot.runtime import get_runtime

bp = Blueprint("simulator", __name__, url_prefix="/simulator", template_folder="templates")


def _bad(reason: str, status: int = 400) -> ResponseReturnValue:
    return jsonify(error=reason), status


@bp.get("")
@bp.get("/")
def page() -> ResponseReturnValue:
    """A plain HTML view: the organisation, and one user's chat with the bot."""
    runtime = get_runtime()
    user = request.args.get("user", "")
    with runtime.db.session() as s:
        rows = s.execute(
            select(Employee.userid, Employee.name, Department.name, Employee.position, Employee.is_hr, Employee.status)
            .outerjoin(Department, Department.id == Employee.department_id)
            .order_by(Department.name, Employee.userid)
            .limit(500)
        ).all()
        messages = (
            list(s.scalars(select(LocalMessage).where(LocalMessage.userid == user).order_by(LocalMessage.id)))
            if user
            else []
        )
    return render_template("simulator.html", people=rows, user=user, messages=messages)


@bp.get("/api/messages")
def list_messages() -> ResponseReturnValue:
    """``?user=ID`` → the chat log of that user with the bot, oldest first."""
    user = request.args.get("user", "").strip()
    if not user:
        return _bad("query parameter 'user' is required")
    since = request.args.get("since_id", type=int) or 0
    with get_runtime().db.session() as s:
        rows = s.scalars(
            select(LocalMessage)
            .where(LocalMessage.userid == user, LocalMessage.id > since)
            .order_by(LocalMessage.id)
            .limit(500)
        ).all()
        out = [
            {
                "id": m.id,
                "direction": m.direction,
                "kind": m.kind,
                "payload": m.payload,
                "card_id": m.ref,
                "created_at": m.created_at.isoformat(),
            }
            for m in rows
        ]
    return jsonify(user=user, messages=out)


def _enter(event_type: str, payload: dict[str, Any], key: str) -> ResponseReturnValue:
    runtime = get_runtime()
    with runtime.db.session() as s:
        event_id, created = inbox.store(s, "local", key, event_type, payload)
        if event_type == "text":
            s.add(LocalMessage(userid=payload["user"], direction="in", kind="text", payload={"text": payload["text"]}))
    replies: list[Reply] = inbox.process(runtime, event_id) if created else []
    deliver_replies(runtime, payload["user"], replies, card_id=payload.get("card_id"))
    return jsonify(
        event_id=event_id,
        duplicate=not created,
        replies=[{"text": r.text, "markdown": r.markdown_title is not None} for r in replies],
    )


@bp.post("/api/messages")
def post_message() -> ResponseReturnValue:
    """``{"user": ID, "text": "...", "id"?: client message id, "group"?: conversation id}``."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _bad("expected a JSON object")
    user, text = body.get("user"), body.get("text")
    if not isinstance(user, str) or not user.strip() or not isinstance(text, str) or not text.strip():
        return _bad("fields 'user' and 'text' are required strings")
    if len(text) > 4000:
        return _bad("text longer than 4000 characters")
    group = body.get("group")
    key = str(body.get("id") or uuid.uuid4())
    payload = {
        "user": user.strip(),
        "text": text,
        "group": group if isinstance(group, str) else None,
        "sent_at": get_runtime().clock.now().isoformat(),
    }
    return _enter("text", payload, key)


@bp.post("/api/cards")
def click_card() -> ResponseReturnValue:
    """``{"user": ID, "card_id": ..., "action": ..., "params"?: {...}}`` — a button click."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _bad("expected a JSON object")
    fields = {k: body.get(k) for k in ("user", "card_id", "action")}
    if not all(isinstance(v, str) and v for v in fields.values()):
        return _bad("fields 'user', 'card_id' and 'action' are required strings")
    params = body.get("params") or {}
    if not isinstance(params, dict):
        return _bad("'params' must be an object")
    payload = {**fields, "params": {str(k): str(v) for k, v in params.items()}}
    key = str(body.get("id") or uuid.uuid4())
    return _enter("card", payload, key)
