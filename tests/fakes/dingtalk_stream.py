"""A loopback DingTalk Stream gateway: ``connections/open`` over HTTP plus the WebSocket server, on 127.0.0.1.

It behaves like protocols.md §3.3–3.4 says DingTalk does: one-use tickets, SYSTEM ping and
disconnect frames, EVENT frames redelivered until acked (with the same eventId), robot messages
and card clicks pushed once. Tests drive it from their own thread; it runs its own event loop.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

TOPIC_ROBOT = "/v1.0/im/bot/messages/get"
TOPIC_CARD = "/v1.0/card/instances/callback"


@dataclass
class FakeConnection:
    """One accepted WebSocket."""

    id: str
    ticket: str
    ws: ServerConnection
    live: bool = True  # false once disconnect was sent, it dropped, or it went silent
    received: list[dict[str, Any]] = field(default_factory=list)
    opened_at: float = field(default_factory=time.monotonic)
    closed_at: float | None = None


class FakeStreamGateway:
    """Start with ``with FakeStreamGateway() as gw:``; point ``[dingtalk].api_base`` at ``gw.api_base``."""

    def __init__(
        self,
        app_key: str = "dingstreamapp",
        app_secret: str = "stream-secret",  # noqa: S107 (a fake's credential)
        *,
        corp_id: str = "ding-corp",
        disconnect_grace: float = 1.0,
        redeliver_on_connect: bool = True,
    ) -> None:
        self.app_key, self.app_secret, self.corp_id = app_key, app_secret, corp_id
        self.disconnect_grace = disconnect_grace
        self.redeliver_on_connect = redeliver_on_connect
        self.lock = threading.Lock()
        self.open_requests: list[dict[str, Any]] = []
        self.tickets_issued: list[str] = []
        self.tickets_used: list[str] = []
        self.tickets_refused: list[str] = []
        self.refuse_next_opens = 0  # answer 503 to this many connections/open calls
        self.connections: list[FakeConnection] = []
        self.acks: list[dict[str, Any]] = []  # acks of EVENT/CALLBACK frames, in arrival order
        self.pongs: list[dict[str, Any]] = []  # answers to SYSTEM ping
        self.unacked_events: dict[str, dict[str, Any]] = {}  # eventId → frame, until a SUCCESS ack
        self.pushed: dict[str, dict[str, Any]] = {}  # messageId → frame
        self._queue: list[dict[str, Any]] = []  # pushes waiting for a live connection
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-gateway", daemon=True)
        self._ws_server: Server | None = None
        self._http: ThreadingHTTPServer | None = None

    # -- life cycle ---------------------------------------------------------------------------
    def __enter__(self) -> FakeStreamGateway:
        self._thread.start()
        self._ws_server = self._call(self._start_ws())
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _open_handler(self))
        threading.Thread(target=self._http.serve_forever, args=(0.05,), name="fake-gateway-http", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        for conn in self.connections:  # silent ones would never finish a close handshake
            self._loop.call_soon_threadsafe(conn.ws.transport.abort)
        if self._ws_server is not None:
            self._call(self._stop_ws(self._ws_server))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    async def _start_ws(self) -> Server:
        return await serve(self._serve, "127.0.0.1", 0, process_request=self._check_ticket, ping_interval=None)

    async def _stop_ws(self, server: Server) -> None:
        server.close()
        await server.wait_closed()

    @property
    def api_base(self) -> str:
        assert self._http is not None
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    @property
    def ws_endpoint(self) -> str:
        assert self._ws_server is not None
        port = next(iter(self._ws_server.sockets)).getsockname()[1]
        return f"ws://127.0.0.1:{port}/connect"

    def _call(self, coro: Any, timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=timeout)

    # -- connections/open and the ticket check -----------------------------------------------------
    def issue(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.open_requests.append(body)
            if self.refuse_next_opens > 0:
                self.refuse_next_opens -= 1
                return 503, {"code": "ServiceUnavailable", "message": "try later"}
            if body.get("clientId") != self.app_key or body.get("clientSecret") != self.app_secret:
                return 401, {"code": "invalidClientIdOrSecret", "message": "bad credentials"}
            ticket = uuid.uuid4().hex
            self.tickets_issued.append(ticket)
        return 200, {"endpoint": self.ws_endpoint, "ticket": ticket}

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        ticket = parse_qs(urlsplit(request.path).query).get("ticket", [""])[0]
        with self.lock:
            if ticket not in self.tickets_issued or ticket in self.tickets_used:
                self.tickets_refused.append(ticket)
                return connection.respond(HTTPStatus.FORBIDDEN, "ticket unknown or already used\n")
            self.tickets_used.append(ticket)
        return None

    # -- the socket -----------------------------------------------------------------------------------
    async def _serve(self, ws: ServerConnection) -> None:
        ticket = parse_qs(urlsplit(ws.request.path).query)["ticket"][0] if ws.request else ""
        conn = FakeConnection(uuid.uuid4().hex[:12], ticket, ws)
        with self.lock:
            self.connections.append(conn)
            backlog, self._queue = self._queue, []
            if self.redeliver_on_connect:
                queued = {f["headers"]["messageId"] for f in backlog}
                backlog += [f for f in self.unacked_events.values() if f["headers"]["messageId"] not in queued]
        for frame in backlog:
            await self._send(conn, frame)
        try:
            async for raw in ws:
                self._receive(conn, json.loads(raw))
        except ConnectionClosed:
            pass
        finally:
            conn.live = False
            conn.closed_at = time.monotonic()

    def _receive(self, conn: FakeConnection, msg: dict[str, Any]) -> None:
        with self.lock:
            conn.received.append(msg)
            mid = msg.get("headers", {}).get("messageId", "")
            frame = self.pushed.get(mid)
            if frame is None:
                return
            if frame["type"] == "SYSTEM":
                self.pongs.append(msg)
                return
            self.acks.append(msg)
            event_id = frame["headers"].get("eventId")
            status = json.loads(msg.get("data") or "{}").get("status") if frame["type"] == "EVENT" else None
            if event_id and msg.get("code") == 200 and status == "SUCCESS":
                self.unacked_events.pop(event_id, None)

    async def _send(self, conn: FakeConnection, frame: dict[str, Any]) -> None:
        frame = {**frame, "headers": {**frame["headers"], "connectionId": conn.id}}
        with self.lock:
            self.pushed[frame["headers"]["messageId"]] = frame
        try:
            await conn.ws.send(json.dumps(frame, ensure_ascii=False))
        except ConnectionClosed:
            conn.live = False

    def live(self) -> FakeConnection | None:
        """The connection pushes go to: the newest live one (DingTalk picks one open connection)."""
        with self.lock:
            return next((c for c in reversed(self.connections) if c.live), None)

    # -- what a test does ---------------------------------------------------------------------------
    def push(self, kind: str, topic: str, data: Any, to: FakeConnection | None = None, **headers: str) -> str:
        """Push one frame to ``to`` or the live connection (queued until one exists); returns its messageId."""
        mid = uuid.uuid4().hex
        frame = {
            "specVersion": "1.0",
            "type": kind,
            "headers": {
                "appId": "fake-app",
                "contentType": "application/json",
                "messageId": mid,
                "time": str(int(time.time() * 1000)),
                "topic": topic,
                **headers,
            },
            "data": data if isinstance(data, str) else json.dumps(data, ensure_ascii=False),
        }
        if kind == "EVENT":
            with self.lock:
                self.unacked_events[headers["eventId"]] = frame
        conn = to or self.live()
        if conn is None:
            with self.lock:
                self._queue.append(frame)
        else:
            self._call(self._send(conn, frame))
        return mid

    def push_event(self, event_type: str, data: dict[str, Any], event_id: str | None = None) -> str:
        """An EVENT frame: the event's metadata in the headers, its fields as data (protocols.md §3.3)."""
        event_id = event_id or uuid.uuid4().hex
        return self.push(
            "EVENT",
            event_type,
            data,
            eventId=event_id,
            eventType=event_type,
            eventBornTime=str(int(time.time() * 1000)),
            eventCorpId=self.corp_id,
            eventUnifiedAppId="fake-app",
        )

    def push_events(self, frames: list[tuple[str, dict[str, Any]]]) -> list[str]:
        """Push many (event type, data) EVENT frames at once to the live connection (for benchmarks)."""
        conn = self.live()
        assert conn is not None, "no live connection"
        mids: list[str] = []
        batch: list[dict[str, Any]] = []
        for event_type, data in frames:
            mid, event_id = uuid.uuid4().hex, uuid.uuid4().hex
            headers = {"messageId": mid, "topic": event_type, "eventId": event_id, "eventType": event_type}
            headers |= {"eventCorpId": self.corp_id, "eventBornTime": str(int(time.time() * 1000))}
            frame = {"specVersion": "1.0", "type": "EVENT", "headers": headers, "data": json.dumps(data)}
            with self.lock:
                self.unacked_events[event_id] = frame
            batch.append(frame)
            mids.append(mid)

        async def send_all() -> None:
            for frame in batch:
                await self._send(conn, frame)

        self._call(send_all(), timeout=120)
        return mids

    def push_robot(self, body: dict[str, Any]) -> str:
        return self.push("CALLBACK", TOPIC_ROBOT, body)

    def push_card(self, body: dict[str, Any]) -> str:
        return self.push("CALLBACK", TOPIC_CARD, body)

    def redeliver(self) -> None:
        """Push every event not yet acked again (a new messageId, the same eventId), as DingTalk does."""
        with self.lock:
            frames = list(self.unacked_events.values())
        for frame in frames:
            self.push("EVENT", frame["headers"]["topic"], frame["data"], **_event_headers(frame))

    def ping(self) -> str:
        return self.push("SYSTEM", "ping", {"opaque": uuid.uuid4().hex})

    def disconnect(self) -> None:
        """SYSTEM disconnect on the live connection; its socket closes ``disconnect_grace`` later."""
        conn = self.live()
        assert conn is not None, "no live connection"
        mid = uuid.uuid4().hex
        frame = {
            "specVersion": "1.0",
            "type": "SYSTEM",
            "headers": {"messageId": mid, "topic": "disconnect", "contentType": "application/json"},
            "data": json.dumps({"reason": "server restart"}),
        }
        conn.live = False
        self._call(self._send(conn, frame))
        self._loop.call_later(self.disconnect_grace, lambda: asyncio.ensure_future(conn.ws.close()))

    def drop(self) -> None:
        """Cut the live connection's TCP without a close frame."""
        conn = self.live()
        assert conn is not None, "no live connection"
        conn.live = False
        self._loop.call_soon_threadsafe(conn.ws.transport.abort)

    def go_silent(self) -> None:
        """The live connection stops reading and sending (no pongs either): a half-open socket."""
        conn = self.live()
        assert conn is not None, "no live connection"
        conn.live = False
        self._loop.call_soon_threadsafe(conn.ws.transport.pause_reading)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            time.sleep(0.01)

    def acked_ids(self) -> list[str]:
        with self.lock:
            return [a["headers"]["messageId"] for a in self.acks]


def _event_headers(frame: dict[str, Any]) -> dict[str, str]:
    skip = {"messageId", "topic", "time", "connectionId", "appId", "contentType"}
    return {k: v for k, v in frame["headers"].items() if k not in skip}


def _open_handler(gateway: FakeStreamGateway) -> type[BaseHTTPRequestHandler]:
    class OpenConnection(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path != "/v1.0/gateway/connections/open":
                self.send_error(404)
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            status, answer = gateway.issue(body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    return OpenConnection
