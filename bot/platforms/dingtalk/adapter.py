"""DingTalk's inbound adapter: which deliveries it takes and how it verifies, parses and answers them.

Routes (``InboundRequest.route``) and the proof each transport brings:

* ``events`` — HTTP: encrypted JSON, SHA-1 signature over the query's timestamp and nonce, answered
  with the encrypted ``success`` (protocols.md §2); Stream: EVENT frames, authenticated by the
  connection, the event's metadata in the frame headers (§2.6, §3.3).
* ``robot`` — HTTP: ``timestamp`` + ``sign`` headers, used once, answered with the reply message
  (§3.1–3.2); Stream: the same JSON in a CALLBACK frame, replies through the outbox.
* ``cards`` — HTTP: ``x-ddpaas-signature`` headers, used once (§4.4); Stream: the same JSON. Both
  answer with the card update, only for cards CareBot sent to the clicker.
* ``failed`` — the pull of callbacks DingTalk failed to deliver (§2.5), stored in one transaction.

Events are processed after the commit (DingTalk waits at most 1.5 s); robot messages and card
clicks in the request, because their replies are the answer.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy.orm import Session

from bot.core.errors import BadPayload, InvalidSignature
from bot.core.runtime import Runtime
from bot.people import audit
from bot.pipeline import sent_cards
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import Event
from bot.pipeline.inbound import Accepted, HttpRoute, Item, Outcome, StreamCodec
from bot.pipeline.inbox import ReplySink, StoredEvent
from bot.pipeline.payloads import TooDeep, loads_object
from bot.pipeline.requests import InboundAnswer, InboundRequest, Refused
from bot.platforms.crypto import CallbackCrypto, random_nonce
from bot.platforms.dingtalk import answers
from bot.platforms.dingtalk import inbound_chat as chat
from bot.platforms.dingtalk.failed import failed_items
from bot.platforms.dingtalk.fields import field
from bot.platforms.dingtalk.inbound import PLATFORM, event_key, event_type_of, normalise
from bot.platforms.dingtalk.stream_inbound import ROBOT_ACK, SUCCESS, DingTalkStreamCodec, event_payload
from bot.platforms.inbound_common import callback_crypto, json_body, plain_refusal, signature_window, unparseable
from bot.platforms.inbound_replies import enqueue_reply, reply_key
from bot.security import replay

log = logging.getLogger(__name__)

NOT_CONFIGURED = "dingtalk callbacks are not configured"
CARDS_NOT_CONFIGURED = "dingtalk card callbacks are not configured ([dingtalk].card_api_secret)"
# HTTP header names of the card callback signature (protocols.md §4.4).
CARD_TIMESTAMP_HEADER = "x-ddpaas-signature-timestamp"
CARD_SIGNATURE_HEADER = "x-ddpaas-signature"


class DingTalkInbound:
    """Implements :class:`bot.pipeline.inbound.InboundAdapter` for DingTalk (HTTP, Stream and the pull)."""

    name = PLATFORM
    # Robot messages and card clicks are processed "now": batch processors leave them to the request.
    answered_in_request: frozenset[str] | None = frozenset({chat.ROBOT_EVENT, chat.CARD_EVENT})
    http_routes: tuple[HttpRoute, ...] = (
        HttpRoute("POST", "/events", "events"),
        HttpRoute("POST", "/robot", "robot"),
        HttpRoute("POST", "/cards", "cards"),
    )

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self.stream: StreamCodec | None = DingTalkStreamCodec()

    # -- InboundAdapter --------------------------------------------------------------------------
    def accept(self, request: InboundRequest) -> Accepted:
        route, transport = request.route, request.transport
        if route == "events" and transport == "http":
            return self._http_event(request)
        if route == "events" and transport == "stream":
            return self._stream_event(request)
        if route == "robot" and transport in ("http", "stream"):
            if transport == "http":
                self._verify_robot(request)
            return self._robot(json_body(request.body), stream=transport == "stream")
        if route == "cards" and transport in ("http", "stream"):
            if transport == "http":
                self._verify_card(request)
            return self._card(request.body, stream=transport == "stream")
        if transport == "pull" and route == "failed":
            return self._failed(request.body)
        raise Refused("not found", 404)

    def refusal(self, reason: str, status: int) -> InboundAnswer:
        return plain_refusal(reason, status)

    def normalise(self, event_type: str, payload: dict[str, Any]) -> list[Event]:
        return normalise(event_type, payload)

    def clicked_card_id(self, card_id: str) -> str:
        """The id this platform echoes in a click on the card CareBot sent as ``card_id``."""
        return card_id  # DingTalk echoes outTrackId as it is

    def reply_sink(self) -> ReplySink | None:
        return chat.outbox_sink

    # -- events ----------------------------------------------------------------------------------
    def _crypto(self) -> CallbackCrypto | None:
        """The event-subscription crypto (receiver ids: app key, then corp id), built once."""
        cfg = self._runtime.settings.dingtalk
        receivers = [cfg.app_key, cfg.corp_id]
        return callback_crypto(self._runtime, PLATFORM, cfg.callback_token, cfg.callback_aes_key, receivers)

    def _http_event(self, request: InboundRequest) -> Accepted:
        """Verify and decrypt; every verified event is answered with the encrypted ``success``."""
        crypto = self._crypto()
        if crypto is None:
            raise Refused(NOT_CONFIGURED, 503)
        query = request.query
        signature = query.get("msg_signature") or query.get("signature")
        timestamp = query.get("timestamp") or query.get("timeStamp")
        nonce = query.get("nonce")
        if not signature or not timestamp or not nonce:
            raise Refused("missing signature, timestamp or nonce")
        envelope = json_body(request.body)
        encrypt = envelope.get("encrypt")
        if not isinstance(encrypt, str) or not encrypt:
            raise Refused("body without 'encrypt'", 400)
        try:
            crypto.verify(signature, timestamp, nonce, encrypt)
            plaintext, receiver = crypto.decrypt(encrypt)
        except InvalidSignature as exc:
            raise Refused(str(exc)) from None

        def sealed_success(outcome: Outcome) -> InboundAnswer:
            now_ms = str(int(self._runtime.clock.now().timestamp() * 1000))
            sealed = crypto.seal("success", timestamp=now_ms, nonce=random_nonce(16), receiver_id=receiver)
            return InboundAnswer.json(
                {"msg_signature": sealed.signature, "timeStamp": sealed.timestamp, "nonce": sealed.nonce,
                 "encrypt": sealed.encrypt}
            )  # fmt: skip

        try:
            payload = loads_object(plaintext, "event")
        except TooDeep as exc:
            # Valid JSON from DingTalk that no parser should recurse into: refusing it means it is
            # re-sent forever, so keep the bytes and acknowledge.
            return Accepted([unparseable(plaintext, exc)], sealed_success, process="none")
        except BadPayload as exc:
            raise Refused(str(exc), 400) from None
        return Accepted([Item(event_key(payload), event_type_of(payload), payload)], sealed_success)

    def _stream_event(self, request: InboundRequest) -> Accepted:
        """An EVENT frame: stored under the key its HTTP twin would have, acknowledged after the commit."""

        def success(outcome: Outcome) -> InboundAnswer:
            return InboundAnswer.json(SUCCESS)

        try:
            data = loads_object(request.body, "event")
        except TooDeep as exc:
            return Accepted([unparseable(request.body, exc)], success, process="none")
        except BadPayload as exc:
            raise Refused(str(exc), 400) from None
        payload = event_payload(data, request.headers)
        self._check_ours(payload, "CorpId", robot=False)
        return Accepted([Item(event_key(payload), event_type_of(payload), payload)], success)

    # -- is it ours ------------------------------------------------------------------------------
    def _verify_once(self, scope: str, timestamp: str | None, sign: str | None, body: bytes) -> None:
        """Raise ``InvalidSignature`` if the (timestamp, sign) pair was already used with another body.

        The signature covers only the timestamp, so the pair is what a replay re-uses; the database
        makes every worker see the same history (bot/security/replay.py).
        """
        assert timestamp is not None and sign is not None  # verified before
        runtime = self._runtime
        with runtime.db.session() as s:
            fresh = replay.first_use(
                s, scope, timestamp.strip(), sign.strip(), body, runtime.clock.now(), signature_window(runtime)
            )
        if not fresh:
            raise InvalidSignature("signature already used")

    def _check_ours(self, payload: dict[str, Any], corp_field: str, *, robot: bool) -> None:
        """Refuse (403) a payload for another app: robot code, corp id against config."""
        cfg = self._runtime.settings.dingtalk
        if robot:
            ours = {c for c in (cfg.robot_code, cfg.app_key) if c}
            code = field(payload, "robotCode")
            if ours and code and str(code) not in ours:
                raise Refused("robotCode is not ours", 403)
        corp = field(payload, corp_field)
        if cfg.corp_id and corp and str(corp) != cfg.corp_id:
            raise Refused(f"{corp_field} is not ours", 403)

    # -- robot -----------------------------------------------------------------------------------
    def _verify_robot(self, request: InboundRequest) -> None:
        runtime = self._runtime
        secret = runtime.settings.dingtalk.app_secret
        if not secret:
            raise Refused(NOT_CONFIGURED, 503)
        timestamp, sign = request.header("timestamp"), request.header("sign")
        try:
            chat.verify_robot_sign(secret, timestamp, sign, runtime.clock.now(), signature_window(runtime))
            self._verify_once("robot", timestamp, sign, request.body)
        except InvalidSignature as exc:
            raise Refused(str(exc)) from None

    def _robot(self, payload: dict[str, Any], *, stream: bool) -> Accepted:
        """Store and handle a robot message; over HTTP the reply is the answer, over Stream the outbox sends it."""
        self._check_ours(payload, "chatbotCorpId", robot=True)
        key = chat.robot_key(payload)
        payload[chat.RECEIVED_AT] = int(self._runtime.clock.now().timestamp() * 1000)
        item = Item(key, chat.ROBOT_EVENT, payload)
        if stream:
            # No answer body on a long connection: every reply (session webhook while valid, else
            # robot 1:1) goes through the outbox, as replies of swept messages do.
            return Accepted([item], lambda outcome: InboundAnswer.json(ROBOT_ACK), process="now", push_outbox=True)
        locale = self._runtime.settings.app.locale

        def private_to_sender(session: Session, event: StoredEvent, replies: list[Reply]) -> int:
            queued = 0
            for i, reply in enumerate(replies):
                if answers.goes_private(reply, event.payload) and reply.text:
                    chat.enqueue_chat_reply(session, event.id, i, event.payload, reply)
                    queued += 1
            return queued

        def answer(outcome: Outcome) -> InboundAnswer:
            if not outcome.created:
                return InboundAnswer.json(answers.EMPTY_ROBOT_ANSWER)  # answered the first time; never twice
            return InboundAnswer.json(answers.robot_answer(payload, outcome.replies, locale))

        return Accepted([item], answer, process="now", route_replies=private_to_sender)

    # -- cards -----------------------------------------------------------------------------------
    def _verify_card(self, request: InboundRequest) -> None:
        runtime = self._runtime
        secret = runtime.settings.dingtalk.card_api_secret
        if not secret:
            # Unsigned clicks would let anyone act as anyone: no secret, no card callbacks.
            raise Refused(CARDS_NOT_CONFIGURED, 503)
        timestamp = request.header(CARD_TIMESTAMP_HEADER)
        signature = request.header(CARD_SIGNATURE_HEADER)
        try:
            chat.verify_card_signature(secret, timestamp, signature, runtime.clock.now(), signature_window(runtime))
            self._verify_once("card", timestamp, signature, request.body)
        except InvalidSignature as exc:
            raise Refused(str(exc)) from None

    def _card_was_sent(self, payload: dict[str, Any]) -> bool:
        """Whether the click names a card delivered to the clicker (refused clicks are audited)."""
        if payload.get("type", "actionCallback") != "actionCallback":
            return True  # not a click: stored and acknowledged, nothing acts on it
        out_track_id, userid = str(payload["outTrackId"]), str(payload["userId"])
        runtime = self._runtime
        with runtime.db.session() as s:
            if sent_cards.find(s, PLATFORM, out_track_id, userid) is not None:
                return True
            detail = {"card_id": out_track_id[:128], "reason": "unknown card"}
            audit.record(s, userid, None, "card_click_refused", PLATFORM, detail, at=runtime.clock.now())
        return False

    def _card(self, body: bytes, *, stream: bool) -> Accepted:
        """A click on a card CareBot sent to this user: handled now, answered with the card update."""
        payload = json_body(body)
        try:
            chat.validate_card(payload)
        except BadPayload as exc:
            raise Refused(str(exc), 400) from None
        self._check_ours(payload, "corpId", robot=False)
        if not self._card_was_sent(payload):
            raise Refused("not a card CareBot sent to this user", 403)
        userid = str(payload.get("userId") or "")

        def texts_to_clicker(session: Session, event: StoredEvent, replies: list[Reply]) -> int:
            # A card answer can only update the card; texts go to the clicker 1:1.
            queued = 0
            for i, reply in enumerate(replies):
                if reply.text and userid:
                    enqueue_reply(session, platform=PLATFORM, recipient=userid, key=reply_key(event.id, i), reply=reply)
                    queued += 1
            return queued

        def answer(outcome: Outcome) -> InboundAnswer:
            if not outcome.created:
                return InboundAnswer.json({})
            return InboundAnswer.json(answers.card_answer(outcome.replies))

        item = Item(chat.card_key(payload), chat.CARD_EVENT, payload)
        return Accepted([item], answer, process="now", route_replies=texts_to_clicker)

    # -- the failed-callback pull ----------------------------------------------------------------
    def _failed(self, body: bytes) -> Accepted:
        """Items of ``get_call_back_failed_result``: stored together (DingTalk hands them out once), then handled."""
        try:
            listed = json.loads(body)
        except json.JSONDecodeError:
            raise Refused("malformed failed-callback list", 400) from None
        if not isinstance(listed, list):
            raise Refused("failed-callback list must be a JSON array", 400)
        payloads, malformed = failed_items(listed)
        items = [Item(event_key(p), event_type_of(p), p) for p in payloads]

        def stats(outcome: Outcome) -> InboundAnswer:
            new = len(outcome.new_ids)
            return InboundAnswer.json(
                {"fetched": len(listed), "stored": new, "replays": len(items) - new, "malformed": malformed}
            )

        return Accepted(items, stats, process="now")
