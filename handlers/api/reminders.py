"""``GET /api/v1/reminders?status=open|done|snoozed|dismissed|capped|expired|held_out``: reminders for BI.

``expired`` reminders passed their moment unsent; ``held_out`` ones were held back by evaluation mode
(the person is in the holdout arm).
"""

from __future__ import annotations

from flask import Response, jsonify, request

from bot.core import i18n
from bot.core.input_guard import plain_int
from bot.core.runtime import get_runtime
from bot.core.settings.scopes import READ_PEOPLE, READ_SENSITIVE
from bot.people import audit
from bot.privacy import Category, Level
from bot.reminders.queries import STATUSES, list_reminders
from handlers.api import api_actor, bp, error, locale, needs, policy, viewer

MAX_LIMIT = 5000

i18n.register(
    {
        "api.reminders.status": {
            "zh-CN": "status 应为 {allowed} 之一",
            "en": "status must be one of {allowed}",
        },
        "api.reminders.invalid": {"zh-CN": "查询参数无效", "en": "invalid query parameters"},
        "api.reminders.number": {
            "zh-CN": "{name} 应为正整数（最大 {max}）",
            "en": "{name} must be a positive whole number (at most {max})",
        },
    }
)


def _int_arg(name: str, default: int, maximum: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    value = plain_int(raw)  # "²" and "①" pass isdigit() but not int()
    if value is None or not 0 <= value <= maximum:
        return None
    return value


def _invalid(name: str, message: str) -> tuple[Response, int]:
    # Like every /api/v1 validation error: 422 naming the failing field.
    return error(422, "api.reminders.invalid", fields={name: message})


@bp.get("/reminders")
@needs(READ_PEOPLE, READ_SENSITIVE)
def get_reminders() -> Response | tuple[Response, int]:
    """Reminders filtered by ``status`` (and optionally ``recipient``, ``userid``), paged by ``after_id``."""
    status = request.args.get("status", "").strip().lower() or None
    if status is not None and status not in STATUSES:
        return _invalid("status", i18n.t("api.reminders.status", locale(), allowed="|".join(STATUSES)))
    limit = _int_arg("limit", 1000, MAX_LIMIT)
    after_id = _int_arg("after_id", 0, 2**62)
    if limit is None or limit == 0:
        return _invalid("limit", i18n.t("api.reminders.number", locale(), name="limit", max=MAX_LIMIT))
    if after_id is None:
        return _invalid("after_id", i18n.t("api.reminders.number", locale(), name="after_id", max=2**62))
    runtime = get_runtime()
    with runtime.db.session() as s:
        rows = list_reminders(
            s,
            status=status,
            recipient=request.args.get("recipient") or None,
            userid=request.args.get("userid") or None,
            limit=limit,
            after_id=after_id,
        )
        if policy().can(viewer(), Category.CARE_NOTE) is not Level.FULL:
            # Notes of care actions are sensitive: only a read:sensitive token gets them.
            rows = [row | {"note": None} for row in rows]
        audit.record_views(
            s,
            api_actor(),
            (row["userid"] for row in rows),
            "api.reminders.list",
            "api",
            {"status": status, "count": len(rows)},
            at=runtime.clock.now(),
            query_subject=request.args.get("userid") or None,
        )
    return jsonify(reminders=rows)
