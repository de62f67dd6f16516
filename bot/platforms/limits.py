"""Every platform's limits in one place for the code that must respect them (outbox pacing, message layout).

Each platform package owns its numbers (``bot/platforms/<name>/limits.py``); callers ask by the
platform name stored with a message, never branch on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.config import Settings
from bot.pipeline.platform import Cap, MarkdownLimit
from bot.platforms.dingtalk import limits as dingtalk
from bot.platforms.names import ALL, DINGTALK, WECOM
from bot.platforms.wecom import limits as wecom

if TYPE_CHECKING:
    from bot.ops.registry import Registry

# The stricter of every platform's markdown limit: for the simulator's chat and unknown platforms.
STRICTEST = MarkdownLimit(chars=5000, bytes=2048)
_MARKDOWN = {DINGTALK: dingtalk.MARKDOWN, WECOM: wecom.MARKDOWN}
# Platforms whose chat markdown opens links (every one CareBot speaks).
MARKDOWN_LINKS = frozenset(ALL)


def send_caps(settings: Settings) -> list[Cap]:
    """The send caps in force on every platform, from ``[outbox]``."""
    return [*dingtalk.caps(settings), *wecom.caps(settings)]


def identical_once_a_day() -> dict[str, frozenset[str]]:
    """Platform → outbox kinds of which it delivers one identical content per user per day (drops the rest)."""
    return {DINGTALK: dingtalk.IDENTICAL_ONCE_A_DAY}


def markdown_limit(platform: str, *, default: MarkdownLimit = STRICTEST) -> MarkdownLimit:
    """The markdown size limit of ``platform`` (``default`` for the local simulator and unknown names)."""
    return _MARKDOWN.get(platform, default)


def register(registry: Registry) -> None:
    """Hand every platform's send caps and once-a-day rules to the outbox's pacing."""
    registry.platform_limits(send_caps, identical_once_a_day())
