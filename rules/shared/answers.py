"""One pass over ``survey_answers`` for every ``pulse_latest`` and ``pulse_trend`` condition, in every context.

Both kinds rank a person's check-in answers to one question, newest first (``answered_at``,
then ``id``), within their own look-back window. Here one window pass over the answers any of
them reads ranks every row for every condition at once: within a (person, question) partition
in that order, a running count of the rows inside condition *i*'s window is, on those rows,
exactly their rank in *i*'s own ranking. Then one query returns only

* for ``pulse_latest``: each person's rank-1 answer when it meets the threshold;
* for ``pulse_trend``: the first N answers of people whose newest and N-th answers moved by
  ``min_change`` the right way (the kind's own ``HAVING``); Python then applies the kind's whole
  test to each candidate's N values (N of them, moved enough, no step against the direction),
  with the same double arithmetic the kind's SQL does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select

from bot.models import SurveyAnswer
from rules.conditions.sqlbits import compare, flag, holds, num
from rules.context import Matches
from rules.model import PulseLatest, PulseTrend
from rules.shared import Wanted
from rules.shared.sql import people_filter, same_contexts


def scan(work: Sequence[Wanted]) -> None:
    """Compute every ``pulse_latest`` and ``pulse_trend`` condition of ``work`` into its context's cache."""
    items = [w for w in work if isinstance(w.cond, PulseLatest | PulseTrend)]
    by_question: dict[str, list[Wanted]] = {}
    for w in items:
        by_question.setdefault(w.cond.question, []).append(w)  # type: ignore[attr-defined]
    for question, mine in by_question.items():
        _question(question, mine)


def _window(w: Wanted) -> Any:
    cond: Any = w.cond
    days = cond.max_age_days if isinstance(cond, PulseLatest) else cond.lookback_days
    return SurveyAnswer.answered_on.between(w.ctx.day - timedelta(days=days - 1), w.ctx.day)


def _question(question: str, items: list[Wanted]) -> None:
    """One window pass over the check-in answers to ``question`` for its conditions (every context)."""
    top = same_contexts([w.ctx for w in items])
    a = SurveyAnswer
    inside = [_window(w) for w in items]
    order = (a.answered_at.desc(), a.id.desc())
    ranked = (
        select(
            a.employee_id.label("employee_id"),
            a.value.label("value"),
            a.answered_on.label("answered_on"),
            *[flag(clause).label(f"in{i}") for i, clause in enumerate(inside)],
            *[
                func.sum(flag(clause)).over(partition_by=a.employee_id, order_by=order, rows=(None, 0)).label(f"r{i}")
                for i, clause in enumerate(inside)
            ],
        )
        .where(
            a.question_key == question,
            a.mode == "checkin",
            a.value.is_not(None),
            or_(*inside),
            *people_filter(a.employee_id, top),
        )
        .cte("ranked")
    )
    trends = [(i, w.cond) for i, w in enumerate(items) if isinstance(w.cond, PulseTrend)]
    grouped: Any = None
    if trends:  # the kind's own HAVING, for every trend condition in one grouping
        columns: list[Any] = [ranked.c.employee_id]
        for i, trend in trends:
            mine, rank = ranked.c[f"in{i}"] == 1, ranked.c[f"r{i}"]
            columns += [
                func.count().filter(and_(mine, rank <= trend.answers)).label(f"n{i}"),
                func.max(ranked.c.value).filter(and_(mine, rank == 1)).label(f"new{i}"),
                func.max(ranked.c.value).filter(and_(mine, rank == trend.answers)).label(f"old{i}"),
            ]
        grouped = select(*columns).group_by(ranked.c.employee_id).subquery("trends")
    picks: list[Any] = []
    cond: Any
    for i, w in enumerate(items):
        cond = w.cond
        mine, rank = ranked.c[f"in{i}"] == 1, ranked.c[f"r{i}"]
        if isinstance(cond, PulseLatest):
            picks.append(and_(mine, rank == 1, compare(ranked.c.value, cond.op, cond.value)))
            continue
        newest, oldest = grouped.c[f"new{i}"], grouped.c[f"old{i}"]
        moved = (oldest - newest) if cond.direction == "falling" else (newest - oldest)
        picks.append(and_(mine, rank <= cond.answers, grouped.c[f"n{i}"] == cond.answers, moved >= cond.min_change))
    source: Any = ranked
    if grouped is not None:
        source = ranked.join(grouped, grouped.c.employee_id == ranked.c.employee_id)
    query = (
        select(
            ranked.c.employee_id,
            ranked.c.value,
            ranked.c.answered_on,
            *[ranked.c[f"in{i}"] for i in range(len(items))],
            *[ranked.c[f"r{i}"] for i in range(len(items))],
        )
        .select_from(source)
        .where(or_(*picks))
    )
    rows = top.session.connection().execute(query).all()
    n = len(items)
    out: list[Matches] = [{} for _ in items]
    series: list[dict[int, dict[int, tuple[Any, Any]]]] = [{} for _ in items]
    for row in rows:
        emp, value, answered_on = row[0], row[1], row[2]
        for i, w in enumerate(items):
            if not row[3 + i]:
                continue
            place = int(row[3 + n + i])
            cond = w.cond
            if isinstance(cond, PulseLatest):
                if place == 1 and holds(value, cond.op, cond.value):
                    out[i][emp] = {
                        "kind": "pulse_latest",
                        "question": cond.question,
                        "op": cond.op,
                        "threshold": num(cond.value),
                        "value": num(value),
                        "answered_on": answered_on.isoformat(),
                    }
            elif place <= cond.answers:
                series[i].setdefault(emp, {})[place] = (value, answered_on)
    for i, w in enumerate(items):
        cond = w.cond
        if isinstance(cond, PulseTrend):
            out[i] = _trends(cond, series[i])
        scope = w.ctx.scope_ids()
        w.ctx.cache[w.key] = {e: ev for e, ev in out[i].items() if e in scope}


def _trends(cond: PulseTrend, series: dict[int, dict[int, tuple[Any, Any]]]) -> Matches:
    """The kind's ``pulse_trend.evaluate`` from each candidate's first N answers (rank → value, day)."""
    k = cond.answers
    out: Matches = {}
    for emp, by_rank in series.items():
        if len(by_rank) != k:
            continue  # rows picked for another condition, not a candidate of this one
        values = [by_rank[r][0] for r in range(1, k + 1)]  # newest first
        moved = (values[-1] - values[0]) if cond.direction == "falling" else (values[0] - values[-1])
        if not moved >= cond.min_change:
            continue
        against = any(
            (values[j] > values[j + 1]) if cond.direction == "falling" else (values[j] < values[j + 1])
            for j in range(k - 1)
        )
        if against:
            continue
        answers = [{"answered_on": by_rank[r][1].isoformat(), "value": num(by_rank[r][0])} for r in range(k, 0, -1)]
        out[emp] = {
            "kind": "pulse_trend",
            "question": cond.question,
            "direction": cond.direction,
            "answers": answers,
            "change": num(answers[-1]["value"] - answers[0]["value"]),
        }
    return out
