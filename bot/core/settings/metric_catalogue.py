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
    # A performance metric: the built-in performance rules (dip, below the team, …) watch it.
    performance: bool = False


# ``metric = "performance"`` in a rule means "every performance metric", so no metric may be called that.
PERFORMANCE_GROUP = "performance"

DEFAULT_METRICS = (
    MetricDef(name="calls", unit="count", label_zh="通话量", label_en="Calls", min_value=0, performance=True),
    MetricDef(
        name="rejection_rate",
        unit="ratio",
        label_zh="拒绝率",
        label_en="Rejection rate",
        higher_is_better=False,
        min_value=0,
        max_value=1,
    ),
    MetricDef(name="sales", unit="CNY", label_zh="销售额", label_en="Sales", min_value=0, performance=True),
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
        if PERFORMANCE_GROUP in names:
            raise ValueError(f"{PERFORMANCE_GROUP!r} is reserved (rules use it for every performance metric)")
        return value

    @property
    def performance(self) -> tuple[str, ...]:
        """The names of the performance metrics, in catalogue order."""
        return tuple(m.name for m in self.catalogue if m.performance)

    def get(self, name: str) -> MetricDef | None:
        """The catalogue entry named ``name``, if any."""
        return next((m for m in self.catalogue if m.name == name), None)


__all__ = ["DEFAULT_METRICS", "PERFORMANCE_GROUP", "MetricDef", "MetricsSection"]
