"""WeCom ``template_card`` (``button_interaction``) built from a neutral :class:`Card` (protocols.md §6.2).

``task_id`` is our ``Card.card_id``, limited to ``[0-9A-Za-z_-@]`` and 128 bytes: ids already in
that form pass unchanged (so a click's ``TaskId`` finds the card again); others are made safe
deterministically. A button ``key`` is ``action?k=v&…`` (URL-encoded), unique within the card, ≤ 1024 bytes.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlencode

from bot.pipeline.platform import Button, Card

TASK_ID_MAX = 128
KEY_MAX = 1024
MAX_BUTTONS = 6
TITLE_MAX = 36  # main_title.title shows about 26 Chinese characters; keep it short
DESC_MAX = 44
SUB_TITLE_MAX = 400
_UNSAFE = re.compile(r"[^0-9A-Za-z_\-@]")
# WeCom button styles: 1 blue (primary), 2 grey (default), 3 red (danger), 4 dark.
STYLES = {"primary": 1, "default": 2, "danger": 3}


def task_id(card_id: str) -> str:
    """A valid, unique ``task_id`` for ``card_id`` (unchanged when it already is one)."""
    safe = _UNSAFE.sub("_", card_id)
    if safe == card_id and 0 < len(safe) <= TASK_ID_MAX:
        return safe
    # Replaced characters or truncation could make two ids collide: add a digest of the original.
    digest = hashlib.sha256(card_id.encode()).hexdigest()[:16]
    return f"{safe[: TASK_ID_MAX - 17]}_{digest}"


def button_key(button: Button, index: int, used: set[str]) -> str:
    """``action?k=v&…``; made unique within the card and cut to 1024 bytes if a button needs it."""
    key = button.action + (f"?{urlencode(sorted(button.params.items()))}" if button.params else "")
    if len(key.encode()) > KEY_MAX:
        key = key.encode()[: KEY_MAX - 8].decode(errors="ignore")
    if key in used:
        key = f"{key}{'&' if '?' in key else '?'}_b={index}"
    used.add(key)
    return key


def plain_text(markdown: str) -> str:
    """Markdown reduced to plain text (template cards do not render markdown)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links → their text
    text = re.sub(r"^\s{0,3}(#{1,6}|>)\s*", "", text, flags=re.MULTILINE)  # headings, quotes
    text = re.sub(r"(\*\*|__|\*|_|`)", "", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def template_card(card: Card) -> dict[str, Any]:
    """The ``template_card`` object of a button card (status text replaces the buttons once settled)."""
    body = plain_text(card.markdown)
    out: dict[str, Any] = {
        "card_type": "button_interaction",
        "main_title": {"title": _cut(card.title, TITLE_MAX)},
        "sub_title_text": _cut(body, SUB_TITLE_MAX),
        "task_id": task_id(card.card_id),
    }
    used: set[str] = set()
    buttons = [
        {"type": 0, "text": b.label[:10], "style": STYLES.get(b.style, 2), "key": button_key(b, i, used)}
        for i, b in enumerate(card.buttons[:MAX_BUTTONS])
    ]
    if card.status_text:
        # A settled card keeps one disabled-looking button showing the outcome.
        buttons = [{"type": 0, "text": card.status_text[:10], "style": 2, "key": "settled"}]
    out["button_list"] = buttons
    return out
