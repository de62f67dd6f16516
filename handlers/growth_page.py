"""``GET /growth/<token>``: one employee's growth chart behind a signed, expiring link (``/成长``).

No sign-in: the HMAC token is the permission (bot/growth/link.py). A missing, tampered or expired
token gets 403. The page is server-rendered SVG under the dashboard's strict CSP, shows only the
holder's own figures and aggregates, and every view is audit-logged.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.growth import link
from bot.growth import messages as _messages  # noqa: F401  (registers the texts)
from bot.growth.progress import milestones, progress
from bot.growth.svg import chart
from bot.growth.trend import TEAM_MIN, WEEKS, trends
from bot.models import Employee
from bot.people import audit
from handlers.commands.growth import figure, metric_label

log = logging.getLogger(__name__)

bp = Blueprint("growth_page", __name__, url_prefix="/growth", template_folder="templates")

# No script, no inline style, nothing from elsewhere; the SVG is part of the page itself.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # The token is in the path: never send it on as a referrer, never keep the page in shared caches.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _forbidden(locale: str) -> ResponseReturnValue:
    return render_template("growth/forbidden.html", lang=locale, text=i18n.t("growth.page.forbidden", locale)), 403


@bp.get("/<token>")
def page(token: str) -> ResponseReturnValue:
    """The chart page of the employee the token was issued to."""
    runtime = get_runtime()
    settings = runtime.settings
    fallback = i18n.normalise_locale(request.args.get("lang") or settings.app.locale)
    grant = link.verify(settings.app.secret_key, token, runtime.clock.now())
    if grant is None:
        log.info("growth page refused: invalid or expired link")
        return _forbidden(fallback)
    with runtime.db.session() as s:
        me = s.get(Employee, grant.employee_id)
        if me is None or me.status != "active":
            return _forbidden(fallback)
        loc = i18n.normalise_locale(request.args.get("lang") or me.locale or settings.app.locale)
        today = runtime.today()
        charts = []
        for trend in trends(s, settings.metrics, me, today):
            if not trend.has_data:
                continue
            name = metric_label(trend, loc)
            legend = (
                i18n.t("growth.page.legend_target", loc)
                if trend.reference == "target"
                else i18n.t("growth.page.legend_median", loc, n=TEAM_MIN)
                if trend.reference == "team_median" and any(w.reference is not None for w in trend.weeks)
                else None
            )
            rows = [
                (i18n.fmt_date(w.start, loc), figure(trend, w.value, loc), figure(trend, w.reference, loc))
                for w in trend.weeks
            ]
            # chart() escapes every text it draws, so its markup is safe to embed.
            charts.append({"name": name, "svg": Markup(chart(trend, loc, name)), "legend": legend, "rows": rows})  # noqa: S704
        prog = progress(runtime, s, me, loc)
        reached = [
            (i18n.t(f"growth.milestone.{m.key}", loc), i18n.fmt_date(m.on, loc, with_year=True))
            for m in milestones(runtime, me, today)
        ]
        audit.record(s, me.userid, me.userid, "view.growth.page", "web", {"via": "signed_link"}, at=runtime.clock.now())
        name = me.name
    expires = datetime.fromtimestamp(grant.expires_at, UTC)
    return render_template(
        "growth/page.html",
        lang=loc,
        t=lambda key, **kw: i18n.t(key, loc, **kw),
        name=name,
        charts=charts,
        progress=prog,
        milestones=reached,
        expires=i18n.fmt_datetime(expires, runtime.tz, loc),
        weeks=WEEKS,
    )
