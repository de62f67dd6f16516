"""``carebot evaluation plan`` (how long to run the experiment) and ``carebot evaluation assign``."""

from __future__ import annotations

import math

import click
from flask.cli import with_appcontext

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.evaluation import messages  # noqa: F401  (registers the texts)
from bot.evaluation.assignment import assign_pending, started
from bot.evaluation.experiment import realised_share
from bot.evaluation.power import PlanInput, observed, plan

FRACTION = click.FloatRange(0, 1, min_open=True, max_open=True)


@click.group("evaluation")
def evaluation() -> None:
    """Evaluation mode: a randomised holdout that measures what care changes (docs/report.md)."""


@evaluation.command("plan")
@click.option(
    "--reduction",
    type=FRACTION,
    default=0.3,
    show_default=True,
    help="Relative reduction of leaving to detect (0.3 = the care arm leaves 30 % less often).",
)
@click.option("--employees", type=click.IntRange(1), default=None, help="Company size (default: active employees).")
@click.option(
    "--base-turnover",
    type=FRACTION,
    default=None,
    help="Annual turnover without care, e.g. 0.32 (default: the last 12 months' leavers).",
)
@click.option(
    "--tagged-per-month",
    type=click.FloatRange(0, min_open=True),
    default=None,
    help="People newly tagged a month (default: the last 90 days' rate).",
)
@click.option(
    "--holdout-share",
    type=click.FloatRange(0, 0.5, min_open=True),
    default=None,
    help="Share of people in the holdout (default: [evaluation].holdout_share).",
)
@click.option("--power", type=FRACTION, default=0.8, show_default=True)
@click.option("--alpha", type=FRACTION, default=0.05, show_default=True)
@with_appcontext
def plan_command(
    reduction: float,
    employees: int | None,
    base_turnover: float | None,
    tagged_per_month: float | None,
    holdout_share: float | None,
    power: float,
    alpha: float,
) -> None:
    """How many months the experiment needs to detect a given reduction of turnover."""
    runtime = get_runtime()
    loc = i18n.normalise_locale(runtime.settings.app.locale)
    with runtime.db.session() as s:
        active, annual, tagged = observed(s, runtime.today())
    size = employees or active
    turnover = base_turnover if base_turnover is not None else annual
    if not size or not turnover:
        raise click.UsageError(i18n.t("exp.plan.need", loc))
    if tagged_per_month is None:
        # Without history, assume a tenth of the company is tagged a month (the demo's order of magnitude).
        tagged_per_month = tagged if tagged and employees is None else size * 0.1
    share = holdout_share or runtime.settings.evaluation.holdout_share
    window = runtime.settings.report.turnover_window_days
    inp = PlanInput(size, turnover, reduction, tagged_per_month, share, window, alpha, power)
    result = plan(inp)
    click.echo(
        i18n.t(
            "exp.plan.result",
            loc,
            employees=size,
            turnover=f"{turnover * 100:.1f}%",
            window=window,
            base=f"{result.holdout_rate * 100:.1f}%",
            target=f"{result.care_rate * 100:.1f}%",
            reduction=f"{reduction * 100:.0f}%",
            power=f"{power * 100:.0f}%",
            alpha=f"{alpha * 100:g}%",
            people=i18n.fmt_number(result.people),
            care=i18n.fmt_number(result.care_people),
            holdout=i18n.fmt_number(result.holdout_people),
            share=f"{share * 100:.0f}%",
            tagged=f"{tagged_per_month:.0f}",
            enrol=f"{result.enrolment_months:.1f}" if result.enrolment_months is not None else "—",
            months="—" if result.total_months is None else str(math.ceil(result.total_months)),
        )
    )


@evaluation.command("assign")
@with_appcontext
def assign_command() -> None:
    """Assign arms to units that have none yet (the daily evaluation does this too) and print the split."""
    runtime = get_runtime()
    loc = i18n.normalise_locale(runtime.settings.app.locale)
    if not started(runtime):
        raise click.UsageError(i18n.t("exp.assign.off", loc))
    with runtime.db.session() as s:
        result = assign_pending(runtime, s)
        share = realised_share(s, runtime.settings.evaluation.unit)
    click.echo(
        i18n.t(
            "exp.assign.done",
            loc,
            n=result.total,
            care=result.care,
            holdout=result.holdout,
            realised="—" if share is None else f"{share * 100:.1f}%",
        )
    )


COMMANDS = (evaluation,)
