"""The rule model: a closed vocabulary of conditions (a discriminated union on ``kind``), no ``eval``.

A rule file is validated into :class:`Rule`; every condition kind is one pydantic class below and
one module in :mod:`rules.conditions` that compiles it to SQL over the facts.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Op = Literal[">", ">=", "<", "<=", "==", "!="]
Severity = Literal["low", "medium", "high"]
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}

# Day-level attendance facts a condition may test. Time-of-day fields are minutes after the shift
# day's local midnight (past 1440 after midnight); the others are durations in minutes.
TimeField = Literal["first_in_min", "last_out_min"]
DurationField = Literal[
    "worked_minutes",
    "late_minutes",
    "overtime_minutes",
    "approved_overtime_minutes",
    # Overtime in the sense of Labour Law art. 41/44: after hours on workdays, all work on rest
    # days and holidays.
    "legal_overtime_minutes",
]
TIME_FIELDS: tuple[str, ...] = ("first_in_min", "last_out_min")
DURATION_FIELDS: tuple[str, ...] = (
    "worked_minutes",
    "late_minutes",
    "overtime_minutes",
    "approved_overtime_minutes",
    "legal_overtime_minutes",
)
VoiceIntent = Literal["help", "distress", "life_event", "resign", "workload"]
LifeEventKind = Literal[
    "family_illness", "bereavement", "wedding", "newborn", "move", "health", "family", "other"
]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    """A text in both languages; zh-CN is what users see by default."""

    zh: str = Field(min_length=1, max_length=2000)
    en: str = Field(min_length=1, max_length=2000)

    def get(self, locale: str | None) -> str:
        """The text for ``locale`` (``en…`` → English, anything else → Chinese)."""
        return self.en if (locale or "").lower().startswith("en") else self.zh


# -- attendance ----------------------------------------------------------------------------------
class Streak(_Model):
    """The ``days`` most recent workdays all meet ``field op value`` (non-workdays never count)."""

    kind: Literal["streak"]
    field: TimeField | DurationField
    op: Op
    value: float
    days: int = Field(ge=1, le=60)
    on_leave: Literal["break", "skip"] = "break"
    max_skipped: int = Field(default=10, ge=0, le=60)


class CountInWindow(_Model):
    """At least ``min_count`` of the last ``window_workdays`` workdays meet ``field op value``."""

    kind: Literal["count_in_window"]
    field: TimeField | DurationField
    op: Op
    value: float
    min_count: int = Field(ge=1, le=60)
    window_workdays: int = Field(ge=1, le=60)
    on_leave: Literal["skip", "include"] = "skip"
    max_skipped: int = Field(default=10, ge=0, le=60)

    @model_validator(mode="after")
    def _fits(self) -> CountInWindow:
        if self.min_count > self.window_workdays:
            raise ValueError("min_count cannot exceed window_workdays")
        return self


class PeriodSum(_Model):
    """The sum of a duration over calendar weeks (Mon–Sun) or months meets ``op value``.

    ``periods`` consecutive periods must meet it, ending with the current period (when it
    already does) or the last complete one.
    """

    kind: Literal["period_sum"]
    field: DurationField
    period: Literal["week", "month"]
    op: Op
    value: float
    periods: int = Field(default=1, ge=1, le=12)


class MonthlyOvertime(_Model):
    """Overtime of the current calendar month to date reaches ``value`` minutes (legal cap: ``cap``).

    Above the cap the evidence says so (Labour Law art. 41) and the tag is ``above_cap_severity``.
    """

    kind: Literal["monthly_overtime"]
    field: DurationField = "legal_overtime_minutes"
    value: float = Field(default=1800, gt=0)
    cap: float = Field(default=2160, gt=0)
    above_cap_severity: Severity = "high"

    @model_validator(mode="after")
    def _below_cap(self) -> MonthlyOvertime:
        if self.value > self.cap:
            raise ValueError("value (the warning level) cannot be above cap")
        return self


# -- metrics -------------------------------------------------------------------------------------
class MetricChange(_Model):
    """Week-over-week change (percent) of a metric's weekly average meets ``op value`` ``weeks`` times."""

    kind: Literal["metric_change"]
    metric: Key
    aggregate: Literal["avg", "sum"] = "avg"
    op: Op
    value: float
    weeks: int = Field(default=2, ge=1, le=8)
    min_days: int = Field(default=2, ge=1, le=7)


