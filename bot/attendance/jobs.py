"""Scheduled attendance work: WeCom check-in pull, DingTalk failed callbacks, nightly facts catch-up."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.attendance.catchup import catch_up
from bot.attendance.dingtalk_failed import pull_failed_callbacks
from bot.attendance.dingtalk_schedule import sync as sync_schedules
from bot.attendance.wecom_pull import pull_checkins
from bot.core.config import Settings
from bot.core.runtime import Runtime
from bot.pipeline.scheduler import job
from bot.platforms.dingtalk.client import list_schedules

if TYPE_CHECKING:
    from bot.ops.registry import Registry

log = logging.getLogger(__name__)


def _client(runtime: Runtime, platform: str, method: str) -> Any:
    """The platform's API client when it is configured and offers ``method``, else None."""
    client = getattr(runtime.platforms.get(platform), "client", None)
    return client if client is not None and hasattr(client, method) else None


@job(
    "attendance.wecom_checkins",
    "interval",
    "Pull WeCom check-ins (checkin/getcheckindata)",
    minutes=lambda settings: settings.sync.wecom_checkin_minutes,
)
def wecom_checkins(runtime: Runtime) -> None:
    """Pull new WeCom check-ins when WeCom is configured."""
    client = _client(runtime, "wecom", "get_checkin_data")
    if client is not None:
        pull_checkins(runtime, client)


@job(
    "attendance.dingtalk_failed_callbacks",
    "interval",
    "Pull DingTalk callbacks that failed to arrive (get_call_back_failed_result)",
    minutes=lambda settings: settings.sync.dingtalk_failed_minutes,
)
def dingtalk_failed_callbacks(runtime: Runtime) -> None:
    """Fetch and process lost DingTalk callbacks when DingTalk is configured."""
    client = _client(runtime, "dingtalk", "failed_callbacks")
    if client is not None:
        pull_failed_callbacks(runtime, client)


@job("attendance.dingtalk_schedules", "cron", "Pull DingTalk shift schedules (listschedule)", hour=4, minute=10)
def dingtalk_schedules(runtime: Runtime) -> None:
    """Refresh the shift schedules of the last 2 and the next 7 days when DingTalk is configured."""
    client = _client(runtime, "dingtalk", "oapi")
    if client is not None:
        today = runtime.today()
        sync_schedules(
            runtime, lambda day: list_schedules(client, day), today - timedelta(days=2), today + timedelta(days=7)
        )


def _at(part: str) -> Any:
    def get(settings: Settings) -> int:
        value = settings.sync.facts_catchup_at
        return value.hour if part == "hour" else value.minute

    return get


@job("attendance.facts_catchup", "cron", "Nightly daily-facts catch-up", hour=_at("hour"), minute=_at("minute"))
def facts_catchup(runtime: Runtime) -> None:
    """Recompute recent daily facts for everyone (a safety net behind live ingestion)."""
    catch_up(runtime)


def register(registry: Registry) -> None:
    """Attendance: WeCom check-in pull, DingTalk failed callbacks and schedules, nightly facts."""
    registry.jobs(wecom_checkins, dingtalk_failed_callbacks, dingtalk_schedules, facts_catchup)
