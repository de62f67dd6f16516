"""Assembling the report from the queries: one read-only pass over the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.evaluation import experiment, performance
from bot.report import cohorts, pulse, queries, workforce
from bot.report.felt_cared import felt_cared
from bot.report.model import (
    CareActivity,
    HrTime,
    PeriodInfo,
    PulseAfterCare,
    Report,
    RiskFigures,
    TagCount,
    TeamPulse,
    TimeToAct,
    Turnover,
)
from bot.report.new_hires import new_hires
from bot.report.period import Period
from bot.report.stats import WorkingTime, percentile
from bot.tags import rulebook

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
CONVERSATIONS = ("done", "talk")  # care-log kinds that stand for a conversation (HR time spent)


def _rule_name(runtime: Runtime, rule_id: str, locale: str) -> str:
    rule = rulebook.rule(runtime, rule_id)
    return rule.name.get(locale) if rule is not None else rule_id


def _hours(minutes: float | None) -> float | None:
    return None if minutes is None else minutes / 60


def _care(runtime: Runtime, session: Session, period: Period, locale: str) -> CareActivity:
    tags = sorted(
        (
            TagCount(rule, _rule_name(runtime, rule, locale), severity, n, people)
            for rule, severity, n, people in queries.tag_counts(session, period)
        ),
        key=lambda t: (SEVERITY_ORDER.get(t.severity, 3), -t.tags, t.rule_id),
    )
    attendance = runtime.settings.attendance
    clock = WorkingTime(runtime.calendar, runtime.tz, attendance.workday_start, attendance.workday_end)
    intervals = queries.act_intervals(session, period)
    working = [clock.minutes(sent, acted) for sent, acted in intervals]
    plain = [(acted - sent).total_seconds() / 60 for sent, acted in intervals]
    return CareActivity(
        tags=tuple(tags),
        tags_total=sum(t.tags for t in tags),
        employees_tagged=queries.employees_tagged(session, period),
        reminders=queries.reminder_counts(session, period),
        dismiss_reasons=tuple(queries.dismiss_reasons(session, period)),
        time_to_act=TimeToAct(
            reminders=len(intervals),
            day_start=clock.start,
            day_end=clock.end,
            median_working_hours=_hours(percentile(working, 0.5)),
            p90_working_hours=_hours(percentile(working, 0.9)),
            median_hours=_hours(percentile(plain, 0.5)),
            p90_hours=_hours(percentile(plain, 0.9)),
        ),
        care_actions=tuple(queries.care_action_counts(session, period)),
    )


def build(runtime: Runtime, session: Session, period: Period, locale: str) -> Report:
    """The effectiveness report of ``period``; ``locale`` only picks the rule names."""
    cfg = runtime.settings.report
    floor = cfg.min_group_size
    care = _care(runtime, session, period, locale)
    groups = cohorts.load(session, period)
    not_acted = groups.not_acted_on()
    changes = pulse.pulse_changes(
        session, period, groups.cared, not_acted, window=cfg.pulse_window_days, min_group=floor
    )
    window = cfg.turnover_window_days
    leavers = workforce.tagged_leavers(session, groups.tagged, window)
    tagged_cared = [e for e in groups.tagged if e in groups.cared]
    tagged_not_cared = [e for e in groups.tagged if e not in groups.cared]
    today = runtime.today()
    observed = sum(1 for e, ref in groups.tagged.items() if e not in leavers and (today - ref).days < window)
    heads = workforce.headcount(session, period)
    workdays = sum(1 for day in heads.by_day if runtime.calendar.is_workday(day))
    company, departments, pulse_window = pulse.team_pulse(session, period, floor, today)
    recorded_actions, recorded_minutes = queries.recorded_care_minutes(session, period, CONVERSATIONS)
    return Report(
        generated_at=runtime.clock.now(),
        period=PeriodInfo(period.start, period.end, period.days, workdays),
        min_group_size=floor,
        care=care,
        pulse=PulseAfterCare(cfg.pulse_window_days, changes),
        turnover=Turnover(
            window_days=window,
            cared=workforce.leaver_group(tagged_cared, leavers, floor),
            not_cared=workforce.leaver_group(tagged_not_cared, leavers, floor),
            still_observed=observed,
            overall=workforce.overall(session, period, heads),
        ),
        hr_time=HrTime(
            care_actions=sum(c.count for c in care.care_actions if c.key in CONVERSATIONS),
            minutes_per_care_action=cfg.minutes_per_care_action,
            employee_workdays=heads.employee_workdays(runtime.calendar),
            workdays=workdays,
            baseline_minutes_per_chat=cfg.baseline_minutes_per_chat,
            recorded_actions=recorded_actions,
            recorded_minutes=recorded_minutes,
        ),
        team_pulse=TeamPulse(floor, tuple(company), tuple(departments), pulse_window),
        new_hires=new_hires(runtime, session, period, floor),
        felt_cared=felt_cared(session, period, floor),
        performance=performance.build(runtime, session, groups.tagged, groups.cared),
        experiment=experiment.build(runtime, session, groups.tagged, groups.cared, leavers),
        risk=_risk(runtime, session, today, locale),
    )


def _risk(runtime: Runtime, session: Session, today: date, locale: str) -> RiskFigures:
    """The model in force today and its back-test (aggregates only: no person is named)."""
    from bot.risk import scores

    record = scores.model_in_force(session, today)
    view = scores.model_summary(session, runtime, today, locale)
    learned = view.kind == "learned" and record is not None
    return RiskFigures(
        view.kind, record.as_of if learned and record else None, view.horizon_days, view.message, view.backtest
    )
