"""The production topology on loopback (docs/deployment.md): two gunicorn web nodes (-w 2 each) and
two ``carebot scheduler`` processes on one PostgreSQL database, a fake DingTalk API counting what
reaches users. Signed event callbacks go to both nodes and messages are queued while one web
node's master and the leader scheduler are killed with SIGKILL — the leader in the middle of a send.

Checked: every acknowledged callback is stored, and the ones that were not acknowledged are stored
once the platform re-sends them (nothing lost); every queued message reaches its user exactly once
(nothing sent twice); the standby scheduler takes over. The figures are printed (``-s``).
Select it with ``-m topology``; it runs on PostgreSQL only.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from dingtalk.crypto import DingTalkCrypto
from sqlalchemy import func, select

from app import create_app
from bot.core.config import load_settings
from bot.models import InboundEvent, Lease, OutboxMessage
from bot.pipeline import outbox
from bot.pipeline.platform import Card
from bot.pipeline.scheduler import LEASE_NAME
from tests.conftest import IN_CI
from tests.fakes.dingtalk_api import FakeDingTalkAPI, fake_dingtalk_api
from tests.topology_support import (
    Proc,
    child_env,
    children_of,
    free_port,
    holder_pid,
    kill_quietly,
    postgres_database,
    socket_owner,
    start_scheduler,
    start_web,
    wait_ready,
    write_config,
)

pytestmark = pytest.mark.topology

TOKEN, AES_KEY, APP_KEY = "topologyToken", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7", "dingtopologyapp"
CALLBACKS = 240
MESSAGES = 120
LEASE_SECONDS = 3
CLAIM_SECONDS = 3
FINAL = {"sent", "failed", "duplicate", "unknown"}


@dataclass
class Load:
    """What the load generator saw."""

    acked: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)  # not acknowledged: the platform re-sends these
    lock: threading.Lock = field(default_factory=threading.Lock)


def _callback(crypto: DingTalkCrypto, event_id: str) -> tuple[str, bytes]:
    """A signed, encrypted event callback as DingTalk sends it (built with dingtalk-sdk, not CareBot)."""
    event = {"EventType": "carebot_topology_probe", "eventId": event_id, "note": "负载"}
    sealed = crypto.encrypt_message(json.dumps(event, ensure_ascii=False), nonce=secrets.token_hex(4),
                                    timestamp=str(int(time.time() * 1000)))  # fmt: skip
    query = urlencode({"msg_signature": sealed["msg_signature"], "timestamp": sealed["timeStamp"],
                       "nonce": sealed["nonce"]})  # fmt: skip
    return query, json.dumps({"encrypt": sealed["encrypt"]}).encode()


def _post(session: requests.Session, crypto: DingTalkCrypto, base: str, event_id: str) -> bool:
    """True when the node answered the encrypted ``success`` (DingTalk's definition of delivered)."""
    query, body = _callback(crypto, event_id)
    try:
        r = session.post(f"{base}/callbacks/dingtalk/events?{query}", data=body,
                         headers={"Content-Type": "application/json"}, timeout=10)  # fmt: skip
        if r.status_code != 200:
            return False
        answer = r.json()
        plain = crypto.decrypt_encrypt_str(answer["msg_signature"], answer["timeStamp"], answer["nonce"],
                                           answer["encrypt"])  # fmt: skip
        return bool(plain == "success")
    except (requests.RequestException, ValueError, KeyError):
        return False


def _queue_messages(runtime: Any, start: int, count: int) -> list[str]:
    """Queue work notifications, interactive cards and robot replies; returns their message keys."""
    keys = []
    with runtime.db.session() as s:
        for i in range(start, start + count):
            key = f"m{i:04d}"
            kind = ("text", "text", "card", "reply")[i % 4]
            if kind == "card":
                payload = outbox.card_payload(Card(card_id=key, title="关怀提醒", markdown=f"[{key}] 请关注"))
            elif kind == "reply":
                payload = {"text": f"[{key}] 收到", "userid": f"u{i:04d}"}
            else:
                payload = {"text": f"[{key}] 关怀提醒"}
            outbox.enqueue(s, key=f"topology:{key}", recipient=f"u{i:04d}", kind=kind, payload=payload,  # type: ignore[arg-type]
                           platform="dingtalk")  # fmt: skip
            keys.append(key)
    return keys


def _lease(runtime: Any) -> tuple[str | None, Any]:
    with runtime.db.session() as s:
        row = s.execute(select(Lease.holder, Lease.expires_at).where(Lease.name == LEASE_NAME)).one_or_none()
    return (row[0], row[1]) if row else (None, None)


def _leader(runtime: Any, schedulers: list[Proc], deadline: float) -> Proc:
    while time.monotonic() < deadline:
        holder, expires = _lease(runtime)
        pid = holder_pid(holder)
        if pid is not None and expires is not None and expires > runtime.clock.now():
            for proc in schedulers:
                if proc.pid == pid:
                    return proc
        time.sleep(0.2)
    raise AssertionError("no scheduler took the lease:\n" + "\n".join(p.tail() for p in schedulers))


def _kill_leader_mid_send(fake: FakeDingTalkAPI, leader: Proc, deadline: float) -> list[str]:
    """Hold the platform's answers until the leader is waiting for one, then SIGKILL it; returns
    the keys of the messages it had in flight."""
    fake.hold()
    in_flight: list[str] = []
    try:
        while time.monotonic() < deadline and not in_flight:
            in_flight = [h.key for h in fake.held() if socket_owner(h.peer_port, [leader.pid]) == leader.pid]
            time.sleep(0.05)
        leader.kill9()
    finally:
        fake.release()
    return in_flight


def test_two_web_nodes_and_two_schedulers_survive_kill_9(tmp_path: Path) -> None:
    with postgres_database() as url:
        if url is None:
            if IN_CI:
                pytest.fail("PostgreSQL not reachable")
            pytest.skip("PostgreSQL not reachable")
        with fake_dingtalk_api(delay=0.005) as fake:
            _run(tmp_path, url, fake)


def _run(tmp_path: Path, url: str, fake: FakeDingTalkAPI) -> None:
    ports = [free_port(), free_port()]
    config = write_config(tmp_path / "carebot.toml", {
        "app": {"environment": "production", "secret_key": secrets.token_hex(32)},
        "database": {"url": url},
        "platform": {"default": "dingtalk"},
        "dingtalk": {"app_key": APP_KEY, "app_secret": "topology-secret", "agent_id": "4001",
                     "robot_code": "dingtopologyrobot", "card_template_id": "tpl.schema",
                     "callback_token": TOKEN, "callback_aes_key": AES_KEY,
                     "api_base": fake.base, "oapi_base": fake.base},
        "outbox": {"drain_seconds": 1, "claim_seconds": CLAIM_SECONDS},
        "scheduler": {"lease_seconds": LEASE_SECONDS},
    })  # fmt: skip
    env = child_env(config)
    logs = tmp_path / "logs"
    logs.mkdir()
    app = create_app(load_settings(config, environ={}))
    runtime = app.extensions["carebot"]
    crypto = DingTalkCrypto(TOKEN, AES_KEY, APP_KEY)
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    procs: list[Proc] = []
    try:
        t_start = time.monotonic()
        webs = [start_web(f"web{i}", port, env, logs) for i, port in enumerate(ports)]
        schedulers = [start_scheduler(f"scheduler{i}", env, logs) for i in range(2)]
        procs += webs + schedulers
        for base, web in zip(bases, webs, strict=True):
            wait_ready(base, web, time.monotonic() + 90)
        web_ready_in = time.monotonic() - t_start
        for web in webs:
            web.children = children_of(web.pid)
        leader = _leader(runtime, schedulers, time.monotonic() + 60)
        standby = next(p for p in schedulers if p is not leader)
        started_in = time.monotonic() - t_start

        load = Load()
        event_ids = [f"topology-{i:04d}" for i in range(CALLBACKS)]
        local = threading.local()

        def one(index: int) -> None:
            session = getattr(local, "session", None) or requests.Session()
            local.session = session
            event_id = event_ids[index]
            ok = _post(session, crypto, bases[index % 2], event_id)
            with load.lock:
                (load.acked.add(event_id) if ok else load.refused.append(event_id))

        queued: list[str] = []
        killed = threading.Event()
        in_flight: list[str] = []
        t_kill = 0.0

        def chaos() -> None:
            nonlocal in_flight, t_kill
            # Mid-load: node 0 loses its gunicorn master, the leader dies in the middle of a send.
            while len(load.acked) + len(load.refused) < CALLBACKS // 3:
                time.sleep(0.05)
            # kill -9 of a gunicorn master alone leaves its workers serving while requests keep
            # coming (they check for a new parent only when idle): a lost node loses them too.
            webs[0].kill9()
            for pid in webs[0].children:
                kill_quietly(pid)
            in_flight = _kill_leader_mid_send(fake, leader, time.monotonic() + 15)
            t_kill = time.monotonic()
            killed.set()

        chaos_thread = threading.Thread(target=chaos, daemon=True)
        chaos_thread.start()
        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(one, i) for i in range(CALLBACKS)]
            for batch in range(MESSAGES // 20):
                queued += _queue_messages(runtime, batch * 20, 20)
                time.sleep(0.2)
            for f in futures:
                f.result()
        chaos_thread.join(timeout=60)
        assert killed.is_set(), "the chaos thread never killed anything"

        # The standby takes the lease once the dead leader's has lapsed.
        takeover = _leader(runtime, [standby], time.monotonic() + 60)
        takeover_s = time.monotonic() - t_kill

        # DingTalk re-sends what was not acknowledged; the load balancer sends it to the live node.
        retried = list(load.refused)
        with runtime.db.session() as s:
            keys = [f"eid:{e}" for e in retried]
            stored_unacked = s.scalar(select(func.count()).where(InboundEvent.idempotency_key.in_(keys)))
        with requests.Session() as session:
            for event_id in retried:
                assert _post(session, crypto, bases[1], event_id), f"live node refused {event_id}"

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with runtime.db.session() as s:
                open_rows = s.scalar(select(func.count()).where(OutboxMessage.status.notin_(FINAL)))
            if not open_rows:
                break
            time.sleep(0.5)
        with runtime.db.session() as s:
            stored = set(s.scalars(select(InboundEvent.idempotency_key)))
            statuses = {k: v for k, v in s.execute(select(OutboxMessage.idempotency_key, OutboxMessage.status))}
        state = fake.state
        with state.lock:
            requested, delivered = Counter(state.requests), Counter(state.delivered)
    finally:
        for proc in procs:
            proc.stop()
        runtime.db.dispose()

    # Nothing lost: acknowledged ⇒ stored; and after the platform's re-sends, every event is stored.
    stored_ids = {k.removeprefix("eid:") for k in stored}
    assert load.acked <= stored_ids
    assert set(event_ids) <= stored_ids
    # Nothing sent twice: each queued message reached its user exactly once.
    assert len(queued) == MESSAGES
    assert {k: delivered[k] for k in queued if delivered[k] != 1} == {}
    by_status = Counter(statuses[f"topology:{k}"] for k in queued)
    assert set(by_status) <= {"sent", "unknown"}, by_status
    # A call cut by a kill (the leader's, or a killed node's worker's) whose repeat DingTalk would
    # not drop — a robot 1:1 message — is left 'unknown': it reached the user once and was not repeated.
    unknown = {k for k in queued if statuses[f"topology:{k}"] == "unknown"}
    assert {k: requested[k] for k in unknown if requested[k] != 1} == {}
    # Repeats happen only where DingTalk itself drops them (same content the same day, same outTrackId).
    repeated = {k for k in queued if requested[k] > 1}
    assert all(int(k[1:]) % 4 != 3 for k in repeated)  # never a robot message
    assert takeover is standby

    print(
        f"\ntopology: 2 gunicorn nodes (-w 2) + 2 schedulers on PostgreSQL, started in {started_in:.1f} s "
        f"(web nodes ready after {web_ready_in:.1f} s)\n"
        f"  callbacks: {CALLBACKS} sent, {len(load.acked)} acknowledged, {len(retried)} not acknowledged "
        f"({stored_unacked} of them stored before the cut; all re-sent to the live node), "
        f"{len(stored_ids & set(event_ids))} stored once each, 0 lost\n"
        f"  messages: {len(queued)} queued, {sum(requested[k] for k in queued)} send calls, "
        f"{sum(delivered[k] for k in queued)} delivered, {len(repeated)} repeats dropped by DingTalk's dedupe, "
        f"{len(unknown)} left 'unknown' (robot messages cut mid-call: delivered once, not repeated); "
        f"the leader had {len(in_flight)} call(s) in flight when killed\n"
        f"  statuses: {dict(by_status)}\n"
        f"  leader killed mid-send; standby took over {takeover_s:.1f} s later "
        f"(lease {LEASE_SECONDS} s, drain every 1 s)"
    )
