"""Team-pulse aggregates that cannot be differenced across periods, filters or surfaces.

The method (docs/privacy.md, "Aggregates that cannot be differenced"):

1. **Fixed windows.** Team-pulse figures are only ever computed over whole, *closed* half-month
   windows (the 1st–15th and the 16th–end of each month: the pulse cadence is 14 days). Any
   period a user asks for is mapped onto the closed windows it touches, so two overlapping
   periods show the same cells or unions of them — never a window that ends a day later and
   differs by one answer. A closed window no longer gains answers.
2. **Minimum increments (complementary suppression in time).** A figure over several windows is
   shown only if every window in it, on its own, has at least ``k`` respondents: subtracting one
   shown figure from another can then only reveal a group of ``k`` or more.
3. **No exact counts beside means.** Respondent counts are shown as a band (``5–9人``) or, in
   machine-readable exports, rounded down to a multiple of 5; means are rounded to one decimal.
4. Across departments the report also hides the smallest shown department while the company total
   minus the shown departments would single out fewer than ``k`` people (bot/report/pulse.py).
"""

from __future__ import annotations

from datetime import date, timedelta

COUNT_STEP = 5
BANDS = ((5, 9), (10, 19), (20, 49), (50, 99), (100, 499))


def window_of(day: date) -> tuple[date, date]:
    """The fixed half-month window containing ``day``: the 1st–15th or the 16th–last day."""
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day.replace(day=16), nxt - timedelta(days=1)


def closed_windows(start: date, end: date, today: date) -> list[tuple[date, date]]:
    """The fixed windows that overlap ``start..end`` and ended before ``today`` (oldest first)."""
    windows: list[tuple[date, date]] = []
    cursor = window_of(start)[0]
    while cursor <= end:
        first, last = window_of(cursor)
        if last < today:
            windows.append((first, last))
        cursor = last + timedelta(days=1)
    return windows


def last_closed_window(today: date) -> tuple[date, date]:
    """The most recent fixed window that has ended before ``today``."""
    first, _ = window_of(today)
    return window_of(first - timedelta(days=1))


def floor_count(n: int) -> int:
    """``n`` rounded down to a multiple of 5: never an exact count beside a mean."""
    return n - n % COUNT_STEP


def band(n: int) -> str:
    """``5–9`` … ``100–499`` or ``500+``: the respondents of a shown figure as a range."""
    for low, high in BANDS:
        if low <= n <= high:
            return f"{low}–{high}"
    return f"{BANDS[-1][1] + 1}+" if n > BANDS[-1][1] else f"<{BANDS[0][0]}"


def rounded(mean: float | None) -> float | None:
    """A mean to one decimal (finer figures help subtraction more than they help anyone read them)."""
    return None if mean is None else round(mean, 1)
