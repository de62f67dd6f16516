"""Connector status in the database: each process writes its row; ``--check`` and doctor read them all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select

from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.models import Lease, StreamConnector
from bot.platforms.dingtalk.stream.options import StreamOptions
from bot.platforms.dingtalk.stream.stats import ConnectorStats

Role = Literal["leader", "standby", "stopped"]

# Rows of processes gone this long are deleted by the next writer (a restart makes a new holder).
FORGET_AFTER = timedelta(days=1)


def write_status(
    runtime: Runtime, lease_name: str, holder: str, role: Role, started_at: datetime, stats: ConnectorStats
) -> None:
    """Upsert this process's row (and forget long-gone processes of the same lease)."""
    now = runtime.clock.now()
    values = {
        "lease_name": lease_name,
        "role": role,
        "started_at": started_at,
        "updated_at": now,
        "connected_since": stats.connected_since,
        "last_frame_at": stats.last_frame_at,
        "frames_in": stats.frames_in,
        "frames_acked": stats.frames_acked,
        "frames_unacked": stats.frames_unacked,
        "frame_errors": stats.frame_errors,
        "robot_lost": stats.robot_lost,
        "reconnects": stats.reconnects,
    }
    with runtime.db.session() as s:
        s.execute(
            dialect_insert(s, StreamConnector)
            .values(holder=holder, **values)
            .on_conflict_do_update(index_elements=["holder"], set_=values)
        )
        s.execute(
            delete(StreamConnector).where(
                StreamConnector.lease_name == lease_name, StreamConnector.updated_at < now - FORGET_AFTER
            )
        )


Problem = Literal["no_leader", "not_connected", "stale"]

PROBLEMS: dict[Problem, str] = {
    "no_leader": "no Stream connector holds the lease: is `carebot stream` running?",
    "not_connected": "the leader is not connected to the gateway",
    "stale": "the leader's last frame is too old",
}


@dataclass(frozen=True)
class StreamHealth:
    """What the database says about an app's connectors, judged against the configured timings."""

    now: datetime
    leader: str | None  # the holder of an unexpired lease
    generation: int | None
    connectors: list[StreamConnector]  # rows written within the last day, newest first
    problem: Problem | None  # None when healthy

    @property
    def healthy(self) -> bool:
        return self.problem is None

    def leader_row(self) -> StreamConnector | None:
        return next((c for c in self.connectors if c.holder == self.leader), None)


def read_health(runtime: Runtime, options: StreamOptions) -> StreamHealth:
    """Healthy when a connector holds the lease, is connected, and received a frame recently."""
    now = runtime.clock.now()
    with runtime.db.session() as s:
        lease = s.scalar(select(Lease).where(Lease.name == options.lease_name))
        rows = list(
            s.scalars(
                select(StreamConnector)
                .where(StreamConnector.lease_name == options.lease_name)
                .order_by(StreamConnector.updated_at.desc())
            )
        )
        s.expunge_all()
    held = lease if lease is not None and lease.expires_at > now else None
    leader = held.holder if held else None
    row = next((c for c in rows if c.holder == leader), None)
    problem: Problem | None = None
    if leader is None:
        problem = "no_leader"
    elif row is None or row.connected_since is None:
        problem = "not_connected"
    # Measured from the connection's opening too: a fresh connection has had no time for a frame.
    elif now - max(t for t in (row.last_frame_at, row.connected_since) if t is not None) > timedelta(
        seconds=options.stale_after_seconds
    ):
        problem = "stale"
    return StreamHealth(now, leader, held.generation if held else None, rows, problem)
