"""``carebot doctor``: the deployment checks and the security checks, printed with their levels."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from bot.core import i18n
from bot.core.runtime import get_runtime
from bot.ops.doctor import run_checks
from bot.ops.security_checks import security_checks


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Check the configuration, the database and the holiday calendar; print warnings.

    Exits 0 when CareBot can run (warnings included), 1 when it cannot (e.g. no database) or a
    security check finds a critical item (docs/security.md).
    """
    runtime = get_runtime()
    locale = runtime.settings.app.locale
    results = run_checks(runtime)
    for result in results:
        click.echo(result.line(locale), err=result.level != "ok")
    security = security_checks(runtime.settings)
    click.echo(f"— {i18n.t('doctor.sec.header', locale)} —")
    for result in security:
        click.echo(result.line(locale), err=result.level != "ok")
    if any(r.level == "error" for r in [*results, *security]):
        sys.exit(1)



COMMANDS = (doctor,)
