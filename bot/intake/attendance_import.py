"""``carebot import attendance FILE.csv``: daily attendance history as DingTalk/WeCom reports export it.

Columns ``userid,date,first_in,last_out`` (optional ``on_leave``, ``shift``), one row per person
and day. The whole file is validated first (all or nothing); then, set-based: the file's days
replace earlier imported punches and leaves of the same people and days, first-in/last-out
become two punches, leave days an approved leave, shifts a schedule row, and the daily facts of
the imported range are rebuilt once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.orm import Session

from bot.attendance import facts, schedule
from bot.attendance.schedule import ShiftSpec
from bot.attendance.shift import Shift
from bot.core import i18n
from bot.core.chunks import chunked
from bot.core.input_values import date_value
from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.intake import attendance_load as load
from bot.intake.clock_values import leave_flag, minutes_on, shift_spec
from bot.intake.headers import ATTENDANCE_ALIASES
from bot.intake.imports import ImportReport, RowError, read_lists
from bot.models import Approval
from bot.people.directory import MAX_DATE, MIN_DATE, ids_by_userid

REQUIRED = ("userid", "date", "first_in", "last_out")
OPTIONAL = ("on_leave", "shift")
BATCH = 5000
SOURCE = load.SOURCE

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


class DayRow(NamedTuple):
    """One validated row: the person's day, punch minutes, leave and shift (a tuple: 260,000 of them)."""

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


def _minutes_quick(text: str) -> int | None:
    """``HH:MM`` in ASCII digits as minutes, or -1 when the cell needs the full parser."""
    if not text:
        return None
    if len(text) == 5 and text[2] == ":" and text.isascii():
        hh, mm = text[:2], text[3:]
        if hh.isdigit() and mm.isdigit():
            minutes = int(hh) * 60 + int(mm)
            if int(mm) <= 59 and minutes <= 2 * 1440 - 1:
                return minutes
    return -1


def _quick(cells: list[str], at: tuple[int, ...], today: date) -> DayRow | None:
    """The row as :func:`_parse` would read it when every cell has the common plain form, else None.

    Why: nearly every cell of a report export is ``u001,2026-03-02,09:12,21:40,,``; reading those
    without regular expressions and Unicode folding halves validation. Anything else — and every
    error — goes to :func:`_parse`, so messages are the same either way.
    """
    if len(cells) <= max(at):
        return None
    userid, text = cells[at[0]].strip(), cells[at[1]]
    if not userid or len(text) != 10 or not text.isascii() or text[4] != "-" or text[7] != "-":
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    if day > today or not MIN_DATE <= day <= MAX_DATE:
        return None
    first_in, last_out = _minutes_quick(cells[at[2]]), _minutes_quick(cells[at[3]])
    if first_in == -1 or last_out == -1:
        return None
    flag = cells[at[4]] if at[4] >= 0 else ""
    if (at[5] >= 0 and cells[at[5]]) or flag not in ("", "0", "1"):
        return None
    if first_in is not None and last_out is not None and last_out < first_in:
        last_out += 1440  # 22:05 in, 06:10 out: the next morning (always < 24 h later here)
    return DayRow(userid, day, first_in, last_out, flag == "1", None)


def validate(
    session: Session, runtime: Runtime, path: Path, locale: str | None
) -> tuple[AttendanceImport, list[DayRow]]:
    """Read and check the whole file; rows only when there is no error."""
    report = AttendanceImport()
    rows: list[DayRow] = []
    seen: dict[tuple[str, date], int] = {}
    lines: dict[str, list[int]] = {}
    today = runtime.today()
    names, table = read_lists(path, REQUIRED, OPTIONAL, locale, report, ATTENDANCE_ALIASES)
    # Cell positions of userid, date, first_in, last_out, on_leave, shift (-1: optional, absent).
    at = tuple(names.index(c) if c in names else -1 for c in (*REQUIRED, *OPTIONAL))
    for line, cells in table:
        report.rows += 1
        row = _quick(cells, at, today)
        if row is None:
            raw = {n: v for n, v in zip(names, cells, strict=False) if n}
            row = _parse(line, raw, today, report.errors, locale)
            if row is None:
                continue
        key = (row.userid, row.day)
        first = seen.setdefault(key, line)
        if first != line:
            msg = i18n.t("import.att.duplicate", locale, first=first)
            report.errors.append(RowError(line, "date", msg, row.day.isoformat()))
            continue
        found = lines.get(row.userid)
        if found is None:
            lines[row.userid] = [line]
        elif len(found) < 3:
            found.append(line)  # three lines name an unknown user id; the rest would only repeat it
        rows.append(row)
    known = ids_by_userid(session, lines)
    for userid in sorted(lines.keys() - known.keys()):
        for line in lines[userid]:
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
    load.replace_imported(session, ((ids[r.userid], r.userid, r.day) for r in rows))
    load.insert_punches(session, _punches(shift, rows, ids))
    _insert_leaves(session, shift, rows, ids)
    entries = {(ids[r.userid], r.day): r.shift for r in rows if r.shift is not None}
    schedule.write(session, shift, entries, source=SOURCE)
    # One rebuild of the range (plus a day each side, whose windows a night shift may reach).
    stats = facts.rebuild(session, runtime, start - timedelta(days=1), end + timedelta(days=1), set(ids.values()))
    report.people, report.start, report.end, report.facts = len(ids), start, end, stats.rows
    report.created, report.written = len(rows), True
    return report


def _punches(shift: Shift, rows: list[DayRow], ids: dict[str, int]) -> Iterator[load.Punch]:
    """First-in and last-out of every row as punches, in file order."""
    instants = load.LocalInstants(shift)
    for r in rows:
        ref = load.day_ref(r.day)
        if r.first_in is not None:
            yield load.Punch(r.userid, ids[r.userid], instants.at(r.day, r.first_in), "on", ref)
        if r.last_out is not None:
            yield load.Punch(r.userid, ids[r.userid], instants.at(r.day, r.last_out), "off", ref)


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
