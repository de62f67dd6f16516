"""``POST /api/v1/metrics``: a JSON list of ``{userid, metric, date, value}``, upserted all or nothing."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.core.settings.scopes import METRICS_WRITE
from bot.intake.metric_input import validate_metric
from bot.intake.metrics import MetricRow, upsert_metrics
from bot.people import audit
from bot.people.directory import unknown_userids
from handlers.api import api_actor, bp, error, json_body, locale, needs

MAX_ITEMS = 10_000
MAX_BODY = 8 * 1024 * 1024  # 10,000 items do not fit the 1 MiB callback limit

i18n.register(
    {
        "api.metrics.list": {"zh-CN": "请求体必须是 JSON 数组", "en": "the body must be a JSON list"},
        "api.metrics.too_many": {
            "zh-CN": "每次最多 {n} 条，本次 {got} 条",
            "en": "at most {n} items per call, got {got}",
        },
        "api.metrics.invalid": {
            "zh-CN": "有 {n} 条数据无效，全部未写入",
            "en": "{n} items are invalid; nothing was stored",
        },
        "api.metrics.object": {"zh-CN": "应为 JSON 对象", "en": "expected a JSON object"},
    }
)


@bp.post("/metrics")
@needs(METRICS_WRITE)
def post_metrics() -> tuple[Response, int]:
    """Validate every item, then upsert by (employee, metric, date); any invalid item stores nothing."""
    request.max_content_length = MAX_BODY
    loc = locale()
    body = json_body()
    if not isinstance(body, list):
        return error(422, "api.metrics.list")
    if len(body) > MAX_ITEMS:
        return error(413, "api.metrics.too_many", values={"n": MAX_ITEMS, "got": len(body)})
    runtime = get_runtime()
    rows: list[tuple[int, MetricRow]] = []
    failures: dict[int, dict[str, str]] = {}
    for index, item in enumerate(body):
        if not isinstance(item, dict):
            failures[index] = {"item": i18n.t("api.metrics.object", loc)}
            continue
        row, errors = validate_metric(item, runtime.settings.metrics, loc)
        if row is None:
            failures[index] = errors
        else:
            rows.append((index, row))
    with runtime.db.session() as s:
        missing = unknown_userids(s, [r.userid for _, r in rows])
        for index, row in rows:
            if row.userid in missing:
                failures.setdefault(index, {})["userid"] = i18n.t("metric.no_employee", loc)
        if failures:
            items: list[dict[str, Any]] = [{"index": i, "fields": failures[i]} for i in sorted(failures)]
            message = i18n.t("api.metrics.invalid", loc, n=len(failures))
            return jsonify(error=message, items=items), 422
        stats = upsert_metrics(s, [r for _, r in rows], source="api")
        audit.record(s, api_actor(), None, "api.metrics.post", "api", {"items": len(rows)}, at=runtime.clock.now())
    return jsonify(upserted=stats.upserted, received=len(rows)), 200
