"""``carebot calendar import FILE``: validate an admin's holiday year, show what changes, then write it.

The file holds one year (bot/core/holiday_file.py). The command lists every day whose kind changes
against the calendar in use now (bundled data, an earlier import, or the Monday–Friday fallback)
and writes only after confirmation: ``--yes`` for scripts, ``--dry-run`` to only look; without
either, it asks, and a non-interactive run that cannot answer writes nothing (exit 1).
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext

from bot.core import holiday_file, i18n
from bot.core.errors import ConfigError
from bot.core.holiday_file import YearData
from bot.core.runtime import get_runtime
from bot.core.workcalendar import DayKind, WorkCalendar, holiday_file_path

MAX_LISTED = 80  # changed days listed one by one; the rest are counted

i18n.register(
    {
        "cal.kind.workday": {"zh-CN": "工作日", "en": "workday"},
        "cal.kind.restday": {"zh-CN": "休息日", "en": "rest day"},
        "cal.kind.holiday": {"zh-CN": "法定假日", "en": "holiday"},
        "cal.summary": {
            "zh-CN": "{file}：{year} 年 {holidays} 天法定假日、{workdays} 个调休工作日（{source}）",
            "en": "{file}: {year} has {holidays} statutory days off and {workdays} adjusted workdays ({source})",
        },
        "cal.source.bundled": {"zh-CN": "将覆盖内置数据", "en": "replaces the bundled data"},
        "cal.source.imported": {"zh-CN": "将替换之前导入的 {year} 年", "en": "replaces the earlier import of {year}"},
        "cal.source.fallback": {"zh-CN": "目前按周一至周五计算", "en": "today Monday–Friday is assumed"},
        "cal.changes": {"zh-CN": "将有 {count} 天发生变化：", "en": "{count} days change:"},
        "cal.change": {"zh-CN": "  {day}（{weekday}）：{old} → {new}", "en": "  {day} ({weekday}): {old} → {new}"},
        "cal.more": {"zh-CN": "  ……另有 {count} 天", "en": "  … and {count} more days"},
        "cal.nothing": {"zh-CN": "与当前日历完全一致，无需写入。", "en": "Nothing changes; nothing written."},
        "cal.dry_run": {"zh-CN": "试运行：未写入任何内容。", "en": "Dry run: nothing written."},
        "cal.confirm": {"zh-CN": "写入 {target}？", "en": "Write {target}?"},
        "cal.not_confirmed": {
            "zh-CN": "未确认，未写入。脚本中请加 --yes（或 --dry-run 仅查看）。",
            "en": "Not confirmed; nothing written. In scripts pass --yes (or --dry-run to only look).",
        },
        "cal.written": {
            "zh-CN": "已写入 {target}。请重启 `carebot serve`/gunicorn 和 `carebot scheduler` 以使用新日历。",
            "en": "Written to {target}. Restart `carebot serve`/gunicorn and `carebot scheduler` to use it.",
        },
        "cal.error": {"zh-CN": "无法导入：{reason}", "en": "cannot import: {reason}"},
    }
)

WEEKDAYS = {"zh-CN": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def _new_kind(day: date, data: YearData) -> DayKind:
    if day in data.workdays:
        return "workday"
    if day in data.holidays:
        return "holiday"
    return "restday" if day.weekday() >= 5 else "workday"


def changes(calendar: WorkCalendar, year: int, data: YearData) -> list[tuple[date, DayKind, DayKind]]:
    """``(day, kind now, kind after the import)`` for every day of ``year`` that changes."""
    out = []
    day = date(year, 1, 1)
    while day.year == year:
        old, new = calendar.kind(day), _new_kind(day, data)
        # Only the workday/day-off split matters to rules and sending (a weekend inside a break is
        # "restday" in the bundled data and "holiday" in a file).
        if (old == "workday") != (new == "workday"):
            out.append((day, old, new))
        day += timedelta(days=1)
    return out


def _weekday(day: date, loc: str) -> str:
    names = WEEKDAYS["en" if loc == "en" else "zh-CN"]
    return names[day.weekday()] if loc == "en" else f"周{names[day.weekday()]}"


@click.group("calendar")
def calendar_group() -> None:
    """The statutory work calendar (holidays and 调休 workdays)."""


@calendar_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and show the changes; write nothing.")
@click.option("--yes", "-y", is_flag=True, help="Write without asking (for scripts).")
@with_appcontext
def import_command(file: Path, dry_run: bool, yes: bool) -> None:
    """Validate a one-year holiday file, list the days that change, and merge it into the holiday file."""
    runtime = get_runtime()
    loc = i18n.normalise_locale(runtime.settings.app.locale)
    target = Path(holiday_file_path(runtime.settings.calendar.holiday_file))
    try:
        year, data = holiday_file.read_one_year(file)
        existing = holiday_file.read(target) if target.is_file() else {}
    except ConfigError as exc:
        click.echo(i18n.t("cal.error", loc, reason=str(exc)), err=True)
        sys.exit(1)
    if year in existing:
        source = i18n.t("cal.source.imported", loc, year=year)
    elif runtime.calendar.has_year(year):
        source = i18n.t("cal.source.bundled", loc)
    else:
        source = i18n.t("cal.source.fallback", loc)
    click.echo(
        i18n.t(
            "cal.summary",
            loc,
            file=file,
            year=year,
            holidays=len(data.holidays),
            workdays=len(data.workdays),
            source=source,
        )
    )
    diff = changes(runtime.calendar, year, data)
    if not diff:
        click.echo(i18n.t("cal.nothing", loc))
        return
    click.echo(i18n.t("cal.changes", loc, count=len(diff)))
    for day, old, new in diff[:MAX_LISTED]:
        click.echo(
            i18n.t(
                "cal.change",
                loc,
                day=day.isoformat(),
                weekday=_weekday(day, loc),
                old=i18n.t(f"cal.kind.{old}", loc),
                new=i18n.t(f"cal.kind.{new}", loc),
            )
        )
    if len(diff) > MAX_LISTED:
        click.echo(i18n.t("cal.more", loc, count=len(diff) - MAX_LISTED))
    if dry_run:
        click.echo(i18n.t("cal.dry_run", loc))
        return
    if not yes:
        try:
            confirmed = click.confirm(i18n.t("cal.confirm", loc, target=target), default=False)
        except click.Abort:
            confirmed = False  # no terminal to answer (cron, a pipe): never write unasked
        if not confirmed:
            click.echo(i18n.t("cal.not_confirmed", loc), err=True)
            sys.exit(1)
    holiday_file.write(target, {**existing, year: data})
    click.echo(i18n.t("cal.written", loc, target=target))


COMMANDS = (calendar_group,)
