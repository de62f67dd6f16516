"""``carebot import shifts FILE.csv``: shift schedules (排班) per person or per department.

Each row names a person (``userid``) or a whole department (``department``), a day (``date``) or
a range (``from``/``to``), and a shift: ``shift`` as ``09:00-18:00``, ``夜班 22:00-06:00`` or
``休息``, or ``start``/``end`` columns. A person's own row wins over their department's for the
same day. All or nothing; the daily facts of the scheduled days are rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.attendance import facts, schedule
from bot.attendance.schedule import ShiftSpec
from bot.core import i18n
from bot.core.input_values import date_value
from bot.core.runtime import Runtime
from bot.intake.clock_values import shift_spec
from bot.intake.headers import SHIFT_ALIASES
from bot.intake.imports import ImportReport, RowError, read_rows
from bot.models import Department, Employee
from bot.people.directory import MAX_DATE, MIN_DATE, ids_by_userid

OPTIONAL = ("userid", "department", "date", "from", "to", "shift", "start", "end")
MAX_SPAN_DAYS = 400

i18n.register(
    {
        "import.shift.who": {
            "zh-CN": "需要 userid 或 department 之一（只能填一个）",
            "en": "give exactly one of userid or department",
        },
        "import.shift.when": {
            "zh-CN": "需要 date，或 from 和 to（不超过 400 天）",
            "en": "give date, or from and to (at most 400 days)",
        },
        "import.shift.what": {
            "zh-CN": "需要 shift（如 09:00-18:00、夜班 22:00-06:00、休息），或 start 和 end",
            "en": "give shift (09:00-18:00, 夜班 22:00-06:00, 休息) or start and end",
        },
        "import.shift.unknown_person": {"zh-CN": "没有这个员工", "en": "no such employee"},
        "import.shift.unknown_dept": {"zh-CN": "没有这个部门", "en": "no such department"},
    }
)


@dataclass(frozen=True)
class ShiftRow:
    line: int
    userid: str | None
    department: str | None
    first: date
    last: date
    spec: ShiftSpec


def _day(raw: str) -> date | None:
    value = date_value(raw)
    return value if isinstance(value, date) and MIN_DATE <= value <= MAX_DATE else None


def _parse(line: int, raw: dict[str, str], errors: list[RowError], loc: str | None) -> ShiftRow | None:
    userid = raw.get("userid", "").strip() or None
    dept = raw.get("department", "").strip() or None
    ok = True
    if (userid is None) == (dept is None):
        errors.append(RowError(line, "userid", i18n.t("import.shift.who", loc)))
        ok = False
    if raw.get("date", "").strip():
        first = last = _day(raw["date"])
    else:
        first, last = _day(raw.get("from", "")), _day(raw.get("to", ""))
    if first is None or last is None or last < first or (last - first).days >= MAX_SPAN_DAYS:
        errors.append(
            RowError(line, "date", i18n.t("import.shift.when", loc), raw.get("date") or raw.get("from") or None)
        )
        ok = False
    text = raw.get("shift", "").strip()
    if not text and raw.get("start", "").strip():
        text = f"{raw.get('start', '').strip()}-{raw.get('end', '').strip()}"
    try:
        spec = shift_spec(text)
    except ValueError:
        spec = None
    if spec is None:
        errors.append(RowError(line, "shift", i18n.t("import.shift.what", loc), text or None))
        return None
    if not ok or first is None or last is None:
        return None
    return ShiftRow(line, userid, dept, first, last, spec)


def import_shifts(session: Session, runtime: Runtime, path: Path, *, locale: str | None = None) -> ImportReport:
    """Validate the whole file, then write the schedule and rebuild the facts of its days."""
    report = ImportReport()
    rows: list[ShiftRow] = []
    for line, raw in read_rows(path, (), OPTIONAL, locale, report, SHIFT_ALIASES):
        report.rows += 1
        row = _parse(line, raw, report.errors, locale)
        if row is not None:
            rows.append(row)
    people = ids_by_userid(session, {r.userid for r in rows if r.userid})
    names = {r.department for r in rows if r.department}
    members: dict[str, list[int]] = {name: [] for name in names}
    if names:
        query = (
            select(Department.name, Employee.id)
            .join(Employee, Employee.department_id == Department.id)
            .where(Department.name.in_(names), Employee.status == "active")
        )
        for name, emp in session.execute(query):
            members[name].append(emp)
        known = set(session.scalars(select(Department.name).where(Department.name.in_(names))))
    else:
        known = set()
    for r in rows:
        if r.userid and r.userid not in people:
            report.errors.append(RowError(r.line, "userid", i18n.t("import.shift.unknown_person", locale), r.userid))
        if r.department and r.department not in known:
            report.errors.append(
                RowError(r.line, "department", i18n.t("import.shift.unknown_dept", locale), r.department)
            )
    report.errors.sort(key=lambda e: e.line)
    if report.errors or not rows:
        return report
    entries: dict[tuple[int, date], ShiftSpec] = {}
    # Departments first, people after: a person's own row overrides their department's.
    for r in sorted(rows, key=lambda r: (r.userid is not None, r.line)):
        emps = [people[r.userid]] if r.userid else members[r.department or ""]
        for i in range((r.last - r.first).days + 1):
            for emp in emps:
                entries[(emp, r.first + timedelta(days=i))] = r.spec
    shift = facts.shift_of(runtime)
    touched = schedule.write(session, shift, entries, source="import")
    days = [d for _, d in touched]
    stats = facts.rebuild(session, runtime, min(days), min(max(days), runtime.today()), {e for e, _ in touched})
    report.created, report.updated, report.written = len(entries), stats.rows, True
    return report
