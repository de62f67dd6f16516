"""Per-person change around a reference day: check-in answers and performance metrics.

Only the statistics modules see these per-person values; what leaves the package are group
figures. Each function reads the answers or metric values of the given people with one query per
5,000 people, never one per person.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.chunks import chunked
from bot.core.config import Settings
from bot.core.sqlutil import IN_CHUNK
from bot.models import Metric, SurveyAnswer

# Without a ``performance`` flag in the catalogue (older configurations), these count as performance.
FALLBACK_PERFORMANCE = ("sales", "calls")


def performance_metrics(settings: Settings) -> dict[str, bool]:
    """The catalogue's performance metrics: name → higher is better.

    Entries flagged ``performance = true`` when the catalogue knows the flag; otherwise (a
    catalogue without it) sales and calls, the seeds' measures of performance.
    """
    catalogue = settings.metrics.catalogue
    if any(hasattr(m, "performance") for m in catalogue):
        return {m.name: m.higher_is_better for m in catalogue if getattr(m, "performance", False)}
    return {m.name: m.higher_is_better for m in catalogue if m.name in FALLBACK_PERFORMANCE}


def _around(values: Mapping[date, list[float]], ref: date, days: int) -> tuple[list[float], list[float]]:
    """Values in ``(ref − days, ref]`` and in ``(ref, ref + days]``."""
    before = [v for d, vs in values.items() if ref - timedelta(days=days) < d <= ref for v in vs]
    after = [v for d, vs in values.items() if ref < d <= ref + timedelta(days=days) for v in vs]
    return before, after


def pulse_changes(session: Session, refs: Mapping[int, date], question: str, window: int) -> dict[int, float]:
    """Per person: mean check-in answer to ``question`` in the ``window`` days after ``ref`` minus before it.

    The day itself counts as before (an answer given on the day of the conversation may precede it).
    People without answers on both sides are left out.
    """
    if not refs:
        return {}
    first, last = min(refs.values()) - timedelta(days=window), max(refs.values()) + timedelta(days=window)
    values: dict[int, dict[date, list[float]]] = {}
    for chunk in chunked(sorted(refs), IN_CHUNK):
        rows = session.execute(
            select(SurveyAnswer.employee_id, SurveyAnswer.answered_on, SurveyAnswer.value).where(
                SurveyAnswer.mode == "checkin",
                SurveyAnswer.question_key == question,
                SurveyAnswer.value.is_not(None),
                SurveyAnswer.answered_on.between(first, last),
                SurveyAnswer.employee_id.in_(chunk),
            )
        )
        for emp, day, value in rows:
            if value is not None:
                values.setdefault(int(emp), {}).setdefault(day, []).append(float(value))
    out: dict[int, float] = {}
    for emp, days in values.items():
        before, after = _around(days, refs[emp], window)
        if before and after:
            out[emp] = sum(after) / len(after) - sum(before) / len(before)
    return out


def performance_changes(
    session: Session, refs: Mapping[int, date], metrics: Mapping[str, bool], weeks: int
) -> dict[int, float]:
    """Per person: relative change of their performance metrics, ``weeks`` weeks after ``ref`` against before.

    For each metric the person has values on both sides with a positive mean before: (after −
    before) / before, sign-flipped when lower is better, so +0.18 always means 18 % better. The
    person's figure is the mean over those metrics; people with none are left out.
    """
    if not refs or not metrics:
        return {}
    days = 7 * weeks
    first, last = min(refs.values()) - timedelta(days=days), max(refs.values()) + timedelta(days=days)
    values: dict[tuple[int, str], dict[date, list[float]]] = {}
    for chunk in chunked(sorted(refs), IN_CHUNK):
        rows = session.execute(
            select(Metric.employee_id, Metric.metric, Metric.day, Metric.value).where(
                Metric.metric.in_(list(metrics)), Metric.day.between(first, last), Metric.employee_id.in_(chunk)
            )
        )
        for emp, metric, day, value in rows:
            values.setdefault((int(emp), metric), {}).setdefault(day, []).append(float(value))
    per_person: dict[int, list[float]] = {}
    for (emp, metric), by_day in values.items():
        before, after = _around(by_day, refs[emp], days)
        if not before or not after:
            continue
        base = sum(before) / len(before)
        if base <= 0:
            continue  # a relative change from nothing is undefined
        change = (sum(after) / len(after) - base) / base
        per_person.setdefault(emp, []).append(change if metrics[metric] else -change)
    return {emp: sum(cs) / len(cs) for emp, cs in per_person.items()}


def subset(values: Mapping[int, float], people: Collection[int]) -> list[float]:
    """The values of ``people`` that have one, in a stable order."""
    return [values[p] for p in sorted(people) if p in values]
