"""Time travel: the scheduler's jobs run day by day over simulated weeks, with downtime and catch-up.

The runtime's FixedClock is moved (never the wall clock); each tick runs the registered jobs
that carry this feature — rule evaluation with catch-up, reminder planning and delivery, the
outbox drain — exactly as ``carebot scheduler`` calls them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import bot.ops.jobs  # noqa: F401  (registers the jobs)
from bot.models import Employee, Reminder, Tag
from bot.pipeline.scheduler import registered_jobs
from bot.report.period import Period
from bot.report.queries import reminder_counts
from tests.rules_builders import attendance, workdays
from tests.test_reminders_builders import SH, make_org
from tests.test_reminders_e2e_support import only_rules

JOBS = ("rules.evaluate", "rules.catch_up", "reminders.deliver", "outbox.drain")
RULES = ("birthday_tomorrow", "new_hire_touchpoint", "overtime_near_limit")
YEAR_2027 = '[2027]\nholidays = ["2027-01-01", "2027-01-04"]\nworkdays = ["2027-01-09"]\n'


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    holidays = tmp_path / "holidays.toml"
    holidays.write_text(YEAR_2027)
    return {"rules": {"disabled": only_rules(*RULES)}, "calendar": {"holiday_file": str(holidays)}}


class Simulation:
    """Moves the clock and runs the jobs; remembers on which local day each message went out."""

    def __init__(self, app: Any, runtime: Any, clock: Any, fake: Any) -> None:
        self.app, self.runtime, self.clock, self.fake = app, runtime, clock, fake
        self.jobs = registered_jobs()
        self.sent_on: list[tuple[date, str, str]] = []  # (day, recipient, text)

    def tick(self, day: date, hour: int, minute: int = 0) -> None:
        self.clock.set(datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH))
        before = len(self.fake.sent)
        with self.app.app_context():
            for job_id in JOBS:
                self.jobs[job_id].func(self.runtime)
        for message in self.fake.sent[before:]:
            body = message.body
            text = (
                body["card"].title + body["card"].markdown
                if "card" in body
                else f"{body.get('title')}{body.get('text')}"
            )
            self.sent_on.append((day, message.userid, text))

    def days(self, first: date, last: date) -> None:
        day = first
        while day <= last:
            self.tick(day, 7)  # after the 06:30 evaluation, before the send window
            self.tick(day, 10, 5)  # the digest
            self.tick(day, 16)
            day += timedelta(days=1)

    def texts(self, userid: str, *, on: date | None = None, after: date | None = None) -> list[str]:
        return [
            t for d, u, t in self.sent_on if u == userid and (on is None or d == on) and (after is None or d > after)
        ]


@pytest.fixture
def sim(app: Any, runtime: Any, clock: Any, fake_platform: Any) -> Simulation:
    return Simulation(app, runtime, clock, fake_platform)


def people(db: Any, org: dict[str, int]) -> dict[str, int]:
    """Birthdays, new hires and November overtime around the simulated month."""
    with db.session() as s:
        s.get(Employee, org["zl"]).birthday = "12-02"  # Wednesday: noticed Tuesday, the scheduler is up
        s.get(Employee, org["zs"]).birthday = "12-09"  # Wednesday: noticed Tuesday, during the downtime
        extra = {
            "wangwu": ("王五", date(2026, 11, 25)),  # day 7 on 2 December (up)
            "qianqi": ("钱七", date(2026, 12, 1)),  # day 7 on 8 December (down), still useful on the 11th
        }
        ids = {}
        for userid, (name, hired) in extra.items():
            row = Employee(
                userid=userid, name=name, status="active", hired_on=hired, hrbp_id=org["hrbp"], manager_id=org["mgr"]
            )
            s.add(row)
            s.flush()
            ids[userid] = row.id
        # 张三: 100 minutes of overtime every November workday: 30 h reached with the 25th's facts.
        for day in workdays("2026-11-02", "2026-11-27"):
            attendance(s, org["zs"], day, "19:40", overtime=100)
    return ids


def test_a_month_with_downtime_and_catch_up(app: Any, runtime: Any, db: Any, sim: Simulation) -> None:
    org = make_org(db)
    people(db, org)
    sim.days(date(2026, 11, 16), date(2026, 12, 4))  # install on Monday 16 Nov, run three weeks
    # -- downtime: Saturday 5 – Thursday 10 December, then the scheduler starts again --
    sim.days(date(2026, 12, 11), date(2026, 12, 11))

    # 赵六's birthday came while the scheduler ran: one "明天" reminder on Tuesday 1 December.
    assert any("赵六" in t and "明天" in t for t in sim.texts("hrbp1", on=date(2026, 12, 1)))
    # 张三's was noticed only by the catch-up two days after it: never sent, closed as expired.
    assert not any("张三" in t and "生日" in t for t in sim.texts("hrbp1") + sim.texts("mgr1"))
    with db.session() as s:
        late = s.execute(
            select(Reminder.status, Reminder.sent_at, Reminder.useful_until)
            .join(Tag, Tag.id == Reminder.tag_id)
            .where(Tag.rule_id == "birthday_tomorrow", Tag.employee_id == org["zs"])
        ).all()
        counts = reminder_counts(s, Period(date(2026, 11, 16), date(2026, 12, 11), SH))
    assert late == [("expired", None, date(2026, 12, 9))] * 2  # the HRBP's and the manager's copies
    # 赵六's day-60 check-in (7 December) was useful until the 10th: expired too, never sent.
    assert not any("赵六" in t and "入职第60天" in t for t in sim.texts("hrbp1"))
    assert counts.expired == 4

    # New-hire day 7: 王五 on his day; 钱七's fell in the downtime but is still useful on the 11th.
    assert any("王五" in t and "入职第7天" in t for t in sim.texts("hrbp1", on=date(2026, 12, 2)))
    assert any("钱七" in t and "入职第7天" in t for t in sim.texts("hrbp1", on=date(2026, 12, 11)))

    # The month boundary: November's overtime is described in November and never after it.
    assert any("11月加班接近36小时上限" in t for t in sim.texts("hrbp1", on=date(2026, 11, 26)))
    assert not any("11月加班" in t for t in sim.texts("hrbp1", after=date(2026, 11, 30)))
    with db.session() as s:
        [overtime] = s.scalars(select(Tag).where(Tag.rule_id == "overtime_near_limit")).all()
    assert (overtime.raised_on, overtime.status, overtime.resolved_on) == (
        date(2026, 11, 26),
        "resolved",
        date(2026, 12, 1),
    )
    # Nothing went out on the weekend or during the downtime.
    assert {d.weekday() for d, _, _ in sim.sent_on} <= {0, 1, 2, 3, 4}
    assert not [d for d, _, _ in sim.sent_on if date(2026, 12, 5) <= d <= date(2026, 12, 10)]


def test_the_year_boundary_uses_the_supplied_2027_file(app: Any, runtime: Any, db: Any, sim: Simulation) -> None:
    """2027 has no bundled holiday data: the admin's file makes 4 January a day off and 9 January a workday."""
    org = make_org(db)
    with db.session() as s:
        s.get(Employee, org["zl"]).birthday = "01-11"  # Monday after the 调休 Saturday
        s.add(
            Employee(userid="zhoujiu", name="周九", status="active", hired_on=date(2026, 12, 28), hrbp_id=org["hrbp"])
        )
    sim.days(date(2026, 12, 21), date(2027, 1, 11))

    sent_days = {d for d, _, _ in sim.sent_on}
    assert date(2027, 1, 1) not in sent_days and date(2027, 1, 4) not in sent_days  # holidays in the file
    # Day 7 of 周九 is the 4 January holiday: noticed on the next workday (Mon–Fri fallback: the 4th).
    assert any("周九" in t and "入职第7天" in t for t in sim.texts("hrbp1", on=date(2027, 1, 5)))
    # The birthday on Monday 11 January is noticed on the last workday before: the 调休 Saturday.
    assert any("赵六" in t and "生日" in t for t in sim.texts("hrbp1", on=date(2027, 1, 9)))
    assert not any("赵六" in t and "生日" in t for t in sim.texts("hrbp1", on=date(2027, 1, 8)))
