"""``carebot import attendance FILE.csv``: daily attendance history as DingTalk/WeCom reports export it.

Columns ``userid,date,first_in,last_out`` (optional ``on_leave``, ``shift``), one row per person
and day. The whole file is validated first (all or nothing); then, set-based: the file's days
replace earlier imported punches and leaves of the same people and days, first-in/last-out
become two punches, leave days an approved leave, shifts a schedule row, and the daily facts of
the imported range are rebuilt once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot import i18n
from bot.attendance import facts, schedule
from bot.attendance.schedule import ShiftSpec
from bot.attendance.shift import Shift
from bot.chunks import chunked
from bot.directory import MAX_DATE, MIN_DATE, ids_by_userid
from bot.imports import ImportReport, RowError, read_rows
from bot.input_values import date_value
from bot.intake.clock_values import leave_flag, minutes_on, shift_spec
from bot.intake.headers import ATTENDANCE_ALIASES
from bot.models import Approval, Punch
from bot.runtime import Runtime
from bot.sqlutil import dialect_insert

REQUIRED = ("userid", "date", "first_in", "last_out")
OPTIONAL = ("on_leave", "shift")
BATCH = 5000
SOURCE = "import"

i18n.register(
    {
        "import.att.no_employee": {
            "zh-CN": "没有这个员工（请先导入员工）",
            "en": "no such employee (import employees first)",
        },
        "import.att.duplicate": {"zh-CN": "与第 {first} 行是同一人同一天", "en": "same person and day as line {first}"},
        "import.att.order": {
            "zh-CN": "下班打卡距上班打卡超过 24 小时",
            "en": "last_out is 24 hours or more after first_in",
        },
        "import.att.future": {"zh-CN": "日期在今天之后", "en": "the date is after today"},
        "import.att.time": {
            "zh-CN": "应为时间 HH:MM（次日凌晨写作 次日01:30 或 +1 01:30）或 YYYY-MM-DD HH:MM",
            "en": "expected a time HH:MM (次日/+1 for the next morning) or YYYY-MM-DD HH:MM",
        },
        "import.att.shift": {
            "zh-CN": "应为班次 HH:MM-HH:MM（可带名称：夜班 22:00-06:00）或 休息",
            "en": "expected a shift HH:MM-HH:MM (optionally named: 夜班 22:00-06:00) or 休息/rest",
        },
    }
)


@dataclass(frozen=True)
class DayRow:
    """One validated row: the person's day, punch minutes, leave and shift."""

    userid: str
    day: date
    first_in: int | None
    last_out: int | None
    on_leave: bool
    shift: ShiftSpec | None


@dataclass
class AttendanceImport(ImportReport):
    """An import report plus what the import covered."""

    people: int = 0
    start: date | None = None
    end: date | None = None
    facts: int = 0


def _parse(line: int, raw: dict[str, str], today: date, errors: list[RowError], loc: str | None) -> DayRow | None:
    before = len(errors)
    userid = raw.get("userid", "").strip()
    if not userid:
        errors.append(RowError(line, "userid", i18n.t("input.missing", loc)))
    day = date_value(raw.get("date", ""))
    if not isinstance(day, date) or not MIN_DATE <= day <= MAX_DATE:
        errors.append(RowError(line, "date", i18n.t("input.date", loc), raw.get("date") or None))
        return None
    if day > today:
        errors.append(RowError(line, "date", i18n.t("import.att.future", loc), raw.get("date")))
    values: dict[str, object] = {}
    for column in ("first_in", "last_out"):
        try:
            values[column] = minutes_on(raw.get(column, ""), day)
        except ValueError:
            errors.append(RowError(line, column, i18n.t("import.att.time", loc), raw.get(column)))
    try:
        values["on_leave"] = leave_flag(raw.get("on_leave", ""))
    except ValueError:
        errors.append(RowError(line, "on_leave", i18n.t("input.bool", loc), raw.get("on_leave")))
    try:
        values["shift"] = shift_spec(raw.get("shift", ""))
    except ValueError:
        errors.append(RowError(line, "shift", i18n.t("import.att.shift", loc), raw.get("shift")))
    if len(errors) > before:
        return None
    first_in, last_out = values["first_in"], values["last_out"]
    assert first_in is None or isinstance(first_in, int)
    assert last_out is None or isinstance(last_out, int)
    if first_in is not None and last_out is not None and last_out < first_in:
        last_out += 1440  # 22:05 in, 06:10 out: the next morning
    if first_in is not None and last_out is not None and last_out - first_in >= 1440:
        errors.append(RowError(line, "last_out", i18n.t("import.att.order", loc), raw.get("last_out")))
        return None
    shift = values["shift"]
    assert shift is None or isinstance(shift, ShiftSpec)
    return DayRow(userid, day, first_in, last_out, bool(values["on_leave"]), shift)


