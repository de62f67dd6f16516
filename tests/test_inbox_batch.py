"""Batch processing of the inbox: claims, grouping, poison events, and the web request doing no processing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, select, text, update

from bot.attendance import facts
from bot.core.clock import FixedClock
from bot.models import AttendanceDay, Employee, InboundEvent, Punch
from bot.people.directory import EmployeeRow, upsert_employees
from bot.pipeline import inbox, inbox_batch
from bot.pipeline.events import AttendancePunch
from bot.pipeline.inbox_executor import background
from bot.pipeline.inbox_worker import InboxWorker, start_if_configured
from handlers import events_ingest
from tests.production_app import production_app
from tests.test_webhooks_dingtalk import DINGTALK, post_event, post_robot
from tests.webhook_helpers import dingtalk_payload, inbox_rows

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 23)  # the fixed clock's Monday

__all__ = ["production_app"]  # a fixture


def ms(day: date, hhmm: str) -> int:
    hour, minute = map(int, hhmm.split(":"))
    return int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).timestamp() * 1000)


def punch_payload(event_id: str, *items: tuple[str, str], day: date = DAY) -> dict[str, Any]:
    """A current-generation attendance callback with one ``dataList`` item per (userid, HH:MM)."""
    return {
        "EventType": "attendance_check_record",
        "eventId": event_id,
        "CorpId": DINGTALK["corp_id"],
        "dataList": [
            {"userId": user, "checkTime": ms(day, hhmm), "bizId": f"{event_id}-{n}"}
            for n, (user, hhmm) in enumerate(items)
        ],
    }


def add_people(runtime: Any, *userids: str) -> None:
    with runtime.db.session() as s:
        upsert_employees(s, [EmployeeRow(userid=u, name=f"员工{u}") for u in userids])


def store_all(runtime: Any, payloads: list[dict[str, Any]]) -> list[int]:
    with runtime.db.session() as s:
        return [inbox.store(s, "dingtalk", f"eid:{p['eventId']}", p["EventType"], p)[0] for p in payloads]


def facts_table(runtime: Any) -> dict[tuple[str, date], tuple[Any, ...]]:
    """Every fact row, keyed by (userid, day), without the row id."""
    cols = [c for c in facts.FACT_COLUMNS if c != "employee_id"]
    with runtime.db.session() as s:
        rows = s.execute(
            select(Employee.userid, *[getattr(AttendanceDay, c) for c in cols]).join(
                Employee, Employee.id == AttendanceDay.employee_id
            )
        ).all()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def statuses(runtime: Any) -> dict[str, tuple[str, int]]:
    return {r.idempotency_key: (r.status, r.attempts) for r in inbox_rows(runtime)}



# -- the request path -------------------------------------------------------------------------------
def test_the_web_request_stores_punches_and_processes_none(production_app: Callable[..., Flask]) -> None:
    app = production_app()
    runtime = app.extensions["carebot"]
    add_people(runtime, "zhangsan", "lisi")
    response = post_event(app.test_client(), dingtalk_payload("attendance_check_record"))
    assert response.status_code == 200 and "encrypt" in response.get_json()
    background(runtime).shutdown(wait=True)  # nothing may be left running in the web process either
    assert [(r.status, r.attempts) for r in inbox_rows(runtime)] == [("pending", 0)]
    with runtime.db.session() as s:
        assert s.scalars(select(Punch)).all() == []
    stats = InboxWorker(runtime, app).drain_once()
    assert (stats.claimed, stats.processed, stats.failed) == (1, 1, 0)
    with runtime.db.session() as s:
        assert sorted(s.scalars(select(Punch.userid))) == ["lisi", "zhangsan"]


def test_one_event_callback_is_one_statement_on_one_connection(production_app: Callable[..., Flask]) -> None:
    """verify → decrypt → one INSERT (committed as it returns) → answer: no BEGIN/COMMIT round trips."""
    app = production_app()
    runtime = app.extensions["carebot"]
    client = app.test_client()
    post_event(client, punch_payload("warm-up", ("zhangsan", "08:50")))  # the first request builds caches
    engine = runtime.db.engine
    seen: dict[str, list[Any]] = {"checkout": [], "statement": [], "begin": [], "commit": []}

    def on(name: str) -> Callable[..., None]:
        def record(*args: Any) -> None:
            seen[name].append(args[2] if name == "statement" else 1)

        return record

    hooks = [(name, on(name)) for name in ("checkout", "begin", "commit")]
    hooks.append(("before_cursor_execute", on("statement")))
    for name, fn in hooks:
        event.listen(engine, name, fn)
    try:
        assert post_event(client, punch_payload("measured", ("lisi", "08:51"))).status_code == 200
    finally:
        for name, fn in hooks:
            event.remove(engine, name, fn)
    assert len(seen["checkout"]) == 1
    [statement] = seen["statement"]
    assert statement.startswith("INSERT INTO inbound_events")
    assert seen["commit"] == []  # autocommit: the INSERT is durable when it returns
    assert [(r.idempotency_key, r.status) for r in inbox_rows(runtime)][-1] == ("eid:measured", "pending")


def test_chat_messages_are_still_answered_in_the_request(production_app: Callable[..., Flask]) -> None:
    app = production_app()
    runtime = app.extensions["carebot"]
    response = post_robot(app.test_client(), dingtalk_payload("robot_text_single"))
    assert response.status_code == 200 and response.get_json()["msgtype"] != "empty"
    assert [r.status for r in inbox_rows(runtime)] == ["processed"]


def test_make_run_mode_processes_callbacks_within_seconds(production_app: Callable[..., Flask]) -> None:
    """``carebot serve --with-scheduler``: the server's own processor is woken by each callback."""
    app = production_app(poll_seconds=60)  # a nudge, not the poll, must be what wakes it
    runtime = app.extensions["carebot"]
    add_people(runtime, "zhangsan", "lisi")
    worker = start_if_configured(runtime, app)
    assert worker is not None
    client = app.test_client()
    time.sleep(0.2)  # let the worker finish its first (empty) look and start waiting
    for i in range(5):
        post_event(client, punch_payload(f"live-{i}", ("zhangsan", f"08:5{i}"), ("lisi", f"18:0{i}")))
    deadline = time.monotonic() + 30  # seconds in practice; generous for a loaded machine
    while time.monotonic() < deadline and any(s != "processed" for s, _ in statuses(runtime).values()):
        time.sleep(0.05)
    assert {s for s, _ in statuses(runtime).values()} == {"processed"}
    assert set(facts_table(runtime)) == {("zhangsan", DAY), ("lisi", DAY)}


