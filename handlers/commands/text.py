"""Markdown that renders on DingTalk and WeCom and fits their limits.

DingTalk markdown bodies hold at most 5,000 characters, WeCom markdown at most 2,048 UTF-8 bytes
(shared/protocols.md §4.2, §6.2); the local simulator gets the stricter of both so the demo shows
what a real deployment would. Long lists are cut with a count of the rest ("…另有 N 人").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core import i18n
from bot.pipeline.platform import MarkdownLimit
from bot.platforms.limits import STRICTEST, markdown_limit

__all__ = ["STRICTEST", "Limit", "Section", "fits", "layout", "limit_for", "plain", "render"]


Limit = MarkdownLimit
MAX_LINE_CHARS = 300
_LIST_ITEM = re.compile(r"^(- |\d+\. )")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
# Characters that would start markdown structure (links, emphasis, code, headings, tables, HTML).
_MARKDOWN = str.maketrans(
    {"*": "＊", "`": "｀", "[": "［", "]": "］", "#": "＃", "<": "＜", ">": "＞", "|": "｜", "\\": "＼"}
)


def limit_for(platform: str) -> Limit:
    """The markdown size limit of ``platform`` (the strictest one for the simulator and unknown platforms)."""
    return markdown_limit(platform)


def fits(text: str, limit: Limit) -> bool:
    """Whether ``text`` is within ``limit``."""
    return limit.fits(text)


def plain(value: str | None, max_chars: int = 64) -> str:
    """``value`` safe to embed in markdown: one line, no markup characters, at most ``max_chars``."""
    text = _CONTROL.sub("", (value or "").replace("\r", " ").replace("\n", " ")).translate(_MARKDOWN).strip()
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def clip(line: str, max_chars: int = MAX_LINE_CHARS) -> str:
    """One line cut to ``max_chars`` (evidence can be long)."""
    return line if len(line) <= max_chars else line[: max_chars - 1] + "…"


@dataclass
class Section:
    """A block of the reply: fixed ``lines`` (kept whole) and list ``items`` that may be cut."""

    lines: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    more_key: str = "commands.more"
    total: int | None = None  # the full count when ``items`` was already capped by the query


def _render(sections: list[Section], shown: list[int], locale: str) -> str:
    blocks: list[str] = []
    for section, n in zip(sections, shown, strict=True):
        parts = [*section.lines, *(clip(item) for item in section.items[:n])]
        rest = (section.total if section.total is not None else len(section.items)) - n
        if rest > 0:
            parts.append(i18n.t(section.more_key, locale, n=rest))
        if parts:
            blocks.append(_join(parts))
    return "\n\n".join(blocks)


def _join(lines: list[str]) -> str:
    """List items follow each other on single newlines; other lines are paragraphs of their own.

    A plain line right after a list item would otherwise be read as a continuation of that item,
    and DingTalk drops single newlines between plain lines.
    """
    out = lines[0]
    for line in lines[1:]:
        out += ("\n" if _LIST_ITEM.match(line) else "\n\n") + line
    return out


def _hard_cut(text: str, limit: Limit) -> str:
    """Last resort when even the fixed lines are too long: whole lines, then as much of the next as fits."""
    kept: list[str] = []
    for line in text.split("\n"):
        if fits("\n".join([*kept, line]), limit):
            kept.append(line)
            continue
        lo, hi = 0, len(line)
        while lo < hi:  # the longest prefix of this line that fits with an ellipsis
            mid = (lo + hi + 1) // 2
            if fits("\n".join([*kept, line[:mid] + "…"]), limit):
                lo = mid
            else:
                hi = mid - 1
        while kept and not fits("\n".join([*kept, line[:lo] + "…"]), limit):
            kept.pop()
        kept.append(line[:lo] + "…")
        break
    return "\n".join(kept)


def layout(sections: list[Section], locale: str, limit: Limit) -> tuple[str, list[int]]:
    """Join ``sections`` into markdown within ``limit``, cutting the longest lists first.

    Returns the text and how many items of each section it shows (callers audit exactly those).
    """
    shown = [len(s.items) for s in sections]
    text = _render(sections, shown, locale)
    while not fits(text, limit) and any(shown):
        longest = max(range(len(shown)), key=lambda i: shown[i])
        # Cut in steps so very long lists converge quickly, one item at a time near the end.
        shown[longest] -= max(1, shown[longest] // 8)
        text = _render(sections, shown, locale)
    if fits(text, limit):
        # The coarse steps may have cut more than needed: give items back while they fit.
        for i, section in enumerate(sections):
            while shown[i] < len(section.items):
                shown[i] += 1
                candidate = _render(sections, shown, locale)
                if not fits(candidate, limit):
                    shown[i] -= 1
                    break
                text = candidate
        return text, shown
    return _hard_cut(text, limit), [0] * len(sections)


def render(sections: list[Section], locale: str, limit: Limit) -> str:
    """The markdown of ``sections`` within ``limit`` (see :func:`layout`)."""
    return layout(sections, locale, limit)[0]
