"""The sender against a fake WeCom / DingTalk HTTP server on 127.0.0.1 that fails, throttles, then succeeds."""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from bot.models import OutboxMessage
from bot.pipeline import outbox
from bot.pipeline.platform import Button, Card
from bot.platforms.dingtalk.platform import DingTalkClient, DingTalkPlatform
from bot.platforms.wecom.platform import WeComClient, WeComPlatform

DROP = "drop"  # close the connection without answering (a network failure)


@dataclass
class FakeChatServer:
    """Scripted answers per path; what it "delivers" models the platforms' own dedupe."""

    script: dict[str, deque] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    delivered: list[dict[str, Any]] = field(default_factory=list)
    tokens: int = 0
    task_ids: set[str] = field(default_factory=set)
    recent: set[str] = field(default_factory=set)

    def answer(self, path: str, query: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        self.requests.append((path, body))
        if path in ("/cgi-bin/gettoken", "/v1.0/oauth2/accessToken"):
            self.tokens += 1
            if path == "/cgi-bin/gettoken":
                return 200, {"errcode": 0, "access_token": f"tok-{self.tokens}", "expires_in": 7200}
            return 200, {"accessToken": f"tok-{self.tokens}", "expireIn": 7200}
        queued = self.script.get(path)
        if queued:
            return queued.popleft()
        token = query.get("access_token", "")
        if path == "/cgi-bin/message/send":
            return 200, self._wecom_send(token, body)
        self.delivered.append(body)
        return 200, {"errcode": 0, "task_id": len(self.delivered), "request_id": "r"}

    def _wecom_send(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        if token == "tok-1" and self.tokens == 1:
            return {"errcode": 42001, "errmsg": "access_token expired"}  # WeCom invalidated the token early
        card = body.get("template_card") or {}
        if card.get("task_id"):
            if card["task_id"] in self.task_ids:
                return {"errcode": 42014, "errmsg": "taskid has existed"}
            self.task_ids.add(card["task_id"])
        elif body.get("enable_duplicate_check"):
            content = json.dumps([body["touser"], body.get(body["msgtype"])], sort_keys=True)
            if content in self.recent:
                return {"errcode": 0, "msgid": "dup"}  # accepted, not shown to the user again
            self.recent.add(content)
        self.delivered.append(body)
        return {"errcode": 0, "msgid": f"m{len(self.delivered)}", "invaliduser": ""}


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        if self.headers.get("x-acs-dingtalk-access-token"):
            query["access_token"] = self.headers["x-acs-dingtalk-access-token"]
        status, answer = self.server.fake.answer(parts.path, query, body)
        if answer == DROP:
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        raw = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not isinstance(answer, str) else "text/html")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = do_PUT = _serve

    def log_message(self, *_args: Any) -> None:  # keep test output quiet
        pass


@pytest.fixture
def fake_server() -> Iterator[tuple[FakeChatServer, str]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.fake = FakeChatServer()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.fake, f"http://127.0.0.1:{httpd.server_address[1]}"  # type: ignore[attr-defined]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _row(db) -> OutboxMessage:
    with db.session() as s:
        row = s.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
        assert row is not None
        return row


def _queue(db, key: str, platform: str, kind: str = "text", payload: dict | None = None) -> int:
    with db.session() as s:
        new_id = outbox.enqueue(
            s,
            key=key,
            recipient="u1",
            kind=kind,
            payload=payload or {"text": "关怀提醒"},
            platform=platform,  # type: ignore[arg-type]
        )
    assert new_id is not None
    return new_id


def _wecom(runtime, clock, base: str) -> None:
    client = WeComClient(corp_id="corp", secret="s", agent_id="1000002", clock=clock, api_base=base)
    runtime.platforms["wecom"] = WeComPlatform(client)


def test_wecom_sender_retries_with_backoff_until_sent(runtime, db, clock, fake_server) -> None:
    server, base = fake_server
    _wecom(runtime, clock, base)
    server.script["/cgi-bin/message/send"] = deque(
        [
            (500, "<html>Internal Server Error</html>"),
            (200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
            (429, {}),
        ]
    )
    _queue(db, "w1", "wecom")
    delays = []
    for _ in range(3):
        assert outbox.send_pending(runtime) == {"sent": 0, "retry": 1, "failed": 0}
        row = _row(db)
        delays.append((row.next_attempt_at - clock.now()).total_seconds())
        assert outbox.send_pending(runtime)["retry"] == 0  # not due before its backoff
        clock.set(row.next_attempt_at)
    assert 15 <= delays[0] <= 30 and 30 <= delays[1] <= 60 and 60 <= delays[2] <= 120  # exponential, jittered
    assert "45009" in _row(db).last_error or "429" in _row(db).last_error
    # The fourth attempt first meets an invalidated token (42001): one refresh, then success.
    assert outbox.send_pending(runtime) == {"sent": 1, "retry": 0, "failed": 0}
    row = _row(db)
    assert (row.status, row.attempts, row.last_error) == ("sent", 4, None)
    assert server.tokens == 2
    assert [d["text"]["content"] for d in server.delivered] == ["关怀提醒"]


def test_wecom_permanent_error_ends_failed_at_once(runtime, db, clock, fake_server) -> None:
    server, base = fake_server
    _wecom(runtime, clock, base)
    server.tokens = 5  # skip the early-invalidation quirk
    server.script["/cgi-bin/message/send"] = deque(
        [(200, {"errcode": 81013, "errmsg": "user & party & tag all invalid"})]
    )
    _queue(db, "w2", "wecom")
    assert outbox.send_pending(runtime) == {"sent": 0, "retry": 0, "failed": 1}
    row = _row(db)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "81013" in row.last_error
    clock.advance(hours=5)
    assert outbox.send_pending(runtime) == {"sent": 0, "retry": 0, "failed": 0}
    assert server.delivered == []


def test_dingtalk_sender_survives_network_failure_throttling_and_5xx(runtime, db, clock, fake_server) -> None:
    server, base = fake_server
    client = DingTalkClient(app_key="k", app_secret="s", agent_id="42", clock=clock, api_base=base, oapi_base=base)
    runtime.platforms["dingtalk"] = DingTalkPlatform(client, clock=clock)
    path = "/topapi/message/corpconversation/asyncsend_v2"
    server.script[path] = deque(
        [(0, DROP), (200, {"errcode": 90002, "errmsg": "接口调用超过限制"}), (503, {"code": "ServiceUnavailable"})]
    )
    _queue(db, "d1", "dingtalk", "markdown", {"title": "关怀提醒", "text": "**张三** 连续加班"})
    for expected_error in ("network error", "90002", "503"):
        assert outbox.send_pending(runtime)["retry"] == 1
        assert expected_error in _row(db).last_error
        clock.set(_row(db).next_attempt_at)
    assert outbox.send_pending(runtime)["sent"] == 1
    assert server.delivered == [
        {
            "agent_id": 42,
            "userid_list": "u1",
            "msg": {"msgtype": "markdown", "markdown": {"title": "关怀提醒", "text": "**张三** 连续加班"}},
        }
    ]


def test_crash_between_send_and_commit_delivers_one_copy(runtime, db, clock, fake_server, monkeypatch) -> None:
    server, base = fake_server
    _wecom(runtime, clock, base)
    server.tokens = 5
    card = Card(
        "survey-3-u1",
        "本周脉搏",
        "压力如何?",
        (Button("很好", "answer", {"v": "1"}), Button("一般", "answer", {"v": "3"})),
    )
    card_id = _queue(db, "c1", "wecom", "card", outbox.card_payload(card))
    text_id = _queue(db, "t1", "wecom", "text", {"text": "记得填写问卷"})

    real_mark_sent = outbox._mark_sent
    to_crash = {card_id, text_id}  # each row's first success is lost: the process dies before recording it

    def mark_sent_or_crash(rt: Any, msg_id: int, result: Any) -> None:
        if msg_id in to_crash:
            to_crash.discard(msg_id)
            raise KeyboardInterrupt
        real_mark_sent(rt, msg_id, result)

    monkeypatch.setattr(outbox, "_mark_sent", mark_sent_or_crash)
    for _ in range(2):
        with pytest.raises(KeyboardInterrupt):
            outbox.send_pending(runtime)
        clock.advance(minutes=11)  # "sending" rows of the dead process become due again
    assert outbox.send_pending(runtime) == {"sent": 1, "retry": 0, "failed": 0}
    with db.session() as s:
        assert [r.status for r in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))] == ["sent", "sent"]
    sends = [b for p, b in server.requests if p == "/cgi-bin/message/send"]
    assert len(sends) == 4  # the platform was called twice for each message …
    assert len(server.delivered) == 2  # … yet the user has one card and one text
