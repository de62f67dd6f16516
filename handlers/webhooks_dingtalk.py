"""DingTalk callbacks: event subscription (encrypted JSON), robot messages (HTTP mode), card clicks.

Every verified callback is stored in the inbox and committed before the answer. Events are then
processed without making DingTalk wait (1.5 s limit); robot messages and card clicks are processed
in the request because their replies are the answer. See docs/callbacks.md.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.errors import BadPayload, InvalidSignature
from bot.core.runtime import Runtime, get_runtime
from bot.people import audit
from bot.pipeline import inbox
from bot.pipeline.dispatch import Reply
from bot.pipeline.inbox import StoredEvent
from bot.pipeline.inbox_executor import after_commit, push_outbox
from bot.pipeline.payloads import TooDeep, loads_object
from bot.platforms.crypto import CallbackCrypto, random_nonce
from bot.platforms.dingtalk import inbound_chat as chat
from bot.platforms.dingtalk.fields import field
from bot.platforms.dingtalk.inbound import event_key, event_type_of
from bot.platforms.inbound_replies import enqueue_reply, reply_key
from bot.security import replay, sent_cards
from handlers.webhooks_common import callback_crypto, install_error_handlers, refuse, store, store_unparseable

log = logging.getLogger(__name__)

bp = Blueprint("webhooks_dingtalk", __name__, url_prefix="/callbacks/dingtalk")
install_error_handlers(bp)

i18n.register(
    {
        "webhooks.private_reply_sent": {
            "zh-CN": "详情已私信发送给你",
            "en": "I've sent you the details in a private message.",
        }
    }
)

NOT_CONFIGURED = "dingtalk callbacks are not configured"
CARDS_NOT_CONFIGURED = "dingtalk card callbacks are not configured ([dingtalk].card_api_secret)"


def _crypto(runtime: Runtime) -> CallbackCrypto | None:
    """The event-subscription crypto (receiver ids: app key, then corp id), built once."""
    cfg = runtime.settings.dingtalk
    return callback_crypto(runtime, "dingtalk", cfg.callback_token, cfg.callback_aes_key, [cfg.app_key, cfg.corp_id])


# -- event subscription ----------------------------------------------------------------------------
@bp.post("/events")
def events() -> Response:
    """Verify, decrypt, store; answer the encrypted ``success`` for every verified event."""
    runtime = get_runtime()
    crypto = _crypto(runtime)
    if crypto is None:
        return refuse("dingtalk", "events", NOT_CONFIGURED, 503)
    args = request.args
    signature = args.get("msg_signature") or args.get("signature")
    timestamp = args.get("timestamp") or args.get("timeStamp")
    nonce = args.get("nonce")
    if not signature or not timestamp or not nonce:
        return refuse("dingtalk", "events", "missing signature, timestamp or nonce")
    try:
        envelope = loads_object(request.get_data(cache=False), "body")
        encrypt = envelope.get("encrypt")
        if not isinstance(encrypt, str) or not encrypt:
            raise BadPayload("body without 'encrypt'")
    except BadPayload as exc:
        return refuse("dingtalk", "events", str(exc), 400)
    try:
        crypto.verify(signature, timestamp, nonce, encrypt)
        plaintext, receiver = crypto.decrypt(encrypt)
    except InvalidSignature as exc:
        return refuse("dingtalk", "events", str(exc))
    try:
        payload = loads_object(plaintext, "event")
    except TooDeep as exc:
        # Valid JSON from DingTalk that no parser should recurse into: refusing it means it is
        # re-sent forever, so keep the bytes and acknowledge.
        store_unparseable(runtime, "dingtalk", plaintext, exc)
    except BadPayload as exc:
        return refuse("dingtalk", "events", str(exc), 400)
    else:
        event_id, created = store(runtime, "dingtalk", event_key(payload), event_type_of(payload), payload)
        if created:
            after_commit(runtime, [event_id])
    now_ms = str(int(runtime.clock.now().timestamp() * 1000))
    sealed = crypto.seal("success", timestamp=now_ms, nonce=random_nonce(16), receiver_id=receiver)
    return jsonify(
        msg_signature=sealed.signature, timeStamp=sealed.timestamp, nonce=sealed.nonce, encrypt=sealed.encrypt
    )


# -- robot ---------------------------------------------------------------------------------------------
def robot_body(replies: list[Reply], at_userid: str | None) -> dict[str, Any]:
    """The synchronous robot answer: one text or markdown message, or ``empty``."""
    texts = [r.text for r in replies if r.text]
    if not texts:
        return {"msgtype": "empty"}
    at = {"at": {"atUserIds": [at_userid], "isAtAll": False}} if at_userid else {}
    title = next((r.markdown_title for r in replies if r.markdown_title is not None), None)
    joined = "\n\n".join(texts)
    if title is not None:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": joined}, **at}
    return {"msgtype": "text", "text": {"content": joined}, **at}


def _window(runtime: Runtime) -> timedelta:
    return timedelta(seconds=runtime.settings.security.signature_window_seconds)


def _verify_once(runtime: Runtime, scope: str, timestamp: str | None, sign: str | None, body: bytes) -> None:
    """Raise ``InvalidSignature`` if the (timestamp, sign) pair was already used with another body.

    The signature covers only the timestamp, so the pair is what a replay re-uses; the database
    makes every worker see the same history (bot/security/replay.py).
    """
    assert timestamp is not None and sign is not None  # verified before
    with runtime.db.session() as s:
        fresh = replay.first_use(s, scope, timestamp.strip(), sign.strip(), body, runtime.clock.now(), _window(runtime))
    if not fresh:
        raise InvalidSignature("signature already used")


def _from_our_app(runtime: Runtime, payload: dict[str, Any], corp_field: str, *, robot: bool) -> str | None:
    """Why the payload is not for our app (robot code, corp id against config), or None."""
    cfg = runtime.settings.dingtalk
    if robot:
        ours = {c for c in (cfg.robot_code, cfg.app_key) if c}
        code = field(payload, "robotCode")
        if ours and code and str(code) not in ours:
            return "robotCode is not ours"
    corp = field(payload, corp_field)
    if cfg.corp_id and corp and str(corp) != cfg.corp_id:
        return f"{corp_field} is not ours"
    return None


@bp.post("/robot")
def robot() -> Response:
    """A message to the robot: verify ``sign`` (once), store, run the handlers, answer in the body."""
    runtime = get_runtime()
    secret = runtime.settings.dingtalk.app_secret
    if not secret:
        return refuse("dingtalk", "robot", NOT_CONFIGURED, 503)
    timestamp, sign = request.headers.get("timestamp"), request.headers.get("sign")
    body = request.get_data(cache=False)
    try:
        chat.verify_robot_sign(secret, timestamp, sign, runtime.clock.now(), _window(runtime))
        _verify_once(runtime, "robot", timestamp, sign, body)
    except InvalidSignature as exc:
        return refuse("dingtalk", "robot", str(exc))
    try:
        payload = loads_object(body, "body")
    except BadPayload as exc:
        return refuse("dingtalk", "robot", str(exc), 400)
    foreign = _from_our_app(runtime, payload, "chatbotCorpId", robot=True)
    if foreign is not None:
        return refuse("dingtalk", "robot", foreign, 403)
    key = chat.robot_key(payload)
    payload[chat.RECEIVED_AT] = int(runtime.clock.now().timestamp() * 1000)
    event_id, created = store(runtime, "dingtalk", key, chat.ROBOT_EVENT, payload)
    if not created:
        return jsonify(msgtype="empty")  # answered the first time; never reply twice

    is_group = str(field(payload, "conversationType")) == "2"
    sender = str(field(payload, "senderStaffId") or "")
    queued: list[int] = []

    def sink(session: Session, event: StoredEvent, replies: list[Reply]) -> None:
        # Private replies asked for in a group go to the sender 1:1, never to the group.
        for i, reply in enumerate(replies):
            if reply.private and is_group and reply.text:
                chat.enqueue_chat_reply(session, event.id, i, payload, reply)
                queued.append(i)

    replies = inbox.process(runtime, event_id, sink=sink)
    if queued:
        push_outbox(runtime)
    public = [r for r in replies if not (r.private and is_group)]
    # Say where the answer went, unless the handler already did (once is enough in a group).
    if is_group and not public and any(r.private and r.text for r in replies):
        public.append(Reply(text=i18n.t("webhooks.private_reply_sent", runtime.settings.app.locale)))
    return jsonify(robot_body(public, sender if is_group and public else None))


# -- interactive cards ---------------------------------------------------------------------------------
def _card_was_sent(runtime: Runtime, payload: dict[str, Any]) -> bool:
    """Whether the click names a card delivered to the clicker (refused clicks are audited)."""
    if payload.get("type", "actionCallback") != "actionCallback":
        return True  # not a click: stored and acknowledged, nothing acts on it
    out_track_id, userid = str(payload["outTrackId"]), str(payload["userId"])
    with runtime.db.session() as s:
        if sent_cards.find(s, "dingtalk", out_track_id, userid) is not None:
            return True
        detail = {"card_id": out_track_id[:128], "reason": "unknown card"}
        audit.record(s, userid, None, "card_click_refused", "dingtalk", detail, at=runtime.clock.now())
    return False


def card_update_body(update: dict[str, Any] | None) -> dict[str, Any]:
    """The card-callback answer that updates the card in place (``{}`` leaves it as it is).

    Keys follow the card template of :func:`bot.platforms.dingtalk.platform.card_params`: a ``status_text``
    becomes ``status`` and clears ``buttons``; other keys (``title``, ``markdown`` …) pass through,
    and only the keys given are updated.
    """
    if not update:
        return {}

    def as_map(values: dict[str, Any]) -> dict[str, str]:
        return {str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in values.items()}

    params = {k: v for k, v in update.items() if k not in ("status_text", "private")}
    if update.get("status_text") is not None:
        params["status"] = update["status_text"]
        params["buttons"] = []  # a settled card has nothing left to click
    body: dict[str, Any] = {"cardData": {"cardParamMap": as_map(params)}}
    private = update.get("private")
    if isinstance(private, dict):
        body["userPrivateData"] = {"cardParamMap": as_map(private)}
    body["cardUpdateOptions"] = {"updateCardDataByKey": True, "updatePrivateDataByKey": True}
    return body


@bp.post("/cards")
def cards() -> Response:
    """A card button click: verify (once), check the card was ours to that user, store, handle, answer."""
    runtime = get_runtime()
    secret = runtime.settings.dingtalk.card_api_secret
    if not secret:
        # Unsigned clicks would let anyone act as anyone: no secret, no card callbacks.
        return refuse("dingtalk", "cards", CARDS_NOT_CONFIGURED, 503)
    timestamp = request.headers.get("x-ddpaas-signature-timestamp")
    signature = request.headers.get("x-ddpaas-signature")
    body = request.get_data(cache=False)
    try:
        chat.verify_card_signature(secret, timestamp, signature, runtime.clock.now(), _window(runtime))
        _verify_once(runtime, "card", timestamp, signature, body)
    except InvalidSignature as exc:
        return refuse("dingtalk", "cards", str(exc))
    try:
        payload = loads_object(body, "body")
        chat.validate_card(payload)
    except BadPayload as exc:
        return refuse("dingtalk", "cards", str(exc), 400)
    foreign = _from_our_app(runtime, payload, "corpId", robot=False)
    if foreign is not None:
        return refuse("dingtalk", "cards", foreign, 403)
    if not _card_was_sent(runtime, payload):
        return refuse("dingtalk", "cards", "not a card CareBot sent to this user", 403)
    event_id, created = store(runtime, "dingtalk", chat.card_key(payload), chat.CARD_EVENT, payload)
    if not created:
        return jsonify({})
    userid = str(payload.get("userId") or "")
    queued: list[int] = []

    def sink(session: Session, event: StoredEvent, replies: list[Reply]) -> None:
        # A card answer can only update the card; texts go to the clicker 1:1.
        for i, reply in enumerate(replies):
            if reply.text and userid:
                enqueue_reply(session, platform="dingtalk", recipient=userid, key=reply_key(event.id, i), reply=reply)
                queued.append(i)

    replies = inbox.process(runtime, event_id, sink=sink)
    if queued:
        push_outbox(runtime)
    update = next((r.card_update for r in reversed(replies) if r.card_update), None)
    return jsonify(card_update_body(update))
