"""WeCom's limits: markdown size and app-message caps per member (protocols.md §6.2)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.config import Settings
from bot.pipeline.platform import MESSAGE_KINDS, Cap, MarkdownLimit
from bot.platforms.names import WECOM as PLATFORM

MARKDOWN = MarkdownLimit(bytes=2048)


def caps(settings: Settings) -> list[Cap]:
    """≤ 30 per member per minute and ≤ 1000 per hour by default (WeCom silently drops the excess)."""
    cfg = settings.outbox
    kinds = MESSAGE_KINDS | {"reply"}
    return [
        Cap(PLATFORM, kinds, cfg.wecom_per_member_per_minute, timedelta(minutes=1), "WeCom cap per member per minute"),
        Cap(PLATFORM, kinds, cfg.wecom_per_member_per_hour, timedelta(hours=1), "WeCom cap per member per hour"),
    ]
