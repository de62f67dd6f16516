"""Scheduled retraining: daily at ``[risk].retrain_time``, when the newest model is older than ``retrain_days``."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from bot.core.config import Settings
from bot.core.runtime import Runtime
from bot.models import RiskModel
from bot.pipeline.scheduler import job
from bot.risk import train

if TYPE_CHECKING:
    from bot.ops.registry import Registry

log = logging.getLogger(__name__)


def retrain_if_due(runtime: Runtime) -> bool:
    """Train as of today when no model is younger than ``[risk].retrain_days``; True when it trained."""
    today = runtime.today()
    with runtime.db.session() as s:
        newest = s.scalar(select(func.max(RiskModel.as_of)))
        if newest is not None and newest > today - timedelta(days=runtime.settings.risk.retrain_days):
            return False
        record = train.train(s, runtime, today)
    log.info("risk model retrained as of %s: %s", today, record.kind)
    return True


def _at(part: str) -> object:
    def get(settings: Settings) -> int:
        value = settings.risk.retrain_time
        return value.hour if part == "hour" else value.minute

    return get


@job(
    "risk.retrain",
    "cron",
    "Retrain the attrition model when it is older than [risk].retrain_days",
    hour=_at("hour"),
    minute=_at("minute"),
)
def retrain(runtime: Runtime) -> None:
    """The scheduled entry point of :func:`retrain_if_due`."""
    retrain_if_due(runtime)


def register(registry: Registry) -> None:
    """The attrition model's retraining."""
    registry.jobs(retrain)
