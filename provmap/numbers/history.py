"""Several academic years of one school, each read, checked and rolled up as if alone.

``history(paths)`` is the one way the evidence and transition packs see more than one year.
Each workbook goes through ``provmap.load``, ``provmap.check`` and the single-year
``provmap.rollup`` over its whole year (the year's last term with provision), exactly as
``provmap rollup`` would do with that file alone; nothing here computes a cost.  Years are
ordered by academic year whatever order the paths come in, and pupils are joined by UPN
only (a pupil whose UPN changed is two pupils; names are never matched across years).

Refused (:class:`HistoryRefused`, one sentence, exit 2 from the command line): two
workbooks of the same academic year, or workbooks of different schools (the School setting
compared case- and space-insensitively).  A workbook that cannot be used (it will not open,
or has no School or Academic year to place it) is one line in ``History.skipped`` and the
other years go on without it.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from ..model import Map, Pupil
from .rollup import Rollup
from ..problems import Code, Problem, UnreadableWorkbook
from ..words import find_upn, match_key

PARALLEL_FROM_BYTES = 500_000     # read two years at once from this size of workbook
_YEAR = re.compile(r"^\s*(\d{4})\s*[-/–]\s*(\d{2}|\d{4})\s*$")


class HistoryRefused(ValueError):
    """The workbooks cannot be put together (same year twice, different schools)."""


@dataclass
class Year:
    """One academic year's workbook, as alone: its map, problems and whole-year rollup."""

    path: Path
    map: Map
    problems: list[Problem]
    rollup: Rollup

    @property
    def academic_year(self) -> str:
        return self.map.settings.academic_year

    @property
    def rows_excluded(self) -> int:
        """Provision rows left out of this year's numbers because of errors."""
        return len(self.rollup.excluded)


@dataclass
class History:
    """The usable years, oldest first, and one line for each workbook that was not usable."""

    school: str
    years: list[Year]
    skipped: list[str] = field(default_factory=list)

    @property
    def latest(self) -> Year:
        return self.years[-1]

    def pupil_years(self, upn: str) -> Iterator[tuple[Year, Pupil]]:
        """Each year (oldest first) whose register holds this UPN, with that year's record."""
        for y in self.years:
            p = y.map.pupils.get(upn)
            if p is not None:
                yield y, p

    def find_upn(self, text: str) -> str | None:
        """The register's spelling of a UPN typed by a user (spaces and case ignored)."""
        for y in reversed(self.years):
            found = find_upn(y.map.pupils, text)
            if found is not None:
                return found
        return None

    def register(self) -> list[Pupil]:
        """Every pupil record of every year (a UPN may appear once per year): the people
        whose names no pack may show, except the pack's own pupil."""
        return [p for y in self.years for p in y.map.pupils.values()]


def year_start(academic_year: str) -> int | None:
    """2025 for `2025-26` (also `2025/26`, `2025-2026`); None when it cannot be read."""
    m = _YEAR.match(academic_year or "")
    return int(m.group(1)) if m else None


def _unusable(m: Map) -> str | None:
    """Why a loaded workbook cannot be placed among the years, or None."""
    missing = {p.message for p in m.problems if p.code == Code.MISSING_SETTING}
    if any("School" in msg for msg in missing):
        return "its Settings sheet has no School, so it cannot be matched to the other years"
    if not m.settings.academic_year:
        return "its Settings sheet has no Academic year, so it cannot be put in order"
    if year_start(m.settings.academic_year) is None:
        return (f"its Academic year '{m.settings.academic_year}' cannot be read; write it "
                "as 2025-26")
    return None


def _one_year(path: Path, today: date | None) -> Year | str:
    """Load, check and roll up one workbook; a string says why it cannot be used."""
    from ..checks import run_checks as check
    from .rollup import rollup
    from ..read.workbook import load

    try:
        m = load(path)
    except UnreadableWorkbook as exc:
        return f"{path}: {exc.message}"
    why = _unusable(m)
    if why:
        return f"{path}: {why}."
    problems = check(m, today=today)
    try:
        r = rollup(m, problems=problems, today=today)
    except ValueError as exc:
        return f"{path}: {exc}."
    return Year(path=Path(path), map=m, problems=problems, rollup=r)


def _each_year(paths: list[Path], today: date | None) -> list[Year | str]:
    """Every workbook as alone; two at a time in two processes when they are big enough
    for the start-up and the pickling (about 0.2 s a year at 2,000 pupils) to pay."""
    def size(p: Path) -> int:
        try:
            return p.stat().st_size
        except OSError:
            return 0
    big = sum(1 for p in paths if size(p) >= PARALLEL_FROM_BYTES)
    if len(paths) < 2 or big < 2 or (os.cpu_count() or 1) < 2:
        return [_one_year(p, today) for p in paths]
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_one_year, paths, [today] * len(paths)))


def history(paths: Iterable[str | Path], today: date | None = None) -> History:
    """Several years' workbooks of one school, each rolled up as alone, oldest first.

    Raises :class:`HistoryRefused` for two workbooks of one academic year, workbooks of
    different schools, or when none of the workbooks can be used.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise HistoryRefused("give at least one provision-map workbook.")
    years: list[Year] = []
    skipped: list[str] = []
    for got in _each_year(paths, today):
        if isinstance(got, str):
            skipped.append(got)
        else:
            years.append(got)
    if not years:
        raise HistoryRefused("none of the workbooks could be used: " + " ".join(skipped))

    by_year: dict[int, Year] = {}
    for y in years:
        start = year_start(y.academic_year)
        if start in by_year:
            raise HistoryRefused(
                f"{by_year[start].path} and {y.path} are both for {y.academic_year}; give one "
                "workbook per academic year.")
        by_year[start] = y
    schools = {match_key(y.map.settings.school): y for y in years}
    if len(schools) > 1:
        a, b = list(schools.values())[:2]
        raise HistoryRefused(
            f"{a.path} is for {a.map.settings.school} but {b.path} is for "
            f"{b.map.settings.school}; give the workbooks of one school only.")
    ordered = [by_year[k] for k in sorted(by_year)]
    return History(school=ordered[-1].map.settings.school, years=ordered, skipped=skipped)