# -- claiming ----------------------------------------------------------------------------------------
def test_processors_skip_fresh_chat_but_the_sweep_takes_it_when_old(runtime: Any, clock: FixedClock) -> None:
    with runtime.db.session() as s:
        inbox.store(s, "dingtalk", "robot:1", "robot_message", {"text": {"content": "hi"}})
        inbox.store(s, "dingtalk", "eid:p", "attendance_check_record", punch_payload("p", ("x", "09:00")))
    assert [e.idempotency_key for e in inbox_batch.claim_next(runtime, 10)] == ["eid:p"]
    assert inbox_batch.claim_due(runtime, 10) == []  # the request may still be answering it
    clock.advance(seconds=61)
    assert [e.idempotency_key for e in inbox_batch.claim_due(runtime, 10)] == ["robot:1"]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SKIP LOCKED is PostgreSQL's; SQLite has one writer
def test_claims_skip_rows_another_processor_holds(runtime: Any, db_url: str) -> None:
    ids = store_all(runtime, [punch_payload(f"e{i}", ("x", "09:00")) for i in range(6)])
    other = create_engine(db_url)
    try:
        with other.connect() as conn:
            held = conn.execute(
                text("SELECT id FROM inbound_events WHERE id IN (:a, :b) FOR UPDATE"), {"a": ids[0], "b": ids[1]}
            ).scalars()
            assert sorted(held) == ids[:2]
            started = time.monotonic()
            claimed = [e.id for e in inbox_batch.claim_next(runtime, 10)]
            assert time.monotonic() - started < 5  # skipped, not waited for
            assert claimed == ids[2:]
            conn.rollback()
    finally:
        other.dispose()
    assert [e.id for e in inbox_batch.claim_next(runtime, 10)] == ids[:2]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # concurrent processors need PostgreSQL's row locks
