""""Is this right?" checks that need more than one cell: a score against its provision's
measure kind and highest score, and dates against the academic year.  The single-cell
ranges (negative or absurd counts, durations and money) are declared in the schema and
applied by the reader.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterator

from ..model import Map
from ..problems import Code, Problem, warning
from ..values import format_age
from .context import Context

#: Plausible values by measure kind (workbook-format.md, "Numbers out of range").
USUAL_SCORES = {
    "standardised": (40.0, 160.0, "standardised scores run from about 40 to 160"),
    "months": (24.0, 240.0, "an age between 2 and 20 years"),
}
SLACK = timedelta(days=31)          # "more than a month outside the academic year's terms"


def unlikely_scores(m: Map, ctx: Context) -> Iterator[Problem]:
    for r in m.provision_rows():
        provision = m.provision(r.provision)
        usual = USUAL_SCORES.get(provision.measure_kind if provision else None)
        if usual is None:
            continue
        low, high, words = usual
        for key, value in (("pre", r.pre), ("post", r.post)):
            if value is not None and not low <= value <= high:
                shown = format_age(value) if provision.measure_kind == "months" \
                    else f"{value:g}"
                yield warning(Code.UNLIKELY_SCORE, r.sheet, r.at(key),
                              f"{key.capitalize()} for {provision.name} is {shown}: is this "
                              f"right? {provision.measure or 'Its measure'} is "
                              f"{'an age' if provision.measure_kind == 'months' else 'a standardised score'}"
                              f"; expected {words}.",
                              "check the score, and that it is in the provision's measure")


def above_highest(m: Map, ctx: Context) -> Iterator[Problem]:
    """A Pre or Post above the highest score its provision's measure allows (the Provisions
    sheet's Highest score): what would reach parents as "36 -> 46" on a check out of 40."""
    for r in m.provision_rows():
        provision = m.provision(r.provision)
        highest = provision.highest_score if provision else None
        if highest is None:
            continue
        for key, value in (("pre", r.pre), ("post", r.post)):
            if value is not None and value > highest:
                yield warning(Code.SCORE_ABOVE_HIGHEST, r.sheet, r.at(key),
                              f"{key.capitalize()} for {provision.name} is {value:g}, above "
                              f"the highest score of {provision.measure or 'its measure'} "
                              f"({highest:g}, on the Provisions sheet): is this right?",
                              "check the score; or correct Highest score on the Provisions "
                              "sheet")


def academic_year_span(m: Map) -> tuple[date, date] | None:
    """The first term's start to the last term's end, else 1 September to 31 August of the
    year the Academic year setting names (`2025-26`)."""
    starts = [s for s, _ in m.settings.term_dates.values() if s]
    ends = [e for _, e in m.settings.term_dates.values() if e]
    if starts and ends:
        return min(starts), max(ends)
    year = m.settings.academic_year[:4]
    if year.isdigit():
        return date(int(year), 9, 1), date(int(year) + 1, 8, 31)
    return None


def dates_in_year(m: Map, ctx: Context) -> Iterator[Problem]:
    span = academic_year_span(m)
    if span is None:
        return
    first, last = span
    for r in m.provision_rows():
        for key, d in (("start_date", r.start_date), ("end_date", r.end_date)):
            if d is not None and not first - SLACK <= d <= last + SLACK:
                yield warning(Code.DATE_OUTSIDE_YEAR, r.sheet, r.at(key),
                              f"{key.replace('_', ' ').capitalize()} {d:%d/%m/%Y} is more than "
                              f"a month outside {m.settings.academic_year} ({first:%d/%m/%Y} to "
                              f"{last:%d/%m/%Y}): is this right?",
                              "check the date, typed day/month/year")
