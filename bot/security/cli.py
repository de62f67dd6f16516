"""``carebot dashboard hash-password``: the password hash for a ``[dashboard].users`` entry."""

from __future__ import annotations

import sys

import click
from werkzeug.security import generate_password_hash

MIN_LENGTH = 12


@click.group("dashboard")
def dashboard_group() -> None:
    """Dashboard accounts."""


@dashboard_group.command("hash-password")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the password from standard input (scripts).")
def hash_password(from_stdin: bool) -> None:
    """Print a scrypt hash to put in [dashboard].users as password_hash (the password is never stored)."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_LENGTH:
        click.echo(f"carebot: a dashboard password needs at least {MIN_LENGTH} characters", err=True)
        sys.exit(2)
    click.echo(generate_password_hash(password))


COMMANDS = (dashboard_group,)
