"""The daily digest: one message per recipient (split into parts that fit the platform), most severe first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.models import Reminder, Tag
from bot.pipeline.platform import MarkdownLimit
from bot.platforms.limits import markdown_limit
from bot.platforms.names import LOCAL
from bot.reminders.compose import SEVERITY_ORDER, Subject, advice_text, quote, severity_icon, who_line
from bot.reminders.ruleinfo import RuleText
from bot.reminders.templates import Templates

# Markdown limits are the platforms' (bot/platforms/<name>/limits.py), counted with the bold title
# line the WeCom platform puts first; unknown platforms get the strictest of all.
SIMULATOR = MarkdownLimit(chars=5000)  # the simulator shows a digest whole, as DingTalk would
SEPARATOR = "\n\n---\n\n"


@dataclass(frozen=True)
class DigestItem:
    """One reminder inside a digest."""

    reminder: Reminder
    tag: Tag
    subject: Subject
    rule: RuleText
    resent: bool = False


def fits(title: str, text: str, platform: str) -> bool:
    """Whether a markdown message (title and body) is within the platform's limit."""
    limit = SIMULATOR if platform == LOCAL else markdown_limit(platform)
    return limit.fits(f"**{title}**\n{text}")


def _item(tpl: Templates, locale: str, index: int, item: DigestItem, today: date) -> str:
    head = tpl.text(
        locale,
        "digest_resent" if item.resent else "digest_item",
        index=index,
        severity_icon=severity_icon(tpl, locale, item.tag.severity),
        name=item.subject.name,
        department=item.subject.department or tpl.text(locale, "unknown_department"),
        tag=item.rule.name,
        id=item.reminder.id,
    )
    section = [head, who_line(tpl, locale, item.subject, today), tpl.text(locale, "seen", evidence=item.rule.evidence)]
    # Compact: the first suggestion and the first thing to say; the full guidance is on cards and /status.
    todo = advice_text(tpl, locale, item.tag, item.rule).split("\n")[0].removeprefix("- ")
    if todo:
        section.append(tpl.text(locale, "digest_todo", todo=todo))
    if item.rule.talking_points:
        section.append(tpl.text(locale, "digest_say", talking_point=quote(locale, item.rule.talking_points[0])))
    section.append(tpl.text(locale, "digest_commands", id=item.reminder.id))
    return "\n\n".join(section)


def order(items: list[DigestItem]) -> list[DigestItem]:
    """Most severe first, new before re-sent, then oldest reminder first."""
    return sorted(items, key=lambda i: (SEVERITY_ORDER.get(i.tag.severity, 3), i.resent, i.reminder.id))


def _shrink(title: str, text: str, platform: str, prefix: str = "") -> str:
    """Cut one over-long item so ``prefix + item`` fits (the commands line, the ask, is kept)."""
    lines = text.split("\n\n")
    while len(lines) > 4 and not fits(title, prefix + "\n\n".join(lines), platform):
        lines.pop(-2)  # drop the talking point, then advice, then why; keep head, who, evidence, commands
    while not fits(title, prefix + "\n\n".join(lines), platform) and len(lines[2]) > 40:
        lines[2] = lines[2][: int(len(lines[2]) * 0.9)] + "…"  # a very long evidence line
    return "\n\n".join(lines)


def messages(
    tpl: Templates, locale: str, items: list[DigestItem], today: date, platform: str, *, more: int = 0
) -> list[tuple[str, str]]:
    """``[(title, markdown)]``: the digest in as few parts as the platform's size limit allows.

    ``more`` is how many further reminders wait for the next digest (said in the last part).
    """
    ordered = order(items)
    count = len(ordered)
    # Titles are sized for the worst case ("… · 99/99") so a part never outgrows its final title.
    probe = tpl.text(locale, "digest_title_part", count=count, part=99, parts=99)
    chunks: list[list[str]] = [[tpl.text(locale, "digest_intro", count=count)]]
    tail = [tpl.text(locale, "digest_more", count=more)] if more else []
    for index, item in enumerate(ordered, start=1):
        text = _item(tpl, locale, index, item, today)
        if fits(probe, SEPARATOR.join([*chunks[-1], text]), platform):
            chunks[-1].append(text)
        elif len(chunks[-1]) == 1 and index == 1:  # never send the intro alone
            chunks[-1].append(_shrink(probe, text, platform, chunks[-1][0] + SEPARATOR))
        else:
            chunks.append([_shrink(probe, text, platform)])
    if tail:
        if fits(probe, SEPARATOR.join([*chunks[-1], *tail]), platform):
            chunks[-1].extend(tail)
        else:
            chunks.append(tail)
    if len(chunks) == 1:
        return [(tpl.text(locale, "digest_title", count=count), SEPARATOR.join(chunks[0]))]
    return [
        (tpl.text(locale, "digest_title_part", count=count, part=n, parts=len(chunks)), SEPARATOR.join(chunk))
        for n, chunk in enumerate(chunks, start=1)
    ]
