"""Messages and China-style formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core import i18n

SH = ZoneInfo("Asia/Shanghai")


def test_register_and_translate() -> None:
    i18n.register({"test.hello": {"zh-CN": "你好，{name}", "en": "Hello, {name}"}})
    assert i18n.t("test.hello", None, name="张三") == "你好，张三"
    assert i18n.t("test.hello", "en-US", name="Zhang San") == "Hello, Zhang San"
    with pytest.raises(ValueError, match="lacks en"):
        i18n.register({"test.bad": {"zh-CN": "只有中文"}})


def test_formats() -> None:
    at = datetime(2026, 11, 18, 13, 42, tzinfo=UTC)
    assert i18n.fmt_datetime(at, SH) == "11月18日 21:42"
    assert i18n.fmt_datetime(at, SH, "en") == "Nov 18 21:42"
    assert i18n.fmt_date(date(2026, 11, 18), with_year=True) == "2026年11月18日"
    assert i18n.fmt_minutes_of_day(25 * 60 + 5) == "01:05"
    assert i18n.fmt_hours(750) == "12.5小时"
    assert i18n.fmt_number(12345.6) == "12,346"
    assert i18n.list_join(["a", "b"]) == "a、b"
