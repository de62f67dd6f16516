"""``carebot report [--from D --to D] [--format md|csv|json] [--output FILE]``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.report import period as periods
from bot.report.service import FORMATS, Format, generate, render


@click.command("report")
@click.option("--from", "start", default=None, metavar="YYYY-MM-DD", help="First day (default: 30 days before --to).")
@click.option("--to", "end", default=None, metavar="YYYY-MM-DD", help="Last day, inclusive (default: yesterday).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to FILE instead of standard output (CSV gets a UTF-8 BOM so Excel reads the Chinese).",
)
@with_appcontext
def report(start: str | None, end: str | None, fmt: str, output: Path | None) -> None:
    """The effectiveness report: care activity, pulse change after care, turnover, HR time, team pulse.

    Aggregates only (groups under [report].min_group_size people show "样本不足"); days in the
    company time zone; the language is [app].locale. A bad date is a one-line error, exit 2.
    """
    runtime = get_runtime()
    locale = runtime.settings.app.locale
    try:
        period = periods.resolve_for(runtime, start, end, locale, labels=("--from", "--to"))
    except periods.PeriodError as exc:
        click.echo(f"carebot report: {exc.message}", err=True)
        sys.exit(2)
    try:
        built = generate(runtime, period, locale, actor="cli", channel="cli", fmt=fmt)
    except SQLAlchemyError as exc:
        click.echo(i18n.t("report.db_failed", locale, reason=type(exc).__name__), err=True)
        sys.exit(1)
    text = render(built, cast(Format, fmt), locale, runtime)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
    click.echo(str(output), err=True)


COMMANDS = (report,)
