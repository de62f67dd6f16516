"""``carebot import employees|metrics|attendance|shifts FILE`` and ``carebot facts rebuild``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from bot.attendance import facts
from bot.core import i18n
from bot.core.cli_types import ISO_DATE
from bot.core.runtime import get_runtime
from bot.intake.attendance_import import import_attendance
from bot.intake.imports import ImportReport, import_employees, import_metrics
from bot.intake.shift_import import import_shifts

MAX_SHOWN = 50  # errors printed; the rest are counted

i18n.register(
    {
        "cli.import.failed": {
            "zh-CN": "导入失败：{n} 处错误，未写入任何数据（整个文件是一个事务）",
            "en": "import failed: {n} errors; nothing was written (the whole file is one transaction)",
        },
        "cli.import.more": {"zh-CN": "……另有 {n} 处错误", "en": "… and {n} more errors"},
        "cli.import.employees_ok": {
            "zh-CN": "已导入 {rows} 名员工：新增 {created}，更新 {updated}",
            "en": "imported {rows} employees: {created} created, {updated} updated",
        },
        "cli.import.metrics_ok": {
            "zh-CN": "已导入 {rows} 条指标数据",
            "en": "imported {rows} metric values",
        },
        "cli.import.checked": {
            "zh-CN": "检查通过：{rows} 行，未写入（--dry-run）",
            "en": "check passed: {rows} rows, nothing written (--dry-run)",
        },
        "cli.import.attendance_ok": {
            "zh-CN": "已导入 {rows} 行考勤（{people} 人，{start} 至 {end}），已重算考勤日数据 {facts} 行",
            "en": "imported {rows} attendance rows ({people} people, {start}..{end}); {facts} daily facts rebuilt",
        },
        "cli.import.shifts_ok": {
            "zh-CN": "已导入 {rows} 行排班：{created} 个人·天，重算考勤日数据 {updated} 行",
            "en": "imported {rows} schedule rows: {created} person-days; {updated} daily facts rebuilt",
        },
        "cli.import.encoding": {"zh-CN": "文件编码：{encoding}", "en": "file encoding: {encoding}"},
        "cli.warning": {"zh-CN": "警告：{text}", "en": "warning: {text}"},
        "cli.facts.done": {
            "zh-CN": "已重算 {start} 至 {end} 的考勤日数据：{rows} 行",
            "en": "daily attendance facts {start}..{end} recomputed: {rows} rows",
        },
        "cli.db_failed": {
            "zh-CN": "数据库操作失败：{reason}；是否已运行 `carebot db upgrade`？",
            "en": "database operation failed: {reason}; did you run `carebot db upgrade`?",
        },
    }
)


class _DryRun(Exception):
    """Raised inside the unit of work to roll a successful --dry-run back."""


def _print_report(report: ImportReport, ok_key: str, dry_run: bool, locale: str) -> None:
    if report.encoding:
        # Said every time: a GBK file read as GB18030 is a decision the user should see.
        click.echo(i18n.t("cli.import.encoding", locale, encoding=report.encoding), err=True)
    for warning in report.warnings:
        click.echo(i18n.t("cli.warning", locale, text=warning), err=True)
    if not report.ok:
        for err in report.errors[:MAX_SHOWN]:
            click.echo(err.text(locale), err=True)
        if len(report.errors) > MAX_SHOWN:
            click.echo(i18n.t("cli.import.more", locale, n=len(report.errors) - MAX_SHOWN), err=True)
        click.echo(i18n.t("cli.import.failed", locale, n=len(report.errors)), err=True)
        sys.exit(1)
    if dry_run:
        click.echo(i18n.t("cli.import.checked", locale, rows=report.rows))
        return
    click.echo(i18n.t(ok_key, locale, **vars(report)))


def _run_import(kind: str, path: Path, dry_run: bool) -> None:
    runtime = get_runtime()
    locale = runtime.settings.app.locale
    importer: Callable[..., ImportReport] = {
        "employees": import_employees,
        "metrics": import_metrics,
        "attendance": import_attendance,
        "shifts": import_shifts,
    }[kind]
    report = ImportReport()
    try:
        with runtime.db.session() as s:
            report = importer(s, runtime, path, locale=locale)
            if dry_run or not report.ok:
                raise _DryRun
    except _DryRun:
        pass
    except SQLAlchemyError as exc:
        click.echo(i18n.t("cli.db_failed", locale, reason=type(exc).__name__), err=True)
        sys.exit(1)
    _print_report(report, f"cli.import.{kind}_ok", dry_run, locale)


FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
ALL_OR_NOTHING = (
    "The file may be UTF-8 (with or without BOM) or GBK/GB18030 (detected; the encoding used is "
    "printed), and its header may use the Chinese column names of an HRIS export (docs/imports.md). "
    "It is imported all or nothing: every row is "
    "checked first, and if any row is wrong nothing is written and every error is listed with its "
    "line, column and what was expected (exit status 1)."
)


@click.group("import")
def import_group() -> None:
    """Import employees or metrics from CSV files (all or nothing)."""


@import_group.command(
    "employees",
    help=f"""Import employees from FILE (upsert by userid).

