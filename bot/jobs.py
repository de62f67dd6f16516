"""Import the modules that register scheduled jobs, so ``bot.scheduler.build`` sees them all."""

from __future__ import annotations

from bot import (
    attendance_jobs,
    inbox_jobs,
    journeys_jobs,
    outbox_jobs,
    privacy_jobs,
    reminders_jobs,
    rules_jobs,
    surveys_jobs,
)
from bot.risk import jobs as risk_jobs

# Importing registers each module's @job functions; the tuple documents (and keeps) them.
JOB_MODULES = (
    attendance_jobs,
    inbox_jobs,
    journeys_jobs,
    outbox_jobs,
    privacy_jobs,
    reminders_jobs,
    rules_jobs,
    surveys_jobs,
    risk_jobs,
)
