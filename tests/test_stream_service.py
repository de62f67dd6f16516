"""Stream connectors under a lease: one leader per app, a standby that takes over, health from the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models import Lease, StreamConnector
from bot.platforms.dingtalk.stream.status import read_health
from tests.fakes.dingtalk_stream import FakeStreamGateway
from tests.stream_support import Recorder, RunningService, fast_options


@pytest.fixture
def gateway():
    with FakeStreamGateway() as gw:
        yield gw


def _row(runtime, holder: str) -> StreamConnector | None:
    with runtime.db.session() as s:
        row = s.get(StreamConnector, holder)
        if row is not None:
            s.expunge(row)
        return row


def _lease(runtime, name: str) -> Lease | None:
    with runtime.db.session() as s:
        lease = s.scalar(select(Lease).where(Lease.name == name))
        if lease is not None:
            s.expunge(lease)
        return lease


def test_one_leader_and_the_standby_takes_over(runtime, clock, gateway: FakeStreamGateway) -> None:
    options = fast_options(gateway, lease_seconds=1.5)
    first, second = Recorder(), Recorder()
    a = RunningService(runtime, options, first, holder="a")
    try:
        gateway.wait_until(lambda: gateway.live() is not None, what="the leader's connection")
        with RunningService(runtime, options, second, holder="b"):
            gateway.wait_until(lambda: (r := _row(runtime, "b")) is not None and r.role == "standby", what="standby")
            gateway.wait_until(lambda: (r := _row(runtime, "a")) is not None and r.role == "leader", what="leader")
            assert len(gateway.tickets_used) == 1  # the standby never connects
            lease = _lease(runtime, options.lease_name)
            assert lease is not None and lease.holder == "a"
            generation = lease.generation
            gateway.push_event("user_add_org", {"UserId": ["u1"]}, event_id="to-a")
            gateway.wait_until(lambda: "to-a" in first.event_ids(), what="the leader handles")

            a.kill()  # no release: the standby must wait for the lease to lapse
            clock.advance(seconds=options.lease_seconds + 1)
            gateway.wait_until(lambda: (r := _row(runtime, "b")) is not None and r.role == "leader", what="takeover")
            gateway.wait_until(lambda: gateway.live() is not None, what="the new leader's connection")
            gateway.push_event("user_add_org", {"UserId": ["u2"]}, event_id="to-b")
            gateway.wait_until(lambda: "to-b" in second.event_ids(), what="the new leader handles")
            assert "to-b" not in first.event_ids()
            taken = _lease(runtime, options.lease_name)
            assert taken is not None and taken.holder == "b" and taken.generation == generation + 1
        released = _lease(runtime, options.lease_name)
        assert released is not None and released.expires_at <= clock.now()  # stopped cleanly: released
        row = _row(runtime, "b")
        assert row is not None and row.role == "stopped"
    finally:
        if a.error is None and a._thread.is_alive():
            a.close()


def test_health_reports_the_leader_and_its_last_frame(runtime, clock, gateway: FakeStreamGateway) -> None:
    options = fast_options(gateway)
    assert read_health(runtime, options).problem == "no_leader"
    recorder = Recorder()
    with RunningService(runtime, options, recorder, holder="solo") as service:
        gateway.push_event("user_add_org", {"UserId": ["u1"]}, event_id="e1")
        gateway.wait_until(lambda: (r := _row(runtime, "solo")) is not None and r.frames_acked == 1, what="status")
        health = read_health(runtime, options)
        assert health.healthy, health.problem
        assert health.leader == "solo"
        row = health.leader_row()
        assert row is not None and row.frames_in == 1 and row.last_frame_at is not None
        assert row.connected_since is not None
        clock.advance(seconds=options.stale_after_seconds + 1)
        # The clock jumped: the row's last frame is stale (and the lease, too, until it is renewed).
        assert read_health(runtime, options).problem in ("stale", "no_leader")
        assert service.service.role in ("leader", "standby")
