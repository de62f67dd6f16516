"""``/help`` ``/帮助``: the commands this caller may use, one example each."""

from __future__ import annotations

from bot.core import i18n
from bot.pipeline.dispatch import Reply
from handlers.commands import registry
from handlers.commands.context import CommandContext
from handlers.commands.text import STRICTEST, Section, render

i18n.register(
    {
        "commands.help.summary": {"zh-CN": "列出你可以使用的命令", "en": "list the commands you can use"},
        "commands.help.title": {"zh-CN": "关怀助手 · 可用命令", "en": "CareBot · your commands"},
        "commands.help.example": {"zh-CN": "例：{example}", "en": "e.g. {example}"},
        "commands.help.aliases": {"zh-CN": "（{aliases}）", "en": " ({aliases})"},
    }
)


def help_lines(roles: frozenset[str], locale: str) -> list[str]:
    """One markdown list line per command the caller may use."""
    lines = []
    for cmd in registry.all_commands():
        if not cmd.allowed(roles):
            continue
        # Chinese aliases are worth showing; ASCII shortcuts like /h and /? would only add noise.
        aliases = " ".join(f"/{a}" for a in cmd.aliases if not a.isascii())
        alias_text = i18n.t("commands.help.aliases", locale, aliases=aliases) if aliases else ""
        summary = i18n.t(cmd.summary_key, locale)
        example = i18n.t("commands.help.example", locale, example=cmd.example_for(locale))
        lines.append(f"- **/{cmd.name}**{alias_text} {summary} · {example}")
    return lines


def help_reply(roles: frozenset[str], locale: str, *, intro: str | None = None) -> Reply:
    """The help text for a caller with ``roles``, optionally after one line of ``intro``."""
    title = i18n.t("commands.help.title", locale)
    head = [intro] if intro else []
    sections = [Section(lines=[*head, f"**{title}**"]), Section(items=help_lines(roles, locale))]
    return Reply(text=render(sections, locale, STRICTEST), markdown_title=title)


@registry.command(
    "help",
    aliases=("帮助", "h", "?", "？"),
    roles=("anyone",),
    summary_key="commands.help.summary",
    order=10,
    example="/help",
    example_en="/help",
    private_in_group=False,
)
def help_command(ctx: CommandContext) -> Reply:
    """List the caller's commands."""
    return help_reply(ctx.roles, ctx.locale)
