"""Dashboard page ``/dashboard/journeys``: onboarding journeys in progress, those with overdue steps first.

Same pattern as the other pages: HR only (the guard in auth.py), limited to the viewer's HR scope,
one audit row per new hire shown (``view.dashboard.journeys``).
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.journeys.views import in_progress
from bot.models import Employee
from handlers.dashboard import bp
from handlers.dashboard import journeys_messages as _messages  # noqa: F401  (registers the texts)
from handlers.dashboard.auth import locale, viewer
from handlers.dashboard.pages import _audit, _scope

LIMIT = 200


@bp.get("/journeys")
def journeys() -> ResponseReturnValue:
    """Active journeys: overdue first (most overdue first), then by the next due step."""
    runtime, loc = get_runtime(), locale()
    with runtime.db.session() as s:
        rows = in_progress(s, limit=LIMIT)
        # in_progress() knows nothing of HR scopes: keep only the people this viewer may see.
        visible = set(s.scalars(select(Employee.userid).where(Employee.userid.in_([r.userid for r in rows]), _scope())))
        shown = [r for r in rows if r.userid in visible]
        items = [
            {
                "person": f"{r.name} ({r.userid})",
                "hired_on": i18n.fmt_date(r.hired_on, loc, with_year=True) if r.hired_on else "—",
                "started_on": i18n.fmt_date(r.started_on, loc, with_year=True),
                "progress": i18n.t("dash.journeys.progress", loc, done=r.done, total=r.total),
                "overdue": r.overdue,
                "next_due": i18n.fmt_date(r.next_due, loc, with_year=True) if r.next_due else "—",
            }
            for r in shown
        ]
        _audit(s, runtime, "journeys", (r.userid for r in shown), {"shown": len(shown)})
    return render_template(
        "dashboard/journeys.html",
        page="journeys",
        viewer=viewer(),
        rows=items,
        overdue_total=sum(1 for r in shown if r.overdue),
        capped=len(rows) >= LIMIT,
        limit=LIMIT,
    )
