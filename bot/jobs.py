"""Import the modules that register scheduled jobs, so ``bot.scheduler.build`` sees them all."""

from __future__ import annotations

import bot.attendance_jobs
import bot.inbox_jobs  # noqa: F401
import bot.outbox_jobs  # noqa: F401
import bot.reminders_jobs  # noqa: F401
import bot.rules_jobs  # noqa: F401
import bot.surveys_jobs  # noqa: F401
