"""A synthetic company with a planted leaving hazard, written as the CSV files a company would import.

Every month start ``s`` each employee leaves within the month with probability
``logistic(B0 + B_NIGHTS·late_nights_30d + B_PERF·perf_change + B_FIRST·first_year)``, computed from
exactly what the model's features measure (late nights in ``(s−30, s]``, mean sales of the last
30 days against the 60 before, first year after hiring). Leavers are replaced by new hires, so
early tenure keeps mattering. Deterministic for a seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

B0 = -4.3
B_NIGHTS = 0.16
B_PERF = -3.0
B_FIRST = 1.1
PLANTED = {"late_nights_30d": B_NIGHTS, "perf_change": B_PERF, "first_year": B_FIRST}


@dataclass
class Person:
    userid: str
    hired_on: date
    owl: float  # chance of a late night on a workday
    sales: float
    left_on: date | None = None
    falling_until: date | None = None
    days: dict[date, tuple[str, str, float]] = field(default_factory=dict)  # first_in, last_out, sales


def _month_starts(first: date, last: date) -> list[date]:
    out, day = [], first.replace(day=1)
    while day <= last:
        if day >= first:
            out.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _features(p: Person, s: date) -> tuple[float, float, float]:
    nights = sum(1 for d, v in p.days.items() if s - timedelta(days=30) < d <= s and v[1] >= "21:00")
    recent = [v[2] for d, v in p.days.items() if s - timedelta(days=30) < d <= s]
    prior = [v[2] for d, v in p.days.items() if s - timedelta(days=90) < d <= s - timedelta(days=30)]
    change = 0.0
    if recent and prior and sum(prior):
        mean_prior = sum(prior) / len(prior)
        change = max(-1.0, min(1.0, (sum(recent) / len(recent) - mean_prior) / abs(mean_prior)))
    first_year = 1.0 if (s - p.hired_on).days / 365.25 < 1 else 0.0
    return float(nights), change, first_year


def simulate(size: int, start: date, end: date, seed: int = 11, *, hazard_scale: float = 1.0) -> list[Person]:
    """Everyone who worked at the company from ``start`` to ``end`` with their daily rows."""
    rng = random.Random(seed)
    people: list[Person] = []

    def hire(on: date, tenure_days: int) -> None:
        owl = 0.45 if rng.random() < 0.3 else 0.04
        people.append(Person(f"u{len(people):05d}", on - timedelta(days=tenure_days), owl, rng.uniform(60, 140)))

    for _ in range(size):
        hire(start, rng.randint(0, 6 * 365))
    months = set(_month_starts(start + timedelta(days=1), end))
    day = start
    while day <= end:
        if day in months:
            for p in [p for p in people if p.left_on is None and p.hired_on <= day]:
                nights, change, first = _features(p, day)
                logit = B0 + B_NIGHTS * nights + B_PERF * change + B_FIRST * first
                if rng.random() < hazard_scale / (1 + math.exp(-logit)):
                    p.left_on = day + timedelta(days=rng.randint(1, 28))
                if rng.random() < 0.12:
                    p.falling_until = day + timedelta(days=rng.randint(30, 75))
        for p in people:
            if p.left_on is not None and p.left_on == day:
                hire(day + timedelta(days=rng.randint(1, 10)), 0)
        if day.weekday() < 5:
            for p in people:
                if p.hired_on > day or (p.left_on is not None and p.left_on <= day):
                    continue
                late = rng.random() < p.owl
                out_min = rng.randint(21 * 60, 23 * 60) if late else rng.randint(18 * 60, 19 * 60 + 30)
                in_min = rng.randint(8 * 60 + 40, 9 * 60 + 15)
                falling = p.falling_until is not None and day <= p.falling_until
                sales = round(p.sales * (0.6 if falling else 1.0) * rng.uniform(0.85, 1.15), 1)
                p.days[day] = (
                    f"{in_min // 60:02d}:{in_min % 60:02d}",
                    f"{out_min // 60:02d}:{out_min % 60:02d}",
                    sales,
                )
        day += timedelta(days=1)
    for p in people:
        if p.left_on is not None and p.left_on > end:
            p.left_on = None  # has not left yet as of ``end``
    return people


def write_csvs(people: list[Person], folder: Path) -> tuple[Path, Path, Path]:
    """employees.csv, attendance.csv and metrics.csv as a company would export them."""
    emp = folder / "employees.csv"
    att = folder / "attendance.csv"
    met = folder / "metrics.csv"
    lines = ["userid,name,department,manager_userid,hired_on,left_on,leave_reason"]
    for p in people:
        left = p.left_on.isoformat() if p.left_on else ""
        lines.append(f"{p.userid},员工{p.userid[1:]},销售部,,{p.hired_on.isoformat()},{left},{'主动' if left else ''}")
    emp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    att_lines = ["userid,date,first_in,last_out"]
    met_lines = ["userid,metric,date,value"]
    for p in people:
        for d, (first_in, last_out, sales) in sorted(p.days.items()):
            att_lines.append(f"{p.userid},{d.isoformat()},{first_in},{last_out}")
            met_lines.append(f"{p.userid},sales,{d.isoformat()},{sales}")
    att.write_text("\n".join(att_lines) + "\n", encoding="utf-8")
    met.write_text("\n".join(met_lines) + "\n", encoding="utf-8")
    return emp, att, met
