"""Build the DingTalk and WeCom platforms that ``[dingtalk]`` / ``[wecom]`` configure."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.platforms.names import DINGTALK, WECOM

if TYPE_CHECKING:
    from bot.pipeline.platform import Platform

log = logging.getLogger(__name__)

# The keys each platform needs to send (its config section has the same name as the platform).
CREDENTIAL_KEYS = {DINGTALK: "app_key, app_secret, agent_id", WECOM: "corp_id, secret, agent_id"}


def dingtalk_configured(settings: Settings) -> bool:
    """Whether the DingTalk app credentials are set (agent id included: work notifications need it)."""
    cfg = settings.dingtalk
    return bool(cfg.app_key and cfg.app_secret and cfg.agent_id)


def wecom_configured(settings: Settings) -> bool:
    """Whether the WeCom app credentials are set."""
    cfg = settings.wecom
    return bool(cfg.corp_id and cfg.secret and cfg.agent_id)


def missing_credentials(settings: Settings, name: str) -> str | None:
    """The keys to set when ``name`` is an external platform without all its credentials, else None."""
    configured = {DINGTALK: dingtalk_configured, WECOM: wecom_configured}.get(name)
    if configured is None or configured(settings):
        return None
    return CREDENTIAL_KEYS[name]


def callbacks_configured(settings: Settings, name: str) -> bool:
    """Whether ``name``'s callback token and AES key are set (True for platforms without callbacks).

    DingTalk in Stream mode pushes events over its own authenticated connection: no callback keys.
    """
    if name == DINGTALK and settings.dingtalk.mode == "stream":
        return True
    keys = {
        DINGTALK: (settings.dingtalk.callback_token, settings.dingtalk.callback_aes_key),
        WECOM: (settings.wecom.callback_token, settings.wecom.callback_aes_key),
    }.get(name)
    return keys is None or all(keys)


def setup_notes(name: str, platform: Platform) -> list[str]:
    """What an admin checking ``name`` should know beyond "credentials OK"."""
    if name == DINGTALK and not getattr(platform, "interactive_cards", False):
        return ["dingtalk: interactive cards off: set [dingtalk].card_template_id and robot_code for buttons"]
    return []


def configured_platforms(settings: Settings, clock: Clock) -> dict[str, Platform]:
    """The external platforms with credentials, by name; the default one is warned about when missing."""
    from bot.platforms.dingtalk.platform import DingTalkPlatform
    from bot.platforms.wecom.platform import WeComPlatform

    platforms: dict[str, Platform] = {}
    if dingtalk_configured(settings):
        platforms[DINGTALK] = DingTalkPlatform.from_settings(settings, clock)
    if wecom_configured(settings):
        platforms[WECOM] = WeComPlatform.from_settings(settings, clock)
    default = settings.platform.default
    if default != "local" and default not in platforms:
        keys = CREDENTIAL_KEYS.get(default, "")
        log.warning("[platform].default is %s but [%s] %s are not all set: messages will fail", default, default, keys)
    return platforms
