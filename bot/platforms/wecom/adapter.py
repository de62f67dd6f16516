"""WeCom's inbound adapter: the app callback's URL verification and encrypted XML messages (protocols.md §5).

* ``verify`` (GET) — answer the decrypted ``echostr`` as plain text; nothing is stored.
* ``receive`` (POST) — verify, decrypt, store, answer an empty 200. Chat messages and card clicks
  are processed in the request (a person waits in the chat) and their replies queued in the outbox,
  pushed right after; other events are processed without making WeCom wait (5 s limit).
"""

from __future__ import annotations

from typing import Any

from bot.core.errors import BadPayload, InvalidSignature
from bot.core.runtime import Runtime
from bot.pipeline.events import Event
from bot.pipeline.inbound import Accepted, HttpRoute, Item, Outcome, StreamCodec
from bot.pipeline.inbox import ReplySink
from bot.pipeline.requests import InboundAnswer, InboundRequest, Refused
from bot.platforms.crypto import CallbackCrypto
from bot.platforms.inbound_common import callback_crypto, plain_refusal
from bot.platforms.wecom.cards import task_id
from bot.platforms.wecom.inbound import (
    PLATFORM,
    SYNC_TYPES,
    envelope_encrypt,
    event_type_of,
    message_key,
    normalise,
    outbox_sink,
    parse_message,
)

NOT_CONFIGURED = "wecom callbacks are not configured"
MISSING = "missing msg_signature, timestamp or nonce"
EMPTY = InboundAnswer.plain("")


class WeComInbound:
    """Implements :class:`bot.pipeline.inbound.InboundAdapter` for the WeCom app callback."""

    name = PLATFORM
    answered_in_request: frozenset[str] | None = SYNC_TYPES  # someone waits in the chat
    http_routes: tuple[HttpRoute, ...] = (HttpRoute("GET", "", "verify"), HttpRoute("POST", "", "receive"))
    stream: StreamCodec | None = None

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def accept(self, request: InboundRequest) -> Accepted:
        if request.transport == "http" and request.route == "verify":
            return self._verify_url(request)
        if request.transport == "http" and request.route == "receive":
            return self._receive(request)
        raise Refused("not found", 404)

    def refusal(self, reason: str, status: int) -> InboundAnswer:
        return plain_refusal(reason, status)

    def normalise(self, event_type: str, payload: dict[str, Any]) -> list[Event]:
        return normalise(event_type, payload)

    def clicked_card_id(self, card_id: str) -> str:
        """The id this platform echoes in a click on the card CareBot sent as ``card_id``."""
        return task_id(card_id)  # task_id allows fewer characters than our card ids

    def reply_sink(self) -> ReplySink | None:
        return outbox_sink

    def _crypto(self) -> CallbackCrypto:
        """The callback crypto for our CorpID, built once."""
        cfg = self._runtime.settings.wecom
        crypto = callback_crypto(self._runtime, PLATFORM, cfg.callback_token, cfg.callback_aes_key, [cfg.corp_id])
        if crypto is None:
            raise Refused(NOT_CONFIGURED, 503)
        return crypto

    @staticmethod
    def _signature_args(request: InboundRequest) -> tuple[str, str, str]:
        query = request.query
        signature, timestamp, nonce = query.get("msg_signature"), query.get("timestamp"), query.get("nonce")
        if not signature or not timestamp or not nonce:
            raise Refused(MISSING)
        return signature, timestamp, nonce

    def _verify_url(self, request: InboundRequest) -> Accepted:
        """URL verification: answer the decrypted ``echostr`` as plain text."""
        crypto = self._crypto()
        signature, timestamp, nonce = self._signature_args(request)
        echostr = request.query.get("echostr")
        if not echostr:
            raise Refused("missing echostr", 400)
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
            raise Refused(str(exc)) from None
        return Accepted([], lambda outcome: InboundAnswer.plain(echo), process="none")

    def _receive(self, request: InboundRequest) -> Accepted:
        """An encrypted message or event: verify, decrypt, parse."""
        crypto = self._crypto()
        signature, timestamp, nonce = self._signature_args(request)
        try:
            encrypt = envelope_encrypt(request.body)
        except BadPayload as exc:
            raise Refused(str(exc), 400) from None
        try:
            plaintext = crypto.open(signature, timestamp, nonce, encrypt)
        except InvalidSignature as exc:
            raise Refused(str(exc)) from None
        try:
            message = parse_message(plaintext)
        except BadPayload as exc:
            raise Refused(str(exc), 400) from None
        event_type = event_type_of(message)
        item = Item(message_key(message), event_type, message)

        def empty(outcome: Outcome) -> InboundAnswer:
            return EMPTY

        if event_type in SYNC_TYPES:
            # Someone is waiting in the chat: handle now, replies are queued in the same transaction.
            return Accepted([item], empty, process="now", push_outbox=True)
        return Accepted([item], empty)
