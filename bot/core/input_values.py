"""Dates, month-days and numbers as people type them into spreadsheets, read without guessing.

Excel in a Chinese locale writes dates as ``2026/9/1``, people type ``2026年9月1日`` or full-width
digits, CRM exports group thousands (``1,200.50``) and show ratios as percentages (``35%``). Each
reader here accepts only forms that mean one thing (year first, never ``01/09/2026``) and hands
anything else back unchanged, so the model's own validation still reports what was expected.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

_SEP = r"\s*[-/.年月]\s*"
# Year first; an Excel date cell exported with a midnight time ("2026/9/1 0:00") is still a date.
_YMD = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})\s*日?(?:[ T]0?0:00(?::00)?)?$")
_MD = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}})\s*日?$")
_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
MONTH_DAY_ERROR = "expected MM-DD, e.g. 03-15"


def _text(value: str) -> str:
    # NFKC folds full-width digits and punctuation (２０２６－０９－０１) into ASCII.
    return unicodedata.normalize("NFKC", value).strip()


def date_value(value: Any) -> Any:
    """A ``date`` for year-first text (``2026-9-1``, ``2026/09/01``, ``2026年9月1日``); else ``value``."""
    if not isinstance(value, str):
        return value
    match = _YMD.match(_text(value))
    if match is None:
        return value
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return value  # 2026-02-30: left to the model, which says a date was expected


def month_day(value: Any) -> Any:
    """``MM-DD`` from ``3-5``, ``03/05`` or ``3月5日``.

    A full birth date is refused rather than trimmed: CareBot keeps only month and day (PIPL), and
    the sender should know the year was never wanted.

    Raises:
        ValueError: text that is not a real month and day (``02-30``, ``13-01``, ``1990-03-15``).
    """
    if not isinstance(value, str) or not value.strip():
        return value
    match = _MD.match(_text(value))
    if match is None:
        raise ValueError(MONTH_DAY_ERROR)
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(2000, month, day)  # a leap year, so 02-29 is a valid birthday
    except ValueError:
        raise ValueError(MONTH_DAY_ERROR) from None
    return f"{month:02d}-{day:02d}"


def number_value(value: Any) -> Any:
    """A float for ``1,200.50`` (grouped thousands) or ``35%`` (a ratio, 0.35); else ``value``."""
    if not isinstance(value, str):
        return value
    text = _text(value)
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if text.endswith("%"):
        try:
            return float(text[:-1].strip()) / 100
        except ValueError:
            return value
    return text
