"""Which questions a person gets: the ones asked least recently, rotating per person."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from datetime import date


def choose(userid: str, keys: Sequence[str], history: Iterable[tuple[date, Sequence[str]]], count: int) -> list[str]:
    """``count`` of ``keys`` for ``userid``, never-asked and longest-ago first, in bank order.

    ``history`` holds ``(scheduled_on, question_keys)`` of the person's earlier pulses. Ties are
    broken by a per-person offset so colleagues surveyed on the same day get different questions.
    """
    if not keys:
        return []
    last_asked: dict[str, date] = {}
    for day, asked in history:
        for key in asked:
            if key in keys and (key not in last_asked or last_asked[key] < day):
                last_asked[key] = day
    offset = zlib.crc32(userid.encode("utf-8")) % len(keys)
    position = {key: (i - offset) % len(keys) for i, key in enumerate(keys)}
    ranked = sorted(keys, key=lambda k: (last_asked.get(k, date.min), position[k]))
    chosen = set(ranked[: max(1, min(count, len(keys)))])
    return [k for k in keys if k in chosen]
