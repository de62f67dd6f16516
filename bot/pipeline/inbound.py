"""The inbound pipeline: one path from a transport's request to the inbox, the handlers and the replies.

In the spirit of bolt-python's ``App.dispatch``: a transport hands :meth:`InboundPipeline.dispatch`
a neutral :class:`InboundRequest`; the platform's adapter verifies and parses it (signatures,
decryption, replay-once, "is it our app", "was this card sent to this user") into an
:class:`Accepted`; the pipeline stores its items in the inbox (committed before any answer),
processes them now or after the commit, routes the replies, and returns the adapter's
:class:`InboundAnswer`. HTTP views, the Stream connector, the failed-callback pull and the
simulator are all transports of this one path.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.core.logsafe import describe
from bot.core.runtime import Runtime
from bot.pipeline import inbox, sent_cards
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import Event
from bot.pipeline.inbox import StoredEvent
from bot.pipeline.inbox_executor import after_commit, push_outbox
from bot.pipeline.requests import UNAVAILABLE, InboundAnswer, InboundRequest, Refused

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

# "now": someone waits for the handlers' answer (chat, card clicks); "later": after the commit,
# without making the platform wait; "none": kept for an operator, nothing processes it.
Processing = Literal["now", "later", "none"]
# Routes replies inside the processing transaction; returns how many it queued in the outbox.
ReplyRoute = Callable[[Session, StoredEvent, list[Reply]], int]


@dataclass(frozen=True)
class Item:
    """One verified delivery to store: its idempotency key, event type and payload (raw: unparsed bytes)."""

    key: str
    event_type: str
    payload: dict[str, Any]
    raw: bytes | None = None


@dataclass(frozen=True)
class Stored:
    """An item in the inbox: its event id and whether this delivery stored it (False: a replay)."""

    event_id: int
    created: bool


@dataclass
class Outcome:
    """What the pipeline did with an accepted request; the adapter's answer is built from it."""

    stored: list[Stored]
    replies: list[Reply] = field(default_factory=list)
    queued: int = 0

    @property
    def created(self) -> bool:
        """Whether the (first) item is new: a replay is answered without being handled again."""
        return bool(self.stored) and self.stored[0].created

    @property
    def event_id(self) -> int | None:
        return self.stored[0].event_id if self.stored else None

    @property
    def new_ids(self) -> list[int]:
        return [s.event_id for s in self.stored if s.created]


@dataclass
class Accepted:
    """What the adapter made of a verified request: what to store, how to process it, how to answer."""

    items: list[Item]
    answer: Callable[[Outcome], InboundAnswer]
    process: Processing = "later"
    # For "now": where replies go inside the processing transaction (None: the platform's outbox sink).
    route_replies: ReplyRoute | None = None
    # For "now": push the outbox after new items were processed even if ``route_replies`` queued nothing.
    push_outbox: bool = False
    # For "now": called after processing, outside the transaction (the simulator shows replies).
    deliver: Callable[[Outcome], None] | None = None
    # Runs inside the storing transaction (the simulator logs the incoming message there).
    on_store: Callable[[Session], None] | None = None


@dataclass(frozen=True)
class HttpRoute:
    """A callback URL of a platform: ``/callbacks/<platform><path>`` with ``method`` becomes ``route``."""

    method: str
    path: str
    route: str


class StreamCodec(Protocol):
    """A platform's long-connection frames ↔ neutral requests and answers (frame and ack types are its own)."""

    def request(self, frame: Any) -> InboundRequest | None:
        """The request a frame carries; None for a frame the pipeline does not take (answered by ``ack``)."""
        ...

    def ack(self, frame: Any, request: InboundRequest | None, answer: InboundAnswer | None) -> Any:
        """The acknowledgement of ``frame``; ``answer`` None means processing failed before an answer."""
        ...


class InboundAdapter(Protocol):
    """A platform's inbound half: which requests it takes, how it verifies, parses and answers them."""

    name: str
    # The event types this platform processes "now" (None: all of them); batch processors leave
    # those to the request that waits for their replies (bot/pipeline/inbox_batch.py).
    answered_in_request: frozenset[str] | None
    http_routes: tuple[HttpRoute, ...]
    stream: StreamCodec | None

    def accept(self, request: InboundRequest) -> Accepted:
        """Verify and parse ``request``.

        Raises:
            Refused: not accepted; the reason and status become the answer.
        """
        ...

    def refusal(self, reason: str, status: int) -> InboundAnswer:
        """How this platform's transports are told "no" (plain text for callbacks)."""
        ...

    def normalise(self, event_type: str, payload: dict[str, Any]) -> list[Event]:
        """A stored ``(event_type, payload)`` of this platform → neutral events."""
        ...

    def reply_sink(self) -> inbox.ReplySink | None:
        """Where replies go when no request waits for them (the sweep, "later" processing)."""
        ...

    def clicked_card_id(self, card_id: str) -> str:
        """The id this platform echoes in a click on the card CareBot sent as ``card_id``."""
        ...


class StoreFailed(Exception):
    """The inbox could not store a verified delivery (answered 503 / LATER, so the platform retries)."""