def test_two_processors_never_process_a_row_twice(runtime: Any, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    add_people(runtime, *[f"u{i}" for i in range(50)])
    n = 600
    store_all(runtime, [punch_payload(f"e{i}", (f"u{i % 50}", f"{8 + i % 10:02d}:{i % 60:02d}")) for i in range(n)])
    taken: dict[str, list[int]] = {"a": [], "b": []}
    real_claim = inbox_batch.claim_next

    def recording(name: str) -> Callable[[Any, int], list[Any]]:
        def claim(rt: Any, limit: int) -> list[Any]:
            batch = real_claim(rt, limit)
            taken[name].extend(e.id for e in batch)
            return batch

        return claim

    errors: list[BaseException] = []

    def processor(name: str) -> None:
        try:
            inbox_batch.drain(runtime, claim=recording(name), batch_size=40)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=processor, args=(name,)) for name in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert taken["a"] and taken["b"], "both processors should have had work"
    assert not set(taken["a"]) & set(taken["b"])
    assert len(taken["a"]) + len(taken["b"]) == n
    assert {v for v in statuses(runtime).values()} == {("processed", 1)}


# -- grouping ------------------------------------------------------------------------------------------
def test_a_batch_recomputes_each_day_once_with_the_results_of_one_by_one(
    runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_people(runtime, "zhangsan", "lisi")
    times = ["08:41", "08:55", "12:02", "13:01", "18:07", "21:30"]
    payloads = [punch_payload(f"z{i}", ("zhangsan", t)) for i, t in enumerate(times)]
    payloads += [punch_payload(f"l{i}", ("lisi", t)) for i, t in enumerate(times[1:4])]
    payloads.append(punch_payload("yesterday", ("lisi", "19:30"), day=date(2026, 11, 22)))
    ids = store_all(runtime, payloads)

    windows: list[tuple[date, date, list[int] | None]] = []
    real = facts._compute_window

    def counting(session: Any, rt: Any, shift: Any, start: date, end: date, chunk: list[int] | None) -> int:
        windows.append((start, end, chunk))
        return real(session, rt, shift, start, end, chunk)

    monkeypatch.setattr(facts, "_compute_window", counting)
    stats = inbox_batch.process_ids(runtime, ids)
    assert (stats.claimed, stats.processed, stats.failed, stats.alone) == (len(ids), len(ids), 0, 0)
    assert len(windows) == 1  # ten punch callbacks, two people, two days: one set-based statement
    batched = facts_table(runtime)
    assert set(batched) == {("zhangsan", DAY), ("lisi", DAY), ("lisi", date(2026, 11, 22))}

    # The same callbacks again, one by one as before batching: the same facts.
    with runtime.db.session() as s:
        s.execute(AttendanceDay.__table__.delete())
        s.execute(Punch.__table__.delete())
        s.execute(update(InboundEvent).values(status="pending", attempts=0))
    windows.clear()
    for event_id in ids:
        inbox.process(runtime, event_id)
    assert len(windows) == len(ids)
    assert facts_table(runtime) == batched


def test_a_batch_and_the_per_event_handler_share_one_directory_look_up(
    runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_people(runtime, *[f"u{i}" for i in range(30)])
    ids = store_all(runtime, [punch_payload(f"e{i}", (f"u{i}", "08:59")) for i in range(30)])
    queries: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        if "FROM employees" in statement:
            queries.append(statement)

    event.listen(runtime.db.engine, "before_cursor_execute", count)
    try:
        inbox_batch.process_ids(runtime, ids)
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", count)
    assert len(queries) == 1
    assert len(facts_table(runtime)) == 30


# -- poison events -----------------------------------------------------------------------------------
def test_a_poison_punch_fails_alone_and_the_rest_of_the_batch_commits(
    runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_people(runtime, "zhangsan", "lisi", "poison")
    real = events_ingest.record_punches

    def fragile(session: Any, punches: list[AttendancePunch], **kw: Any) -> Any:
        if any(p.userid == "poison" for p in punches):
            raise ValueError("this row cannot be stored")
        return real(session, punches, **kw)

    monkeypatch.setattr(events_ingest, "record_punches", fragile)
    ids = store_all(
        runtime,
        [
            punch_payload("a", ("zhangsan", "08:50")),
            punch_payload("b", ("poison", "08:51")),
            punch_payload("c", ("lisi", "08:52")),
        ],
    )
    stats = inbox_batch.process_ids(runtime, ids)
    assert (stats.processed, stats.failed, stats.alone) == (2, 1, 3)
    assert statuses(runtime) == {"eid:a": ("processed", 1), "eid:b": ("failed", 1), "eid:c": ("processed", 1)}
    [poison] = [r for r in inbox_rows(runtime) if r.idempotency_key == "eid:b"]
    assert poison.error == "ValueError: this row cannot be stored"
    assert set(facts_table(runtime)) == {("zhangsan", DAY), ("lisi", DAY)}


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite does not enforce VARCHAR lengths
def test_a_punch_the_database_refuses_fails_alone(runtime: Any, db_url: str) -> None:
    add_people(runtime, "zhangsan", "lisi")
    ids = store_all(
        runtime,
        [
            punch_payload("a", ("zhangsan", "08:50")),
            punch_payload("b", ("x" * 100, "08:51")),  # punches.userid is VARCHAR(64)
            punch_payload("c", ("lisi", "08:52")),
        ],
    )
    inbox_batch.process_ids(runtime, ids)
    assert statuses(runtime) == {"eid:a": ("processed", 1), "eid:b": ("failed", 1), "eid:c": ("processed", 1)}
    assert set(facts_table(runtime)) == {("zhangsan", DAY), ("lisi", DAY)}


def test_a_poison_event_with_its_own_handler_fails_in_its_savepoint(
    app: Flask, runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An approval whose handler raises fails alone; the punches around it still go as one batch."""
    add_people(runtime, "zhangsan", "lisi")

    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("approval API answered nonsense")

    monkeypatch.setattr(events_ingest, "with_interval", broken)
    approval = {
        "EventType": "bpms_instance_change",
        "eventId": "apv",
        "processInstanceId": "proc-1",
        "staffId": "zhangsan",
        "type": "finish",
        "result": "agree",
    }
    ids = store_all(
        runtime, [punch_payload("a", ("zhangsan", "08:50")), approval, punch_payload("c", ("lisi", "08:52"))]
    )
    stats = inbox_batch.process_ids(runtime, ids)
    assert (stats.processed, stats.failed, stats.alone) == (2, 1, 0)
    assert statuses(runtime)["eid:apv"] == ("failed", 1)
    assert set(facts_table(runtime)) == {("zhangsan", DAY), ("lisi", DAY)}
    # The sweep retries it later, alone, without touching what is done.
    monkeypatch.setattr(events_ingest, "with_interval", lambda session, rt, change: [])
    with app.app_context():
        inbox.process_pending(runtime)
    assert statuses(runtime) == {"eid:a": ("processed", 1), "eid:apv": ("processed", 2), "eid:c": ("processed", 1)}


# -- commands ------------------------------------------------------------------------------------------
def test_inbox_commands_show_the_backlog_and_process_it(runtime: Any, runner: Any) -> None:
    add_people(runtime, "zhangsan")
    store_all(runtime, [punch_payload(f"c{i}", ("zhangsan", f"08:4{i}")) for i in range(3)])
    status = runner.invoke(args=["inbox", "status"])
    assert status.exit_code == 0 and status.output.startswith("inbox: pending 3, processing 0, processed 0")
    worked = runner.invoke(args=["inbox", "work", "--once"])
    assert worked.exit_code == 0, worked.output
    assert worked.output.strip() == "inbox: 3 events: 3 processed, 0 ignored, 0 failed"
    assert "pending 0, processing 0, processed 3" in runner.invoke(args=["inbox", "status"]).output
