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
    """A platform API answered with an error, or could not be reached.

    ``retryable`` says whether sending again later may succeed (network, 5xx, throttling).
    ``delivery_unknown`` says the request may have reached the platform although no answer came
    back (a read timeout, a connection cut after sending): a message may have been accepted.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | int | None = None,
        retryable: bool = False,
        delivery_unknown: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable
        self.delivery_unknown = delivery_unknown


class BadRuleFile(CareBotError):
    """A rule file is invalid; the message names the file, rule id and field."""
