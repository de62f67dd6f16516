"""The report as typed, frozen data: every figure the renderers show, nothing about any one person.

Rates are fractions (0.25 = 25 %); ``None`` means "no data" or, with ``suppressed``, a group too
small to show (fewer than ``[report].min_group_size`` people).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from bot.evaluation.experiment import Experiment
from bot.evaluation.performance import PerformanceAfterCare
from bot.report.felt_cared import FeltCared


@dataclass(frozen=True)
class PeriodInfo:
    """The days covered and how many of them were workdays (statutory calendar with 调休)."""

    start: date
    end: date
    days: int
    workdays: int


@dataclass(frozen=True)
class TagCount:
    """Tags one rule raised at one severity in the period, and how many people they concern."""

    rule_id: str
    rule_name: str
    severity: str
    tags: int
    employees: int


@dataclass(frozen=True)
class ReminderCounts:
    """Reminders created in the period, by what has become of them so far."""

    created: int
    sent: int
    done: int
    dismissed: int  # by a person, with or without a reason
    auto_closed: int  # closed by the system before sending (employee left, tag ended)
    snoozed: int  # snoozed at least once
    capped: int  # held back by the per-employee care-contact cap
    still_open: int  # open or snoozed, waiting for someone to act
    acted_on: int  # sent and then marked done or dismissed by a person
    followed_up: int  # sent and then marked done (跟进): a "not needed" is no follow-up
    dismissed_after_send: int  # sent and then marked not needed by a person
    held_out: int  # held back by evaluation mode (the person is in the holdout arm), never sent
    expired: int = 0  # their moment passed before anyone acted (most never sent: a birthday after the day)

    @property
    def acted_on_rate(self) -> float | None:
        """Reminders someone closed (done or not needed) among those sent."""
        return self.acted_on / self.sent if self.sent else None

    @property
    def followed_up_rate(self) -> float | None:
        """跟进率: reminders marked done among those sent (not-needed ones are reported apart)."""
        return self.followed_up / self.sent if self.sent else None

    @property
    def dismissed_rate(self) -> float | None:
        """Reminders marked not needed among those sent."""
        return self.dismissed_after_send / self.sent if self.sent else None


@dataclass(frozen=True)
class Count:
    """A labelled count (a dismiss reason, a care-action kind)."""

    key: str
    count: int


@dataclass(frozen=True)
class TimeToAct:
    """Hours from a reminder's (last) send to the person's action, over ``reminders`` reminders.

    Working hours count only workdays between ``day_start`` and ``day_end`` (local time).
    """

    reminders: int
    day_start: time
    day_end: time
    median_working_hours: float | None
    p90_working_hours: float | None
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class CareActivity:
    """Section 1: what the rules raised and what HR did with it."""

    tags: tuple[TagCount, ...]
    tags_total: int
    employees_tagged: int
    reminders: ReminderCounts
    dismiss_reasons: tuple[Count, ...]
    time_to_act: TimeToAct
    care_actions: tuple[Count, ...]


@dataclass(frozen=True)
class GroupChange:
    """Mean answer before and after the reference day, over ``people`` with answers in both windows."""

    people: int
    suppressed: bool
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class PulseChange:
    """One question: cared vs not cared, and the difference in differences."""

    question: str
    cared: GroupChange
    not_cared: GroupChange

    @property
    def difference(self) -> float | None:
        """(after − before of the cared) − (after − before of the not cared)."""
        a, b = self.cared.change, self.not_cared.change
        return None if a is None or b is None else a - b


@dataclass(frozen=True)
class PulseAfterCare:
    """Section 2: check-in answers around care, in windows of ``window_days`` days."""

    window_days: int
    questions: tuple[PulseChange, ...]


@dataclass(frozen=True)
class LeaverGroup:
    """How many of ``people`` left within the window, by reason; counts hidden when suppressed."""

    people: int
    suppressed: bool
    left: int | None
    voluntary: int | None
    involuntary: int | None
    other: int | None

    @property
    def rate(self) -> float | None:
        return None if self.left is None or not self.people else self.left / self.people


@dataclass(frozen=True)
class OverallTurnover:
    """Leavers in the period against the average of the headcounts on its first and last day."""

    headcount_start: int
    headcount_end: int
    left: int
    voluntary: int
    involuntary: int
    other: int

    @property
    def average_headcount(self) -> float:
        return (self.headcount_start + self.headcount_end) / 2

    @property
    def rate(self) -> float | None:
        return self.left / self.average_headcount if self.average_headcount else None


@dataclass(frozen=True)
class Turnover:
    """Section 3: leavers among the tagged within ``window_days`` of the tag, cared vs not."""

    window_days: int
    cared: LeaverGroup
    not_cared: LeaverGroup
    still_observed: int  # tagged people whose window has not ended yet (their figures may still rise)
    overall: OverallTurnover


@dataclass(frozen=True)
class HrTime:
    """Section 4: minutes HR spent on targeted care vs chatting with everyone every workday."""

    care_actions: int
    minutes_per_care_action: int  # the default for conversations whose duration nobody recorded
    employee_workdays: int
    workdays: int
    baseline_minutes_per_chat: int
    recorded_actions: int = 0  # conversations whose duration HR recorded when closing the reminder
    recorded_minutes: int = 0  # the sum of those recorded durations

    @property
    def care_minutes(self) -> int:
        """Recorded durations, plus the configured default for each conversation without one."""
        return self.recorded_minutes + (self.care_actions - self.recorded_actions) * self.minutes_per_care_action

    @property
    def average_active_employees(self) -> float:
        return self.employee_workdays / self.workdays if self.workdays else 0.0

    @property
    def baseline_minutes(self) -> int:
        return self.employee_workdays * self.baseline_minutes_per_chat

    @property
    def saved_minutes(self) -> int | None:
        """Baseline minus care time; ``None`` without any care conversation (nothing was done to compare)."""
        return self.baseline_minutes - self.care_minutes if self.care_actions else None

    @property
    def saved_share(self) -> float | None:
        saved = self.saved_minutes
        return saved / self.baseline_minutes if saved is not None and self.baseline_minutes else None


@dataclass(frozen=True)
class TeamPulseRow:
    """A team-pulse question's mean over ``respondents`` people (company-wide or one department)."""

    question: str
    department: str | None
    respondents: int
    suppressed: bool
    average: float | None


