"""A named lease in the database: one holder at a time, renewed while alive, fenced by a generation.

The scheduler holds ``"scheduler"``; each DingTalk Stream connector set holds ``"stream:<app_key>"``.
A second process waits and takes over when the holder releases the lease or stops renewing it.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, exists, or_, select, update

from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.models import Lease


def default_holder() -> str:
    """host:pid:thread, unique among the processes that compete for a lease."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class LeaseHolder:
    """Holds or waits for the lease ``name``, valid ``seconds`` after each renewal."""

    def __init__(self, runtime: Runtime, name: str, seconds: float, holder: str | None = None) -> None:
        self.runtime = runtime
        self.name = name
        self.seconds = seconds
        self.holder = holder or default_holder()
        self.generation: int | None = None  # the fencing token of the lease this process holds
        self.stopped = False  # set by release(): a thread still running must not take the lease back
        # Serialises acquisition and release: a thread renewing the lease while SIGTERM releases
        # it would otherwise write its renewal after the release (seen: the lease held 60 s more).
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        """Take or renew the lease; True when this process holds it now."""
        with self._lock:
            if self.stopped:
                return False
            return self._acquire()

    def _acquire(self) -> bool:
        now = self.runtime.clock.now()
        expires = now + timedelta(seconds=self.seconds)
        with self.runtime.db.session() as s:
            s.execute(
                dialect_insert(s, Lease)
                .values(name=self.name, holder=self.holder, expires_at=expires)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            result = s.execute(
                update(Lease)
                .where(Lease.name == self.name, or_(Lease.holder == self.holder, Lease.expires_at < now))
                .values(
                    holder=self.holder,
                    expires_at=expires,
                    # A takeover (or a comeback after losing it) starts a new generation.
                    generation=case((Lease.holder == self.holder, Lease.generation), else_=Lease.generation + 1),
                )
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                self.generation = None
                return False
            self.generation = s.scalar(select(Lease.generation).where(Lease.name == self.name))
            return True

    def fence(self, now: datetime) -> ColumnElement[bool]:
        """SQL that is true only while this process still holds the lease it acquired (fencing token).

        Writes that must not outlive the lease (sending a claimed message) add it to their WHERE
        clause, so a holder that was frozen past its lease stops at once when it resumes.
        """
        return exists().where(
            Lease.name == self.name,
            Lease.holder == self.holder,
            Lease.generation == (self.generation if self.generation is not None else -1),
            Lease.expires_at > now,
        )

    def release(self) -> None:
        """Give the lease up at once (on shutdown), so a standby takes over without waiting it out."""
        with self._lock:
            self.stopped = True
            self.generation = None
            with self.runtime.db.session() as s:
                s.execute(
                    update(Lease)
                    .where(Lease.name == self.name, Lease.holder == self.holder)
                    .values(expires_at=self.runtime.clock.now() - timedelta(seconds=1))
                )
