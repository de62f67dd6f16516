"""Shared passes over ``metrics``: one for the per-person conditions, one for the team comparisons.

``metric_change`` (weekly averages or sums, week over week) and ``metric_threshold`` (an
aggregate over the last days) of every metric and context are columns of one
``GROUP BY employee_id, metric`` pass: one aggregate per distinct (span, function), shared by
every condition that reads it. A filter on the groups applies each kind's own test (the same SQL
expressions as the kind's query), and Python applies it again per condition — the same double
arithmetic — since a row kept for one condition can fail another.

``metric_vs_team`` needs the rest of the team's average per (team, day): one aggregate of the
population per day evaluated (a CTE), joined to each person's rows in the window. Per person and
condition the query returns the satisfying days (few) as exact text — day, value, team total and
size, from which Python computes the kind's own ``(total - value) / (size - 1)`` — and the last
data day that did not satisfy: the kind asks whether the person's last N data days all satisfy,
which is exactly "at least N satisfying days after the last one that did not". Under ``all`` it is
computed only for the people the siblings let through (:func:`rules.shared.narrowing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from bot.core.sqlutil import IN_CHUNK
from bot.models import Employee, Metric
from rules.conditions import metric_change, metric_threshold
from rules.conditions.sqlbits import compare, flag, holds, num, scanned
from rules.context import EvalContext, Matches
from rules.model import MetricChange, MetricThreshold, MetricVsTeam
from rules.shared import Narrowed, Wanted
from rules.shared.sql import (
    day_text,
    dialect,
    float_text,
    int_text,
    outer_first,
    people_filter,
    same_contexts,
    split,
)

_AGG: dict[str, Any] = {"avg": func.avg, "sum": func.sum, "min": func.min, "max": func.max}


def scan(work: Sequence[Wanted]) -> None:
    """Compute every metric condition of ``work`` that has a shared form into its context's cache."""
    person = [
        w
        for w in work
        if isinstance(w.cond, MetricChange) or (isinstance(w.cond, MetricThreshold) and w.cond.aggregate != "latest")
    ]
    if person:
        _person_pass(person)


def scan_teams(work: Sequence[Wanted], narrowed: Narrowed) -> None:
    """Compute every ``metric_vs_team`` of ``work``, each for the people ``narrowed`` says can matter."""
    teams = [w for w in work if isinstance(w.cond, MetricVsTeam)]
    for team in ("department", "manager"):
        mine = [w for w in teams if w.cond.team == team]  # type: ignore[attr-defined]
        if mine:
            _team_pass(mine, team, narrowed)


# -- per person: metric_change, metric_threshold ---------------------------------------------------
def _spans(w: Wanted) -> list[tuple[date, date]]:
    cond: Any = w.cond
    if isinstance(cond, MetricChange):
        return metric_change.complete_weeks(w.ctx, cond.weeks + 1)
    start, end = metric_threshold.span(cond, w.ctx)
    return [(start, end)]


