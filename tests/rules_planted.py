"""A planted organisation for comparing the rule evaluation's two paths: every corner the conditions have.

About a hundred people over seven weeks up to 2026-11-23, written straight into the fact tables
(seconds, not the demo's replay). Seeded, so both databases get the same rows. What is planted:

* attendance: late-night streaks, late mornings, leave days that break or are skipped, work on
  rest days, night shifts whose scheduled end is after the threshold, long weeks, months whose
  legal overtime nears or passes the 36-hour cap, missing days;
* people: leavers, people hired on the evaluation days (in one context's population, not the
  other's), no department or manager, teams of one to seven, paused surveys;
* metrics: calls (whole numbers), sales and rejection rate (multiples of 1/64, so every sum is
  exact in any order), falling weekly averages, people far below their team, rest-day values;
* pulses: answered, expired, sent and past expiry, sent and still open; check-in answers to
  stress, mood and eNPS with ties in ``answered_at`` (broken by id), answers recorded on
  another day than ``answered_on`` says, rising and falling series with a step against them.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

from bot.core.runtime import Runtime
from bot.models import AttendanceDay, Department, Employee, Metric, Survey, SurveyAnswer
from tests.rules_builders import CAL, SH

END = date(2026, 11, 23)
START = END - timedelta(days=48)
DAYS = [date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 23)]  # Thu, Fri, Mon


def _at(day: date, minutes: int) -> datetime:
    return (datetime.combine(day, time(0, 0), SH) + timedelta(minutes=minutes)).astimezone(UTC)


def load(runtime: Runtime, people: int = 96, seed: int = 7) -> dict[str, int]:
    """Write the planted organisation; returns row counts."""
    rnd = random.Random(seed)
    now = runtime.clock.now()
    counts = {"employees": 0, "attendance_days": 0, "metrics": 0, "surveys": 0, "answers": 0}
    with runtime.db.session() as s:
        depts = []
        for name in ("销售一部", "销售二部", "客服部", "研发部", "独行部"):
            dep = Department(name=name)
            s.add(dep)
            s.flush()
            depts.append(dep.id)
        ids: list[int] = []
        for i in range(people):
            hired = date(2024, 1, 1) + timedelta(days=rnd.randint(0, 600))
            if i % 17 == 3:
                hired = DAYS[1]  # hired on Friday: in Friday's population, not Thursday's
            if i % 19 == 5:
                hired = DAYS[2]
            dept = None if i % 23 == 7 else depts[4] if i == 11 else depts[i % 4]
            row = Employee(
                userid=f"p{i:03d}",
                name=f"员工{i:03d}",
                hired_on=hired,
                department_id=dept,
                manager_id=ids[(i // 7) * 7] if i % 7 and ids else None,
                status="left" if i % 29 == 13 else "active",
                left_on=DAYS[0] if i % 29 == 13 else None,
                surveys_paused=i % 13 == 6,
                position="销售专员",
            )
            s.add(row)
            s.flush()
            ids.append(row.id)
        counts["employees"] = len(ids)
        facts, metrics, surveys = [], [], []
        for i, emp in enumerate(ids):
            facts += _attendance(rnd, i, emp, now)
            metrics += _metrics(rnd, i, emp, now)
            surveys += _surveys(rnd, i, emp)
        s.execute(insert(AttendanceDay), facts)
        s.execute(insert(Metric), metrics)
        s.execute(insert(Survey), [{k: v for k, v in pulse.items() if k != "answers"} for pulse in surveys])
        survey_ids = {
            (e, d): sid for sid, e, d in s.execute(select(Survey.id, Survey.employee_id, Survey.scheduled_on))
        }
        answers = []
        for pulse in surveys:
            for answer in pulse["answers"]:
                answers.append({**answer, "survey_id": survey_ids[(pulse["employee_id"], pulse["scheduled_on"])]})
        s.execute(insert(SurveyAnswer), answers)
        counts.update(attendance_days=len(facts), metrics=len(metrics), surveys=len(surveys), answers=len(answers))
    return counts


def _attendance(rnd: random.Random, i: int, emp: int, now: datetime) -> list[dict[str, Any]]:
    rows = []
    late_nights = i % 5 == 0
    late_mornings = i % 6 == 1
    night_shift = i % 31 == 9
    weekend_worker = i % 8 == 2
    streak = 0
    day = START
    while day <= END:
        kind = CAL.kind(day)
        workday = CAL.is_workday(day)
        day_ = day
        day += timedelta(days=1)
        if (not workday and not (weekend_worker and rnd.random() < 0.5)) or rnd.random() < 0.03:
            continue
        if rnd.random() < (0.12 if i % 4 == 0 else 0.04):
            rows.append(_row(emp, day_, kind, now, leave=True))
            continue
        first_in = 9 * 60 + rnd.randint(1, 50) if late_mornings and rnd.random() < 0.6 else 8 * 60 + rnd.randint(30, 59)
        if late_nights and streak == 0 and rnd.random() < 0.35:
            streak = rnd.randint(2, 6)
        if streak:
            streak -= 1
            last_out = 21 * 60 + rnd.randint(-20, 240)
        else:
            last_out = 18 * 60 + rnd.randint(0, 150)
        if not workday:
            last_out = 17 * 60 + rnd.randint(0, 300) + (300 if rnd.random() < 0.3 else 0)
        rows.append(_row(emp, day_, kind, now, first_in=first_in, last_out=last_out, night=night_shift))
    return rows


def _row(
    emp: int,
    day: date,
    kind: str,
    now: datetime,
    *,
    leave: bool = False,
    first_in: int | None = None,
    last_out: int | None = None,
    night: bool = False,
) -> dict[str, Any]:
    if leave:
        return {
            "employee_id": emp, "day": day, "kind": kind, "on_leave": True, "leave_kind": "annual",
            "punch_count": 0, "worked_minutes": 0, "late_minutes": 0, "overtime_minutes": 0,
            "approved_overtime_minutes": 0, "computed_at": now,
        }  # fmt: skip
    assert first_in is not None and last_out is not None
    workday = kind == "workday"
    return {
        "employee_id": emp, "day": day, "kind": kind, "on_leave": False,
        "first_in": _at(day, first_in), "last_out": _at(day, last_out),
        "first_in_min": first_in, "last_out_min": last_out, "punch_count": 2,
        "worked_minutes": last_out - first_in,
        "late_minutes": max(0, first_in - 540) if workday else 0,
        "overtime_minutes": max(0, last_out - 1080) if workday else 0,
        "approved_overtime_minutes": 0, "computed_at": now,
        "sched_start_min": 1080 if night else None, "sched_end_min": 1800 if night else None,
    }  # fmt: skip


def _metrics(rnd: random.Random, i: int, emp: int, now: datetime) -> list[dict[str, Any]]:
    if i % 9 == 4:
        return []  # not in sales
    rows = []
    base = rnd.randint(60, 140)
    falling = i % 7 == 3
    low = i % 11 == 2
    day = START
    while day <= END:
        day_ = day
        day += timedelta(days=1)
        weekend_value = not CAL.is_workday(day_) and i % 10 == 1
        if (not CAL.is_workday(day_) and not weekend_value) or rnd.random() < 0.06:
            continue
        weeks_left = (END - day_).days // 7
        factor = 0.78 ** (3 - weeks_left) if falling and weeks_left < 3 else 1.0
        calls = max(0, round(rnd.gauss(base, 10) * factor * (0.5 if low and (END - day_).days < 9 else 1.0)))
        rows.append({"employee_id": emp, "metric": "calls", "day": day_, "value": float(calls), "updated_at": now})
        if i % 3:
            sales = rnd.randint(200, 1600) / 8 * factor  # rounded to eighths below: exact sums
            rows.append(
                {"employee_id": emp, "metric": "sales", "day": day_, "value": round(sales * 8) / 8, "updated_at": now}
            )
        rate = rnd.randint(12, 36 if i % 5 else 50) / 64
        rows.append({"employee_id": emp, "metric": "rejection_rate", "day": day_, "value": rate, "updated_at": now})
    return rows


def _surveys(rnd: random.Random, i: int, emp: int) -> list[dict[str, Any]]:
    rows = []
    silent = i % 6 == 5
    sliding = i % 5 == 2
    rising = i % 9 == 1
    for week in range(7):
        day = END - timedelta(days=3) - timedelta(weeks=week)  # Fridays
        if i % 4 == 1:
            day += timedelta(days=rnd.choice([-2, -1, 0]))  # some pulses on other weekdays
        sent = datetime.combine(day, time(10, 0), SH)
        roll = rnd.random()
        if week == 0 and roll < 0.2:
            status = "sent"  # still open on some evaluation days, lapsed on others
        elif (silent and week < 4) or roll < 0.08:
            status = rnd.choice(["expired", "sent"]) if week else "expired"
        elif roll < 0.1:
            status = "pending"
        else:
            status = "answered"
        expires = sent + timedelta(days=rnd.choice([3, 5, 7]))
        row: dict[str, Any] = {
            "employee_id": emp,
            "scheduled_on": day,
            "question_keys": ["stress", "mood", "enps"],
            "status": status,
            "sent_at": sent if status != "pending" else None,
            "expires_at": expires if status != "pending" else None,
            "answered_at": None,
            "answers": [],
        }
        if status == "answered":
            answered_on = day + timedelta(days=rnd.choice([0, 0, 0, 1, 2]))
            at = datetime.combine(answered_on, time(rnd.choice([9, 11, 23]), 30), SH)
            if i % 12 == 0 and week == 1:
                at = datetime.combine(END - timedelta(days=3), time(11, 0), SH)  # the same instant as week 0
            if i % 12 == 0 and week == 0:
                at = datetime.combine(END - timedelta(days=3), time(11, 0), SH)
            row["answered_at"] = at
            stress = rnd.choice([8, 9, 10]) if i % 8 == 0 and week < 2 else rnd.randint(1, 7)
            if sliding:
                mood = max(1, min(5, 1 + week + (1 if rnd.random() < 0.2 else 0)))
            elif rising:
                mood = max(1, min(5, 5 - week))
            else:
                mood = rnd.randint(2, 5)
            values = {"stress": stress, "mood": mood, "enps": rnd.randint(0, 10)}
            for key, value in values.items():
                if key == "enps" and rnd.random() < 0.5:
                    continue
                row["answers"].append(
                    {
                        "employee_id": emp,
                        "question_key": key,
                        "mode": "checkin" if i % 15 != 4 else "team",
                        "value": float(value),
                        "answered_on": answered_on,
                        "answered_at": at,
                    }
                )
        rows.append(row)
    return rows
