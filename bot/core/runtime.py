"""The runtime: settings, database, clock, calendar and platforms, shared by web, CLI and scheduler."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flask import current_app

from bot.core.clock import Clock, SystemClock, local_today
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.workcalendar import WorkCalendar

if TYPE_CHECKING:
    from bot.pipeline.inbound import InboundPipeline
    from bot.pipeline.platform import Platform

EXTENSION_KEY = "carebot"


@dataclass
class Runtime:
    """Everything a unit of work needs; built once per process by ``create_app``."""

    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    platforms: dict[str, Platform] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    _pipeline: InboundPipeline | None = field(default=None, repr=False)

    @property
    def pipeline(self) -> InboundPipeline:
        """The inbound pipeline every transport hands its requests to (built by ``create_app``)."""
        if self._pipeline is None:
            raise LookupError("this runtime has no inbound pipeline (build it with create_app)")
        return self._pipeline

    @pipeline.setter
    def pipeline(self, value: InboundPipeline) -> None:
        self._pipeline = value

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.tz

    def today(self) -> date:
        """Today in the company time zone."""
        return local_today(self.clock, self.tz)

    def platform(self, name: str | None = None) -> Platform:
        """The named platform client, or the configured default."""
        key = name or self.settings.platform.default
        try:
            return self.platforms[key]
        except KeyError:
            raise LookupError(f"platform {key!r} is not configured") from None


def get_runtime() -> Runtime:
    """The runtime of the current Flask app (request, CLI or ``app.app_context()``)."""
    runtime: Runtime = current_app.extensions[EXTENSION_KEY]
    return runtime
