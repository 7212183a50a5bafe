"""A seeded, fictional primary school, written through the standard template.

``generate_school(pupils=200, seed=2025)`` makes the rows: a register (R to Y6, two forms a
year for 200 pupils, more for bigger schools), about 17% of pupils on SEN support (K) and
3% with an EHC plan (E), interventions each term that follow on from the term before,
reviews, profiles and professionals.  The rows look like what staff really type: reading
ages as `7y 2m`, attendance as `95%` or 0.95, a few hand-typed costs (one as text
`£1,200.50`), UK date text, groups that mix classes, quality first teaching and 1:1 rows.

The shipped example has no errors and a few deliberate warnings (see ``DELIBERATE``).
Names are made up from lists of first names and surnames; no two pupils share a full name
while the lists allow it.  The same seed always gives the same school.
"""

from __future__ import annotations

import os
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..calendar import start_year
from ..workbook.standard import ExampleData, new_workbook
from .example_years import generate_history, write_history
from .this_year import (DELIBERATE, ESTABLISHMENT, SCHOOL, YEAR, YEARS, class_names,
                        this_year)

__all__ = ["ExampleData", "generate_school", "write_example", "school_names", "write_trust",
           "write_history", "generate_history", "DELIBERATE", "SCHOOL", "YEAR", "YEARS",
           "class_names", "MOST_SCHOOLS"]


def generate_school(pupils: int = 200, seed: int = 2025, terms: int = 3, *,
                    establishment: int = ESTABLISHMENT, year: str = YEAR) -> ExampleData:
    """The rows of a fictional primary school; the same seed gives the same school.

    ``terms`` is how many terms carry provision (1 to 3); with 3 the Summer term is under
    way: provision and targets are in, Posts are typed, but most end-of-term outcomes and
    the R-Y2 reviews are not finished yet.  ``establishment`` (the school's four-digit DfE
    number) goes into every UPN, so that the schools of a trust have different UPNs.
    An earlier ``year`` (``2024-25``) is the same school a year before: the same children a
    year younger, that year's leavers, all three terms finished (see ``example_years``).
    """
    if year == YEAR:
        return this_year(pupils, seed, terms, establishment).data
    return generate_history(pupils, seed, years_back(year) + 1, terms,
                            establishment=establishment)[year]


def years_back(year: str) -> int:
    """How many years ``year`` is before the example's own year (``2024-25`` -> 1)."""
    first = start_year(year)
    if year != f"{first}-{(first + 1) % 100:02d}" or not first < int(YEAR[:4]) + 1:
        raise ValueError(f"the example writes {YEAR} or an academic year before it, "
                         f"like 2024-25; not {year!r}")
    return int(YEAR[:4]) - first


def write_example(out: Path | str, pupils: int = 200, seed: int = 2025, terms: int = 3, *,
                  school: str = SCHOOL, establishment: int = ESTABLISHMENT,
                  year: str = YEAR) -> Path:
    """Write the example school's workbook of ``year`` to ``out`` (whole or not at all).

    ``year`` before 2025-26 writes the same school that year (``generate_school``); for all
    its years at once, ``provmap.dev.example_years.write_history``.
    """
    data = generate_school(pupils=pupils, seed=seed, terms=terms, establishment=establishment,
                           year=year)
    return new_workbook(Path(out), school, year, data=data)


# --- a trust of example schools ---------------------------------------------------------------

PLACES = (
    "Oakfield", "Meadowbank", "Brookside", "Hillcrest", "Riverside", "Westfield", "Ashgrove",
    "Fernhill", "Kingsmead", "Moorside", "Greenacres", "Highfield", "Larkrise", "Beechwood",
    "Elmhurst", "Millbrook", "Thornbury", "Redhill", "Sandford", "Woodlands", "Birchfield",
    "Castleton", "Park View", "Springfield", "Fairfield", "Lowfield", "Heathside", "Cherry Tree",
    "Willowbrook", "Stonebridge", "Foxhill", "Church Lane", "Marsh Green", "Holmewood",
    "Broadoak", "Hawthorn", "Lark Hill", "Coppice", "Whitegate", "Bankside", "Dale View",
    "Kirkstall", "Hollybush", "Rosehill", "Northfield", "Southgate", "Eastwood", "Orchard",
    "Primrose Hill", "Bramley", "Brightwell", "Sherwood", "Copperfield", "Linden", "Mossley",
    "Netherfield", "Queensway", "Ravenscliffe", "Summerhill", "Tarnside",
)
PLACE_KINDS = ("Primary School", "Primary School", "Primary Academy", "Community Primary School",
               "Primary")
FAITH = (
    "St Mary's CE Primary School", "St Joseph's Catholic Primary School",
    "Holy Trinity CE Primary School", "St Peter's CE Primary School",
    "Christ Church CE Primary School", "Our Lady of Lourdes Catholic Primary School",
    "St Anne's CE Primary School", "St John Fisher Catholic Primary School",
    "St Michael's CE Primary Academy", "St Bernadette's Catholic Primary School",
    "All Saints CE Primary School", "St Thomas of Canterbury Catholic Primary School",
)
MOST_SCHOOLS = len(PLACES) + len(FAITH)


def school_names(n: int, seed: int = 2025) -> list[str]:
    """``n`` different, plausible English primary school names; the same seed, the same names.

    About one in five is a Church of England or Catholic school, as in England.
    """
    if not 1 <= n <= MOST_SCHOOLS:
        raise ValueError(f"the example can name from 1 to {MOST_SCHOOLS} schools")
    rng = random.Random(f"trust {seed}")
    n_faith = min(len(FAITH), max(n // 5, n - len(PLACES)))
    names = [f"{place} {rng.choice(PLACE_KINDS)}" for place in rng.sample(PLACES, n - n_faith)]
    names += rng.sample(FAITH, n_faith)
    rng.shuffle(names)
    return names


def trust_file(directory: Path | str, school: str, year: str = YEAR) -> Path:
    """Where ``write_trust`` puts one school's workbook."""
    return Path(directory) / f"{school} - Provision map {year}.xlsx"


def _write_one(job: tuple[Path, int, int, int, str, int]) -> Path:
    out, pupils, seed, terms, school, establishment = job
    return write_example(out, pupils=pupils, seed=seed, terms=terms, school=school,
                         establishment=establishment)


def write_trust(directory: Path | str, schools: int, pupils: int = 400, seed: int = 2025,
                terms: int = 3, workers: int | None = None) -> list[Path]:
    """Write ``schools`` differently named example schools of the same year into ``directory``.

    School ``i`` (from 1) is generated from seed ``seed + i`` with its own establishment
    number, so no two schools share pupils, UPNs or rows.  The workbooks are written in
    parallel on ``workers`` processes (default: every core).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    jobs = [(trust_file(directory, name), pupils, seed + i, terms, name, 2000 + 100 * i)
            for i, name in enumerate(school_names(schools, seed), start=1)]
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        return [_write_one(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_write_one, jobs))
