"""The report period: inclusive local days, validated the same way for the CLI and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from bot.core import i18n
from bot.people.directory import MAX_DATE, MIN_DATE

if TYPE_CHECKING:
    from bot.core.runtime import Runtime

i18n.register(
    {
        "report.period.not_date": {
            "zh-CN": "{field} 应为日期 YYYY-MM-DD，收到 {value!r}",
            "en": "{field} must be a date YYYY-MM-DD, got {value!r}",
        },
        "report.period.too_early": {
            "zh-CN": "{field} {value} 早于 {min}",
            "en": "{field} {value} is before {min}",
        },
        "report.period.too_late": {
            "zh-CN": "{field} {value} 晚于 {max}",
            "en": "{field} {value} is after {max}",
        },
        "report.period.order": {
            "zh-CN": "开始日期 {start} 晚于结束日期 {end}",
            "en": "the start {start} is after the end {end}",
        },
    }
)


class PeriodError(ValueError):
    """A bad period; ``field`` is ``from`` or ``to``, ``message`` is in the caller's language."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Period:
    """Local days ``start``..``end`` inclusive, in the company time zone ``tz``."""

    start: date
    end: date
    tz: tzinfo

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime:
        """The first instant of the period (local midnight of ``start``)."""
        return datetime.combine(self.start, time(0, 0), tzinfo=self.tz)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (local midnight after ``end``), exclusive."""
        return datetime.combine(self.end + timedelta(days=1), time(0, 0), tzinfo=self.tz)


def _parse(raw: str | None, field: str, label: str, locale: str) -> date | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise PeriodError(field, i18n.t("report.period.not_date", locale, field=label, value=raw)) from None
    if day < MIN_DATE:
        raise PeriodError(field, i18n.t("report.period.too_early", locale, field=label, value=day, min=MIN_DATE))
    if day > MAX_DATE:
        raise PeriodError(field, i18n.t("report.period.too_late", locale, field=label, value=day, max=MAX_DATE))
    return day


def resolve(
    start_raw: str | None,
    end_raw: str | None,
    *,
    today: date,
    tz: tzinfo,
    default_days: int,
    locale: str,
    labels: tuple[str, str] = ("from", "to"),
) -> Period:
    """The period asked for; by default the ``default_days`` days up to yesterday.

    A lone ``from`` runs to yesterday (or to ``from`` itself when that is today or later); a lone
    ``to`` covers the ``default_days`` days ending there. Days are taken as given: today counts as
    far as it has gone, and days still to come simply hold no events yet.

    Raises:
        PeriodError: a malformed date, one outside 1950..2100, or ``from`` after ``to``.
    """
    start = _parse(start_raw, "from", labels[0], locale)
    end = _parse(end_raw, "to", labels[1], locale)
    if end is None:
        yesterday = today - timedelta(days=1)
        end = yesterday if start is None or start <= yesterday else start
    if start is None:
        start = end - timedelta(days=default_days - 1)
    if start > end:
        raise PeriodError("from", i18n.t("report.period.order", locale, start=start, end=end))
    return Period(start, end, tz)


def resolve_for(
    runtime: Runtime,
    start_raw: str | None,
    end_raw: str | None,
    locale: str,
    labels: tuple[str, str] = ("from", "to"),
) -> Period:
    """:func:`resolve` with today, the time zone and ``[report].default_days`` taken from ``runtime``."""
    return resolve(
        start_raw,
        end_raw,
        today=runtime.today(),
        tz=runtime.tz,
        default_days=runtime.settings.report.default_days,
        locale=locale,
        labels=labels,
    )
