"""The CareBot exception hierarchy: one base and a few meaningful kinds."""

from __future__ import annotations


class CareBotError(Exception):
    """Base class for every error CareBot raises on purpose."""


class ConfigError(CareBotError):
    """The configuration file or an environment override is invalid."""


class InvalidSignature(CareBotError):
    """An inbound callback failed signature, freshness or receiver-id checks."""


class DecryptError(InvalidSignature):
    """An inbound callback could not be decrypted with the configured key."""


class BadPayload(CareBotError):
    """An inbound body was verified but could not be parsed."""


class PlatformAPIError(CareBotError):
    """A platform API answered with an error.

    ``retryable`` says whether sending again later may succeed (network, 5xx, throttling).
    """

    def __init__(self, message: str, *, code: str | int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable


class BadRuleFile(CareBotError):
    """A rule file is invalid; the message names the file, rule id and field."""
