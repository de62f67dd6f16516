"""DingTalk's limits: markdown size, send caps, one identical message per user per day (protocols.md §4.2, §4.5)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.config import Settings
from bot.pipeline.platform import MESSAGE_KINDS, Cap, MarkdownLimit
from bot.platforms.names import DINGTALK as PLATFORM

MARKDOWN = MarkdownLimit(chars=5000)
# Work notifications: DingTalk delivers one identical content per user per day and silently drops the rest.
IDENTICAL_ONCE_A_DAY = frozenset({"text", "markdown"})


def caps(settings: Settings) -> list[Cap]:
    """≤ ``[outbox].dingtalk_per_user_per_day`` work notifications per user per day; robot replies per minute."""
    cfg = settings.outbox
    return [
        Cap(PLATFORM, MESSAGE_KINDS, cfg.dingtalk_per_user_per_day, None, "DingTalk daily cap per user"),
        Cap(PLATFORM, frozenset({"reply"}), cfg.robot_per_minute, timedelta(minutes=1), "robot cap per minute"),
    ]
