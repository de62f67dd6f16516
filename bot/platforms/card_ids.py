"""The id a platform echoes when a card is clicked, from CareBot's own card id."""

from __future__ import annotations

from collections.abc import Callable

from bot.platforms.names import WECOM
from bot.platforms.wecom.cards import task_id

# WeCom's task_id allows fewer characters than our card ids; DingTalk echoes outTrackId as it is.
_CLICKED: dict[str, Callable[[str], str]] = {WECOM: task_id}


def clicked_card_id(platform: str, card_id: str) -> str:
    """The card id as ``platform`` names it in a click callback."""
    convert = _CLICKED.get(platform)
    return convert(card_id) if convert is not None else card_id
