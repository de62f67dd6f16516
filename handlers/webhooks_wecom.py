"""WeCom app callback: GET URL verification (decrypted ``echostr``) and POST encrypted XML messages.

Verified messages are stored in the inbox and committed before the empty 200 answer. Chat messages
and card clicks are processed in the request and their replies queued in the outbox (pushed right
after); other events are processed without making WeCom wait (5 s limit). See docs/callbacks.md.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request

from bot.core.errors import BadPayload, InvalidSignature
from bot.core.runtime import Runtime, get_runtime
from bot.pipeline import inbox
from bot.pipeline.inbox_executor import after_commit, push_outbox
from bot.platforms.crypto import CallbackCrypto
from bot.platforms.wecom.inbound import SYNC_TYPES, envelope_encrypt, event_type_of, message_key, parse_message
from handlers.webhooks_common import callback_crypto, install_error_handlers, plain, refuse, store

log = logging.getLogger(__name__)

bp = Blueprint("webhooks_wecom", __name__, url_prefix="/callbacks")
install_error_handlers(bp)

NOT_CONFIGURED = "wecom callbacks are not configured"
MISSING = "missing msg_signature, timestamp or nonce"


def _crypto(runtime: Runtime) -> CallbackCrypto | None:
    """The callback crypto for our CorpID, built once."""
    cfg = runtime.settings.wecom
    return callback_crypto(runtime, "wecom", cfg.callback_token, cfg.callback_aes_key, [cfg.corp_id])


def _signature_args() -> tuple[str, str, str] | None:
    args = request.args
    signature, timestamp, nonce = args.get("msg_signature"), args.get("timestamp"), args.get("nonce")
    if not signature or not timestamp or not nonce:
        return None
    return signature, timestamp, nonce


@bp.get("/wecom")
def verify_url() -> Response:
    """URL verification: answer the decrypted ``echostr`` as plain text."""
    runtime = get_runtime()
    crypto = _crypto(runtime)
    if crypto is None:
        return refuse("wecom", "verify", NOT_CONFIGURED, 503)
    parsed = _signature_args()
    if parsed is None:
        return refuse("wecom", "verify", MISSING)
    echostr = request.args.get("echostr")
    if not echostr:
        return refuse("wecom", "verify", "missing echostr", 400)
    signature, timestamp, nonce = parsed
    try:
        try:
            crypto.verify(signature, timestamp, nonce, echostr)
        except InvalidSignature:
            # An unencoded "+" in the query arrives as a space; try the original form once.
            if " " not in echostr:
                raise
            echostr = echostr.replace(" ", "+")
            crypto.verify(signature, timestamp, nonce, echostr)
        echo, _receiver = crypto.decrypt(echostr)
    except InvalidSignature as exc:
        return refuse("wecom", "verify", str(exc))
    return plain(echo)


@bp.post("/wecom")
def receive() -> Response:
    """An encrypted message or event: verify, decrypt, store; answer an empty 200."""
    runtime = get_runtime()
    crypto = _crypto(runtime)
    if crypto is None:
        return refuse("wecom", "receive", NOT_CONFIGURED, 503)
    parsed = _signature_args()
    if parsed is None:
        return refuse("wecom", "receive", MISSING)
    signature, timestamp, nonce = parsed
    try:
        encrypt = envelope_encrypt(request.get_data(cache=False))
    except BadPayload as exc:
        return refuse("wecom", "receive", str(exc), 400)
    try:
        plaintext = crypto.open(signature, timestamp, nonce, encrypt)
    except InvalidSignature as exc:
        return refuse("wecom", "receive", str(exc))
    try:
        message = parse_message(plaintext)
    except BadPayload as exc:
        return refuse("wecom", "receive", str(exc), 400)
    event_type = event_type_of(message)
    event_id, created = store(runtime, "wecom", message_key(message), event_type, message)
    if created:
        if event_type in SYNC_TYPES:
            # Someone is waiting in the chat: handle now, replies are queued in the same transaction.
            inbox.process(runtime, event_id)
            push_outbox(runtime)
        else:
            after_commit(runtime, [event_id])
    return plain("")
