"""Daily attendance facts on the Chinese calendar: table-driven, fixed Asia/Shanghai dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select, update

from bot.attendance import facts
from bot.attendance.approvals import record_approval
from bot.attendance.punches import record_punches
from bot.attendance.shift import Shift
from bot.core.config import AttendanceSection
from bot.models import AttendanceDay, Employee
from bot.people.directory import EmployeeRow, upsert_employees
from bot.pipeline.events import ApprovalChange, AttendancePunch

TZ = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    """``"2026-11-18 09:17"`` in Shanghai, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def make_punch(user: str, when: str, check_type: str | None = None) -> AttendancePunch:
    return AttendancePunch("dingtalk", user, local(when), check_type=check_type)


def make_approval(user: str, kind: str, start: str, end: str, status: str = "approved", **kw: Any) -> ApprovalChange:
    return ApprovalChange(
        "dingtalk",
        user,
        kind,
        status,
        source_key=f"{user}-{kind}-{start}",
        starts_at=local(start),
        ends_at=local(end),
        **kw,
    )


def add_people(db: Any, *userids: str) -> dict[str, int]:
    with db.session() as s:
        upsert_employees(s, [EmployeeRow(userid=u, name=f"员工{u}") for u in userids])
        return dict(s.execute(select(Employee.userid, Employee.id)).all())


def facts_of(db: Any, userid: str) -> dict[date, AttendanceDay]:
    with db.session() as s:
        rows = s.scalars(
            select(AttendanceDay)
            .join(Employee, Employee.id == AttendanceDay.employee_id)
            .where(Employee.userid == userid)
        ).all()
        return {r.day: r for r in rows}


@dataclass
class Case:
    id: str
    punches: list[tuple[str, str | None]]
    day: date
    expect: dict[str, Any]
    approvals: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, start, end, status
    absent: list[date] = field(default_factory=list)


