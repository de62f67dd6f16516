"""Validation errors explained in zh-CN and en: what was expected, for CSV imports and the API."""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

from bot.core import i18n

i18n.register(
    {
        "input.missing": {"zh-CN": "必填", "en": "required"},
        "input.date": {"zh-CN": "应为日期 YYYY-MM-DD", "en": "expected a date YYYY-MM-DD"},
        "input.number": {"zh-CN": "应为数字", "en": "expected a number"},
        "input.bool": {"zh-CN": "应为 true/false、1/0 或 是/否", "en": "expected true/false, 1/0 or 是/否"},
        "input.empty": {"zh-CN": "不能为空", "en": "must not be empty"},
        "input.too_long": {"zh-CN": "最多 {n} 个字符", "en": "at most {n} characters"},
        "input.pattern": {"zh-CN": "格式不符（{pattern}）", "en": "does not match {pattern}"},
        "input.unknown_field": {"zh-CN": "未知字段", "en": "unknown field"},
        "input.month_day": {"zh-CN": "应为 MM-DD，例如 03-15", "en": "expected MM-DD, e.g. 03-15"},
        "input.date_range": {"zh-CN": "日期超出合理范围 {lo}..{hi}", "en": "date out of range {lo}..{hi}"},
        "input.reason": {
            "zh-CN": "应为 voluntary、involuntary 或 other（或 主动/被动/其他）",
            "en": "expected voluntary, involuntary or other (or 主动/被动/其他)",
        },
        "input.finite": {"zh-CN": "应为有限的数字", "en": "expected a finite number"},
        "input.string": {"zh-CN": "应为文本", "en": "expected text"},
    }
)

_BY_TYPE = {
    "missing": "input.missing",
    "date_parsing": "input.date",
    "date_from_datetime_parsing": "input.date",
    "date_from_datetime_inexact": "input.date",
    "date_type": "input.date",
    "float_parsing": "input.number",
    "float_type": "input.number",
    "int_parsing": "input.number",
    "finite_number": "input.finite",
    "bool_parsing": "input.bool",
    "bool_type": "input.bool",
    "string_too_short": "input.empty",
    "extra_forbidden": "input.unknown_field",
    "string_type": "input.string",
}
_BY_MESSAGE = (
    ("expected MM-DD", "input.month_day"),
    ("expected true/false", "input.bool"),
    ("expected one of voluntary", "input.reason"),
    ("value must be a finite number", "input.finite"),
)


def describe(err: ErrorDetails, locale: str | None) -> str:
    """One validation error as "what was expected", in ``locale``."""
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    if kind != "extra_forbidden" and err.get("input") in (None, ""):
        return i18n.t("input.missing", locale)  # a blank cell or JSON null where a value is needed
    if kind == "string_too_long":
        return i18n.t("input.too_long", locale, n=ctx.get("max_length", "?"))
    if kind == "string_pattern_mismatch":
        return i18n.t("input.pattern", locale, pattern=ctx.get("pattern", ""))
    if kind in _BY_TYPE:
        return i18n.t(_BY_TYPE[kind], locale)
    message = str(err["msg"]).removeprefix("Value error, ")
    if message.startswith("date out of range"):
        lo, _, hi = message.removeprefix("date out of range ").partition("..")
        return i18n.t("input.date_range", locale, lo=lo, hi=hi)
    for prefix, key in _BY_MESSAGE:
        if message.startswith(prefix):
            return i18n.t(key, locale)
    return message


def field_of(err: ErrorDetails, aliases: dict[str, str] | None = None) -> str:
    """The field an error is about (``date`` rather than ``day`` where the input used an alias)."""
    name = ".".join(str(p) for p in err["loc"]) or "body"
    return (aliases or {}).get(name, name)