def validate(
    session: Session, runtime: Runtime, path: Path, locale: str | None
) -> tuple[AttendanceImport, list[DayRow]]:
    """Read and check the whole file; rows only when there is no error."""
    report = AttendanceImport()
    rows: list[DayRow] = []
    seen: dict[tuple[str, date], int] = {}
    lines: dict[str, list[int]] = {}
    today = runtime.today()
    for line, raw in read_rows(path, REQUIRED, OPTIONAL, locale, report, ATTENDANCE_ALIASES):
        report.rows += 1
        row = _parse(line, raw, today, report.errors, locale)
        if row is None:
            continue
        key = (row.userid, row.day)
        if key in seen:
            msg = i18n.t("import.att.duplicate", locale, first=seen[key])
            report.errors.append(RowError(line, "date", msg, row.day.isoformat()))
            continue
        seen[key] = line
        lines.setdefault(row.userid, []).append(line)
        rows.append(row)
    known = ids_by_userid(session, lines)
    for userid in sorted(lines.keys() - known.keys()):
        for line in lines[userid][:3]:  # three lines name the problem; the rest would only repeat it
            report.errors.append(RowError(line, "userid", i18n.t("import.att.no_employee", locale), userid))
    report.errors.sort(key=lambda e: e.line)
    return report, ([] if report.errors else rows)


def import_attendance(session: Session, runtime: Runtime, path: Path, *, locale: str | None = None) -> AttendanceImport:
    """Validate the file, then write punches, leaves and shifts and rebuild the range's facts."""
    report, rows = validate(session, runtime, path, locale)
    if not report.ok or not rows:
        return report
    ids = ids_by_userid(session, {r.userid for r in rows})
    shift = facts.shift_of(runtime)
    start, end = min(r.day for r in rows), max(r.day for r in rows)
    _replace_imported(session, rows, ids)
    _insert_punches(session, shift, rows, ids)
    _insert_leaves(session, shift, rows, ids)
    entries = {(ids[r.userid], r.day): r.shift for r in rows if r.shift is not None}
    schedule.write(session, shift, entries, source=SOURCE)
    # One rebuild of the range (plus a day each side, whose windows a night shift may reach).
    stats = facts.rebuild(session, runtime, start - timedelta(days=1), end + timedelta(days=1), set(ids.values()))
    report.people, report.start, report.end, report.facts = len(ids), start, end, stats.rows
    report.created, report.written = len(rows), True
    return report


def _replace_imported(session: Session, rows: list[DayRow], ids: dict[str, int]) -> None:
    """Earlier imports of the same people and days give way: the file is the new truth for them."""
    refs_by_emp: dict[int, set[str]] = {}
    for r in rows:
        refs_by_emp.setdefault(ids[r.userid], set()).add(f"{SOURCE}:{r.day.isoformat()}")
    # Grouped by the set of days so a whole-company file is a handful of statements.
    by_days: dict[frozenset[str], list[int]] = {}
    for emp, refs in refs_by_emp.items():
        by_days.setdefault(frozenset(refs), []).append(emp)
    for day_refs, emps in by_days.items():
        for emp_chunk in chunked(sorted(emps), 1000):
            for ref_chunk in chunked(sorted(day_refs), 1000):
                session.execute(
                    delete(Punch).where(
                        Punch.source == SOURCE, Punch.employee_id.in_(emp_chunk), Punch.source_ref.in_(ref_chunk)
                    )
                )
    keys = [f"{r.userid}:{r.day.isoformat()}" for r in rows]
    for chunk in chunked(keys, 1000):
        session.execute(delete(Approval).where(Approval.source == SOURCE, Approval.source_key.in_(chunk)))


def _insert_punches(session: Session, shift: Shift, rows: list[DayRow], ids: dict[str, int]) -> None:
    def punches() -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for r in rows:
            ref = f"{SOURCE}:{r.day.isoformat()}"
            for minutes, ctype in ((r.first_in, "on"), (r.last_out, "off")):
                if minutes is not None:
                    at = shift.local(r.day, minutes)
                    out.append(
                        {
                            "userid": r.userid,
                            "employee_id": ids[r.userid],
                            "punched_at": at,
                            "source": SOURCE,
                            "check_type": ctype,
                            "source_ref": ref,
                            "received_at": at,
                        }
                    )
        return out

    for batch in chunked(punches(), BATCH):
        stmt = dialect_insert(session, Punch).on_conflict_do_nothing(index_elements=["userid", "punched_at"])
        session.execute(stmt, batch)


def _insert_leaves(session: Session, shift: Shift, rows: list[DayRow], ids: dict[str, int]) -> None:
    leaves = []
    for r in rows:
        if not r.on_leave:
            continue
        spec = r.shift if r.shift is not None and not r.shift.rest else None
        start_min = spec.start_min if spec and spec.start_min is not None else shift.start_min
        end_min = spec.end_min if spec and spec.end_min is not None else shift.end_min
        leaves.append(
            {
                "userid": r.userid,
                "employee_id": ids[r.userid],
                "kind": "leave",
                "status": "approved",
                "starts_at": shift.local(r.day, start_min),
                "ends_at": shift.local(r.day, end_min),
                "minutes": end_min - start_min,
                "source": SOURCE,
                "source_key": f"{r.userid}:{r.day.isoformat()}",
                "detail": {"from": "attendance import"},
            }
        )
    for batch in chunked(leaves, BATCH):
        session.execute(dialect_insert(session, Approval), batch)