class InboundPipeline:
    """Verify → store → process → route replies, for every platform and transport; built by ``create_app``."""

    def __init__(self, runtime: Runtime, app: Flask | None = None) -> None:
        self._runtime = runtime
        self._app = app
        self._adapters: dict[str, InboundAdapter] = {}
        # Deliveries received but not stored, by "platform.transport.route" (robot messages over
        # Stream are not redelivered: each one counted here is lost).
        self.metrics: Counter[str] = Counter()

    # -- wiring ----------------------------------------------------------------------------------
    def add(self, adapter: InboundAdapter) -> None:
        """Take ``adapter``'s platform: its requests come here, its stored events are normalised by it."""
        self._adapters[adapter.name] = adapter
        inbox.register_normaliser(adapter.name, adapter.normalise)
        # An adapter without the attribute (a test's toy platform) answers nothing in the request.
        inbox.register_answered_in_request(adapter.name, getattr(adapter, "answered_in_request", frozenset()))
        sent_cards.register_clicked_card_id(adapter.name, adapter.clicked_card_id)
        sink = adapter.reply_sink()
        if sink is not None:
            inbox.register_reply_sink(adapter.name, sink)

    def adapter(self, platform: str) -> InboundAdapter:
        try:
            return self._adapters[platform]
        except KeyError:
            raise LookupError(f"no inbound adapter for platform {platform!r}") from None

    @property
    def adapters(self) -> list[InboundAdapter]:
        return list(self._adapters.values())

    # -- the path --------------------------------------------------------------------------------
    def dispatch(self, request: InboundRequest) -> InboundAnswer:
        """One request through the whole path; returns what the transport answers."""
        adapter = self._adapters.get(request.platform)
        if adapter is None:
            return InboundAnswer.plain("not found", 404)
        try:
            accepted = adapter.accept(request)
        except Refused as refused:
            # Logged without any of the request's content.
            platform, route = request.platform, request.route
            log.warning("%s %s callback refused (%s): %s", platform, route, refused.status, refused.reason)
            return adapter.refusal(refused.reason, refused.status)
        except SQLAlchemyError as exc:  # replay and sent-card checks read the database
            log.error("%s %s callback not verified, database error: %s", request.platform, request.route, describe(exc))
            return self._not_stored(adapter, request)
        try:
            outcome = self._store(request.platform, accepted.items, accepted.on_store)
        except StoreFailed:
            return self._not_stored(adapter, request)
        self._process(accepted, outcome)
        return accepted.answer(outcome)

    def _not_stored(self, adapter: InboundAdapter, request: InboundRequest) -> InboundAnswer:
        self.metrics[f"{request.platform}.{request.transport}.{request.route}.not_stored"] += 1
        return adapter.refusal(UNAVAILABLE, 503)

    def _store(self, platform: str, items: list[Item], on_store: Callable[[Session], None] | None) -> Outcome:
        """Write the items in one transaction and commit.

        Raises:
            StoreFailed: the database refused; logged with the keys' start and the error class only.
        """
        if not items and on_store is None:
            return Outcome([])  # answered without storing anything (URL verification)
        # One item and nothing else to write (an event callback): a single statement, committed as it
        # returns — one round trip before the answer instead of BEGIN, INSERT, COMMIT.
        single = len(items) == 1 and on_store is None
        try:
            with self._runtime.db.autocommit() if single else self._runtime.db.session() as s:
                stored = [
                    Stored(*inbox.store(s, platform, i.key, i.event_type, i.payload, raw=i.raw)) for i in items
                ]
                if on_store is not None:
                    on_store(s)
        except SQLAlchemyError as exc:
            first = items[0].key[:120] if items else "-"
            log.error("storing %s %s (key %s) failed: %s", platform, _types(items), first, describe(exc))
            raise StoreFailed(f"storing {platform} {_types(items)} failed") from None
        if len(items) == 1:
            item, result = items[0], stored[0]
            if item.raw is not None:
                log.warning("%s callback stored unparsed as inbound event %s", platform, result.event_id)
            else:
                replay = "" if result.created else " (replay)"
                log.info("%s %s stored as inbound event %s%s", platform, item.event_type, result.event_id, replay)
        return Outcome(stored)

    def _process(self, accepted: Accepted, outcome: Outcome) -> None:
        """Process new items now (someone waits) or after the commit; then route what they replied."""
        runtime = self._runtime
        if accepted.process == "later":
            after_commit(runtime, outcome.new_ids)
            return
        if accepted.process == "none":
            return
        route = accepted.route_replies
        sink: inbox.ReplySink | None = None
        if route is not None:

            def sink(session: Session, event: StoredEvent, replies: list[Reply]) -> None:
                outcome.queued += route(session, event, replies)

        for event_id in outcome.new_ids:
            outcome.replies.extend(inbox.process(runtime, event_id, sink=sink))
        if outcome.queued or (accepted.push_outbox and outcome.new_ids):
            push_outbox(runtime)
        if accepted.deliver is not None:
            accepted.deliver(outcome)

    # -- long connections ------------------------------------------------------------------------
    def stream_handler(self, platform: str) -> Callable[[Any], Any]:
        """The frame handler of ``platform``'s long connection: frame → request → this pipeline → ack.

        The ack is built only after the inbox committed (or the handler failed: then the codec
        answers "later" or nothing, and the platform redelivers what it redelivers).
        """
        codec = self.adapter(platform).stream
        if codec is None:
            raise LookupError(f"platform {platform!r} has no long-connection transport")

        def handle(frame: Any) -> Any:
            request = codec.request(frame)
            if request is None:
                return codec.ack(frame, None, None)
            answer: InboundAnswer | None
            try:
                with self._context():
                    answer = self.dispatch(request)
            except Exception as exc:
                # Class and location only: the error's text may quote the frame's content.
                log.error("%s %s frame failed before it was stored: %s", platform, request.route, describe(exc))
                self.metrics[f"{platform}.{request.transport}.{request.route}.not_stored"] += 1
                answer = None
            return codec.ack(frame, request, answer)

        return handle

    @contextlib.contextmanager
    def _context(self) -> Iterator[None]:
        # Handlers may use get_runtime() and the executor's background pool needs the app.
        if self._app is None:
            yield
            return
        with self._app.app_context():
            yield


def _types(items: list[Item]) -> str:
    return ",".join(sorted({i.event_type for i in items})) or "-"
