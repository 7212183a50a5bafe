"""Turn what staff typed into values: numbers, money, UK dates, percentages, ages.

Each parser takes a cell value (already unwrapped from openpyxl: str, int, float, datetime,
bool or None) and returns the value, or raises :class:`BadValue` with words a SENCo
understands.  The reader turns a BadValue into a located problem.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from .schema import Choices


class BadValue(ValueError):
    """A cell that cannot be read as what the column needs."""


_NUMBER_JUNK = re.compile(r"[£$,\s\u00a0\u202f']")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def clean_text(value: object) -> str | None:
    """Text with surrounding and repeated spaces tidied; None for blank."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        value = value.strftime("%d/%m/%Y")
    text = " ".join(str(value).split())
    return text or None


def parse_number(value: object) -> float | None:
    """`£1,200.50`, `1 200`, ` 45 ` and real numbers; None for blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadValue("is TRUE/FALSE, not a number")
    if isinstance(value, (int, float)):
        n = float(value)
        if not math.isfinite(n):
            raise BadValue(f"'{value}' is not a number a workbook can hold")
        return n
    if isinstance(value, (datetime, date)):
        raise BadValue("is a date, not a number")
    text = str(value).strip()
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")      # accountants' (12.50)
    core = _NUMBER_JUNK.sub("", text.strip("()"))
    if core.endswith("p") and _NUMBER.match(core[:-1]):         # `50p`
        return float(core[:-1]) / 100
    if not _NUMBER.match(core):
        raise BadValue(f"'{text}' is not a number")
    n = float(core)
    if not math.isfinite(n):                                    # 400 nines overflow to inf
        raise BadValue(f"'{text[:20]}...' is too long to be a number")
    return -n if negative else n


def parse_integer(value: object) -> int | None:
    n = parse_number(value)
    if n is None:
        return None
    if not float(n).is_integer():
        raise BadValue(f"'{value}' is not a whole number")
    return int(n)


def parse_percent(value: object) -> float | None:
    """Attendance as a fraction: `95`, `95%`, or 0.95 (what a percent-formatted cell holds).

    The cell's format is not needed: a number from 0 to 1 is a fraction, a larger one a
    percentage, so both readers (which see formats differently) agree.
    """
    if value is None:
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        n = parse_number(value.strip()[:-1])
        return None if n is None else n / 100
    n = parse_number(value)
    if n is None:
        return None
    return n if 0 <= n <= 1 else n / 100     # outside 0-100%: a warning (schema.ATTENDANCE)


_AGE_YM = re.compile(r"^(\d+)\s*(?:y|yr|yrs|years?)\s*,?\s*(?:(\d+)\s*(?:m|mth|mths|months?))?$")
_AGE_COLON = re.compile(r"^(\d+)\s*[:;]\s*(\d{1,2})$")
_AGE_MONTHS = re.compile(r"^(\d+)\s*(?:m|mth|mths|months?)$")


def parse_score(value: object) -> float | None:
    """A score, or an age as months: `7y 2m`, `7:02`, `7 years 2 months` all read as 86."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if not text:
            return None
        for pattern in (_AGE_YM, _AGE_COLON):
            m = pattern.match(text)
            if m:
                years, months = int(m.group(1)), int(m.group(2) or 0)
                if months >= 12:
                    raise BadValue(f"'{value}' has {months} months; an age has 0 to 11")
                return float(years * 12 + months)
        m = _AGE_MONTHS.match(text)
        if m:
            return float(m.group(1))
    return parse_number(value)


def format_money(v: float) -> str:
    """Money as the school writes it, to the penny: 1234.5 -> `£1,234.50`."""
    return f"£{v:,.2f}"


def format_age(months: float) -> str:
    """An age in months as staff write it: 86 -> `7y 2m` (the inverse of parse_score)."""
    m = int(round(months))
    sign = "-" if m < 0 else ""
    y, mo = divmod(abs(m), 12)
    return f"{sign}{y}y {mo}m"


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_DMY = re.compile(r"^(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DMONY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]+)[\s\-/.,]*(\d{2}|\d{4})$")


def _year(y: str) -> int:
    n = int(y)
    return n + 2000 if len(y) == 2 else n


def parse_date(value: object) -> date | None:
    """Real Excel dates, or UK text: `12/09/2025`, `12-9-25`, `12 Sep 2025`, `2025-09-12`."""
    if value is None:
        return None
    if isinstance(value, time) or (isinstance(value, (datetime, date))
                                   and value.year < 1900):
        # Excel has no dates before 1900: such a cell holds a time or a negative number
        raise BadValue("is not a real date (Excel dates start in 1900)")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise BadValue("is TRUE/FALSE, not a date")
    if isinstance(value, (int, float)):
        if 1 <= value < 2958466:                         # an unformatted Excel serial date
            return (datetime(1899, 12, 30) + timedelta(days=int(value))).date()
        raise BadValue(f"'{value}' is not a date")
    text = str(value).strip().lower()
    if not text:
        return None
    try:
        if m := _ISO.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _DMY.match(text):
            return date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _DMONY.match(text):
            month = _MONTHS.get(m.group(2)[:3])
            if month:
                return date(_year(m.group(3)), month, int(m.group(1)))
    except ValueError:
        raise BadValue(f"'{value}' is not a real date") from None
    raise BadValue(f"'{value}' is not a date (type it as day/month/year, e.g. 12/09/2025)")


def parse_choice(value: object, choices: Choices) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    canon = choices.canonical(text)
    if canon is None:
        raise BadValue(f"'{text}' is not one of: {', '.join(choices.values)}")
    return canon


def parse_yes_no(value: object, choices: Choices) -> bool | None:
    if isinstance(value, bool):
        return value
    canon = parse_choice(value, choices)
    return None if canon is None else canon == "Y"


_YEAR = re.compile(r"^(?:y|yr|year|ncy|nc year)?\s*(\d{1,2})$")


def parse_year_group(value: object) -> str | None:
    """`R`, `Reception`, `Y3`, `Year 3`, `3` -> "R" / "3"; `N`, `Nursery` -> "N"."""
    text = clean_text(value)
    if text is None:
        return None
    t = text.lower()
    if t in ("r", "rec", "reception", "yr", "year r", "fs2", "f2"):
        return "R"
    if t in ("n", "nursery", "n1", "n2", "fs1", "f1"):
        return "N"
    m = _YEAR.match(t)
    if m and 1 <= int(m.group(1)) <= 14:
        return str(int(m.group(1)))
    raise BadValue(f"'{text}' is not a year group (use R, N or 1 to 13)")
