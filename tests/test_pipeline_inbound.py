"""The inbound pipeline with neutral requests: no Flask request, no transport, only adapters and the inbox."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from dingtalk.crypto import DingTalkCrypto
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.models import LocalMessage
from bot.pipeline import inbound, inbox, sent_cards
from bot.pipeline.dispatch import Reply
from bot.pipeline.events import ChatMessage, Event, UnknownEvent
from bot.pipeline.inbound import Accepted, HttpRoute, InboundPipeline, Item, Outcome, StreamCodec
from bot.pipeline.inbox import ReplySink, StoredEvent
from bot.pipeline.requests import InboundAnswer, InboundRequest, Refused
from tests.conftest import DEFAULT_NOW
from tests.test_webhooks_dingtalk import AES_KEY, APP_KEY, NOW_MS, TOKEN
from tests.test_webhooks_dingtalk import settings_overrides as dingtalk_settings
from tests.webhook_helpers import Recorder, dingtalk_payload, inbox_rows, recorder

__all__ = ["recorder"]

settings_overrides = dingtalk_settings


# -- the neutral shapes ---------------------------------------------------------------------------
def test_request_headers_are_read_in_any_case() -> None:
    request = InboundRequest("dingtalk", "robot", headers={"Sign": "s", "TimeStamp": "1"})
    assert (request.header("sign"), request.header("TIMESTAMP"), request.header("nonce")) == ("s", "1", None)


def test_answers_are_bytes_with_a_content_type() -> None:
    assert InboundAnswer.plain("拒绝", 401) == InboundAnswer(401, "text/plain; charset=utf-8", "拒绝".encode())
    answer = InboundAnswer.json({"msgtype": "text", "text": {"content": "你好"}})
    assert answer.content_type == "application/json" and answer.ok
    assert answer.json_value() == {"msgtype": "text", "text": {"content": "你好"}}
    assert "你好" in answer.text  # Chinese kept as it is


# -- real adapters, neutral requests --------------------------------------------------------------
def sealed_event(payload: dict[str, Any]) -> InboundRequest:
    """A DingTalk event callback as the neutral request an HTTP transport would hand over."""
    enc = DingTalkCrypto(TOKEN, AES_KEY, APP_KEY).encrypt_message(
        json.dumps(payload, ensure_ascii=False), nonce="abc123", timestamp=str(NOW_MS)
    )
    query = {"msg_signature": enc["msg_signature"], "timestamp": enc["timeStamp"], "nonce": enc["nonce"]}
    body = json.dumps({"encrypt": enc["encrypt"]}).encode()
    return InboundRequest("dingtalk", "events", "http", query=query, body=body)


def test_a_dingtalk_event_without_any_web_framework(runtime: Any, recorder: Recorder) -> None:
    recorder.listen(UnknownEvent)
    answer = runtime.pipeline.dispatch(sealed_event(dingtalk_payload("org_dept_create")))
    assert (answer.status, answer.content_type) == (200, "application/json")
    sealed = answer.json_value()
    plain = DingTalkCrypto(TOKEN, AES_KEY, APP_KEY).decrypt_encrypt_str(
        sealed["msg_signature"], sealed["timeStamp"], sealed["nonce"], sealed["encrypt"]
    )
    assert plain == "success"
    [row] = inbox_rows(runtime)
    assert row.event_type == "org_dept_create" and row.status == "processed"
    assert [e.event_type for e in recorder.of(UnknownEvent)] == ["org_dept_create"]


@pytest.mark.parametrize(
    ("request_", "status", "reason"),
    [
        (InboundRequest("nowhere", "events"), 404, "not found"),
        (InboundRequest("dingtalk", "elsewhere"), 404, "not found"),
        (InboundRequest("dingtalk", "robot", "pull"), 404, "not found"),  # the pull carries only failed events
        (InboundRequest("dingtalk", "events", query={"nonce": "n"}), 401, "missing signature, timestamp or nonce"),
        (InboundRequest("dingtalk", "robot", "stream", body=b"{no"), 400, "malformed JSON body"),
    ],
)
def test_refusals_are_short_plain_answers(runtime: Any, request_: InboundRequest, status: int, reason: str) -> None:
    answer = runtime.pipeline.dispatch(request_)
    assert (answer.status, answer.text, answer.content_type) == (status, reason, "text/plain; charset=utf-8")
    assert inbox_rows(runtime) == []


def test_wecom_url_verification_stores_nothing(runtime: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not configured here: refused before any database work (a verification never stores).
    monkeypatch.setattr(runtime.db, "session", lambda: pytest.fail("touched the database"))
    answer = runtime.pipeline.dispatch(InboundRequest("wecom", "verify", query={"echostr": "x"}))
    assert (answer.status, answer.text) == (503, "wecom callbacks are not configured")


def test_failed_callback_list_is_one_request_of_the_pull_transport(runtime: Any) -> None:
    listed = [
        {"call_back_tag": "user_leave_org", "event_time": 1, "user_leave_org": {"UserId": ["u1"], "TimeStamp": "7"}},
        {"call_back_tag": "user_leave_org", "event_time": 1, "user_leave_org": {"UserId": ["u1"], "TimeStamp": "7"}},
        {"event_time": 2},
    ]
    request = InboundRequest("dingtalk", "failed", "pull", body=json.dumps(listed).encode())
    answer = runtime.pipeline.dispatch(request)
    assert answer.json_value() == {"fetched": 3, "stored": 1, "replays": 1, "malformed": 1}
    assert [r.event_type for r in inbox_rows(runtime)] == ["user_leave_org"]


def test_the_demo_replays_its_own_times_the_simulator_cannot(runtime: Any) -> None:
    body = {"user": "u1", "text": "你好", "sent_at": "2020-01-01T00:00:00+00:00"}
    replay = InboundRequest("local", "messages", "replay", body=json.dumps(body | {"id": "a"}).encode())
    typed = {"Content-Type": "application/json"}
    simulator = InboundRequest("local", "messages", "simulator", typed, body=json.dumps(body | {"id": "b"}).encode())
    assert runtime.pipeline.dispatch(replay).ok and runtime.pipeline.dispatch(simulator).ok
    stamps = {r.idempotency_key: r.payload["sent_at"] for r in inbox_rows(runtime)}
    assert stamps == {"a": "2020-01-01T00:00:00+00:00", "b": DEFAULT_NOW.isoformat()}
    with runtime.db.session() as s:
        assert s.query(LocalMessage).filter_by(direction="in").count() == 2  # logged in the storing transaction
    plain = InboundRequest("local", "messages", "simulator", {"Content-Type": "text/plain"}, body=b"{}")
    answer = runtime.pipeline.dispatch(plain)
    assert (answer.status, answer.json_value()) == (400, {"error": "expected a JSON object"})


# -- the path itself, with a toy adapter ----------------------------------------------------------
@dataclass
class Toy:
    """A platform whose requests say what to do: ``{"key", "process", "route": bool, "fail": ...}``."""

    name: str = "toy"
    http_routes: tuple[HttpRoute, ...] = ()
    stream: StreamCodec | None = None
    delivered: list[list[Reply]] = field(default_factory=list)
    stored_in_transaction: list[bool] = field(default_factory=list)

    def accept(self, request: InboundRequest) -> Accepted:
        spec = json.loads(request.body)
        if spec.get("fail") == "refuse":
            raise Refused("no toys today", 418)
        if spec.get("fail") == "database":
            raise OperationalError("SELECT 1", {}, Exception("gone"))
        items = [Item(k, "chat", {"text": spec.get("text", "hi"), "user": "u"}) for k in spec["keys"]]

        def route(session: Session, event: StoredEvent, replies: list[Reply]) -> int:
            return len(replies)

        def on_store(session: Session) -> None:
            self.stored_in_transaction.append(session.in_transaction())

        return Accepted(
            items,
            lambda outcome: InboundAnswer.json({"new": outcome.new_ids, "replies": len(outcome.replies)}),
            process=spec["process"],
            route_replies=route if spec.get("route") else None,
            deliver=lambda outcome: self.delivered.append(list(outcome.replies)),
            on_store=on_store,
        )

    def refusal(self, reason: str, status: int) -> InboundAnswer:
        return InboundAnswer.json({"error": reason}, status)

    def normalise(self, event_type: str, payload: dict[str, Any]) -> list[Event]:
        when = DEFAULT_NOW
        return [ChatMessage("toy", payload["user"], payload["text"], "m", when)]

    def reply_sink(self) -> ReplySink | None:
        return None

    def clicked_card_id(self, card_id: str) -> str:
        return card_id


@pytest.fixture
def toy(app: Any, runtime: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[InboundPipeline, Toy, list[str]]:
    """A pipeline with only the toy adapter (registries restored after the test); records outbox pushes."""
    monkeypatch.setattr(inbox, "_normalisers", dict(inbox._normalisers))
    monkeypatch.setattr(inbox, "_sinks", dict(inbox._sinks))
    monkeypatch.setattr(sent_cards, "_clicked_ids", dict(sent_cards._clicked_ids))
    pushes: list[str] = []
    monkeypatch.setattr(inbound, "push_outbox", lambda rt: pushes.append("push"))
    pipeline = InboundPipeline(runtime, app)
    adapter = Toy()
    pipeline.add(adapter)
    return pipeline, adapter, pushes


def ask(pipeline: InboundPipeline, **spec: Any) -> InboundAnswer:
    return pipeline.dispatch(InboundRequest("toy", "any", "test", body=json.dumps(spec).encode()))


def test_now_processes_new_items_routes_replies_and_pushes(toy: Any, runtime: Any, recorder: Recorder) -> None:
    pipeline, adapter, pushes = toy
    recorder.answer(ChatMessage, lambda e: Reply(text=f"re: {e.text}"))
    answer = ask(pipeline, keys=["a", "b"], process="now", route=True)
    assert answer.json_value()["replies"] == 2
    assert pushes == ["push"]  # the route queued replies: push once, not per item
    assert [[r.text for r in batch] for batch in adapter.delivered] == [["re: hi", "re: hi"]]
    assert adapter.stored_in_transaction == [True]
    # A replay stores nothing new, handles nothing, pushes nothing.
    again = ask(pipeline, keys=["a", "b"], process="now", route=True)
    assert again.json_value() == {"new": [], "replies": 0}
    assert pushes == ["push"] and len(recorder.of(ChatMessage)) == 2


def test_now_without_a_route_uses_the_platform_sink_and_does_not_push(toy: Any, recorder: Recorder) -> None:
    pipeline, _adapter, pushes = toy
    recorder.answer(ChatMessage, lambda e: Reply(text="ok"))
    assert ask(pipeline, keys=["c"], process="now").json_value()["replies"] == 1
    assert pushes == []


def test_later_leaves_processing_to_after_the_commit(toy: Any, runtime: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline, _adapter, _pushes = toy
    handed: list[list[int]] = []
    monkeypatch.setattr(inbound, "after_commit", lambda rt, ids: handed.append(list(ids)))
    answer = ask(pipeline, keys=["d"], process="later")
    assert answer.json_value()["replies"] == 0
    assert handed == [answer.json_value()["new"]]
    assert [r.status for r in inbox_rows(runtime)] == ["pending"]


def test_none_only_stores(toy: Any, runtime: Any, recorder: Recorder) -> None:
    pipeline, _adapter, _pushes = toy
    recorder.listen(ChatMessage)
    ask(pipeline, keys=["e"], process="none")
    assert [r.status for r in inbox_rows(runtime)] == ["pending"] and recorder.seen == []


def test_refusal_and_database_errors_become_the_adapters_answers(
    toy: Any, runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline, _adapter, _pushes = toy
    refused = ask(pipeline, fail="refuse")
    assert (refused.status, refused.json_value()) == (418, {"error": "no toys today"})
    checking = ask(pipeline, fail="database")
    assert (checking.status, checking.json_value()) == (503, {"error": "temporarily unavailable, retry later"})

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT", {}, Exception("gone"))

    monkeypatch.setattr(inbox, "store", unavailable)
    storing = ask(pipeline, keys=["f"], process="now")
    assert storing.status == 503
    assert pipeline.metrics["toy.test.any.not_stored"] == 2
    assert inbox_rows(runtime) == []


def test_outcome_of_a_replay() -> None:
    outcome = Outcome([inbound.Stored(7, False), inbound.Stored(8, True)])
    assert (outcome.created, outcome.event_id, outcome.new_ids) == (False, 7, [8])
