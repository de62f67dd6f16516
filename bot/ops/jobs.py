"""Every package's scheduled jobs, registered explicitly (``create_app`` calls :func:`register`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.attendance import jobs as attendance_jobs
from bot.journeys import jobs as journeys_jobs
from bot.pipeline import inbox_jobs, outbox_jobs
from bot.privacy import jobs as privacy_jobs
from bot.reminders import jobs as reminders_jobs
from bot.risk import jobs as risk_jobs
from bot.surveys import jobs as surveys_jobs
from bot.tags import jobs as rules_jobs

if TYPE_CHECKING:
    from bot.ops.registry import Registry

JOB_MODULES = (
    inbox_jobs,
    outbox_jobs,
    attendance_jobs,
    rules_jobs,
    reminders_jobs,
    surveys_jobs,
    journeys_jobs,
    privacy_jobs,
    risk_jobs,
)


def register(registry: Registry) -> None:
    """What ``carebot scheduler`` runs: the pipeline's sweeps first, then each feature's jobs."""
    for module in JOB_MODULES:
        module.register(registry)
