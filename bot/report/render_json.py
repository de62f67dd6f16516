"""The report as JSON (the API's answer and ``--format json``): stable English keys, rounded numbers.

Rates are fractions rounded to 4 places, means and hours to 2; a suppressed group has ``null``
figures and ``"suppressed": true``.
"""

from __future__ import annotations

import json
from typing import Any

from bot.evaluation.render import as_json as experiment_json
from bot.evaluation.render import performance_json
from bot.report import new_hires_render
from bot.report.model import GroupChange, LeaverGroup, Report, TeamPulseRow


def rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def num(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _change(group: GroupChange) -> dict[str, Any]:
    return {
        "people": group.people,
        "suppressed": group.suppressed,
        "before": num(group.before),
        "after": num(group.after),
        "change": num(group.change),
    }


def _leavers(group: LeaverGroup) -> dict[str, Any]:
    return {
        "people": group.people,
        "suppressed": group.suppressed,
        "left": group.left,
        "voluntary": group.voluntary,
        "involuntary": group.involuntary,
        "other": group.other,
        "rate": rate(group.rate),
    }


def _team(row: TeamPulseRow) -> dict[str, Any]:
    out: dict[str, Any] = {"department": row.department} if row.department is not None else {}
    return out | {
        "question": row.question,
        "respondents": row.respondents,
        "suppressed": row.suppressed,
        "average": num(row.average),
    }


def as_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    care, rem, tta = report.care, report.care.reminders, report.care.time_to_act
    turnover, overall, hr = report.turnover, report.turnover.overall, report.hr_time
    return {
        "period": {
            "from": report.period.start.isoformat(),
            "to": report.period.end.isoformat(),
            "days": report.period.days,
            "workdays": report.period.workdays,
        },
        "generated_at": report.generated_at.isoformat(),
        "min_group_size": report.min_group_size,
        "care_activity": {
            "tags_total": care.tags_total,
            "employees_tagged": care.employees_tagged,
            "tags": [
                {
                    "rule": t.rule_id,
                    "rule_name": t.rule_name,
                    "severity": t.severity,
                    "tags": t.tags,
                    "employees": t.employees,
                }
                for t in care.tags
            ],
            "reminders": {
                "created": rem.created,
                "sent": rem.sent,
                "done": rem.done,
                "dismissed": rem.dismissed,
                "auto_closed": rem.auto_closed,
                "snoozed": rem.snoozed,
                "capped": rem.capped,
                "expired": rem.expired,
                "still_open": rem.still_open,
                "acted_on": rem.acted_on,
                "acted_on_rate": rate(rem.acted_on_rate),
                "followed_up": rem.followed_up,
                "followed_up_rate": rate(rem.followed_up_rate),
                "dismissed_after_send": rem.dismissed_after_send,
                "dismissed_rate": rate(rem.dismissed_rate),
                "held_out": rem.held_out,
            },
            "dismiss_reasons": [{"reason": c.key, "count": c.count} for c in care.dismiss_reasons],
            "time_to_act": {
                "reminders": tta.reminders,
                "working_day": {"start": tta.day_start.strftime("%H:%M"), "end": tta.day_end.strftime("%H:%M")},
                "working_hours": {"median": num(tta.median_working_hours), "p90": num(tta.p90_working_hours)},
                "hours": {"median": num(tta.median_hours), "p90": num(tta.p90_hours)},
            },
            "care_actions": {c.key: c.count for c in care.care_actions},
        },
        "pulse_after_care": {
            "window_days": report.pulse.window_days,
            "questions": [
                {
                    "question": q.question,
                    "cared": _change(q.cared),
                    "not_cared": _change(q.not_cared),
                    "difference": num(q.difference),
                }
                for q in report.pulse.questions
            ],
        },
        "turnover": {
            "window_days": turnover.window_days,
            "cared": _leavers(turnover.cared),
            "not_cared": _leavers(turnover.not_cared),
            "still_observed": turnover.still_observed,
            "overall": {
                "headcount_start": overall.headcount_start,
                "headcount_end": overall.headcount_end,
                "average_headcount": num(overall.average_headcount),
                "left": overall.left,
                "voluntary": overall.voluntary,
                "involuntary": overall.involuntary,
                "other": overall.other,
                "rate": rate(overall.rate),
            },
        },
        "hr_time": {
            "care_actions": hr.care_actions,
            "minutes_per_care_action": hr.minutes_per_care_action,
            "recorded_actions": hr.recorded_actions,
            "recorded_minutes": hr.recorded_minutes,
            "care_minutes": hr.care_minutes,
            "workdays": hr.workdays,
            "employee_workdays": hr.employee_workdays,
            "average_active_employees": num(hr.average_active_employees),
            "baseline_minutes_per_chat": hr.baseline_minutes_per_chat,
            "baseline_minutes": hr.baseline_minutes,
            "saved_minutes": hr.saved_minutes,
            "saved_share": rate(hr.saved_share),
        },
        "team_pulse": {
            "min_respondents": report.team_pulse.min_respondents,
            # The closed half-month windows covered; respondents are rounded down to a multiple of 5.
            "window": (
                {"from": report.team_pulse.window[0].isoformat(), "to": report.team_pulse.window[1].isoformat()}
                if report.team_pulse.window is not None
                else None
            ),
            "company": [_team(r) for r in report.team_pulse.company],
            "departments": [_team(r) for r in report.team_pulse.departments],
        },
        "new_hires": new_hires_render.as_json(report.new_hires),
        "felt_cared": {
            "question": report.felt_cared.question,
            "min_respondents": report.felt_cared.min_respondents,
            "periods": [
                {
                    "from": p.start.isoformat(),
                    "to": p.end.isoformat(),
                    "respondents": p.respondents,
                    "suppressed": p.suppressed,
                    "share_4_5": rate(p.share_high),
                }
                for p in report.felt_cared.periods
            ],
            "trend": rate(report.felt_cared.trend),
        },
        "performance_after_care": performance_json(report.performance),
        "experiment": experiment_json(report.experiment),
        "risk": _risk(report),
    }


def _risk(report: Report) -> dict[str, Any] | None:
    risk = report.risk
    if risk is None:
        return None
    figures = risk.backtest or {}
    keys = ("auc", "pr_auc", "top10", "top20", "base_rate", "n", "leavers", "calibration")
    return {
        "kind": risk.kind,
        "as_of": risk.as_of.isoformat() if risk.as_of else None,
        "horizon_days": risk.horizon_days,
        "message": risk.message,
        "backtest": {k: figures.get(k) for k in keys},
    }


def render(report: Report, locale: str) -> str:
    """Pretty-printed JSON (UTF-8, Chinese kept readable); ``locale`` is recorded for the rule names."""
    return json.dumps({"locale": locale} | as_dict(report), ensure_ascii=False, indent=2) + "\n"
