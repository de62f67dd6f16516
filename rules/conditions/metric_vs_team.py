"""``metric_vs_team``: a metric against the average of the rest of the team, N data days running.

The team is the department or the manager's direct reports; the average excludes the person
(in a team of four, one low value would otherwise pull its own benchmark down). Only workdays
count, and the N days are the person's N most recent workdays that have a value.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, select

from bot.models import Employee, Metric
from rules import fmt
from rules.conditions.sqlbits import compare, flag, num
from rules.context import EvalContext, Matches
from rules.model import MetricVsTeam

PLACEHOLDERS = frozenset({"count", "dates", "metric"})


def _ranked(cond: MetricVsTeam, ctx: EvalContext, employee_id: int | None = None) -> Any:
    m = Metric
    team = Employee.department_id if cond.team == "department" else Employee.manager_id
    days = ctx.workdays_back(cond.lookback_workdays)
    s1 = (
        select(
            m.employee_id,
            m.day,
            m.value,
            func.sum(m.value).over(partition_by=(team, m.day)).label("team_sum"),
            func.count().over(partition_by=(team, m.day)).label("team_n"),
        )
        .join(Employee, Employee.id == m.employee_id)
        .where(ctx.in_population(), m.metric == cond.metric, m.day.in_(days), team.is_not(None))
        .subquery()
    )
    others = case((s1.c.team_n > 1, (s1.c.team_sum - s1.c.value) / (s1.c.team_n - 1)), else_=None)
    sat = and_(s1.c.team_n >= cond.min_team_size, compare(s1.c.value, cond.op, others * cond.ratio))
    q2 = select(
        s1.c.employee_id,
        s1.c.day,
        s1.c.value,
        others.label("team_avg"),
        s1.c.team_n,
        flag(sat).label("sat"),
        func.row_number().over(partition_by=s1.c.employee_id, order_by=s1.c.day.desc()).label("rn"),
    )
    if employee_id is not None:
        q2 = q2.where(s1.c.employee_id == employee_id)
    elif ctx.employee_ids is not None:
        q2 = q2.where(s1.c.employee_id.in_(list(ctx.employee_ids)))
    return q2.subquery()


def evaluate(cond: MetricVsTeam, ctx: EvalContext) -> Matches:
    """People whose last ``days`` data days were all ``op ratio`` × the rest of the team's average."""
    s2 = _ranked(cond, ctx)
    s3 = (
        select(s2, func.sum(s2.c.sat).over(partition_by=s2.c.employee_id).label("nsat"))
        .where(s2.c.rn <= cond.days)
        .subquery()
    )
    rows = ctx.session.execute(
        select(s3.c.employee_id, s3.c.day, s3.c.value, s3.c.team_avg, s3.c.team_n)
        .where(s3.c.nsat == cond.days)
        .order_by(s3.c.employee_id, s3.c.day)
    )
    out: Matches = {}
    for emp, day, value, avg, size in rows:
        ev = out.setdefault(
            emp,
            {
                "kind": "metric_vs_team",
                "metric": cond.metric,
                "team": cond.team,
                "op": cond.op,
                "ratio": cond.ratio,
                "days": [],
            },
        )
        ev["days"].append({"date": day.isoformat(), "value": num(value), "team_avg": num(avg), "team_size": size})
    return out


def requirement(cond: MetricVsTeam, locale: str | None) -> str:
    metric = fmt.label(fmt.METRIC_LABELS, cond.metric, locale)
    pct = f"{cond.ratio * 100:.0f}%"
    if fmt.is_en(locale):
        team = "department" if cond.team == "department" else "manager's team"
        return f"{metric} {fmt.OP_TEXT[cond.op]} {pct} of the {team} average on {cond.days} data days running"
    team = "部门" if cond.team == "department" else "小组"
    return f"连续{cond.days}个有数据的工作日{metric} {fmt.OP_TEXT[cond.op]} {team}其他人平均的{pct}"


def _dates(evidence: dict[str, Any], locale: str | None) -> str:
    metric = evidence["metric"]
    en = fmt.is_en(locale)
    items = []
    for d in evidence["days"]:
        value, avg = fmt.metric_value(metric, d["value"]), fmt.metric_value(metric, d["team_avg"])
        when = fmt.day(d["date"], locale)
        items.append(f"{when} {value} (team avg {avg})" if en else f"{when} {value}（团队均值 {avg}）")
    return fmt.list_join(items, locale)


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    metric = fmt.label(fmt.METRIC_LABELS, evidence["metric"], locale)
    n = len(evidence["days"])
    pct = f"{evidence['ratio'] * 100:.0f}%"
    if fmt.is_en(locale):
        return (
            f"{metric} {fmt.OP_TEXT[evidence['op']]} {pct} of the team average on {n} days: {_dates(evidence, locale)}"
        )
    return f"连续{n}天{metric} {fmt.OP_TEXT[evidence['op']]} 团队均值的{pct}：{_dates(evidence, locale)}"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {
        "count": str(len(evidence["days"])),
        "dates": _dates(evidence, locale),
        "metric": fmt.label(fmt.METRIC_LABELS, evidence["metric"], locale),
    }


def observe(cond: MetricVsTeam, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    s2 = _ranked(cond, ctx, employee_id)
    rows = ctx.session.execute(select(s2).where(s2.c.rn <= cond.days).order_by(s2.c.day))
    items = []
    for r in rows:
        value, avg = fmt.metric_value(cond.metric, r.value), fmt.metric_value(cond.metric, r.team_avg)
        mark = "✓" if r.sat else "✗"
        if fmt.is_en(locale):
            items.append(f"{fmt.day(r.day, locale)} {value} (team avg {avg}, {r.team_n} people) {mark}")
        else:
            items.append(f"{fmt.day(r.day, locale)} {value}（团队均值 {avg}，{r.team_n}人）{mark}")
    return fmt.list_join(items, locale) if items else ("no data" if fmt.is_en(locale) else "无数据")
