"""The chat entry point: a ChatMessage holding a slash command becomes one command invocation.

Only commands are handled here; other text (e.g. a numeric survey answer) is left to other
handlers, and the fallback hint runs only when nobody answered the message.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core import i18n
from bot.core.logsafe import describe
from bot.people.access import roles_of
from bot.people.directory import active_employee
from bot.pipeline import ratelimit
from bot.pipeline.dispatch import Context, Reply
from bot.pipeline.events import ChatMessage
from handlers.commands import registry
from handlers.commands.context import CommandContext
from handlers.commands.help import help_reply
from handlers.commands.parser import MAX_ARGS_CHARS, parse
from handlers.commands.suggest import suggest
from handlers.commands.text import plain

if TYPE_CHECKING:
    from bot.ops.registry import Registry

log = logging.getLogger(__name__)


def run_command(event: ChatMessage, ctx: Context) -> Reply | None:
    """Run the slash command in ``event`` (if any) for its sender, within their rights."""
    parsed = parse(event.text, registry.names())
    if parsed is None:
        return None
    settings = ctx.runtime.settings
    caller = active_employee(ctx.session, event.sender_userid)
    roles = roles_of(ctx.session, caller)
    locale = i18n.normalise_locale((caller.locale if caller else None) or settings.app.locale)
    limit = settings.commands.rate_limit_per_minute
    decision = ratelimit.check_and_record(ctx.session, event.sender_userid, ctx.runtime.clock.now(), limit)
    if not decision.allowed:
        log.info("rate limit: %s sent more than %d commands a minute", event.sender_userid, limit)
        return Reply(text=i18n.t("commands.slow_down", locale, seconds=decision.retry_after_seconds, limit=limit))
    if parsed.too_long:
        return Reply(text=i18n.t("commands.too_long", locale, limit=MAX_ARGS_CHARS))
    cmd = registry.lookup(parsed.name)
    if cmd is None:
        # A likely typo gets one line naming the command; anything else gets the help list.
        allowed = [c for c in registry.all_commands() if c.allowed(roles)]
        guess = suggest(parsed.name, allowed)
        if guess is not None:
            example = guess.example_for(locale)
            return Reply(text=i18n.t("commands.did_you_mean", locale, name=guess.name, example=example))
        # Unknown commands get help; the echoed name is cut and stripped of markdown.
        intro = i18n.t("commands.unknown", locale, name=plain(parsed.name, 20)) if parsed.name else None
        return help_reply(roles, locale, intro=intro)
    if not cmd.allowed(roles):
        key = "commands.stranger" if caller is None else "commands.not_allowed"
        return help_reply(roles, locale, intro=i18n.t(key, locale, name=cmd.name))
    cctx = CommandContext(
        runtime=ctx.runtime,
        session=ctx.session,
        event=event,
        caller=caller,
        args=parsed.args,
        locale=locale,
        is_group=event.is_group,
        roles=roles,
        name=cmd.name,
    )
    try:
        # A savepoint: a failing command loses its own writes, not the stored event or the hit.
        with ctx.session.begin_nested():
            reply = cmd.fn(cctx)
    except Exception as exc:
        # Neither who nor the error's text (it may quote the arguments): the command and where it broke.
        log.error("command /%s failed: %s", cmd.name, describe(exc))
        reply = Reply(text=i18n.t("commands.failed", locale, name=cmd.name))
    if event.is_group and cmd.private_in_group:
        # Person-level detail never goes to the group: a short note there, the answer 1:1.
        ctx.replies.append(Reply(text=i18n.t("commands.sent_privately", locale)))
        reply = replace(reply, private=True)
    return reply


def hint_help(event: ChatMessage, ctx: Context) -> Reply | None:
    """A message nobody answered (not a command, not a survey answer): point to /help."""
    if not event.text.strip():
        return None
    caller = active_employee(ctx.session, event.sender_userid)
    locale = i18n.normalise_locale((caller.locale if caller else None) or ctx.runtime.settings.app.locale)
    return Reply(text=i18n.t("commands.hint", locale))


def register(registry: Registry) -> None:
    """Slash commands in chat; the ``/help`` hint when nothing else answered."""
    registry.on(ChatMessage, run_command)
    registry.on(ChatMessage, hint_help, fallback=True)
