""""你是不是想用 /status？": the registered command closest to a mistyped one.

ASCII names match within a small edit distance (a swapped pair of letters counts as one edit:
``/stauts``). Chinese aliases are also compared by their pinyin, since most typos in Chinese are
homophones picked from the input method's list (``/状太`` sounds like ``/状态``), and a typed
pinyin (``/zhuangtai``) finds its alias too.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from pypinyin import lazy_pinyin

from handlers.commands.registry import Command


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


@lru_cache(maxsize=1024)
def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text)).casefold()


def _close(token: str, target: str) -> int | None:
    """How far ``token`` is from ``target`` when close enough to be a typo of it, else None."""
    if token == target:
        return None
    if token.isascii() and target.isascii():
        typed, wanted = token, target
    else:
        typed, wanted = _pinyin(token), _pinyin(target)
    if len(wanted) < 3:
        return None  # "h", "?": any short slip would match them
    distance = edit_distance(typed, wanted)
    # One edit for short names, roughly one per four letters beyond that.
    return distance if distance <= max(1, len(wanted) // 4) else None


def suggest(token: str, commands: Iterable[Command]) -> Command | None:
    """The command whose name or alias ``token`` most likely misspells, or None."""
    token = token.strip().casefold()
    if not token:
        return None
    best: tuple[int, int, Command] | None = None
    for order, cmd in enumerate(commands):
        for name in (cmd.name, *cmd.aliases):
            target = name.casefold()
            # "/状太张三": a Chinese command glued to its argument; compare the alias-long prefix too.
            tries = {token, token[: len(target)]} if not (token.isascii() or target.isascii()) else {token}
            for typed in tries:
                distance = _close(typed, target)
                if distance is not None and (best is None or (distance, order) < best[:2]):
                    best = (distance, order, cmd)
    return best[2] if best is not None else None