class MetricVsTeam(_Model):
    """On each of the person's ``days`` most recent data days, value ``op`` ``ratio`` × team average."""

    kind: Literal["metric_vs_team"]
    metric: Key
    team: Literal["department", "manager"] = "department"
    op: Op
    ratio: float = Field(gt=0, le=100)
    days: int = Field(default=3, ge=1, le=30)
    min_team_size: int = Field(default=3, ge=2, le=1000)
    lookback_workdays: int = Field(default=10, ge=1, le=60)

    @model_validator(mode="after")
    def _fits(self) -> MetricVsTeam:
        if self.days > self.lookback_workdays:
            raise ValueError("days cannot exceed lookback_workdays")
        return self


class MetricThreshold(_Model):
    """An aggregate of a metric over the last ``window_days`` calendar days meets ``op value``."""

    kind: Literal["metric_threshold"]
    metric: Key
    aggregate: Literal["avg", "sum", "min", "max", "latest"] = "avg"
    window_days: int = Field(default=7, ge=1, le=366)
    op: Op
    value: float
    min_points: int = Field(default=1, ge=1, le=366)


# -- pulse surveys (identified check-in answers only) ---------------------------------------------
class PulseLatest(_Model):
    """The latest check-in answer to ``question`` (at most ``max_age_days`` old) meets ``op value``."""

    kind: Literal["pulse_latest"]
    question: Key
    op: Op
    value: float
    max_age_days: int = Field(default=30, ge=1, le=366)


class PulseTrend(_Model):
    """The last ``answers`` check-in answers move one way and change by at least ``min_change`` in total."""

    kind: Literal["pulse_trend"]
    question: Key
    direction: Literal["falling", "rising"] = "falling"
    answers: int = Field(default=3, ge=2, le=12)
    min_change: float = Field(default=1, gt=0)
    lookback_days: int = Field(default=90, ge=1, le=366)


class PulseUnanswered(_Model):
    """The ``surveys`` most recent pulses sent to the person all expired unanswered."""

    kind: Literal["pulse_unanswered"]
    surveys: int = Field(default=3, ge=1, le=20)
    lookback_days: int = Field(default=120, ge=1, le=366)
    exclude_paused: bool = True


# -- dates ---------------------------------------------------------------------------------------
class Birthday(_Model):
    """The birthday is ``days_ahead`` days away (on a workday, also those falling before the next one)."""

    kind: Literal["birthday"]
    days_ahead: int = Field(default=1, ge=0, le=60)
    workdays_only: bool = True


class WorkAnniversary(_Model):
    """A work anniversary (≥ ``min_years``) is ``days_ahead`` days away, workday-aware like birthdays."""

    kind: Literal["work_anniversary"]
    days_ahead: int = Field(default=0, ge=0, le=60)
    min_years: int = Field(default=1, ge=1, le=60)
    workdays_only: bool = True


class Tenure(_Model):
    """Days since ``hired_on`` are between ``min_days`` and ``max_days`` inclusive."""

    kind: Literal["tenure"]
    min_days: int = Field(ge=0, le=36500)
    max_days: int = Field(ge=0, le=36500)

    @model_validator(mode="after")
    def _ordered(self) -> Tenure:
        if self.min_days > self.max_days:
            raise ValueError("min_days cannot exceed max_days")
        return self


class TenureMilestone(_Model):
    """Today is day N after ``hired_on`` for an N in ``days`` (milestones on days off move to the next workday)."""

    kind: Literal["tenure_milestone"]
    days: list[Annotated[int, Field(ge=0, le=36500)]] = Field(min_length=1, max_length=50)
    workdays_only: bool = True


class ProbationEnding(_Model):
    """``probation_ends_on`` is between today and ``within_days`` days ahead."""

    kind: Literal["probation_ending"]
    within_days: int = Field(default=14, ge=0, le=180)


# -- privacy-sensitive ---------------------------------------------------------------------------
class LifeEvent(_Model):
    """A self-declared life event of one of ``kinds``, not expired, with an active consent."""

    kind: Literal["life_event"]
    kinds: list[LifeEventKind] = Field(min_length=1)


class VoiceRequestCondition(_Model):
    """The employee asked in chat for HR to contact them (one of ``intents``) and consented."""

    kind: Literal["voice_request"]
    intents: list[VoiceIntent] = Field(min_length=1)


# -- composites ----------------------------------------------------------------------------------
class AllOf(_Model):
    """Every sub-condition holds."""

    kind: Literal["all"]
    of: list[Condition] = Field(min_length=1, max_length=20)


