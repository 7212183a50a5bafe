"""Turn what staff typed into values: numbers, money, UK dates, percentages, ages.

Each parser takes a cell value (already unwrapped from openpyxl: str, int, float, datetime,
bool or None) and returns the value, or raises :class:`BadValue` with words a SENCo
understands.  The reader turns a BadValue into a located problem.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from .schema import Choices, Unit


class BadValue(ValueError):
    """A cell that cannot be read as what the column needs; ``hint`` says what would be."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


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


def is_age(value: object) -> bool:
    """True for an age typed as text (`7y 2m`, `7:02`, `86m`): a measure in months."""
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    return bool(_AGE_YM.match(text) or _AGE_COLON.match(text) or _AGE_MONTHS.match(text))


def cell_number(v: object) -> float | None:
    """A rollup cell as a plain float, or None for a blank: pandas rows carry NaN and numpy
    types, and a report wants neither (a bool is not a number here)."""
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def cell_text(v: object) -> str | None:
    """A rollup cell as stripped text, or None for a blank (None, NaN or only spaces)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 pupil`, `2 pupils`, `0 provision rows`: a count with its noun, as people say it."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


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


# ---------------------------------------------------------------------------------------------
# Numbers as staff type them: `3 x weekly`, `20 mins`, `1h30`, `12 weeks`, `£1.2k`


@dataclass(frozen=True, slots=True)
class Amount:
    """A number read from what staff typed with its unit or in words.

    ``sessions`` and ``minutes`` are both given for `3 x 20 mins`, in either column: the
    reader fills the other column from them."""

    value: float
    sessions: float | None = None
    minutes: float | None = None


#: What each kind of column accepts, for the message when a cell cannot be read.
ACCEPTS = {
    Unit.SESSIONS: "type one number of sessions a week: 3, '3 x weekly', '3 times a week', "
                   "'3/wk', 'daily' (5), 'weekly' (1), 'twice a week' (2), 'fortnightly' "
                   "(0.5), or '3 x 20 mins'",
    Unit.MINUTES: "type one number of minutes: 20, '20 mins', '1 hour' (60), '1h30' (90), "
                  "'1.5 hours' (90), 'half an hour' (30), or '3 x 20 mins'",
    Unit.WEEKS: "type one number of weeks: 12 or '12 weeks' (a term or half term is not a "
                "fixed number of weeks, so say how many)",
    Unit.MONEY: "type one amount: 12.50, '£12.50', '12.50 GBP' or '£1.2k' (1,200)",
    Unit.MONEY_PER_HOUR: "type one amount an hour: 18.50, '£18.50', '£18.50 per hour' or "
                         "'18.50 GBP'",
    Unit.MONEY_PER_TERM: "type one amount a term: 60, '£60', '£60 per term' or '£1.2k' (1,200)",
}

_N = r"(\d+(?:\.\d+)?|\.\d+)"
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "once": 1, "twice": 2, "thrice": 3}
_WN = r"(\d+(?:\.\d+)?|\.\d+|one|two|three|four|five|six|seven|eight|nine|ten|once|twice|thrice)"
_WEEK = r"(?:(?:a|per|each|every|/|p\s*/?)\s*(?:week|wk)|weekly|pw|p/w|/w)"
_DAY = r"(?:(?:a|per|each|every|/)\s*day|daily)"
_FORTNIGHT = (r"(?:(?:a|per|each|every)\s*fortnight|fortnightly|every\s+(?:other|two|2)\s+"
              r"weeks)")
_PERIOD = rf"(?P<per>{_WEEK}|{_DAY}|{_FORTNIGHT})"
_TIMES = r"(?:x|times|sessions?|lessons?|days?|visits?)"
_MIN = r"(?:m|mins?|minutes?|mns?)\.?"
_HOUR = r"(?:h|hrs?|hours?)\.?"
_SESSIONS = re.compile(rf"^(?:(?P<n>{_WN})\s*{_TIMES}?\s*)?{_PERIOD}?$")
_PAIR = re.compile(rf"^(?:(?P<s>{_WN})\s*(?:x|times|sessions?\s+of|lots\s+of)\s*)?"
                   rf"(?P<m>{_N})\s*(?P<unit>{_MIN}|{_HOUR})?\s*(?:(?:each|per\s+session)\s*)?"
                   rf"{_PERIOD}?$")
_MINUTES = re.compile(rf"^{_N}\s*{_MIN}$")
_HOURS = re.compile(rf"^(?P<h>{_WN}|an?)\s*{_HOUR}(?:\s*(?:and\s*)?(?P<m>\d{{1,2}})\s*(?:{_MIN})?)?$")
_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)$")
_WEEKS = re.compile(rf"^(?P<n>{_WN})\s*(?:w|wks?|weeks?)\.?$")
_MONEY = re.compile(rf"^(?:£|gbp)?\s*{_N}\s*(?P<k>k)?\s*(?:gbp|pounds?)?\s*(?P<per>.*)$")
_PER_HOUR = re.compile(r"^(?:(?:per|an?|/|p\s*/?)\s*(?:hour|hr|h)|ph|hourly)?$")
_PER_TERM = re.compile(r"^(?:(?:per|a|/|each)\s*term|termly)?$")
_PER_NOTHING = re.compile(r"^$")
_PHRASES = {
    Unit.MINUTES: {"half an hour": 30, "half hour": 30, "half-hour": 30, "an hour": 60,
                   "a quarter of an hour": 15, "quarter of an hour": 15, "quarter hour": 15,
                   "three quarters of an hour": 45, "an hour and a half": 90,
                   "hour and a half": 90, "one and a half hours": 90, "one hour": 60},
}
_RANGE = re.compile(rf"{_N}\s*(?:-|–|—|to|or|/)\s*{_N}")
_VAGUE = re.compile(r"\b(?:as|when|if)\s+(?:needed|required|necessary)\b|\bvar(?:y|ies|iable)\b|"
                    r"\bongoing\b|\btb[cad]\b|\bflexible\b|\bapprox|\babout\b|\baround\b|"
                    r"\bup to\b|~|\bc\.\s*\d|\bhalf[\s-]*term|\bterm|\byear\b|\bad hoc\b|"
                    r"\bsome\b|\bfew\b|\bseveral\b")
_DAYS_A_WEEK = 5              # school days: `daily` is 5 sessions a week


def _clean_words(text: str) -> str:
    t = text.strip().lower().replace("×", " x ").replace("*", " x ").replace("½", ".5")
    t = re.sub(r"(?<![\d.])1/2\b", "half", t)
    t = t.replace(",", "") if re.search(r"\d,\d{3}", t) else t
    return " ".join(t.split()).rstrip(".")


def _number(word: str) -> Decimal:
    return Decimal(_WORDS[word]) if word in _WORDS else Decimal(word)


def _per_week(per: str | None) -> Decimal:
    """How many of a period there are in a week: a day 5, a fortnight one half."""
    if per is None or re.fullmatch(_WEEK, per):
        return Decimal(1)
    if re.fullmatch(_DAY, per):
        return Decimal(_DAYS_A_WEEK)
    return Decimal("0.5")


def _minutes(amount: str, unit: str | None) -> Decimal:
    n = Decimal(amount)
    return n * 60 if unit is not None and re.fullmatch(_HOUR, unit) else n


def _words(text: str, unit: Unit) -> Amount | None:
    """The number ``text`` (cleaned) means in a column of ``unit``, or None."""
    if unit is Unit.SESSIONS or unit is Unit.MINUTES:
        m = _PAIR.match(text)
        if m and (m.group("s") or (m.group("unit") and m.group("per"))):
            sessions = (_number(m.group("s")) if m.group("s") else Decimal(1)) \
                * _per_week(m.group("per"))
            minutes = _minutes(m.group("m"), m.group("unit"))
            s, mi = float(sessions), float(minutes)
            return Amount(s if unit is Unit.SESSIONS else mi, s, mi)
    if unit is Unit.SESSIONS:
        m = _SESSIONS.match(text)
        if m and (m.group("n") or m.group("per")):
            n = _number(m.group("n")) if m.group("n") else Decimal(1)
            return Amount(float(n * _per_week(m.group("per"))))
        return None
    if unit is Unit.MINUTES:
        if text in _PHRASES[Unit.MINUTES]:
            return Amount(float(_PHRASES[Unit.MINUTES][text]))
        if m := _MINUTES.match(text):
            return Amount(float(Decimal(m.group(1))))
        if m := _HOURS.match(text):
            h = Decimal(1) if m.group("h") in ("a", "an") else _number(m.group("h"))
            return Amount(float(h * 60 + Decimal(m.group("m") or 0)))
        if m := _CLOCK.match(text):
            return Amount(float(int(m.group(1)) * 60 + int(m.group(2))))
        return None
    if unit is Unit.WEEKS:
        m = _WEEKS.match(text)
        return Amount(float(_number(m.group("n")))) if m else None
    m = _MONEY.match(text)
    if not m:
        return None
    per = {Unit.MONEY_PER_HOUR: _PER_HOUR, Unit.MONEY_PER_TERM: _PER_TERM}.get(unit,
                                                                               _PER_NOTHING)
    if not per.match(m.group("per")):
        return None
    n = Decimal(m.group(1)) * (1000 if m.group("k") else 1)
    return Amount(float(n))


def parse_amount(value: object, unit: Unit) -> tuple[float | None, Amount | None]:
    """A number column's cell: ``(number, None)`` for a number as :func:`parse_number` reads
    it, ``(number, Amount)`` when it was written with its unit or in words (the reader
    says so once per sheet and column), ``(None, None)`` for blank.

    What is not certain stays a :class:`BadValue` whose hint says what is accepted: a range
    (`2-3`, `15/20 minutes`), `as needed`, `half term`, `a term`, anything else.
    """
    try:
        return parse_number(value), None
    except BadValue as exc:
        first = exc
    if isinstance(value, (time, timedelta)) and unit is Unit.MINUTES:
        seconds = (value.hour * 3600 + value.minute * 60 + value.second
                   if isinstance(value, time) else value.total_seconds())
        if seconds % 60 == 0 and seconds >= 0:          # `1:30` typed, made a time by Excel
            return seconds / 60, Amount(seconds / 60)
    if not isinstance(value, str):
        raise BadValue(str(first), ACCEPTS[unit])
    text = _clean_words(value)
    found = _words(text, unit) if len(text) <= 60 else None
    if found is not None and math.isfinite(found.value):
        return found.value, found
    shown = value.strip()
    if _RANGE.search(text):
        raise BadValue(f"'{shown}' is a range; provmap needs one number", ACCEPTS[unit])
    if _VAGUE.search(text):
        raise BadValue(f"'{shown}' is not one certain number", ACCEPTS[unit])
    raise BadValue(str(first), ACCEPTS[unit])


def format_amount(n: float, unit: Unit) -> str:
    """A number as the information message shows it: 3, 0.5, `£1,200.00`."""
    if unit in (Unit.MONEY, Unit.MONEY_PER_HOUR, Unit.MONEY_PER_TERM):
        return format_money(n)
    return f"{n:,.2f}".rstrip("0").rstrip(".")
