"""``GET /api/v1/report?from=YYYY-MM-DD&to=YYYY-MM-DD``: the effectiveness report as JSON.

Same figures and defaults as ``carebot report --format json`` (the last ``[report].default_days``
days up to yesterday); aggregates only, so one audit row per report. A bad date is 422 with the
failing field; rule names follow ``Accept-Language``.
"""

from __future__ import annotations

from flask import Response, jsonify, request

from bot.core.runtime import get_runtime
from bot.core.settings.scopes import READ_AGGREGATES, READ_PEOPLE, READ_SENSITIVE
from bot.report import period as periods
from bot.report.render_json import as_dict
from bot.report.service import generate
from handlers.api import api_actor, bp, error, locale, needs


@bp.get("/report")
@needs(READ_AGGREGATES, READ_PEOPLE, READ_SENSITIVE)
def effectiveness_report() -> tuple[Response, int]:
    """The report of ``from``..``to`` (inclusive, company time zone)."""
    runtime = get_runtime()
    loc = locale()
    try:
        period = periods.resolve_for(runtime, request.args.get("from"), request.args.get("to"), loc)
    except periods.PeriodError as exc:
        return error(422, "api.invalid", fields={exc.field: exc.message})
    report = generate(runtime, period, loc, actor=api_actor(), channel="api", fmt="json")
    return jsonify({"locale": loc} | as_dict(report)), 200
