"""CLI: ``carebot evaluate``, ``carebot rules check`` and ``carebot rules explain``."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from bot.core.cli_types import ISO_DATE
from bot.core.errors import BadRuleFile
from bot.core.runtime import get_runtime
from rules.engine import EvaluationResult

MAX_RANGE_DAYS = 366


def _summary(result: EvaluationResult) -> str:
    per_rule = ", ".join(f"{rule_id} {len(o.raised)}" for rule_id, o in sorted(result.rules.items()) if o.raised)
    line = (
        f"{result.day} (facts through {result.facts_through}): {len(result.raised)} raised, "
        f"{len(result.resolved)} resolved, {len(result.expired)} expired in {result.seconds:.1f}s"
    )
    return f"{line} — {per_rule}" if per_rule else line


@click.command("evaluate")
@click.option("--date", "day", type=ISO_DATE, help="Day to evaluate (default today).")
@click.option("--from", "start", type=ISO_DATE, help="First day of a range.")
@click.option("--to", "end", type=ISO_DATE, help="Last day of a range (inclusive).")
@with_appcontext
def evaluate_cmd(day: date | None, start: date | None, end: date | None) -> None:
    """Evaluate the care-tag rules (idempotent: re-running a day creates nothing new)."""
    from rules.engine import evaluate, evaluate_range

    if day and (start or end):
        raise click.UsageError("use either --date or --from/--to")
    if (start is None) != (end is None):
        raise click.UsageError("--from and --to go together")
    if start and end:
        if start > end:
            raise click.UsageError("--from is after --to")
        if (end - start).days >= MAX_RANGE_DAYS:
            raise click.UsageError(f"a range covers at most {MAX_RANGE_DAYS} days")
    runtime = get_runtime()
    try:
        results = evaluate_range(runtime, start, end) if start and end else [evaluate(runtime, day)]
    except BadRuleFile as exc:
        click.echo(f"carebot: invalid rules:\n{exc}", err=True)
        sys.exit(2)
    except SQLAlchemyError as exc:
        click.echo(f"carebot: evaluation failed: {type(exc).__name__}; run `carebot db upgrade` first?", err=True)
        sys.exit(1)
    failed = False
    for result in results:
        click.echo(_summary(result))
        for rule_id, error in sorted(result.errors.items()):
            failed = True
            click.echo(f"  rule {rule_id} failed: {error}", err=True)
    if failed:
        sys.exit(1)


@click.group("rules")
def rules_group() -> None:
    """Care-tag rule files: validate them, explain them for a person."""


@rules_group.command("check")
@with_appcontext
def rules_check() -> None:
    """Validate every rule file (built-in and [rules].paths) with the config switches and overrides."""
    from rules.loader import BUILTIN_DIR, load_rules

    runtime = get_runtime()
    try:
        ruleset = load_rules(runtime.settings.rules)
    except BadRuleFile as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for rule in ruleset:
        path = ruleset.files[rule.id]
        origin = "built-in" if path.parent == BUILTIN_DIR else str(path)
        click.echo(f"  {rule.id:<22} {rule.severity:<6} {rule.condition.kind:<18} {rule.name.zh} ({origin})")
    disabled = f"; disabled: {', '.join(ruleset.disabled)}" if ruleset.disabled else ""
    click.echo(f"{len(ruleset)} rules OK{disabled}")


@rules_group.command("explain")
@click.argument("userid")
@click.option("--date", "day", type=ISO_DATE, help="Day to explain (default today).")
@click.option("--locale", type=click.Choice(["zh-CN", "en"]), default=None, help="Language (default [app].locale).")
@with_appcontext
def rules_explain(userid: str, day: date | None, locale: str | None) -> None:
    """For every rule: does it hold for USERID on the day, and why (or why not)."""
    from rules.explain import explain

    runtime = get_runtime()
    locale = locale or runtime.settings.app.locale
    try:
        result = explain(runtime, userid, day, locale=locale)
    except LookupError as exc:
        click.echo(f"carebot: {exc.args[0]}", err=True)
        sys.exit(1)
    except BadRuleFile as exc:
        click.echo(f"carebot: invalid rules:\n{exc}", err=True)
        sys.exit(2)
    for line in result.lines(locale):
        click.echo(line)


COMMANDS = (evaluate_cmd, rules_group)
