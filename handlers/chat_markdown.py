"""Markdown as DingTalk's chat client shows it, for the simulator (and anything else that previews messages).

DingTalk renders a subset: headings, bold, italic, links, quotes, ordered and unordered lists, and
line breaks; no tables, no raw HTML. A single newline breaks the line, as on the phone client.
Images would load from other origins, which the pages' Content-Security-Policy forbids, so they
show as their link instead. Raw HTML in a message is escaped, never rendered.
"""

from __future__ import annotations

from typing import Any

import mistune
from markupsafe import Markup


class _ChatRenderer(mistune.HTMLRenderer):
    """HTML renderer that keeps remote images out of the page and opens links outside the app."""

    def image(self, text: str, url: str, title: str | None = None) -> str:
        label = text or mistune.escape(url)  # alt text arrives escaped already
        return f'<a href="{self.safe_url(url)}" rel="noopener noreferrer" target="_blank">🖼 {label}</a>'

    def link(self, text: str, url: str, title: str | None = None) -> str:
        return f'<a href="{self.safe_url(url)}" rel="noopener noreferrer" target="_blank">{text}</a>'


_render: Any = mistune.create_markdown(escape=True, hard_wrap=True, renderer=_ChatRenderer(escape=True))


def chat_html(text: str | None) -> Markup:
    """``text`` (DingTalk-flavoured Markdown) as safe HTML."""
    return Markup(_render(text or ""))  # noqa: S704 (mistune escapes every raw HTML and attribute)
