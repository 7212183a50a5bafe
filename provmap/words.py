"""The school's words: how provmap says a pupil's SEN status, year group, need, a date, an
attendance figure or a number, and how it reads a UPN that a person typed.

One place, so that the POP a parent reads, the packs a SENCo sends and the checks a teacher
sees all say the same thing the same way, and a change of wording is one edit.
"""

from __future__ import annotations

from datetime import date
from typing import Collection

from .schema import NEED, NEED_AREA

# --------------------------------------------------------------------------- SEN status

SEN_SUPPORT = "K"
EHC_PLAN = "E"
NO_SEN = "N"
STATUSES = (SEN_SUPPORT, EHC_PLAN, NO_SEN)
#: The SEN register: pupils on SEN support (K) or with an EHC plan (E).  They get a POP, a
#: line in a new term's review table, an evidence pack by default, a primary need check.
ON_REGISTER = (SEN_SUPPORT, EHC_PLAN)
#: A status as a parent reads it (the POP and the packs).
STATUS_WORDS = {SEN_SUPPORT: "SEN support (K)", EHC_PLAN: "Education, health and care plan (E)",
                NO_SEN: "No SEN: monitoring (N)"}
#: A status in a sentence for staff: "3 pupils on SEN support", "K or E ... EHC plan".
STATUS_SHORT = {SEN_SUPPORT: "SEN support", EHC_PLAN: "EHC plan", NO_SEN: "no SEN"}
NOT_RECORDED = "Not recorded"


def on_register(status: str | None) -> bool:
    """True for a pupil on the SEN register (SEN support or an EHC plan)."""
    return status in ON_REGISTER


def match_key(text: str | None) -> str:
    """How a name typed in two places is matched (a class, a provision, a school, a
    professional): case ignored, runs of spaces as one, nothing for none."""
    return " ".join((text or "").split()).casefold()


def status_words(status: str | None) -> str:
    """`SEN support (K)`; an unknown code as written; `Not recorded` for none."""
    return STATUS_WORDS.get(status or "", status or NOT_RECORDED)


# --------------------------------------------------------------------------- the pupil

def year_group_words(year_group: str | None) -> str:
    """`Reception`, `Nursery`, `Year 3`; anything else as written; `Not recorded` for none."""
    if not year_group:
        return NOT_RECORDED
    return {"R": "Reception", "N": "Nursery"}.get(
        year_group, f"Year {year_group}" if year_group.isdigit() else year_group)


def year_group_order(year_group: str | None) -> tuple[int, str]:
    """The order a school lists year groups in: Nursery, Reception, Year 1 to 13, then
    anything else as written (a sort key)."""
    if year_group == "N":
        return (0, "")
    if year_group == "R":
        return (1, "")
    if year_group and year_group.isdigit():
        return (2 + int(year_group), "")
    return (100, str(year_group))


def need_words(code: str | None) -> str | None:
    """`Specific learning difficulty (SPLD)`; an unknown code as written; None for none."""
    if not code:
        return None
    words = NEED.words.get(code)
    return f"{words[0]} ({code})" if words else code


def need_and_area(code: str | None) -> str | None:
    """`Specific learning difficulty (SPLD), in cognition and learning`; the broad area is
    left out when it says the same as the need (SEMH)."""
    need = need_words(code)
    if need is None:
        return None
    words = NEED.words.get(code or "")
    area = NEED_AREA.get(code or "")
    if area and (not words or area.casefold() != words[0].casefold()):
        return f"{need}, in {area.lower()}"
    return need


def date_words(day: date | None) -> str:
    """`3 Sep 2025` (no leading zero); `Not recorded` for none."""
    return f"{day.day} {day:%b %Y}" if day else NOT_RECORDED


# --------------------------------------------------------------------------- numbers

def attendance_words(fraction: float | None) -> str | None:
    """A fraction as a percentage to one place, a whole number without it: 0.955 `95.5%`,
    0.96 `96%`; None for none."""
    if fraction is None:
        return None
    return f"{fraction * 100:.1f}%".replace(".0%", "%")


def number_words(value: float | None, digits: int = 2) -> str | None:
    """A number with thousands commas and at most `digits` places, no trailing zeros:
    `1,234.5`, `6`; None for none."""
    if value is None:
        return None
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count_words(value: float) -> str:
    """A count or a quantity as staff would write it: `3`, `2.5`, `1,200,000`."""
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


# --------------------------------------------------------------------------- UPNs

def tidy_upn(text: object) -> str:
    """A UPN as typed (`a123 4567 89012`, with any spaces) in the register's form: no
    spaces, capital letters."""
    return "".join(str(text).split()).upper()


def find_upn(upns: Collection[str], text: object) -> str | None:
    """The register's spelling of a UPN a person typed (spaces and case ignored), or None.
    `upns`: the register's UPNs (a dict keyed by UPN will do)."""
    key = tidy_upn(text)
    if key in upns:
        return key
    return next((upn for upn in upns if upn.upper() == key), None)
