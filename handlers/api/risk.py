"""``GET /api/v1/risk?as_of=YYYY-MM-DD&limit=N``: attrition-risk scores with the model behind them.

``score`` is the probability of leaving within ``horizon_days`` (learned model) or the rule score
scaled to 0..1 (rules); reasons are the largest contributions in plain words. Risk is a sensitive
category: only tokens with the ``read:sensitive`` scope get an answer. One audit row per person listed.
"""

from __future__ import annotations

from flask import Response, jsonify, request

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.core.settings.scopes import READ_SENSITIVE
from bot.people import audit
from bot.risk import present, scores
from handlers.api import api_actor, bp, error, locale, needs, query_day

DEFAULT_LIMIT = 50
MAX_LIMIT = 10_000

i18n.register(
    {
        "api.risk.invalid": {"zh-CN": "查询参数无效", "en": "invalid query parameters"},
        "api.risk.limit": {"zh-CN": "应为 1–{max} 之间的整数", "en": "expected a whole number 1–{max}"},
    }
)


@bp.get("/risk")
@needs(READ_SENSITIVE)
def list_risk() -> tuple[Response, int]:
    """The highest risks as of ``as_of`` (default today), at most ``limit`` people."""
    runtime = get_runtime()
    loc = locale()
    errors: dict[str, str] = {}
    as_of = query_day("as_of", runtime.today(), errors)
    raw = request.args.get("limit", "")
    limit = DEFAULT_LIMIT
    if raw:
        if raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT:
            limit = int(raw)
        else:
            errors["limit"] = i18n.t("api.risk.limit", loc, max=MAX_LIMIT)
    if errors:
        return error(422, "api.risk.invalid", fields=errors)
    with runtime.db.session() as s:
        view = scores.view(s, runtime, as_of, limit=limit, locale=loc)
        record = scores.model_in_force(s, as_of)
        model_as_of = record.as_of if record is not None and view.kind == "learned" else as_of
        ids = present.userids(s, view)
        audit.record_views(
            s,
            api_actor(),
            ids.values(),
            "api.risk.list",
            "api",
            {"as_of": as_of.isoformat(), "kind": view.kind, "count": len(ids)},
            at=runtime.clock.now(),
        )
        body = present.as_json(view, ids, model_as_of.isoformat())
    return jsonify(body), 200
