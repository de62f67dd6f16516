"""Fail closed at start-up: real platform keys never run in development mode by accident.

``[app].environment`` defaults to ``development``, which turns on developer conveniences (the
developer sign-in, a random session key). A deployment that sets real platform keys and leaves the
``environment`` line out would expose them to anyone: it refuses to start instead, unless
``[app].development_with_platform_keys = true`` says it is meant.
"""

from __future__ import annotations

from bot.core.config import Settings
from bot.core.errors import ConfigError

# The settings whose presence means "this talks to a real DingTalk or WeCom tenant".
PLATFORM_SECRETS = (
    ("dingtalk", "app_secret"),
    ("dingtalk", "callback_aes_key"),
    ("dingtalk", "card_api_secret"),
    ("wecom", "secret"),
    ("wecom", "callback_aes_key"),
)


def platform_keys_set(settings: Settings) -> list[str]:
    """The ``[section].key`` names of platform secrets that are set."""
    return [f"[{section}].{key}" for section, key in PLATFORM_SECRETS if getattr(getattr(settings, section), key)]


def unsafe_development(settings: Settings) -> str | None:
    """Why this configuration must not start, or None when it may."""
    if settings.app.environment != "development" or settings.app.development_with_platform_keys:
        return None
    keys = platform_keys_set(settings)
    if not keys and settings.platform.default == "local":
        return None
    named = ", ".join(keys) or f"[platform].default = {settings.platform.default!r}"
    return (
        f"[app].environment is 'development' (the default) but real platform settings are present ({named}): "
        'set [app].environment = "production" (CAREBOT_APP__ENVIRONMENT=production), or '
        "[app].development_with_platform_keys = true if you really mean to develop against a real tenant"
    )


def refuse_unsafe_start(settings: Settings) -> None:
    """Raise ``ConfigError`` (one line) when :func:`unsafe_development` finds a reason."""
    reason = unsafe_development(settings)
    if reason is not None:
        raise ConfigError(reason)
