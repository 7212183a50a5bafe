"""The school calendar: academic years and the usual English term dates.

`provmap new` and `provmap new-year` write a new year's Settings with these dates; schools
change them to their local authority's.  Kept apart from the writers because the dates are
a fact about English schools, not about any sheet.
"""

from __future__ import annotations

from datetime import date, timedelta


def start_year(year: str) -> int:
    """`2025-26`, `2025/26`, `2025-2026` -> 2025."""
    digits = "".join(ch if ch.isdigit() else " " for ch in year).split()
    if not digits or len(digits[0]) != 4:
        raise ValueError(f"academic year {year!r} should look like 2025-26")
    return int(digits[0])


def _easter(y: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm): English spring terms end around it."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(y, month, day)


def _weekday_on_or_after(d: date, weekday: int | None = None) -> date:
    while d.weekday() > 4 or (weekday is not None and d.weekday() != weekday):
        d += timedelta(days=1)
    return d


def _weekday_on_or_before(d: date, weekday: int | None = None) -> date:
    while d.weekday() > 4 or (weekday is not None and d.weekday() != weekday):
        d -= timedelta(days=1)
    return d


def default_term_dates(year: str) -> dict[str, date]:
    """Typical English term dates for an academic year; schools change them to their LA's."""
    y = start_year(year)
    easter = _easter(y + 1)
    return {
        "Autumn start": _weekday_on_or_after(date(y, 9, 3)),
        "Autumn end": _weekday_on_or_before(date(y, 12, 19), 4),
        "Spring start": _weekday_on_or_after(date(y + 1, 1, 5), 0),
        "Spring end": easter - timedelta(days=9),           # the Friday a week before Easter
        "Summer start": easter + timedelta(days=8),         # the Monday after Easter week
        "Summer end": _weekday_on_or_before(date(y + 1, 7, 22)),
    }


def next_year(year: str) -> str:
    """The academic year after ``year``: `2025-26` -> `2026-27`."""
    y = start_year(year) + 1
    return f"{y}-{(y + 1) % 100:02d}"
