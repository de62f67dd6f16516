"""A one-time cache of signatures, shared by every web worker through the database.

DingTalk's robot ``sign`` and card ``x-ddpaas-signature`` are HMACs of the timestamp only: they
cover no part of the body, so a captured header pair could carry any other body while it is fresh.
Each accepted (timestamp, signature) pair is remembered, with a digest of its body, until it
leaves the freshness window; the same pair with the same body is a redelivery (the inbox makes it
harmless), with another body it is a replay and refused.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.sqlutil import dialect_insert
from bot.models import SeenSignature


def body_digest(body: bytes) -> str:
    """The SHA-256 hex digest of a request body."""
    return hashlib.sha256(body).hexdigest()


def first_use(
    session: Session, scope: str, timestamp: str, signature: str, body: bytes, now: datetime, window: timedelta
) -> bool:
    """Remember the pair; True when it is new or comes again with the very same body.

    The pair is kept for twice the window (the timestamp may lie up to one window in the future
    and is accepted until one window in the past).
    """
    session.execute(delete(SeenSignature).where(SeenSignature.expires_at < now))
    digest = body_digest(body)
    stmt = (
        dialect_insert(session, SeenSignature)
        .values(
            scope=scope,
            timestamp=timestamp[:32],
            signature=signature[:128],
            body_digest=digest,
            expires_at=now + 2 * window,
        )
        .on_conflict_do_nothing(index_elements=["scope", "timestamp", "signature"])
        .returning(SeenSignature.id)
    )
    if session.execute(stmt).scalar_one_or_none() is not None:
        return True
    seen = session.scalar(
        select(SeenSignature.body_digest).where(
            SeenSignature.scope == scope,
            SeenSignature.timestamp == timestamp[:32],
            SeenSignature.signature == signature[:128],
        )
    )
    return seen == digest
