"""A small organisation with known tags, reminders, care actions, check-ins and leavers (report tests).

Period under test: 2026-11-02 .. 2026-11-15 (14 days, 10 workdays). The figures each test expects
are derived in the comments next to the data, so a change here shows what it changes there.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import CareAction, Employee, Reminder, Survey, SurveyAnswer, Tag
from bot.people.directory import EmployeeRow, upsert_employees

TZ = ZoneInfo("Asia/Shanghai")
START, END = date(2026, 11, 2), date(2026, 11, 15)
OLD = date(2024, 1, 1)


def at(text: str) -> datetime:
    """A Shanghai wall-clock time as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def _people() -> list[EmployeeRow]:
    rows = [EmployeeRow(userid="hr1", name="王芳", department="人力资源部", hired_on=date(2020, 1, 1), is_hr=True)]
    for i in range(1, 7):  # c1..c6: cared (c6's reminder is from October, done on the period's first day)
        left = {"left_on": date(2026, 11, 14), "leave_reason": "voluntary"} if i == 2 else {}
        rows.append(EmployeeRow(userid=f"c{i}", name=f"关怀{i}", department="销售部", hired_on=OLD, **left))
    leavers: dict[int, dict[str, Any]] = {
        1: {"left_on": date(2026, 11, 20), "leave_reason": "voluntary"},  # after the period, within 90 days
        2: {"left_on": date(2026, 11, 12), "leave_reason": "involuntary"},
    }
    for i in range(1, 6):  # n1..n5: tagged, nobody acted
        rows.append(
            EmployeeRow(userid=f"n{i}", name=f"未跟{i}", department="研发部", hired_on=OLD, **leavers.get(i, {}))
        )
    rows += [
        EmployeeRow(userid="d1", name="不需1", department="研发部", hired_on=OLD),
        EmployeeRow(userid="d2", name="不需2", department="研发部", hired_on=OLD),
        EmployeeRow(
            userid="d3",
            name="自动3",
            department="研发部",
            hired_on=OLD,
            left_on=date(2026, 11, 7),
            leave_reason="other",
        ),
        EmployeeRow(userid="e1", name="普通1", department="研发部", hired_on=OLD),
        EmployeeRow(userid="e2", name="新人2", department="研发部", hired_on=date(2026, 11, 9)),
        EmployeeRow(
            userid="e3", name="早走3", department="研发部", hired_on=date(2023, 5, 1), left_on=date(2026, 10, 20)
        ),
        EmployeeRow(
            userid="e4",
            name="走了4",
            department="研发部",
            hired_on=OLD,
            left_on=date(2026, 11, 10),
            leave_reason="other",
        ),
    ]
    return rows


class Org:
    """Writes the organisation through one session; ``ids`` maps userid to employee id."""

    def __init__(self, session: Session) -> None:
        self.s = session
        upsert_employees(session, _people())
        self.ids = {e.userid: e.id for e in session.scalars(select(Employee))}
        self.hr = self.ids["hr1"]

    def tag(self, userid: str, rule: str, severity: str, raised: date) -> Tag:
        tag = Tag(
            rule_id=rule,
            employee_id=self.ids[userid],
            severity=severity,
            status="active",
            raised_on=raised,
            last_seen_on=raised,
            evidence={},
            created_at=at(f"{raised} 07:00"),
        )
        self.s.add(tag)
        self.s.flush()
        return tag

    def reminder(
        self,
        tag: Tag,
        created: str,
        *,
        status: str = "open",
        sent: str | None = None,
        acted: str | None = None,
        reason: str | None = None,
        snoozed: str | None = None,
    ) -> Reminder:
        rem = Reminder(
            tag_id=tag.id,
            recipient_id=self.hr,
            role="hrbp",
            status=status,
            delivery="immediate",
            due_at=at(created),
            created_at=at(created),
            sent_at=at(sent) if sent else None,
            acted_at=at(acted) if acted else None,
            dismiss_reason=reason,
            snoozed_until=at(snoozed) if snoozed else None,
        )
        self.s.add(rem)
        self.s.flush()
        if status in ("done", "dismissed") and acted and not (reason or "").startswith("auto:"):
            self.action(tag, rem, status, acted)
        return rem

    def action(self, tag: Tag, rem: Reminder | None, kind: str, when: str) -> None:
        self.s.add(
            CareAction(
                employee_id=tag.employee_id,
                actor_id=self.hr,
                reminder_id=rem.id if rem else None,
                tag_id=tag.id,
                kind=kind,
                acted_at=at(when),
            )
        )

    def answer(self, userid: str, day: str, key: str, value: float, mode: str = "checkin") -> None:
        emp = self.ids[userid]
        scheduled = date.fromisoformat(day)
        survey = self.s.scalar(select(Survey).where(Survey.employee_id == emp, Survey.scheduled_on == scheduled))
        if survey is None:
            survey = Survey(employee_id=emp, scheduled_on=scheduled, question_keys=[key], status="answered")
            self.s.add(survey)
            self.s.flush()
        self.s.add(
            SurveyAnswer(
                survey_id=survey.id,
                employee_id=emp,
                question_key=key,
                mode=mode,
                value=value,
                answered_on=scheduled,
                answered_at=at(f"{day} 11:00"),
            )
        )
        self.s.flush()


