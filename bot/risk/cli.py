"""``carebot risk train [--as-of D]`` and ``carebot risk backtest [--as-of D]``."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from bot.core import i18n
from bot.core.cli_types import ISO_DATE
from bot.core.runtime import get_runtime
from bot.risk import render, train
from bot.risk.labels import reason_label  # noqa: F401  (registers the risk messages)


@click.group("risk")
def risk_group() -> None:
    """The learned attrition-risk model: train it and measure it."""


@risk_group.command("train")
@click.option("--as-of", "as_of", type=ISO_DATE, default=None, help="Train on data up to this day (default today).")
@with_appcontext
def train_cmd(as_of: date | None) -> None:
    """Train the model on the company's own leavers up to --as-of, back-test it and keep it.

    Below [risk].min_leavers leavers the rule score stays in use, and this says so.
    """
    runtime = get_runtime()
    locale = runtime.settings.app.locale
    as_of = as_of or runtime.today()
    try:
        with runtime.db.session() as s:
            record = train.train(s, runtime, as_of)
            kind, rows, leavers, figures = record.kind, record.rows, record.leavers, record.backtest
    except SQLAlchemyError as exc:
        click.echo(i18n.t("cli.db_failed", locale, reason=type(exc).__name__), err=True)
        sys.exit(1)
    if kind == "learned":
        click.echo(
            i18n.t(
                "risk.r.learned",
                locale,
                as_of=as_of,
                rows=rows,
                leavers=leavers,
                horizon=runtime.settings.risk.horizon_days,
            )
        )
        for line in render.backtest_lines(figures, locale):
            click.echo(line)
        return
    message = i18n.t("risk.msg.few_leavers", locale, leavers=leavers, min=runtime.settings.risk.min_leavers)
    click.echo(i18n.t("risk.r.rules", locale, message=message))


@risk_group.command("backtest")
@click.option(
    "--as-of", "as_of", type=ISO_DATE, default=None, help="Back-test with data up to this day (default today)."
)
@with_appcontext
def backtest_cmd(as_of: date | None) -> None:
    """Print the time-split back-test: ROC-AUC, PR-AUC, leavers in the top 10 %/20 %, calibration."""
    runtime = get_runtime()
    locale = runtime.settings.app.locale
    as_of = as_of or runtime.today()
    try:
        with runtime.db.session() as s:
            figures, _ = train.backtest(s, runtime.settings.risk, as_of)
    except SQLAlchemyError as exc:
        click.echo(i18n.t("cli.db_failed", locale, reason=type(exc).__name__), err=True)
        sys.exit(1)
    for line in render.backtest_lines(figures, locale):
        click.echo(line)


COMMANDS = (risk_group,)
