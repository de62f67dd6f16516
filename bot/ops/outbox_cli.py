"""Delivery commands for admins: drain the outbox, test a deployment, check credentials, see failures."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from bot.core.errors import PlatformAPIError
from bot.core.i18n import fmt_datetime
from bot.core.runtime import Runtime, get_runtime
from bot.models import OutboxMessage
from bot.pipeline import outbox
from bot.platforms import names as platform_names
from bot.platforms.configured import CREDENTIAL_KEYS, setup_notes

STATUSES = ("pending", "sending", "sent", "failed", "duplicate", "unknown")
# The platform's own id of a sent message, by what each send records (first found wins).
PLATFORM_ID_KEYS = ("task_id", "process_query_key", "carrier_id", "msgid", "out_track_id", "msg_uuid", "message_id")


def _when(runtime: Runtime, at: object) -> str:
    return fmt_datetime(at, runtime.tz, runtime.settings.app.locale) if isinstance(at, datetime) else "-"


def _summary(counts: dict[str, int]) -> str:
    keys = ["sent", "retry", "failed", "deferred", "duplicate"] + (["unknown"] if counts.get("unknown") else [])
    return ", ".join(f"{k} {counts.get(k, 0)}" for k in keys)


def _backlog(runtime: Runtime) -> str:
    with runtime.db.session() as s:
        pending, next_due = s.execute(
            select(func.count(), func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending")
        ).one()
    return f"still pending: {pending}" + (f" (next at {_when(runtime, next_due)})" if pending else "")


@click.command("send-pending")
@with_appcontext
def send_pending() -> None:
    """Send every outbox message that is due now, once, and print what happened."""
    runtime = get_runtime()
    counts = outbox.drain(runtime)
    click.echo(f"outbox: {_summary(counts)}; {_backlog(runtime)}")
    if counts.get("failed"):
        click.echo("failed messages: carebot outbox list --status failed", err=True)
    if counts.get("unknown"):
        click.echo("messages that may have arrived (not sent again): carebot outbox list --status unknown", err=True)


@click.command("send-test")
@click.option("--user", "userid", required=True, help="Recipient's platform userid.")
@click.option("--platform", "platform_name", default=None, help="Platform (default [platform].default).")
@click.argument("text")
@with_appcontext
def send_test(userid: str, platform_name: str | None, text: str) -> None:
    """Queue TEXT to one user through the default platform, then send it (checks a deployment)."""
    runtime = get_runtime()
    name = platform_name or runtime.settings.platform.default
    with runtime.db.session() as s:
        msg_id = outbox.enqueue(
            s, key=f"send-test:{uuid.uuid4().hex}", recipient=userid, kind="text", payload={"text": text}, platform=name
        )
    outbox.drain(runtime)
    with runtime.db.session() as s:
        row = s.get(OutboxMessage, msg_id)
        assert row is not None
        status, attempts, error, ref = row.status, row.attempts, row.last_error, row.platform_ref
    if status == "sent":
        click.echo(f"message {msg_id} sent to {userid} via {name} ({ref or {}})")
        return
    if status == "pending":
        click.echo(f"message {msg_id} not sent yet (attempt {attempts}): {error}; the scheduler will retry", err=True)
    else:
        click.echo(f"message {msg_id} {status}: {error}", err=True)
    sys.exit(1)


@click.group("platform")
def platform_group() -> None:
    """Chat platform commands."""


@platform_group.command("check")
@click.option("--platform", "platform_name", type=click.Choice(platform_names.ALL), default=None)
@with_appcontext
def platform_check(platform_name: str | None) -> None:
    """Fetch an access token and say whether the platform credentials work (exit 1 if not)."""
    runtime = get_runtime()
    name = platform_name or runtime.settings.platform.default
    if name == "local":
        click.echo("local: no credentials needed (messages go to the built-in simulator)")
        return
    platform = runtime.platforms.get(name)
    if platform is None:
        click.echo(
            f"{name}: NOT configured: set [{name}] {CREDENTIAL_KEYS[name]} (secrets via CAREBOT_{name.upper()}__…)",
            err=True,
        )
        sys.exit(1)
    client = getattr(platform, "client", None)
    agent_id = str(getattr(client, "agent_id", ""))
    if not agent_id.isdigit():
        click.echo(f"{name}: [{name}].agent_id must be a number, got {agent_id!r}", err=True)
        sys.exit(1)
    try:
        token = client.check_credentials()  # type: ignore[union-attr]
    except PlatformAPIError as exc:
        click.echo(f"{name}: credentials NOT working: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{name}: credentials OK (access token valid until {_when(runtime, token.expires_at)})")
    for note in setup_notes(name, platform):
        click.echo(note)


@click.group("outbox")
def outbox_group() -> None:
    """Inspect and retry outbound messages."""


@outbox_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only messages in this status.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@with_appcontext
def outbox_list(status: str | None, limit: int) -> None:
    """List messages, newest first: id, status, recipient, attempts, the platform's id, last error."""
    runtime = get_runtime()
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    with runtime.db.session() as s:
        rows = list(s.scalars(query))
    if not rows:
        click.echo(f"no {status or ''} messages".replace("  ", " "))
        return
    click.echo("id\tstatus\tplatform\trecipient\tkind\tattempts\tcreated\tplatform_id\tlast_error")
    for r in rows:
        error = (r.last_error or "").replace("\n", " ")[:300]
        click.echo(
            f"{r.id}\t{r.status}\t{r.platform}\t{r.recipient}\t{r.kind}\t{r.attempts}\t"
            f"{_when(runtime, r.created_at)}\t{platform_id(r.platform_ref)}\t{error}"
        )