Required columns: userid, name, department, manager_userid, hired_on (YYYY-MM-DD; values may be
blank except userid and name). Optional: hrbp_userid, birthday (MM-DD), probation_ends_on,
position, is_hr, email, mobile, left_on, leave_reason (voluntary|involuntary|other). Managers and
HR business partners may appear later in the file than their reports.

{ALL_OR_NOTHING}""",
)
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Check the file and report, but write nothing.")
@with_appcontext
def import_employees_cmd(file: Path, dry_run: bool) -> None:
    _run_import("employees", file, dry_run)


@import_group.command(
    "metrics",
    help=f"""Import metric values from FILE: columns userid, metric, date, value.

Upserts by (employee, metric, date). Metric names must be in the [metrics] catalogue; unknown
names and unknown user ids are errors.

{ALL_OR_NOTHING}""",
)
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Check the file and report, but write nothing.")
@with_appcontext
def import_metrics_cmd(file: Path, dry_run: bool) -> None:
    _run_import("metrics", file, dry_run)


@import_group.command(
    "attendance",
    help=f"""Import daily attendance history from FILE: columns userid, date, first_in, last_out.

Optional: on_leave (1/0, 是/否), shift (09:00-18:00, 夜班 22:00-06:00, 休息). Times are HH:MM on
the date; 次日01:30, +1 01:30 or 25:30 mean the next morning. The file's days replace earlier
imported punches and leaves of the same people and days, and the daily facts of the imported
range are rebuilt.

{ALL_OR_NOTHING}""",
)
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Check the file and report, but write nothing.")
@with_appcontext
def import_attendance_cmd(file: Path, dry_run: bool) -> None:
    _run_import("attendance", file, dry_run)


@import_group.command(
    "shifts",
    help=f"""Import shift schedules (排班) from FILE, per person or per department.

Columns: userid or department; date, or from and to; shift (09:00-18:00, 夜班 22:00-06:00,
休息) or start and end. A shift ending at or before its start ends the next morning. Late,
overtime and late nights are then measured against each person's shift; the daily facts of the
scheduled days are rebuilt.

{ALL_OR_NOTHING}""",
)
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Check the file and report, but write nothing.")
@with_appcontext
def import_shifts_cmd(file: Path, dry_run: bool) -> None:
    _run_import("shifts", file, dry_run)


@click.group("facts")
def facts_group() -> None:
    """Daily attendance facts (attendance_days)."""


@facts_group.command("rebuild")
@click.option("--from", "start", type=ISO_DATE, default=None, help="First day (default: 30 days before --to).")
@click.option("--to", "end", type=ISO_DATE, default=None, help="Last day (default: today).")
@with_appcontext
def facts_rebuild(start: date | None, end: date | None) -> None:
    """Recompute the daily facts of every employee for a date range (idempotent)."""
    runtime = get_runtime()
    locale = runtime.settings.app.locale
    end = end or runtime.today()
    start = start or end - timedelta(days=29)
    if start > end:
        raise click.BadParameter(f"--from {start} is after --to {end}")
    try:
        with runtime.db.session() as s:
            stats = facts.rebuild(s, runtime, start, end)
    except SQLAlchemyError as exc:
        click.echo(i18n.t("cli.db_failed", locale, reason=type(exc).__name__), err=True)
        sys.exit(1)
    click.echo(i18n.t("cli.facts.done", locale, start=start, end=end, rows=stats.rows))


COMMANDS = (import_group, facts_group)