class AnyOf(_Model):
    """At least one sub-condition holds."""

    kind: Literal["any"]
    of: list[Condition] = Field(min_length=1, max_length=20)


class NotOf(_Model):
    """The sub-condition does not hold."""

    kind: Literal["not"]
    of: Condition


class Signal(_Model):
    """One weighted signal of a score."""

    id: Key
    label: Text
    weight: float = Field(gt=0, le=1000)
    condition: Condition


class Score(_Model):
    """The weights of the signals that hold add up to at least ``threshold``."""

    kind: Literal["score"]
    signals: list[Signal] = Field(min_length=1, max_length=20)
    threshold: float = Field(gt=0)
    # When a learned attrition model is in force (carebot risk train), hold for people whose
    # probability of leaving within [risk].horizon_days is at least this; the weights are the
    # fallback. The tag's score is then that probability in percent, as GET /api/v1/risk shows it.
    learned_min_probability: float | None = Field(default=None, gt=0, lt=1)

    @model_validator(mode="after")
    def _reachable(self) -> Score:
        ids = [s.id for s in self.signals]
        if len(set(ids)) != len(ids):
            raise ValueError("signal ids must be unique")
        if self.threshold > sum(s.weight for s in self.signals):
            raise ValueError("threshold is higher than the sum of all weights")
        return self


Condition = Annotated[
    Streak
    | CountInWindow
    | PeriodSum
    | MonthlyOvertime
    | MetricChange
    | MetricVsTeam
    | MetricThreshold
    | PulseLatest
    | PulseTrend
    | PulseUnanswered
    | Birthday
    | WorkAnniversary
    | Tenure
    | TenureMilestone
    | ProbationEnding
    | LifeEvent
    | VoiceRequestCondition
    | AllOf
    | AnyOf
    | NotOf
    | Score,
    Field(discriminator="kind"),
]

for _cls in (AllOf, AnyOf, NotOf, Signal, Score):
    _cls.model_rebuild()

# Which data each kind reads: lets callers re-evaluate only the rules a new fact can change.
SOURCES: dict[str, str] = {
    "streak": "attendance",
    "count_in_window": "attendance",
    "period_sum": "attendance",
    "monthly_overtime": "attendance",
    "metric_change": "metrics",
    "metric_vs_team": "metrics",
    "metric_threshold": "metrics",
    "pulse_latest": "pulse",
    "pulse_trend": "pulse",
    "pulse_unanswered": "pulse",
    "birthday": "employee",
    "work_anniversary": "employee",
    "tenure": "employee",
    "tenure_milestone": "employee",
    "probation_ending": "employee",
    "life_event": "life_events",
    "voice_request": "voice",
}


def children(cond: BaseModel) -> list[BaseModel]:
    """The direct sub-conditions of a composite (empty for a leaf)."""
    if isinstance(cond, AllOf | AnyOf):
        return list(cond.of)
    if isinstance(cond, NotOf):
        return [cond.of]
    if isinstance(cond, Score):
        return [s.condition for s in cond.signals]
    return []


def sources_of(cond: BaseModel) -> set[str]:
    """Every data source a condition tree reads."""
    kind = getattr(cond, "kind", "")
    found = {SOURCES[kind]} if kind in SOURCES else set()
    for child in children(cond):
        found |= sources_of(child)
    return found


class Rule(_Model):
    """A care-tag rule as written in a TOML file."""

    id: Key
    name: Text
    severity: Severity
    audience: Literal["hr", "manager", "both"] = "hr"
    category: Literal["workload", "performance", "wellbeing", "engagement", "milestone", "life", "risk"]
    cooldown_days: int = Field(default=14, ge=0, le=365)
    expires_after_days: int | None = Field(default=30, ge=1, le=365)
    why: Text
    evidence: Text | None = None  # the evidence line; ``{details}`` is filled from the condition
    actions: list[Text] = Field(default_factory=list, max_length=10)
    # What the manager's copy says instead of ``actions`` (audience "manager"/"both"): a card to
    # the manager must not tell the manager to "check with the manager".
    manager_actions: list[Text] = Field(default_factory=list, max_length=10)
    talking_points: list[Text] = Field(default_factory=list, max_length=10)
    sources: list[str] = Field(default_factory=list, max_length=10)
    condition: Condition

    @property
    def data_sources(self) -> set[str]:
        return sources_of(self.condition)