def build(session: Session) -> None:
    """The whole organisation (see the module docstring for the period)."""
    org = Org(session)
    # Cared: high stress raised Nov 3, sent 10:00; acted after 1, 7, 9, 34 and 26.5 working hours.
    done_at = {1: "2026-11-03 11:00", 2: "2026-11-03 17:00", 3: "2026-11-04 10:00", 4: "2026-11-06 17:00"}
    for i in range(1, 6):
        tag = org.tag(f"c{i}", "high_stress", "high", date(2026, 11, 3))
        if i == 5:  # snoozed, woke Nov 4 10:00 (sent_at moves), done Monday Nov 9 09:30
            org.reminder(
                tag,
                "2026-11-03 09:00",
                status="done",
                sent="2026-11-04 10:00",
                acted="2026-11-09 09:30",
                snoozed="2026-11-04 10:00",
            )
        else:
            org.reminder(tag, "2026-11-03 09:00", status="done", sent="2026-11-03 10:00", acted=done_at[i])
    c1_note_tag = session.scalar(select(Tag).where(Tag.employee_id == org.ids["c1"]))
    assert c1_note_tag is not None
    org.action(c1_note_tag, None, "note", "2026-11-05 09:00")
    # c1's second tag: dismissed without a reason before it was ever sent.
    second = org.tag("c1", "mood_falling", "medium", date(2026, 11, 10))
    org.reminder(second, "2026-11-10 09:00", status="dismissed", acted="2026-11-10 12:00")
    # c6: tagged and reminded in October, done on the period's first day (cared, but not tagged in the period).
    old = org.tag("c6", "high_stress", "high", date(2026, 10, 28))
    org.reminder(old, "2026-10-28 09:00", status="done", sent="2026-10-28 10:00", acted="2026-11-02 10:00")
    # Not acted on: late nights raised Nov 4; four open, one held back by the cap.
    for i in range(1, 6):
        tag = org.tag(f"n{i}", "high_pressure", "high", date(2026, 11, 4))
        if i == 5:
            org.reminder(tag, "2026-11-04 09:00", status="capped")
        else:
            org.reminder(tag, "2026-11-04 09:00", sent="2026-11-04 10:00")
    # Dismissed by HR (the same reason spelt twice), and one closed by the system.
    d1 = org.tag("d1", "birthday_tomorrow", "low", date(2026, 11, 5))
    org.reminder(
        d1, "2026-11-05 09:00", status="dismissed", sent="2026-11-05 10:00", acted="2026-11-05 11:00", reason="已知情况"
    )
    d2 = org.tag("d2", "birthday_tomorrow", "low", date(2026, 11, 6))
    org.reminder(
        d2,
        "2026-11-06 09:00",
        status="dismissed",
        sent="2026-11-06 10:00",
        acted="2026-11-06 15:00",
        reason=" 已知情况  ",
    )
    d3 = org.tag("d3", "high_pressure", "high", date(2026, 11, 6))
    org.reminder(
        d3,
        "2026-11-06 09:00",
        status="dismissed",
        acted="2026-11-07 10:00",
        reason="auto: employee left before it was sent",
    )
    # A reminder created after the period: outside every figure of it.
    late = org.tag("e1", "high_stress", "high", date(2026, 11, 16))
    org.reminder(late, "2026-11-16 09:00", status="done", sent="2026-11-16 10:00", acted="2026-11-16 11:00")
    _answers(org)


def _answers(org: Org) -> None:
    # Stress, cared (reference = first done day): before 9, 8, mean(9, 7)=8, 8, 10 -> 8.6; after 5, 6, 4, 5, 6 -> 5.2
    for userid, before, after in (
        ("c1", [("2026-11-03", 9)], [("2026-11-10", 5)]),
        ("c2", [("2026-11-02", 8)], [("2026-11-12", 6)]),
        ("c3", [("2026-11-03", 9), ("2026-10-28", 7)], [("2026-11-11", 4)]),
        ("c4", [("2026-11-05", 8)], [("2026-11-13", 5)]),
        ("c5", [("2026-11-03", 10)], [("2026-11-16", 6)]),
        # Not acted on (reference = tag day Nov 4): before 8, 9, 7, 8, 9 -> 8.2; after 8, 8, 7, 9, 8 -> 8.0
        ("n1", [("2026-11-04", 8)], [("2026-11-11", 8)]),
        ("n2", [("2026-11-03", 9)], [("2026-11-10", 8)]),
        ("n3", [("2026-11-04", 7)], [("2026-11-09", 7)]),
        ("n4", [("2026-11-02", 8)], [("2026-11-05", 9)]),
        ("n5", [("2026-11-04", 9)], [("2026-11-18", 8)]),
    ):
        for day, value in before + after:
            org.answer(userid, day, "stress", value)
    # Decoys: outside c1's window, a team-mode stress answer, someone outside both groups, d1 (dismissed).
    org.answer("c1", "2026-10-10", "stress", 0)
    org.answer("c2", "2026-11-09", "stress", 0, mode="team")
    org.answer("e1", "2026-11-05", "stress", 10)
    org.answer("d1", "2026-11-04", "stress", 10)
    org.answer("d1", "2026-11-10", "stress", 0)
    # Mood: only four cared people answered both windows -> suppressed.
    for userid in ("c1", "c2", "c3", "c4"):
        org.answer(userid, "2026-11-03", "mood", 2)
        org.answer(userid, "2026-11-14", "mood", 4)
    # Team pulse "supported": 销售部 c1..c5 (4, 4, 3, 5, 4 -> 4.0), 研发部 n1 (2); company (20 + 2) / 6 = 3.67.
    for userid, value in (("c1", 4), ("c2", 4), ("c3", 3), ("c4", 5), ("c5", 4), ("n1", 2)):
        org.answer(userid, "2026-11-06", "supported", value, mode="team")
    org.answer("n2", "2026-10-30", "supported", 1, mode="team")  # before the period
    for userid in ("n3", "n4", "e1"):  # three respondents only -> suppressed
        org.answer(userid, "2026-11-06", "stay_2y", 5, mode="team")
