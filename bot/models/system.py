"""Bookkeeping: sync cursors, leases (scheduler, Stream connectors), connector status, evaluation runs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime, stamp_now


class SyncCursor(Base):
    """Where a pull (WeCom check-ins, DingTalk failed callbacks) stopped, so it resumes there."""

    __tablename__ = "sync_cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now, onupdate=stamp_now)


class Lease(Base):
    """A named lease (e.g. the scheduler leader) held until ``expires_at`` unless renewed."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The fencing token: +1 each time the lease changes hands, so a deposed holder's writes can be refused.
    generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class StreamConnector(Base):
    """What one DingTalk Stream connector process last reported, for ``carebot stream --check`` and doctor.

    Each ``carebot stream`` process (leader or standby) rewrites its own row every few seconds;
    the counters are totals since that process started.
    """

    __tablename__ = "stream_connectors"

    holder: Mapped[str] = mapped_column(String(128), primary_key=True)
    lease_name: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(12))  # leader | standby | stopped
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    connected_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_frame_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frames_in: Mapped[int] = mapped_column(Integer, default=0)
    frames_acked: Mapped[int] = mapped_column(Integer, default=0)
    frames_unacked: Mapped[int] = mapped_column(Integer, default=0)  # the handler asked for a redelivery
    frame_errors: Mapped[int] = mapped_column(Integer, default=0)
    # Robot messages that reached us but were not stored: DingTalk never redelivers them (the gap).
    robot_lost: Mapped[int] = mapped_column(Integer, default=0)
    reconnects: Mapped[int] = mapped_column(Integer, default=0)


class EvaluationRun(Base):
    """One rule evaluation of one local day, so a missed day is caught up later."""

    __tablename__ = "evaluation_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | done | failed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
