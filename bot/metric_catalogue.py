"""The metric catalogue (``[metrics].catalogue``): which CRM/HRIS metrics CareBot accepts, and their labels."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetricDef(_Frozen):
    """One metric of the catalogue: its name, unit, labels, direction and allowed range."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    unit: str = Field(default="", max_length=16)
    label_zh: str = Field(min_length=1, max_length=64)
    label_en: str = Field(min_length=1, max_length=64)
    higher_is_better: bool = True
    min_value: float | None = None
    max_value: float | None = None


DEFAULT_METRICS = (
    MetricDef(name="calls", unit="count", label_zh="通话量", label_en="Calls", min_value=0),
    MetricDef(
        name="rejection_rate",
        unit="ratio",
        label_zh="拒绝率",
        label_en="Rejection rate",
        higher_is_better=False,
        min_value=0,
        max_value=1,
    ),
    MetricDef(name="sales", unit="CNY", label_zh="销售额", label_en="Sales", min_value=0),
    MetricDef(
        name="customer_retention",
        unit="ratio",
        label_zh="客户留存率",
        label_en="Customer retention",
        min_value=0,
        max_value=1,
    ),
    MetricDef(
        name="training_completion",
        unit="ratio",
        label_zh="培训完成率",
        label_en="Training completion",
        min_value=0,
        max_value=1,
    ),
)


class MetricsSection(_Frozen):
    """The metric catalogue: imports and the API accept these names and reject any other."""

    catalogue: tuple[MetricDef, ...] = DEFAULT_METRICS

    @field_validator("catalogue")
    @classmethod
    def _unique(cls, value: tuple[MetricDef, ...]) -> tuple[MetricDef, ...]:
        names = [m.name for m in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"metric {dupes[0]!r} is listed twice")
        return value

    def get(self, name: str) -> MetricDef | None:
        """The catalogue entry named ``name``, if any."""
        return next((m for m in self.catalogue if m.name == name), None)


__all__ = ["DEFAULT_METRICS", "MetricDef", "MetricsSection"]
