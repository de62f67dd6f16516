"""Counters of one connector process, written to ``stream_connectors`` for other processes to read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class ConnectorStats:
    """Totals since the process started; mutated only on the connector's event loop."""

    connected_since: datetime | None = None
    last_frame_at: datetime | None = None  # any frame, SYSTEM ping and probe pongs included
    frames_in: int = 0  # EVENT and CALLBACK frames received
    frames_acked: int = 0
    frames_unacked: int = 0  # the handler returned None: DingTalk redelivers events
    frame_errors: int = 0  # undecodable frames, handler failures, acks lost with their socket
    robot_lost: int = 0  # robot messages not stored: DingTalk never redelivers them
    reconnects: int = 0
