"""Generating a report: build it in one unit of work, record one audit row, render the format asked for."""

from __future__ import annotations

import logging
from typing import Literal

from bot.core.runtime import Runtime
from bot.people import audit
from bot.report import render_csv, render_json, render_md
from bot.report.build import build
from bot.report.model import Report
from bot.report.period import Period

log = logging.getLogger(__name__)

Format = Literal["md", "csv", "json"]
FORMATS: tuple[Format, ...] = ("md", "csv", "json")


def generate(runtime: Runtime, period: Period, locale: str, *, actor: str, channel: str, fmt: str) -> Report:
    """The report of ``period``, with its audit row (who asked, for which days, in which format).

    The report holds aggregates only, so one row per report is the record; no per-person rows.
    """
    with runtime.db.session() as s:
        report = build(runtime, s, period, locale)
        audit.record(
            s,
            actor,
            None,
            "report.generate",
            channel,
            {"from": period.start.isoformat(), "to": period.end.isoformat(), "format": fmt},
            at=runtime.clock.now(),
        )
    log.info("effectiveness report %s..%s generated for %s (%s)", period.start, period.end, actor, fmt)
    return report


def render(report: Report, fmt: Format, locale: str, runtime: Runtime) -> str:
    """The report as Markdown, CSV or JSON text."""
    if fmt == "csv":
        return render_csv.render(report, locale, runtime.tz)
    if fmt == "json":
        return render_json.render(report, locale)
    return render_md.render(report, locale, runtime.tz)
