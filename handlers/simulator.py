"""The local chat simulator: read what the bot sent, write as any user through the real inbound path."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.models import LocalMessage
from bot.platforms.local.inbound import PLATFORM
from handlers import simulator_view as view
from handlers.callbacks import neutral, render
from handlers.chat_markdown import chat_html

bp = Blueprint("simulator", __name__, url_prefix="/simulator", template_folder="templates")

# Same policy as the dashboard: scripts and styles only from this origin, nothing inline.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def _bad(reason: str, status: int = 400) -> ResponseReturnValue:
    return jsonify(error=reason), status


def _locale() -> str:
    runtime = get_runtime()
    return i18n.normalise_locale(request.args.get("lang") or runtime.settings.app.locale)


def _chat_context(userid: str, loc: str) -> dict[str, Any]:
    with get_runtime().db.session() as s:
        messages, more = view.chat(s, userid)
        s.expunge_all()
    return {
        "messages": messages,
        "more": more,
        "chat_limit": view.CHAT_LIMIT,
        "md": chat_html,
        "buttons_of": view.buttons_of,
        "when": lambda at: i18n.fmt_datetime(at, get_runtime().tz, loc),
    }


@bp.get("")
@bp.get("/")
def page() -> ResponseReturnValue:
    """The organisation (names, roles, search, role filter) and one person's chat with the bot."""
    runtime, loc = get_runtime(), _locale()
    user = request.args.get("user", "").strip()[:64]
    with runtime.db.session() as s:
        everyone = view.people(s)
        guides = view.loop_guides(s, everyone)
    me = next((p for p in everyone if p.userid == user), None)
    context = _chat_context(user, loc) if user else {}
    return render_template(
        "simulator.html",
        people=everyone,
        guides=guides,
        user=user,
        me=me,
        quick=view.quick_commands(me.role if me else "employee"),
        lang=loc,
        t=lambda key, **kw: i18n.t(key, loc, **kw),
        **context,
    )


@bp.get("/chat")
def chat_fragment() -> ResponseReturnValue:
    """``?user=ID`` → the chat log as HTML, for the page's script to swap in after a message or click."""
    loc = _locale()
    user = request.args.get("user", "").strip()[:64]
    if not user:
        return _bad("query parameter 'user' is required")
    return render_template(
        "simulator_chat.html", lang=loc, t=lambda key, **kw: i18n.t(key, loc, **kw), **_chat_context(user, loc)
    )


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


def _enter(route: str) -> Response:
    """The posted message or click, through the inbound pipeline as the local platform's request."""
    answer = get_runtime().pipeline.dispatch(neutral(PLATFORM, route, transport="simulator"))
    return render(answer)


@bp.post("/api/messages")
def post_message() -> Response:
    """``{"user": ID, "text": "...", "id"?: client message id, "group"?: conversation id}``."""
    return _enter("messages")


@bp.post("/api/cards")
def click_card() -> Response:
    """``{"user": ID, "card_id": ..., "action": ..., "params"?: {...}}`` — a button click."""
    return _enter("cards")
