"""Import the modules that register scheduled jobs, so ``bot.ops.scheduler.build`` sees them all."""

from __future__ import annotations

from bot.attendance import jobs as attendance_jobs
from bot.journeys import jobs as journeys_jobs
from bot.pipeline import inbox_jobs, outbox_jobs
from bot.privacy import jobs as privacy_jobs
from bot.reminders import jobs as reminders_jobs
from bot.risk import jobs as risk_jobs
from bot.surveys import jobs as surveys_jobs
from bot.tags import jobs as rules_jobs

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
