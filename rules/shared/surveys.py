"""One pass over ``surveys`` for every ``pulse_unanswered`` condition, in every context.

The kind ranks each person's decided pulses (answered, or lapsed: expired, or sent and past
expiry) newest first and asks whether the first N were all missed. A pulse is scheduled at most
once a day per person, so the N newest decided pulses are all missed exactly when at least N
lapsed pulses are newer than the newest answered one. That needs no ranking: per person the
query returns the newest answered day and the lapsed days (few: most pulses are answered), and
``HAVING`` keeps people with at least N lapsed days. Python takes the lapsed days after the last
answer, newest first, and the N newest of them are the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select

from bot.models import Employee, Survey
from rules.context import Matches
from rules.model import PulseUnanswered
from rules.shared import Wanted
from rules.shared.sql import day_text, people_filter, same_contexts, split


def scan(work: Sequence[Wanted]) -> None:
    """Compute every ``pulse_unanswered`` condition of ``work`` into its context's cache."""
    items = [w for w in work if isinstance(w.cond, PulseUnanswered)]
    if not items:
        return
    top = same_contexts([w.ctx for w in items])
    s = Survey
    windows: dict[tuple[date, date], int] = {}  # (first, last day) → its columns; shared by every N
    for w in items:
        start = w.ctx.day - timedelta(days=w.cond.lookback_days - 1)  # type: ignore[attr-defined]
        windows.setdefault((start, w.ctx.day), len(windows))
    columns: list[Any] = [s.employee_id.label("employee_id")]
    for (start, day), k in windows.items():
        inside = s.scheduled_on.between(start, day)
        end = top.end_of_day_utc(day)
        lapsed = and_(inside, or_(s.status == "expired", and_(s.status == "sent", s.expires_at <= end)))
        columns += [
            func.max(day_text(s.scheduled_on)).filter(and_(inside, s.status == "answered")).label(f"answered{k}"),
            func.aggregate_strings(day_text(s.scheduled_on), ",").filter(lapsed).label(f"lapsed{k}"),
            func.count().filter(lapsed).label(f"n{k}"),
        ]
    grouped = (
        select(*columns)
        .where(
            s.scheduled_on.between(min(a for a, _b in windows), max(b for _a, b in windows)),
            *people_filter(s.employee_id, top),
        )
        .group_by(s.employee_id)
        .subquery()
    )
    least: dict[int, int] = {}
    for w in items:
        k = windows[(w.ctx.day - timedelta(days=w.cond.lookback_days - 1), w.ctx.day)]  # type: ignore[attr-defined]
        least[k] = min(least.get(k, 99), w.cond.surveys)  # type: ignore[attr-defined]
    query = select(grouped).where(or_(*[grouped.c[f"n{k}"] >= n for k, n in least.items()]))
    rows = top.session.connection().execute(query).all()
    paused: set[int] | None = None
    if any(w.cond.exclude_paused for w in items) and rows:  # type: ignore[attr-defined]
        paused = set(top.session.scalars(select(Employee.id).where(Employee.surveys_paused.is_(True))))
    out: list[Matches] = [{} for _ in items]
    for row in rows:
        emp = row[0]
        for i, w in enumerate(items):
            cond: PulseUnanswered = w.cond  # type: ignore[assignment]
            k = windows[(w.ctx.day - timedelta(days=cond.lookback_days - 1), w.ctx.day)]
            last_answer, lapsed_days = row[1 + 3 * k], split(row[2 + 3 * k])
            after = sorted((d for d in lapsed_days if last_answer is None or d > last_answer), reverse=True)
            if len(after) >= cond.surveys:
                out[i][emp] = {"kind": "pulse_unanswered", "surveys": sorted(after[: cond.surveys])}
    for i, w in enumerate(items):
        scope = w.ctx.scope_ids()
        skip = paused if w.cond.exclude_paused else None  # type: ignore[attr-defined]
        w.ctx.cache[w.key] = {e: ev for e, ev in out[i].items() if e in scope and not (skip and e in skip)}
