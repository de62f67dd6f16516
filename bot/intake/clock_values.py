"""Times of day, leave flags and shift specs as attendance reports write them.

``first_in``/``last_out`` are ``HH:MM`` (or ``HH:MM:SS``) on the attendance date, or a full
``YYYY-MM-DD HH:MM``; ``次日 01:30``, ``+1 01:30`` and ``25:30`` mean the next morning. A shift is
``09:00-18:00`` (a name may stand before it: ``夜班 22:00-06:00``; an end at or before the start
ends the next morning) or a rest day (``休息``/``rest``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from bot.attendance.schedule import ShiftSpec
from bot.attendance.shift import MINUTES_PER_DAY
from bot.core.input_values import date_value

_HM = r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?"
_TIME = re.compile(rf"^(?:(次日|\+1)\s*)?{_HM}$")
_FULL = re.compile(rf"^(\S+)\s+{_HM}$")
_SHIFT = re.compile(rf"^(.*?)\s*{_HM}\s*(?:-|–|~|～|至|到)\s*(?:(次日|\+1)\s*)?{_HM}$")
REST_WORDS = frozenset({"休息", "休", "rest", "off", "休息日", "公休"})
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "请假"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "否"})
TIME_ERROR = "expected a time HH:MM (次日/+1 for the next morning) or YYYY-MM-DD HH:MM"
SHIFT_ERROR = "expected a shift HH:MM-HH:MM (optionally named: 夜班 22:00-06:00) or 休息/rest"
FLAG_ERROR = "expected true/false, 1/0 or 是/否"


def _text(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def _hm(hour: str, minute: str, second: str | None, limit: int) -> int:
    h, m = int(hour), int(minute)
    if m > 59 or (second is not None and int(second) > 59) or h * 60 + m > limit:
        raise ValueError(TIME_ERROR)
    return h * 60 + m


def minutes_on(value: str, day: date) -> int | None:
    """Minutes after ``day``'s local midnight (past 1440 for the next morning); None when blank.

    Raises:
        ValueError: anything that is not one of the accepted forms, or a date other than ``day``
        or the next one.
    """
    text = _text(value)
    if not text:
        return None
    match = _TIME.match(text)
    if match:
        next_day, hour, minute, second = match.groups()
        minutes = _hm(hour, minute, second, 2 * MINUTES_PER_DAY - 1)
        return minutes + MINUTES_PER_DAY if next_day and minutes < MINUTES_PER_DAY else minutes
    match = _FULL.match(text)
    if match:
        on = date_value(match.group(1))
        if isinstance(on, date) and not isinstance(on, datetime) and 0 <= (on - day).days <= 1:
            _, hour, minute, second = match.groups()
            return (on - day).days * MINUTES_PER_DAY + _hm(hour, minute, second, MINUTES_PER_DAY - 1)
    raise ValueError(TIME_ERROR)


def leave_flag(value: str) -> bool:
    """True for 1/true/yes/是/请假, False for blank and 0/false/no/否."""
    text = _text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(FLAG_ERROR)


def shift_spec(value: str) -> ShiftSpec | None:
    """The shift a cell names, a rest day, or None when blank (no schedule information)."""
    text = _text(value)
    if not text:
        return None
    if text.lower() in REST_WORDS:
        return ShiftSpec(None, None, text[:32])
    match = _SHIFT.match(text)
    if match is None:
        raise ValueError(SHIFT_ERROR)
    name, h1, m1, s1, next_day, h2, m2, s2 = match.groups()
    start = _hm(h1, m1, s1, MINUTES_PER_DAY - 1)
    end = _hm(h2, m2, s2, MINUTES_PER_DAY - 1)
    if next_day or end <= start:
        end += MINUTES_PER_DAY  # 22:00-06:00 ends the next morning
    return ShiftSpec(start, end, name.strip()[:32] or None)
