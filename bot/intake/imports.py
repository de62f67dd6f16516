"""CSV imports of employees and metrics: UTF-8 (BOM or not) or GB18030/GBK, all or nothing.

Every row is validated first; any error means nothing is written, and the report lists every
error with its line, column and what was expected, so one corrected file imports cleanly. A file
without errors is written in the caller's single transaction (upsert by ``userid``, or by
employee, metric and date). Headers may be the Chinese names of an HRIS export
(:mod:`bot.intake.headers`); the encoding is detected (:mod:`bot.intake.encoding`) and reported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.attendance.orphans import upsert_people
from bot.core import i18n
from bot.core.input_errors import describe, field_of
from bot.core.runtime import Runtime
from bot.intake.encoding import decode
from bot.intake.headers import EMPLOYEE_ALIASES, METRIC_ALIASES, canonical
from bot.intake.metric_input import validate_metric
from bot.intake.metrics import MetricRow, upsert_metrics
from bot.people.directory import EmployeeRow, unknown_userids

EMPLOYEE_REQUIRED = ("userid", "name", "department", "manager_userid", "hired_on")
EMPLOYEE_OPTIONAL = (
    "hrbp_userid",
    "mentor_userid",
    "birthday",
    "probation_ends_on",
    "position",
    "is_hr",
    "email",
    "mobile",
    "left_on",
    "leave_reason",
)
METRIC_REQUIRED = ("userid", "metric", "date", "value")

i18n.register(
    {
        "import.error": {
            "zh-CN": "第 {line} 行，{column} 列：{message}",
            "en": "line {line}, column {column}: {message}",
        },
        "import.got": {"zh-CN": "（实际为 {got}）", "en": " (got {got})"},
        "import.encoding": {
            "zh-CN": "既不是 UTF-8 也不是 GBK/GB18030 编码（请另存为“CSV UTF-8”）",
            "en": "neither UTF-8 nor GBK/GB18030 (save the file as “CSV UTF-8”)",
        },
        "import.missing_column": {"zh-CN": "缺少必需的列", "en": "required column is missing"},
        "import.ignored_columns": {
            "zh-CN": "第 1 行：忽略未知的列 {names}（可用：{allowed}）",
            "en": "line 1: ignored unknown columns {names} (allowed: {allowed})",
        },
        "import.duplicate_column": {"zh-CN": "列名重复", "en": "column appears twice"},
        "import.extra_fields": {
            "zh-CN": "字段比表头多（有未加引号的逗号？）",
            "en": "more fields than the header (an unquoted comma?)",
        },
        "import.empty": {"zh-CN": "文件是空的", "en": "the file is empty"},
        "import.duplicate_row": {
            "zh-CN": "与第 {first} 行重复",
            "en": "duplicates line {first}",
        },
        "import.unlinked": {
            "zh-CN": "第 {line} 行，{column} 列：{userid} 不是任何员工，暂不关联",
            "en": "line {line}, column {column}: {userid} matches no employee; left unlinked",
        },
        "import.bad_csv": {"zh-CN": "CSV 格式错误：{reason}", "en": "malformed CSV: {reason}"},
    }
)


@dataclass(frozen=True)
class RowError:
    """One problem: where (line, column) and what was expected."""

    line: int
    column: str
    message: str
    got: str | None = None

    def text(self, locale: str | None) -> str:
        """The error as one line in ``locale``."""
        out = i18n.t("import.error", locale, line=self.line, column=self.column, message=self.message)
        if self.got is not None:
            out += i18n.t("import.got", locale, got=repr(self.got))
        return out


@dataclass
class ImportReport:
    """What an import found and did; ``written`` is False whenever there was an error."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False
    encoding: str = ""  # what the file was read as (UTF-8, UTF-8 (BOM), GB18030, UTF-16)

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(data: bytes, locale: str | None, report: ImportReport) -> str | None:
    decoded = decode(data)
    report.encoding = decoded.encoding
    if decoded.text is None:
        report.errors.append(RowError(decoded.bad_line, "-", i18n.t("import.encoding", locale)))
    return decoded.text


