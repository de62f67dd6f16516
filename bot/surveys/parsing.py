"""Reading an answer typed in chat: "8", "８", "8分", "八" all mean 8."""

from __future__ import annotations

import re
import unicodedata

from bot.core import i18n
from bot.surveys import messages  # noqa: F401  (registers the skip words)

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_INT = re.compile(r"^[+-]?\d{1,3}$")
_TRAILERS = ("分", "points", "point", "pts", "/10", "/5")


def _chinese_number(text: str) -> int | None:
    """Chinese numerals up to 99 ("十", "十二", "二十"); None for anything else."""
    if text in _CN_DIGITS:
        return _CN_DIGITS[text]
    if "十" not in text or len(text) > 3:
        return None
    tens, _, units = text.partition("十")
    if (tens and tens not in _CN_DIGITS) or (units and units not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def parse_number(text: str) -> int | None:
    """The whole number a reply means, or None when it is not one number."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    for trailer in _TRAILERS:
        if cleaned.endswith(trailer):
            cleaned = cleaned[: -len(trailer)].strip()
            break
    if _INT.match(cleaned):
        return int(cleaned)
    return _chinese_number(cleaned)


def looks_numeric(text: str) -> bool:
    """Whether a reply is meant as a number (also decimals like "7.5", which are then rejected)."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    return parse_number(cleaned) is not None or bool(re.fullmatch(r"[+-]?\d+([.,]\d+)?\s*分?", cleaned))


def is_skip(text: str) -> bool:
    """Whether a reply declines the optional comment ("跳过", "skip", …)."""
    words = set(i18n.t("surveys.skip_words", "zh-CN").split()) | set(i18n.t("surveys.skip_words", "en").split())
    return unicodedata.normalize("NFKC", text).strip().strip("。.!！").lower() in words
