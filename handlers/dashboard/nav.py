"""The dashboard's navigation, one list for every page (the audit log only for HR admins)."""

from __future__ import annotations

from flask import g

from handlers.dashboard import bp

PAGES = (
    ("overview", "dashboard.overview"),
    ("people", "dashboard.people_search"),
    ("tags", "dashboard.tags"),
    ("reminders", "dashboard.reminders"),
    ("queue", "dashboard.queue"),
    ("care", "dashboard.care_log"),
    ("report", "dashboard.report"),
    ("journeys", "dashboard.journeys"),
    ("risk", "dashboard.risk"),
)


@bp.context_processor
def _navigation() -> dict[str, object]:
    def nav_items() -> list[tuple[str, str]]:
        from handlers.dashboard.audit_log import may_read_audit

        items = list(PAGES)
        who = getattr(g, "dashboard_viewer", None)
        if who is not None and may_read_audit(who):
            items.append(("audit", "dashboard.audit_log"))
        return items

    return {"nav_items": nav_items}