@dataclass(frozen=True)
class TeamPulse:
    """Section 5: confidential team pulse, only as aggregates of at least ``min_respondents`` people."""

    min_respondents: int
    company: tuple[TeamPulseRow, ...]
    departments: tuple[TeamPulseRow, ...]
    # The closed half-month windows the figures cover (None: the period touches no closed window).
    window: tuple[date, date] | None = None


@dataclass(frozen=True)
class RoleSteps:
    """Section 6: journey steps of one assignee role due in the period, and how many were done on time.

    ``hires`` counts the new hires (journeys) behind the steps: the group size for suppression.
    """

    role: str
    hires: int
    suppressed: bool
    due: int | None
    on_time: int | None
    late: int | None
    open: int | None

    @property
    def on_time_rate(self) -> float | None:
        return None if self.on_time is None or not self.due else self.on_time / self.due


@dataclass(frozen=True)
class HireCohort:
    """Section 6: the people hired in one month — probation outcomes and early leavers, as of the period's end."""

    month: str  # YYYY-MM
    people: int
    suppressed: bool
    probation_decided: int | None  # people whose probation has ended by the period's last day
    probation_passed: int | None
    early_observed: int | None  # people whose first 90 days are over
    early_leavers: int | None  # left within 90 days of the hire date

    @property
    def probation_pass_rate(self) -> float | None:
        if self.probation_passed is None or not self.probation_decided:
            return None
        return self.probation_passed / self.probation_decided

    @property
    def early_leaver_rate(self) -> float | None:
        if self.early_leavers is None or not self.early_observed:
            return None
        return self.early_leavers / self.early_observed


@dataclass(frozen=True)
class NewHires:
    """Section 6: onboarding — journeys started, steps on time by role, cohorts of the last months."""

    journeys_started: int
    early_days: int
    steps: tuple[RoleSteps, ...]
    cohorts: tuple[HireCohort, ...]


@dataclass(frozen=True)
class RiskFigures:
    """Section 6: the attrition-risk model in force and its current back-test figures."""

    kind: str  # learned | rules
    as_of: date | None
    horizon_days: int
    message: str | None
    backtest: dict[str, Any] | None


@dataclass(frozen=True)
class Report:
    """The whole effectiveness report for one period."""

    generated_at: datetime
    period: PeriodInfo
    min_group_size: int
    care: CareActivity
    pulse: PulseAfterCare
    turnover: Turnover
    hr_time: HrTime
    team_pulse: TeamPulse
    new_hires: NewHires
    felt_cared: FeltCared
    performance: PerformanceAfterCare
    experiment: Experiment
    risk: RiskFigures | None = None
