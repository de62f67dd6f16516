"""Localised labels and value formatting for evidence (China-style dates, 24-hour times, hours)."""

from __future__ import annotations

from datetime import date

from bot.core.i18n import fmt_date, fmt_hours, fmt_minutes_of_day, list_join, normalise_locale
from bot.core.settings.metric_catalogue import DEFAULT_METRICS
from rules.model import TIME_FIELDS

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "first_in_min": ("首次打卡", "first punch"),
    "last_out_min": ("最后打卡", "last punch"),
    "worked_minutes": ("工作时长", "hours worked"),
    "late_minutes": ("迟到", "late"),
    "overtime_minutes": ("下班后加班", "overtime after hours"),
    "approved_overtime_minutes": ("审批加班", "approved overtime"),
    "legal_overtime_minutes": ("加班（含休息日）", "overtime incl. rest days"),
}
QUESTION_LABELS: dict[str, tuple[str, str]] = {
    "mood": ("心情", "mood"),
    "stress": ("压力", "stress"),
    "workload": ("工作量", "workload"),
    "supported": ("支持感", "feeling supported"),
    "felt_cared": ("被关心感", "feeling cared for"),
    "enps": ("推荐意愿（eNPS）", "eNPS"),
    "stay_2y": ("两年留任意愿", "see myself here in 2 years"),
}
# The built-in catalogue's labels; English ones in lower case, as they stand mid-sentence.
METRIC_LABELS: dict[str, tuple[str, str]] = {
    m.name: (m.label_zh, m.label_en[:1].lower() + m.label_en[1:]) for m in DEFAULT_METRICS
} | {"performance": ("业绩指标（任一）", "any performance metric")}
LIFE_EVENT_LABELS: dict[str, tuple[str, str]] = {
    "family_illness": ("家人生病", "family member ill"),
    "bereavement": ("亲人离世", "bereavement"),
    "wedding": ("结婚", "getting married"),
    "newborn": ("家有新生儿", "new baby"),
    "health": ("自己生病", "own illness"),
    "family": ("其他家事", "other family matter"),
    "move": ("搬家", "moving home"),
    "other": ("其他", "other"),
}
OP_TEXT = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "==": "=", "!=": "≠"}


def is_en(locale: str | None) -> bool:
    return normalise_locale(locale) == "en"


def pick(pair: tuple[str, str], locale: str | None) -> str:
    return pair[1] if is_en(locale) else pair[0]


def label(table: dict[str, tuple[str, str]], key: str, locale: str | None) -> str:
    """The localised label of ``key``, or the key itself when unknown (custom metrics)."""
    pair = table.get(key)
    return pick(pair, locale) if pair else key


def day(value: str | date, locale: str | None) -> str:
    """``11月18日`` / ``Nov 18`` from a date or an ISO string."""
    return fmt_date(date.fromisoformat(value) if isinstance(value, str) else value, locale)


def days(values: list[str], locale: str | None) -> str:
    return list_join([day(v, locale) for v in values], locale)


def field_value(field: str, value: float | None, locale: str | None) -> str:
    """A day-level attendance value: ``21:42`` (``次日01:10`` past midnight) or ``1小时5分``."""
    if value is None:
        return "—"
    minutes = round(value)
    if field in TIME_FIELDS:
        text = fmt_minutes_of_day(minutes)
        if minutes >= 24 * 60:
            return f"{text} (+1)" if is_en(locale) else f"次日{text}"
        return text
    return duration(minutes, locale)


def duration(minutes: float, locale: str | None) -> str:
    """``2小时5分`` / ``2 h 5 min``; whole hours as ``55小时``."""
    total = round(minutes)
    hours, mins = divmod(abs(total), 60)
    sign = "-" if total < 0 else ""
    if is_en(locale):
        parts = [f"{hours} h"] if hours else []
        if mins or not hours:
            parts.append(f"{mins} min")
        return sign + " ".join(parts)
    if hours and mins:
        return f"{sign}{hours}小时{mins}分"
    return f"{sign}{hours}小时" if hours else f"{sign}{mins}分钟"


def threshold(field: str, op: str, value: float, locale: str | None) -> str:
    """``≥ 21:00`` or ``≥ 55小时`` for a predicate on ``field``."""
    if field in TIME_FIELDS:
        return f"{OP_TEXT[op]} {field_value(field, value, locale)}"
    return f"{OP_TEXT[op]} {hours_or_minutes(value, locale)}"


def hours_or_minutes(minutes: float, locale: str | None) -> str:
    """Sums read better in hours (``55小时``), small amounts in minutes."""
    return fmt_hours(round(minutes), locale) if abs(minutes) >= 120 else duration(minutes, locale)


def metric_value(metric: str, value: float | None) -> str:
    """Rates (``*_rate``, ``*_completion``, ``*_retention``) as percent, other values with at most 2 decimals."""
    if value is None:
        return "—"
    if metric.endswith(("_rate", "_completion", "_retention")) and -1.0 <= value <= 1.0:
        return f"{value * 100:.0f}%"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def number(value: float) -> str:
    return f"{value:g}"


def percent(value: float) -> str:
    """``-18%`` / ``+12%`` from a percentage."""
    return f"{value:+.0f}%"
