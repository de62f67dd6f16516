"""Import the modules that register scheduled jobs, so ``bot.scheduler.build`` sees them all."""

from __future__ import annotations

import bot.attendance_jobs
import bot.inbox_jobs
import bot.outbox_jobs
import bot.reminders_jobs
import bot.rules_jobs
import bot.surveys_jobs