def _person_pass(items: list[Wanted]) -> None:
    top = same_contexts([w.ctx for w in items])
    m = Metric
    columns: list[Any] = [m.employee_id.label("employee_id"), m.metric.label("metric")]
    index: dict[tuple[str, date, date], str] = {}  # (function, from, to) → column

    def column(fn: str, a: date, b: date) -> str:
        if (fn, a, b) not in index:
            index[(fn, a, b)] = f"c{len(index)}"
            agg = func.count() if fn == "count" else _AGG[fn](m.value)
            columns.append(agg.filter(m.day.between(a, b)).label(index[(fn, a, b)]))
        return index[(fn, a, b)]

    spans = {id(w): _spans(w) for w in items}
    reach: dict[str, tuple[date, date]] = {}  # per metric, the days its conditions read
    for w in items:
        metric = w.cond.metric  # type: ignore[attr-defined]
        lo, hi = reach.get(metric, (date.max, date.min))
        reach[metric] = (min(lo, spans[id(w)][-1][0]), max(hi, spans[id(w)][0][1]))
        for a, b in spans[id(w)]:
            column(w.cond.aggregate, a, b)  # type: ignore[attr-defined]
            column("count", a, b)
    day = scanned(m.day, dialect(top.session))
    grouped = (
        select(*columns)
        .where(or_(*[and_(m.metric == metric, day.between(lo, hi)) for metric, (lo, hi) in sorted(reach.items())]))
        .where(*people_filter(m.employee_id, top))
        .group_by(m.employee_id, m.metric)
        .subquery()
    )
    wanted: list[Any] = []  # outside the grouping, so each aggregate is computed once
    for w in items:
        cond: Any = w.cond
        aggs = [grouped.c[index[(cond.aggregate, a, b)]] for a, b in spans[id(w)]]
        counts = [grouped.c[index[("count", a, b)]] for a, b in spans[id(w)]]
        if isinstance(cond, MetricChange):
            clauses = [n >= max(1, cond.min_days) for n in counts]
            for k in range(cond.weeks):
                change = (aggs[k] - aggs[k + 1]) * 100.0 / aggs[k + 1]
                clauses.append(and_(aggs[k + 1] > 0, compare(change, cond.op, cond.value)))
        else:
            clauses = [counts[0] >= max(1, cond.min_points), compare(aggs[0], cond.op, cond.value)]
        wanted.append(and_(grouped.c.metric == cond.metric, *clauses))
    names = ["employee_id", "metric", *index.values()]
    out: list[Matches] = [{} for _ in items]
    for row in top.session.connection().execute(select(grouped).where(or_(*wanted))):
        got = dict(zip(names, row, strict=True))
        for i, w in enumerate(items):
            cond = w.cond
            if cond.metric != got["metric"]:
                continue
            values = [got[index[(cond.aggregate, a, b)]] for a, b in spans[id(w)]]
            counts_ = [got[index[("count", a, b)]] for a, b in spans[id(w)]]
            if isinstance(cond, MetricChange):
                evidence = _change(cond, spans[id(w)], values, counts_)
            else:
                evidence = _threshold(cond, spans[id(w)][0], values[0], counts_[0])
            if evidence is not None:
                out[i][got["employee_id"]] = evidence
    for i, w in enumerate(items):
        scope = w.ctx.scope_ids()
        w.ctx.cache[w.key] = {e: ev for e, ev in out[i].items() if e in scope}


def _change(
    cond: MetricChange, weeks: list[tuple[date, date]], values: list[Any], counts: list[int]
) -> dict[str, Any] | None:
    """``metric_change.evaluate``'s test and evidence for one person's weekly values (most recent first)."""
    if any(n < max(1, cond.min_days) for n in counts):
        return None
    for k in range(cond.weeks):
        if not (values[k + 1] > 0 and holds((values[k] - values[k + 1]) * 100.0 / values[k + 1], cond.op, cond.value)):
            return None
    series = [
        {"from": weeks[k][0].isoformat(), "to": weeks[k][1].isoformat(), "value": num(values[k])}
        for k in reversed(range(cond.weeks + 1))
    ]
    pct = [round((values[k] - values[k + 1]) * 100.0 / values[k + 1], 1) for k in reversed(range(cond.weeks))]
    return {
        "kind": "metric_change",
        "metric": cond.metric,
        "aggregate": cond.aggregate,
        "op": cond.op,
        "threshold": num(cond.value),
        "weeks": series,
        "changes": pct,
    }


def _threshold(cond: MetricThreshold, span: tuple[date, date], value: Any, n: int) -> dict[str, Any] | None:
    """``metric_threshold.evaluate``'s test and evidence for one person's aggregate."""
    if n < max(1, cond.min_points) or value is None or not holds(value, cond.op, cond.value):
        return None
    return {
        "kind": "metric_threshold",
        "metric": cond.metric,
        "aggregate": cond.aggregate,
        "op": cond.op,
        "threshold": num(cond.value),
        "value": num(value),
        "points": n,
        "from": span[0].isoformat(),
        "to": span[1].isoformat(),
    }


