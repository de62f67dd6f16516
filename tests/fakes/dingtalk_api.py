"""A loopback stand-in for DingTalk's OpenAPI hosts that counts what reaches users.

It answers the token call and the send endpoints CareBot uses (work notifications, interactive
cards, robot 1:1 messages, session webhooks) on 127.0.0.1, in a thread of the test process, so
separate CareBot processes can be pointed at it through ``[dingtalk].api_base`` / ``oapi_base``.

Every request is counted per message (``requests``), and what a user would see is counted apart
(``delivered``), with DingTalk's own duplicate rules modelled as documented (shared/protocols.md
§3.2, §4.2, §4.4): one identical work notification per user per day, one card per ``outTrackId``,
one session-webhook message per ``msgUuid``; robot 1:1 messages have no dedupe.

``hold()`` makes send answers wait (the message is accepted when it arrives, as on the real
platform) until ``release()``: a test can kill a sender while its call is in flight. Given a
:class:`tests.fakes.dingtalk_stream.FakeStreamGateway`, it also answers Stream's
``connections/open`` with that gateway's tickets, so one ``api_base`` serves both.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

WORK_NOTICE = "/topapi/message/corpconversation/asyncsend_v2"
CARD = "/v1.0/card/instances/createAndDeliver"
ROBOT = "/v1.0/robot/oToMessages/batchSend"
SESSION = "/robot/sendBySession"
TOKEN = "/v1.0/oauth2/accessToken"
STREAM_OPEN = "/v1.0/gateway/connections/open"


@dataclass
class Held:
    """A send whose answer is being held: the peer's port identifies the calling process."""

    key: str
    peer_port: int


@dataclass
class GatewayState:
    """What the fake saw; every field is guarded by ``lock``."""

    requests: Counter[str] = field(default_factory=Counter)
    delivered: Counter[str] = field(default_factory=Counter)
    tokens: int = 0
    held: list[Held] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _seen: set[str] = field(default_factory=set)
    _task: int = 0

    def accept(self, key: str, dedupe: str | None) -> int:
        """Count one request for message ``key``; deliver it unless ``dedupe`` was seen. Returns a task id."""
        with self.lock:
            self.requests[key] += 1
            if dedupe is None or dedupe not in self._seen:
                self.delivered[key] += 1
                if dedupe is not None:
                    self._seen.add(dedupe)
            self._task += 1
            return self._task


def message_key(path: str, body: dict[str, Any]) -> tuple[str, str | None]:
    """``(message key, DingTalk's dedupe key or None)`` for a send request.

    The message key is the text the test put in the message (``[key]`` at its start) or the card's
    ``outTrackId``; the dedupe key is what DingTalk itself compares.
    """
    if path == WORK_NOTICE:
        msg = body.get("msg") or {}
        text = json.dumps(msg, sort_keys=True, ensure_ascii=False)
        users = str(body.get("userid_list", ""))
        # One identical content per user per (China) day: a test run stays inside one day.
        return _bracketed(text), f"notice:{users}:{text}"
    if path == CARD:
        track = str(body.get("outTrackId", ""))
        return track, f"card:{track}"
    if path == ROBOT:
        return _bracketed(str(body.get("msgParam", ""))), None
    if path == SESSION:
        return _bracketed(json.dumps(body, ensure_ascii=False)), f"uuid:{body.get('msgUuid')}"
    return path, None


def _bracketed(text: str) -> str:
    start = text.find("[")
    end = text.find("]", start + 1)
    return text[start + 1 : end] if start >= 0 and end > start else text[:80]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as requests.Session uses it

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else {}
        state = self.server.state
        path = parts.path
        if path == TOKEN:
            with state.lock:
                state.tokens += 1
            self._answer({"accessToken": "fake-token", "expireIn": 7200})
            return
        if path == STREAM_OPEN and self.server.stream is not None:
            status, answer = self.server.stream.issue(body)
            self._answer(answer, status)
            return
        if path not in (WORK_NOTICE, CARD, ROBOT, SESSION):
            self._answer({"errcode": 0, "errmsg": "ok"})
            return
        key, dedupe = message_key(path, body)
        task = state.accept(key, dedupe)
        if self.server.delay:
            time.sleep(self.server.delay)
        if not self.server.open_gate.is_set():
            held = Held(key, self.client_address[1])
            with state.lock:
                state.held.append(held)
            self.server.open_gate.wait()
            with state.lock:
                state.held.remove(held)
        if path == WORK_NOTICE:
            self._answer({"errcode": 0, "errmsg": "ok", "task_id": task, "request_id": f"req-{task}"})
        elif path == CARD:
            track = body.get("outTrackId")
            carrier = {"spaceType": "IM_ROBOT", "success": True, "carrierId": f"carrier-{task}"}
            self._answer({"success": True, "result": {"outTrackId": track, "deliverResults": [carrier]}})
        elif path == ROBOT:
            self._answer({"processQueryKey": f"pqk-{task}", "invalidStaffIdList": [], "flowControlledStaffIdList": []})
        else:
            self._answer({"errcode": 0, "errmsg": "ok"})

    def _answer(self, answer: dict[str, Any], status: int = 200) -> None:
        raw = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except OSError:
            pass  # the caller died while its answer was held: the message was accepted all the same

    do_GET = do_POST = do_PUT = _serve

    def log_message(self, *_args: Any) -> None:  # keep test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = GatewayState()
        self.delay = 0.0
        self.stream: Any = None  # a FakeStreamGateway answering connections/open
        self.open_gate = threading.Event()
        self.open_gate.set()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A caller killed mid-request (the point of some tests) is not an error worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeDingTalkAPI:
    """The running fake: ``base`` serves as both ``api_base`` and ``oapi_base``."""

    def __init__(self, *, delay: float = 0.0, stream: Any = None) -> None:
        self._server = _Server()
        self._server.delay = delay
        self._server.stream = stream
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def state(self) -> GatewayState:
        return self._server.state

    @property
    def delay(self) -> float:
        """Seconds a send waits before its answer (after the message was accepted)."""
        return self._server.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self._server.delay = seconds

    def hold(self) -> None:
        """Accept sends but keep their answers until :meth:`release`."""
        self._server.open_gate.clear()

    def release(self) -> None:
        self._server.open_gate.set()

    def held(self) -> list[Held]:
        with self.state.lock:
            return list(self.state.held)

    def start(self) -> FakeDingTalkAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def fake_dingtalk_api(*, delay: float = 0.0, stream: Any = None) -> Iterator[FakeDingTalkAPI]:
    """Run a :class:`FakeDingTalkAPI` for the duration of the block."""
    fake = FakeDingTalkAPI(delay=delay, stream=stream).start()
    try:
        yield fake
    finally:
        fake.stop()