CASES = [
    Case(
        "on-time workday",
        [("2026-11-18 08:55", "on"), ("2026-11-18 18:05", "off")],
        date(2026, 11, 18),
        dict(
            kind="workday",
            first_in_min=535,
            last_out_min=1085,
            worked_minutes=490,  # 08:55–18:05 less the 12:00–13:00 break
            late_minutes=0,
            overtime_minutes=5,
            punch_count=2,
            on_leave=False,
        ),
    ),
    Case(
        "late arrival",
        [("2026-11-18 09:17", None), ("2026-11-18 18:00", None)],
        date(2026, 11, 18),
        dict(first_in_min=557, late_minutes=17, overtime_minutes=0, worked_minutes=463),
    ),
    Case(
        "night shift: 01:30 belongs to the previous day",
        [("2026-11-18 09:00", "on"), ("2026-11-19 01:30", "off")],
        date(2026, 11, 18),
        dict(first_in_min=540, last_out_min=1530, overtime_minutes=450, late_minutes=0, worked_minutes=930),
        absent=[date(2026, 11, 19)],
    ),
    Case(
        "unordered and duplicate punches",
        [
            ("2026-11-18 18:30", None),
            ("2026-11-18 08:50", None),
            ("2026-11-18 12:00", None),
            ("2026-11-18 08:50", None),
        ],
        date(2026, 11, 18),
        dict(first_in_min=530, last_out_min=1110, punch_count=3, overtime_minutes=30),
    ),
    Case(
        "National Day is a holiday: all worked time is overtime, nobody is late",
        [("2026-10-03 10:00", None), ("2026-10-03 15:00", None)],
        date(2026, 10, 3),
        dict(kind="holiday", late_minutes=0, worked_minutes=240, overtime_minutes=240),
    ),
    Case(
        "a half day ending before the break counts in full",
        [("2026-11-18 08:30", None), ("2026-11-18 11:45", None)],
        date(2026, 11, 18),
        dict(worked_minutes=195),
    ),
    Case(
        "调休 Saturday 2026-10-10 is a workday",
        [("2026-10-10 09:30", None), ("2026-10-10 18:00", None)],
        date(2026, 10, 10),
        dict(kind="workday", late_minutes=30, overtime_minutes=0),
    ),
    Case(
        "an ordinary Saturday is a rest day",
        [("2026-11-21 10:00", None), ("2026-11-21 12:30", None)],
        date(2026, 11, 21),
        dict(kind="restday", late_minutes=0, overtime_minutes=120, worked_minutes=120),  # 12:00–12:30 is break
    ),
    Case(
        "2027 without calendar data falls back to Monday-Friday",
        [
            ("2027-03-03 09:10", None),
            ("2027-03-03 18:00", None),
            ("2027-03-06 10:00", None),
            ("2027-03-06 11:00", None),
        ],
        date(2027, 3, 3),
        dict(kind="workday", late_minutes=10),
    ),
    Case(
        "a lone clock-out late at night is a last out",
        [("2026-11-18 21:30", "off")],
        date(2026, 11, 18),
        dict(
            first_in=None,
            first_in_min=None,
            last_out_min=1290,
            worked_minutes=0,
            late_minutes=0,
            overtime_minutes=210,
            punch_count=1,
        ),
    ),
    Case(
        "a lone unmarked morning punch is a first in",
        [("2026-11-18 09:40", None)],
        date(2026, 11, 18),
        dict(first_in_min=580, last_out_min=None, last_out=None, late_minutes=40, overtime_minutes=0),
    ),
    Case(
        "approved leave marks the day, no punches needed",
        [],
        date(2026, 11, 18),
        dict(on_leave=True, leave_kind="leave", punch_count=0, first_in=None, late_minutes=0, kind="workday"),
        approvals=[("leave", "2026-11-18 09:00", "2026-11-18 18:00", "approved")],
    ),
    Case(
        "a morning off excuses the late start",
        [("2026-11-18 13:00", None), ("2026-11-18 18:00", None)],
        date(2026, 11, 18),
        dict(on_leave=True, late_minutes=0, first_in_min=780),
        approvals=[("leave", "2026-11-18 09:00", "2026-11-18 12:00", "approved")],
    ),
    Case(
        "a business trip counts as away",
        [],
        date(2026, 11, 19),
        dict(on_leave=True, leave_kind="trip"),
        approvals=[("trip", "2026-11-17 08:00", "2026-11-20 20:00", "approved")],
    ),
    Case(
        "a rejected leave changes nothing",
        [("2026-11-18 09:30", None), ("2026-11-18 18:00", None)],
        date(2026, 11, 18),
        dict(on_leave=False, late_minutes=30),
        approvals=[("leave", "2026-11-18 09:00", "2026-11-18 18:00", "rejected")],
    ),
    Case(
        "approved overtime is kept as a fact",
        [("2026-11-18 09:00", None), ("2026-11-18 21:00", None)],
        date(2026, 11, 18),
        dict(approved_overtime_minutes=150, overtime_minutes=180),
        approvals=[("overtime", "2026-11-18 18:30", "2026-11-18 21:00", "approved")],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_daily_facts(runtime: Any, case: Case) -> None:
    add_people(runtime.db, "e1")
    with runtime.db.session() as s:
        record_punches(s, [make_punch("e1", when, ct) for when, ct in case.punches])
        for kind, start, end, status in case.approvals:
            record_approval(s, make_approval("e1", kind, start, end, status))
    with runtime.db.session() as s:
        facts.rebuild(s, runtime, case.day - timedelta(days=3), case.day + timedelta(days=3))
    rows = facts_of(runtime.db, "e1")
    assert case.day in rows
    got = rows[case.day]
    for key, value in case.expect.items():
        assert getattr(got, key) == value, key
    for day in case.absent:
        assert day not in rows


def test_first_in_and_last_out_are_instants(runtime: Any) -> None:
    add_people(runtime.db, "e1")
    with runtime.db.session() as s:
        record_punches(s, [make_punch("e1", "2026-11-18 08:58:30"), make_punch("e1", "2026-11-19 00:10")])
        facts.rebuild(s, runtime, date(2026, 11, 18), date(2026, 11, 19))
    row = facts_of(runtime.db, "e1")[date(2026, 11, 18)]
    assert row.first_in == local("2026-11-18 08:58:30")
    assert row.last_out == local("2026-11-19 00:10")
    assert (row.first_in_min, row.last_out_min) == (538, 1450)


@pytest.mark.parametrize("settings_overrides", [{"attendance": {"late_grace_minutes": 5}}])
@pytest.mark.parametrize(("arrival", "late"), [("09:05", 0), ("09:06", 6)])
def test_grace_period(runtime: Any, arrival: str, late: int) -> None:
    add_people(runtime.db, "e1")
    with runtime.db.session() as s:
        record_punches(s, [make_punch("e1", f"2026-11-18 {arrival}"), make_punch("e1", "2026-11-18 18:00")])
        facts.rebuild(s, runtime, date(2026, 11, 18), date(2026, 11, 18))
    assert facts_of(runtime.db, "e1")[date(2026, 11, 18)].late_minutes == late


@pytest.mark.parametrize("settings_overrides", [{"attendance": {"day_boundary": "03:00"}}])
def test_day_boundary_is_configurable(runtime: Any) -> None:
    add_people(runtime.db, "e1")
    with runtime.db.session() as s:
        record_punches(
            s,
            [
                make_punch("e1", "2026-11-18 09:00"),
                make_punch("e1", "2026-11-19 02:59"),
                make_punch("e1", "2026-11-19 04:00"),
            ],
        )
        facts.rebuild(s, runtime, date(2026, 11, 17), date(2026, 11, 20))
    rows = facts_of(runtime.db, "e1")
    assert rows[date(2026, 11, 18)].last_out_min == 24 * 60 + 179
    assert rows[date(2026, 11, 19)].first_in_min == 240


def snapshot(db: Any) -> list[tuple[Any, ...]]:
    cols = [c for c in facts.FACT_COLUMNS if c != "computed_at"]
    with db.session() as s:
        rows = s.execute(
            select(*[getattr(AttendanceDay, c) for c in cols]).order_by(AttendanceDay.employee_id, AttendanceDay.day)
        )
        return [tuple(r) for r in rows]


def test_rebuild_is_idempotent_and_matches_incremental(runtime: Any) -> None:
    ids = add_people(runtime.db, "a", "b", "c")
    punches = [
        make_punch(u, f"2026-11-{d} {hh}")
        for u in ("a", "b", "c")
        for d in (16, 17, 18, 19, 20)
        for hh in ("08:5" + str(d % 10), "19:1" + str(d % 10))
    ]
    with runtime.db.session() as s:
        pairs = record_punches(s, punches, day_of=facts.shift_of(runtime).shift_day)
        assert len(pairs) == 15
        facts.recompute(s, runtime, pairs)
    incremental = snapshot(runtime.db)
    assert len(incremental) == 15
    for _ in range(2):
        with runtime.db.session() as s:
            facts.rebuild(s, runtime, date(2026, 11, 1), date(2026, 11, 30))
        assert snapshot(runtime.db) == incremental
    with runtime.db.session() as s:  # a re-sent batch changes nothing
        facts.recompute(s, runtime, record_punches(s, punches, day_of=facts.shift_of(runtime).shift_day))
    assert snapshot(runtime.db) == incremental
    assert set(ids) == {"a", "b", "c"}


def test_recompute_touches_only_the_given_pairs(runtime: Any) -> None:
    ids = add_people(runtime.db, "a", "b")
    with runtime.db.session() as s:
        record_punches(s, [make_punch(u, f"2026-11-{d} 09:00") for u in ("a", "b") for d in (17, 18)])
        facts.rebuild(s, runtime, date(2026, 11, 17), date(2026, 11, 18))
        s.execute(update(AttendanceDay).values(late_minutes=999))
    with runtime.db.session() as s:
        stats = facts.recompute(s, runtime, [(ids["a"], date(2026, 11, 18))])
        assert stats.rows == 1
    late = {(r.employee_id, r.day): r.late_minutes for u in ("a", "b") for r in facts_of(runtime.db, u).values()}
    assert late.pop((ids["a"], date(2026, 11, 18))) == 0
    assert set(late.values()) == {999}


def test_revoked_leave_removes_the_day(runtime: Any) -> None:
    ids = add_people(runtime.db, "e1")
    change = make_approval("e1", "leave", "2026-11-18 09:00", "2026-11-18 18:00")
    with runtime.db.session() as s:
        record_approval(s, change)
        facts.recompute(s, runtime, [(ids["e1"], date(2026, 11, 18))])
    assert facts_of(runtime.db, "e1")[date(2026, 11, 18)].on_leave
    with runtime.db.session() as s:
        record_approval(s, ApprovalChange("dingtalk", "e1", "leave", "revoked", change.source_key))
        facts.recompute(s, runtime, [(ids["e1"], date(2026, 11, 18))])
    assert facts_of(runtime.db, "e1") == {}


def test_statements_are_bounded_not_per_employee(runtime: Any) -> None:
    def count_statements(n_people: int) -> int:
        users = [f"p{n_people}-{i}" for i in range(n_people)]
        add_people(runtime.db, *users)
        with runtime.db.session() as s:
            record_punches(
                s, [make_punch(u, f"2026-11-{d} 0{8 + i % 2}:30") for i, u in enumerate(users) for d in (16, 17, 18)]
            )
        seen: list[str] = []

        def count(*_args: Any) -> None:
            seen.append("stmt")

        event.listen(runtime.db.engine, "before_cursor_execute", count)
        try:
            with runtime.db.session() as s:
                facts.rebuild(s, runtime, date(2026, 11, 1), date(2026, 11, 30))
        finally:
            event.remove(runtime.db.engine, "before_cursor_execute", count)
        return len(seen)

    assert count_statements(3) == count_statements(60) <= 4


def test_shift_day_helper() -> None:
    shift = Shift.from_settings(AttendanceSection(), TZ)
    assert shift.shift_day(local("2026-11-19 01:30")) == date(2026, 11, 18)
    assert shift.shift_day(local("2026-11-19 05:00")) == date(2026, 11, 19)
    assert shift.midpoint_min == 13 * 60 + 30


def test_demo_load_computes_the_facts(runtime: Any) -> None:
    from sqlalchemy import func

    from bot.ops.demo.loader import load_demo

    result = load_demo(runtime, size=120, seed=5, days=21, end=date(2026, 10, 16))
    assert result.punches > 0  # the replay ingests the punches through the real path
    with runtime.db.session() as s:
        rows = s.scalar(select(func.count()).select_from(AttendanceDay))
        late_nights = s.scalar(
            select(func.count()).select_from(AttendanceDay).where(AttendanceDay.last_out_min > 21 * 60)
        )
        leave_days = s.scalar(select(func.count()).select_from(AttendanceDay).where(AttendanceDay.on_leave))
        saturday = s.scalar(
            select(func.count()).select_from(AttendanceDay).where(AttendanceDay.day == date(2026, 10, 10))
        )
        kinds = set(s.scalars(select(AttendanceDay.kind).where(AttendanceDay.day == date(2026, 10, 10))))
    assert rows and rows >= result.employees  # facts for every person and replayed day, at least one each
    assert late_nights > 0 and leave_days > 0
    assert saturday > 80 and kinds == {"workday"}  # the 调休 Saturday is a full workday


@pytest.mark.parametrize(
    "settings_overrides",
    [{"attendance": {"workday_start": "22:00", "workday_end": "06:00", "day_boundary": "12:00"}}],
)
def test_night_shift_schedule(runtime: Any) -> None:
    add_people(runtime.db, "e1")
    with runtime.db.session() as s:
        record_punches(s, [make_punch("e1", "2026-11-18 22:10"), make_punch("e1", "2026-11-19 06:30")])
        facts.rebuild(s, runtime, date(2026, 11, 17), date(2026, 11, 19))
    rows = facts_of(runtime.db, "e1")
    assert list(rows) == [date(2026, 11, 18)]
    day = rows[date(2026, 11, 18)]
    assert (day.first_in_min, day.last_out_min, day.late_minutes, day.overtime_minutes) == (1330, 1830, 10, 30)


def test_live_punches_through_the_handler(runtime: Any) -> None:
    from bot.models import Punch
    from bot.pipeline.dispatch import Context, dispatch

    add_people(runtime.db, "e1")
    for punch in (
        make_punch("e1", "2026-11-20 09:03"),
        make_punch("e1", "2026-11-20 09:03"),  # re-sent
        make_punch("e1", "2026-11-21 00:40"),  # after midnight: still Friday's shift
        AttendancePunch("dingtalk", "e1", datetime(1970, 1, 1, tzinfo=TZ)),  # a device with no clock
        make_punch("e1", "2027-06-01 09:00"),  # far in the future of the test clock
    ):
        with runtime.db.session() as s:
            dispatch(punch, Context(runtime=runtime, session=s))
    rows = facts_of(runtime.db, "e1")
    assert list(rows) == [date(2026, 11, 20)]
    assert (rows[date(2026, 11, 20)].late_minutes, rows[date(2026, 11, 20)].last_out_min) == (3, 1480)
    with runtime.db.session() as s:
        assert len(s.scalars(select(Punch)).all()) == 2