# -- against the team: metric_vs_team --------------------------------------------------------------
def _team_pass(items: list[Wanted], team_kind: str, narrowed: Narrowed) -> None:
    top = same_contexts([w.ctx for w in items])
    name = dialect(top.session)
    m = Metric
    team = Employee.department_id if team_kind == "department" else Employee.manager_id
    ctxs: list[EvalContext] = []
    for w in items:
        if all(c is not w.ctx for c in ctxs):
            ctxs.append(w.ctx)
    days = {id(w): w.ctx.workdays_back(w.cond.lookback_workdays) for w in items}  # type: ignore[attr-defined]
    every_day = sorted({d for ds in days.values() for d in ds})
    metrics = sorted({w.cond.metric for w in items})  # type: ignore[attr-defined]
    rows_read = and_(top.in_population(), m.metric.in_(metrics), m.day.in_(every_day), team.is_not(None))
    people: list[Any] = []  # only the people whose result can matter, and their teams
    only = _only(items, narrowed)
    if only is not None:
        teams = sorted(
            {t for t in top.session.connection().execute(select(team).where(Employee.id.in_(only))).scalars() if t}
        )
        rows_read = and_(rows_read, team.in_(teams))
        people = [m.employee_id.in_(only)]
    # The team per (team, metric, day), for each context's population.
    sums: list[Any] = []
    for j, ctx in enumerate(ctxs):
        sums += [
            func.sum(m.value).filter(ctx.in_population()).label(f"s{j}"),
            func.count().filter(ctx.in_population()).label(f"n{j}"),
        ]
    td = (
        select(team.label("team"), m.metric.label("metric"), m.day.label("day"), *sums)
        .select_from(outer_first(Metric, Employee, Employee.id == m.employee_id))
        .where(rows_read)
        .group_by(team, m.metric, m.day)
        .cte("team_days")
    )
    columns: list[Any] = [m.employee_id.label("employee_id")]
    for i, w in enumerate(items):
        cond: Any = w.cond
        j = next(j for j, c in enumerate(ctxs) if c is w.ctx)
        total, size = td.c[f"s{j}"], td.c[f"n{j}"]
        mine = and_(m.metric == cond.metric, m.day.in_(days[id(w)]))
        others = case((size > 1, (total - m.value) / (size - 1)), else_=None)
        sat = and_(mine, size >= cond.min_team_size, compare(m.value, cond.op, others * cond.ratio))
        # Satisfying days are few: their day, value, team total and size as text, exactly.
        text = day_text(m.day).concat(":").concat(float_text(m.value, name)).concat(":")
        text = text.concat(float_text(total, name)).concat(":").concat(int_text(size))
        columns += [
            func.aggregate_strings(text, ",").filter(sat).label(f"sat{i}"),
            func.count().filter(sat).label(f"n{i}"),
            func.max(day_text(m.day)).filter(and_(mine, flag(sat) == 0)).label(f"miss{i}"),
        ]
    joined = outer_first(
        outer_first(Metric, Employee, Employee.id == m.employee_id),
        td,
        and_(td.c.team == team, td.c.metric == m.metric, td.c.day == m.day),
    )
    grouped = (
        select(*columns)
        .select_from(joined)
        .where(rows_read, *people, *people_filter(m.employee_id, top))
        .group_by(m.employee_id)
        .subquery()
    )
    wanted = [grouped.c[f"n{i}"] >= w.cond.days for i, w in enumerate(items)]  # type: ignore[attr-defined]
    rows = top.session.connection().execute(select(grouped).where(or_(*wanted))).all()
    for i, w in enumerate(items):
        cond = w.cond
        scope = w.ctx.scope_ids()
        matches: Matches = {}
        for row in rows:
            emp, hits, last_miss = row[0], split(row[1 + 3 * i]), row[3 + 3 * i]
            if len(hits) < cond.days or emp not in scope:
                continue
            # The last N data days all satisfy ⟺ at least N satisfying days come after the last that did not.
            after = sorted((h for h in hits if last_miss is None or h[:10] > last_miss), reverse=True)
            if len(after) < cond.days:
                continue
            matches[emp] = {
                "kind": "metric_vs_team",
                "metric": cond.metric,
                "team": cond.team,
                "op": cond.op,
                "ratio": cond.ratio,
                "days": [_team_day(hit) for hit in reversed(after[: cond.days])],
            }
        w.ctx.cache[w.key] = matches


def _only(items: list[Wanted], narrowed: Narrowed) -> list[int] | None:
    """The people any of ``items`` must be computed for, when that is a short list; None: everyone."""
    union: set[int] = set()
    for w in items:
        allowed = narrowed.get((id(w.ctx), w.key))
        if allowed is None:
            return None
        union |= allowed
    return sorted(union) if len(union) <= IN_CHUNK else None


def _team_day(hit: str) -> dict[str, Any]:
    """One satisfying day: the rest of the team's average is the kind's ``(total - value) / (size - 1)``."""
    day, value_text, total_text, size_text = hit.split(":")
    value, total, size = float(value_text), float(total_text), int(size_text)
    return {"date": day, "value": num(value), "team_avg": num((total - value) / (size - 1)), "team_size": size}
