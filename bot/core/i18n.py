"""Messages in zh-CN (default) and en, and China-style formatting of dates, times and numbers.

Modules register their own catalogues (``register({"key": {"zh-CN": "…", "en": "…"}})``) so texts
live next to the code that uses them; ``t(key, locale, **values)`` formats one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, tzinfo

log = logging.getLogger(__name__)

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"

_catalogue: dict[str, dict[str, str]] = {}


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add messages; every entry must have both locales (a missing one is a programming error)."""
    for key, texts in messages.items():
        missing = [loc for loc in LOCALES if loc not in texts]
        if missing:
            raise ValueError(f"message {key!r} lacks {', '.join(missing)}")
        _catalogue[key] = dict(texts)


def normalise_locale(locale: str | None) -> str:
    """Map ``zh``, ``zh_CN``, ``en-US``… onto a supported locale."""
    if not locale:
        return DEFAULT_LOCALE
    lowered = locale.replace("_", "-").lower()
    if lowered.startswith("en"):
        return "en"
    return DEFAULT_LOCALE


def t(key: str, locale: str | None = None, /, **values: object) -> str:
    """The message ``key`` in ``locale`` with ``{placeholders}`` filled in."""
    texts = _catalogue.get(key)
    if texts is None:
        log.error("missing message %s", key)
        return key
    template = texts[normalise_locale(locale)]
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        log.error("message %s could not be formatted", key)
        return template


def has(key: str) -> bool:
    return key in _catalogue


def fmt_date(day: date, locale: str | None = None, *, with_year: bool = False) -> str:
    """``11月18日`` / ``2026年11月18日``; ``Nov 18`` / ``Nov 18, 2026`` in English."""
    if normalise_locale(locale) == "en":
        base = f"{day.strftime('%b')} {day.day}"
        return f"{base}, {day.year}" if with_year else base
    base = f"{day.month}月{day.day}日"
    return f"{day.year}年{base}" if with_year else base


def fmt_minutes_of_day(minutes: int) -> str:
    """Minutes after the shift day's midnight as ``HH:MM``; past midnight shows as next-day time."""
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def fmt_datetime(at: datetime, tz: tzinfo, locale: str | None = None) -> str:
    """``11月18日 21:42`` / ``Nov 18 21:42`` in the company time zone."""
    local = at.astimezone(tz)
    return f"{fmt_date(local.date(), locale)} {local.strftime('%H:%M')}"


def fmt_number(value: float, locale: str | None = None, digits: int = 0) -> str:
    """Thousands separators as used in China (``12,345``); ``digits`` decimals."""
    return f"{value:,.{digits}f}"


def fmt_hours(minutes: int, locale: str | None = None) -> str:
    """``12.5小时`` / ``12.5 h``."""
    hours = f"{minutes / 60:.1f}".rstrip("0").rstrip(".")
    return f"{hours} h" if normalise_locale(locale) == "en" else f"{hours}小时"


def list_join(items: list[str], locale: str | None = None) -> str:
    """``a、b、c`` in Chinese, ``a, b, c`` in English."""
    return (", " if normalise_locale(locale) == "en" else "、").join(items)
