"""Build the DingTalk and WeCom platforms that ``[dingtalk]`` / ``[wecom]`` configure."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.core.clock import Clock
from bot.core.config import Settings

if TYPE_CHECKING:
    from bot.platforms.base import Platform

log = logging.getLogger(__name__)


def dingtalk_configured(settings: Settings) -> bool:
    """Whether the DingTalk app credentials are set (agent id included: work notifications need it)."""
    cfg = settings.dingtalk
    return bool(cfg.app_key and cfg.app_secret and cfg.agent_id)


def wecom_configured(settings: Settings) -> bool:
    """Whether the WeCom app credentials are set."""
    cfg = settings.wecom
    return bool(cfg.corp_id and cfg.secret and cfg.agent_id)


def configured_platforms(settings: Settings, clock: Clock) -> dict[str, Platform]:
    """The external platforms with credentials, by name; the default one is warned about when missing."""
    from bot.platforms.dingtalk.platform import DingTalkPlatform
    from bot.platforms.wecom.platform import WeComPlatform

    platforms: dict[str, Platform] = {}
    if dingtalk_configured(settings):
        platforms["dingtalk"] = DingTalkPlatform.from_settings(settings, clock)
    if wecom_configured(settings):
        platforms["wecom"] = WeComPlatform.from_settings(settings, clock)
    default = settings.platform.default
    if default != "local" and default not in platforms:
        keys = "app_key, app_secret, agent_id" if default == "dingtalk" else "corp_id, secret, agent_id"
        log.warning("[platform].default is %s but [%s] %s are not all set: messages will fail", default, default, keys)
    return platforms