def read_rows(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    locale: str | None,
    report: ImportReport,
    aliases: dict[str, str] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, {column: value})``; header and encoding problems go to ``report``.

    Header cells are mapped through ``aliases`` (Chinese HRIS names → CareBot columns) first.
    """
    names, rows = read_lists(path, required, optional, locale, report, aliases)
    for line, values in rows:
        yield line, {n: v for n, v in zip(names, values, strict=False) if n}


def read_lists(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    locale: str | None,
    report: ImportReport,
    aliases: dict[str, str] | None = None,
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The canonical column names (``""`` for ignored ones) and ``(line number, cells)`` per row.

    The lean form of :func:`read_rows` for large files (no dict per row); a row may be shorter
    than the header. Header and encoding problems go to ``report`` and leave no rows.
    """
    text = _decode(path.read_bytes(), locale, report)
    if text is None:
        return [], iter(())
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        report.errors.append(RowError(1, "-", i18n.t("import.bad_csv", locale, reason=str(exc))))
        return [], iter(())
    if header is None or not any(h.strip() for h in header):
        report.errors.append(RowError(1, "-", i18n.t("import.empty", locale)))
        return [], iter(())
    names = [canonical(h, aliases or {}) for h in header]
    allowed = set(required) | set(optional)
    ignored = [n for n in names if n and n not in allowed]
    if ignored:
        # HRIS exports carry columns CareBot has no use for (and must not keep, e.g. salary):
        # skip them, but say so, since an ignored column may also be a mistyped optional one.
        known = ", ".join((*required, *optional))
        report.warnings.append(i18n.t("import.ignored_columns", locale, names=", ".join(ignored), allowed=known))
    names = [n if n in allowed else "" for n in names]
    for name in names:
        if name and names.count(name) > 1:
            report.errors.append(RowError(1, name, i18n.t("import.duplicate_column", locale)))
    for name in required:
        if name not in names:
            report.errors.append(RowError(1, name, i18n.t("import.missing_column", locale)))
    if report.errors:
        return [], iter(())
    return names, _cells(reader, len(names), locale, report)


def _cells(reader: Any, width: int, locale: str | None, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    line = reader.line_num
    try:
        for values in reader:
            start, line = line + 1, reader.line_num
            if not "".join(values).strip():
                continue  # blank line
            if len(values) > width:
                report.errors.append(RowError(start, "-", i18n.t("import.extra_fields", locale)))
                continue
            yield start, values
    except csv.Error as exc:
        report.errors.append(RowError(line + 1, "-", i18n.t("import.bad_csv", locale, reason=str(exc))))


def _validation_errors(exc: ValidationError, raw: dict[str, Any], line: int, locale: str | None) -> list[RowError]:
    out = []
    for err in exc.errors():
        column = field_of(err, {"day": "date"})
        got = raw.get(column)
        out.append(RowError(line, column, describe(err, locale), got if isinstance(got, str) and got else None))
    return out


def import_employees(session: Session, runtime: Runtime, path: Path, *, locale: str | None = None) -> ImportReport:
    """Validate the whole employee file, then upsert it (managers may come later in the file)."""
    report = ImportReport()
    rows: list[tuple[int, EmployeeRow]] = []
    first_line: dict[str, int] = {}
    for line, raw in read_rows(path, EMPLOYEE_REQUIRED, EMPLOYEE_OPTIONAL, locale, report, EMPLOYEE_ALIASES):
        report.rows += 1
        try:
            row = EmployeeRow.model_validate(raw)
        except ValidationError as exc:
            report.errors.extend(_validation_errors(exc, raw, line, locale))
            continue
        if row.userid in first_line:
            msg = i18n.t("import.duplicate_row", locale, first=first_line[row.userid])
            report.errors.append(RowError(line, "userid", msg, row.userid))
            continue
        first_line[row.userid] = line
        rows.append((line, row))
    if report.errors:
        return report
    referenced = {(r.manager_userid, "manager_userid", n) for n, r in rows if r.manager_userid}
    referenced |= {(r.hrbp_userid, "hrbp_userid", n) for n, r in rows if r.hrbp_userid}
    referenced |= {(r.mentor_userid, "mentor_userid", n) for n, r in rows if r.mentor_userid}
    unlinked = unknown_userids(session, {u for u, _, _ in referenced} - first_line.keys())
    for userid, column, line in sorted(referenced, key=lambda t: (t[2], t[1])):
        if userid in unlinked:
            report.warnings.append(i18n.t("import.unlinked", locale, line=line, column=column, userid=userid))
    stats = upsert_people(session, runtime, [r for _, r in rows], source="import")
    report.created, report.updated, report.written = stats.created, stats.updated, True
    return report


def import_metrics(session: Session, runtime: Runtime, path: Path, *, locale: str | None = None) -> ImportReport:
    """Validate the whole metrics file against the catalogue, then upsert by (employee, metric, date)."""
    report = ImportReport()
    rows: list[tuple[int, MetricRow]] = []
    for line, raw in read_rows(path, METRIC_REQUIRED, (), locale, report, METRIC_ALIASES):
        report.rows += 1
        row, errors = validate_metric(raw, runtime.settings.metrics, locale)
        if row is None:
            for column, message in errors.items():
                got = raw.get(column)
                report.errors.append(RowError(line, column, message, got or None))
            continue
        rows.append((line, row))
    missing = unknown_userids(session, [r.userid for _, r in rows])
    for line, row in rows:
        if row.userid in missing:
            report.errors.append(RowError(line, "userid", i18n.t("metric.no_employee", locale), row.userid))
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report
    stats = upsert_metrics(session, [r for _, r in rows], source="import")
    report.created, report.written = stats.upserted, True
    return report
