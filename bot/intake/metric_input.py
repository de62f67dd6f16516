"""Metric values from outside (CSV, API): validated against the row shape and the metric catalogue."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.core import i18n
from bot.core.input_errors import describe, field_of
from bot.core.settings.metric_catalogue import MetricsSection
from bot.intake.metrics import MetricRow

FIELDS = ("userid", "metric", "date", "value")

i18n.register(
    {
        "metric.unknown": {
            "zh-CN": "未知指标 {name}（可用：{known}）",
            "en": "unknown metric {name} (known: {known})",
        },
        "metric.below": {"zh-CN": "{name} 不能小于 {limit}", "en": "{name} must be at least {limit}"},
        "metric.above": {"zh-CN": "{name} 不能大于 {limit}", "en": "{name} must be at most {limit}"},
        "metric.no_employee": {"zh-CN": "没有这个 userid 的员工", "en": "no employee has this userid"},
    }
)


def validate_metric(
    raw: dict[str, Any], catalogue: MetricsSection, locale: str | None
) -> tuple[MetricRow | None, dict[str, str]]:
    """The row, or ``{field: what was expected}``; unknown metric names are rejected by name."""
    errors: dict[str, str] = {}
    row: MetricRow | None = None
    try:
        row = MetricRow.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            errors.setdefault(field_of(err, {"day": "date"}), describe(err, locale))
    name = raw.get("metric")
    if "metric" not in errors and isinstance(name, str):
        spec = catalogue.get(name.strip())
        if spec is None:
            known = ", ".join(m.name for m in catalogue.catalogue)
            errors["metric"] = i18n.t("metric.unknown", locale, name=name.strip(), known=known)
        elif row is not None:
            if spec.min_value is not None and row.value < spec.min_value:
                errors["value"] = i18n.t("metric.below", locale, name=spec.name, limit=_num(spec.min_value))
            elif spec.max_value is not None and row.value > spec.max_value:
                errors["value"] = i18n.t("metric.above", locale, name=spec.name, limit=_num(spec.max_value))
    return (None, errors) if errors else (row, {})


def _num(value: float) -> str:
    return f"{value:g}"