def platform_id(ref: dict[str, Any] | None) -> str:
    """The id the platform gave a sent message (task id, ``processQueryKey``, ``msgid`` …), or ``-``."""
    for key in PLATFORM_ID_KEYS:
        if ref and ref.get(key) not in (None, ""):
            return f"{key}={ref[key]}"
    return "-"


@outbox_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Retry every failed message.")
@click.option(
    "--force", is_flag=True, help="Also send the given 'unknown' messages again (after checking they never arrived)."
)
@with_appcontext
def outbox_retry(ids: tuple[int, ...], all_failed: bool, force: bool) -> None:
    """Queue failed messages again (after fixing what made them fail).

    Messages in ``unknown`` may already have reached the recipient (the platform's answer was lost
    and it would not drop a second copy): they are sent again only when named with ``--force``.
    """
    if not ids and not all_failed:
        raise click.UsageError("give message ids or --all-failed")
    runtime = get_runtime()
    unknown = OutboxMessage.status == "unknown"
    with runtime.db.session() as s:
        named_unknown = list(
            s.execute(select(OutboxMessage.id, OutboxMessage.last_error).where(unknown, OutboxMessage.id.in_(ids)))
        )
        all_unknown = s.scalar(select(func.count()).where(unknown)) or 0
    count = outbox.requeue(runtime, None if all_failed else list(ids), statuses=("failed",))
    if force and named_unknown:
        count += outbox.requeue(runtime, [i for i, _ in named_unknown], statuses=("unknown",))
    click.echo(f"{count} message(s) queued again; they go out with the next drain")
    if named_unknown and not force:
        for msg_id, error in named_unknown:
            click.echo(f"message {msg_id} not queued: {error or 'delivery unknown'}", err=True)
        listed = " ".join(str(i) for i, _ in named_unknown)
        click.echo(
            f"{len(named_unknown)} message(s) may already have reached the recipient: a retry could show a second "
            f"copy. Check with the recipient, then: carebot outbox retry --force {listed}",
            err=True,
        )
        sys.exit(1)
    others = all_unknown - len(named_unknown)
    if all_failed and others:
        click.echo(
            f"{others} message(s) in 'unknown' were left alone (they may have arrived): "
            "carebot outbox list --status unknown",
            err=True,
        )


COMMANDS = (send_pending, send_test, platform_group, outbox_group)
