"""Failed sign-ins and API authentications per client, with a lockout shared by every worker.

Failures are rows in ``auth_failures``; a client with ``max_failures`` within the lockout period
is refused (without checking what it sent) until the oldest of those leaves the period. Attempts
refused while locked are not recorded, so the lockout ends on time.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.models import AuthFailure


def retry_after(session: Session, scope: str, client: str, now: datetime, max_failures: int, period: timedelta) -> int:
    """Seconds until ``client`` may try again in ``scope``; 0 when it is not locked out."""
    recent = list(
        session.scalars(
            select(AuthFailure.at)
            .where(AuthFailure.scope == scope, AuthFailure.client == client[:64], AuthFailure.at > now - period)
            .order_by(AuthFailure.at.desc())
            .limit(max_failures)
        )
    )
    if len(recent) < max_failures:
        return 0
    return max(1, math.ceil((recent[-1] + period - now).total_seconds()))


def record_failure(session: Session, scope: str, client: str, now: datetime, period: timedelta) -> None:
    """Count one failure of ``client``; failures older than the period are pruned on the way."""
    session.execute(delete(AuthFailure).where(AuthFailure.at <= now - period))
    session.add(AuthFailure(scope=scope, client=client[:64], at=now))


def clear(session: Session, scope: str, client: str) -> None:
    """Forget ``client``'s failures after a successful sign-in."""
    session.execute(delete(AuthFailure).where(AuthFailure.scope == scope, AuthFailure.client == client[:64]))
