"""Typed records of one provision map, each row remembering where it came from.

``provmap.load(path)`` returns a :class:`Map`.  Values are already parsed (numbers are
floats, dates are ``datetime.date``, choices are canonical); a cell that could not be read
is ``None`` here and a located :class:`~provmap.problems.Problem` in ``Map.problems``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .problems import Problem
from .schema import FIRST_BAND, NEED_AREA


def get_column_letter(col: int) -> str:
    """1 -> A, 27 -> AA (openpyxl's helper, without importing openpyxl)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Layout:
    """Where one table sits: its sheet, header row and the column number of each field."""

    sheet: str
    header_row: int
    columns: dict[str, int]          # column key -> 1-based column number

    def cell(self, key: str, row: int) -> str:
        """`B7` for a field on a row, or just the row (`7`) when the column is absent."""
        col = self.columns.get(key)
        return f"{get_column_letter(col)}{row}" if col else str(row)


@dataclass(frozen=True)
class Settings:
    school: str
    academic_year: str
    terms: tuple[str, ...]
    term_dates: dict[str, tuple[date | None, date | None]]
    threshold: float
    impact_bands: tuple[tuple[float, str], ...]     # (lower bound, label), ascending
    suppress_below: int
    leaving_year_group: str = "6"                   # "N", "R", "1" .. "13": leaves in the summer
    senco: str | None = None                        # "Mrs A. Shah, 01632 960123", as typed
    glossary: dict[str, str] = field(default_factory=dict)   # the school's: code -> meaning

    def band(self, ratio_gain: float | None) -> str | None:
        """Brooks' impact band for a ratio gain (None stays None)."""
        if ratio_gain is None:
            return None
        label = FIRST_BAND
        for bound, name in self.impact_bands:
            if ratio_gain >= bound:
                label = name
        return label

    def useful_or_better(self, ratio_gain: float | None) -> bool:
        """Impact useful or better (see :func:`useful_or_better`)."""
        return useful_or_better(ratio_gain, self.impact_bands)

    def term_index(self, term: str) -> int:
        return [t.casefold() for t in self.terms].index(term.casefold())


USEFUL = "useful"


def useful_from(bands: tuple[tuple[float, str], ...]) -> float | None:
    """Where "useful or better" starts: the band the school calls useful, else the first
    band above modest (the school may call it something else).  None without bands.

    The governors' and trust reports count provisions, and the packs pupils, by this one
    rule, so "useful or better" always agrees with the band printed beside the figure.
    """
    named = [bound for bound, label in bands if label.strip().casefold() == USEFUL]
    if named:
        return named[0]
    return min((bound for bound, _ in bands), default=None)


def useful_or_better(ratio_gain: float | None, bands: tuple[tuple[float, str], ...]) -> bool:
    """Whether a ratio gain's band is useful or a band above it."""
    start = useful_from(bands)
    return ratio_gain is not None and start is not None and ratio_gain >= start


def making_progress(assessed: int, no_progress: int) -> float | None:
    """The share of assessed pupils making progress: of the pupils with both scores on a
    provision, those with no row whose gain is 0 or less (the rollup's "Share making
    progress").  Over several provisions, the sums of both counts: a pupil counts once in
    each provision.  None when nobody was assessed."""
    return (assessed - no_progress) / assessed if assessed else None


def most_made_no_progress(assessed: int, no_progress: int) -> bool:
    """The rollup's provision flag: more than half the assessed pupils made no progress."""
    return assessed > 0 and no_progress * 2 > assessed


@dataclass(frozen=True, slots=True)
class Pupil:
    layout: Layout
    row: int
    upn: str
    forename: str
    surname: str
    date_of_birth: date | None
    year_group: str | None          # "N", "R", "1" .. "13"
    class_name: str | None
    sen_status: str | None          # "K", "E", "N"
    primary_need: str | None        # census code
    secondary_need: str | None
    pupil_premium: bool | None
    eal: bool | None
    looked_after: bool | None
    parent_carer: str | None
    language_at_home: str | None

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"

    @property
    def area_of_need(self) -> str | None:
        return NEED_AREA.get(self.primary_need or "")

    @property
    def sheet(self) -> str:
        return self.layout.sheet

    def at(self, key: str) -> str:
        return self.layout.cell(key, self.row)


@dataclass(frozen=True, slots=True)
class StaffMember:
    layout: Layout
    row: int
    name: str
    role: str | None
    hourly_cost: float | None


@dataclass(frozen=True, slots=True)
class Provision:
    layout: Layout
    row: int
    name: str
    type: str | None                # schema.QFT, GROUP or ONE_TO_ONE
    area_of_need: str | None
    delivered_by: str | None
    sessions_per_week: float | None
    minutes_per_session: float | None
    weeks: float | None
    resource_cost: float | None
    measure: str | None
    measure_kind: str | None        # "months", "standardised", "score"
    higher_is_better: bool          # default True
    highest_score: float | None = None   # the measure's highest possible score, if it has one
    why_chosen: str | None = None        # the evidence for choosing it, for its group plans

    def at(self, key: str) -> str:
        return self.layout.cell(key, self.row)


@dataclass(frozen=True, slots=True)
class ProfileRow:
    layout: Layout
    row: int
    pupil_text: str | None
    upn_text: str | None
    upn: str | None                 # resolved register UPN
    area: str | None
    strengths: str | None
    challenges: str | None


@dataclass(frozen=True, slots=True)
class ProfessionalRow:
    layout: Layout
    row: int
    pupil_text: str | None
    upn_text: str | None
    upn: str | None
    name: str | None
    role_or_service: str | None
    involved_since: date | None
    latest_report: date | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class ProvisionRow:
    """One pupil on one provision in one term, as typed on a class-term sheet."""

    layout: Layout
    row: int
    class_name: str
    term: str
    pupil_text: str | None
    upn_text: str | None
    upn: str | None                 # resolved register UPN (None if not found)
    provision: str | None
    type: str | None
    area_of_need: str | None
    delivered_by: str | None
    sessions_per_week: float | None
    minutes_per_session: float | None
    weeks: float | None
    group: str | None
    group_size: int | None
    start_date: date | None
    end_date: date | None
    target: str | None
    pre: float | None
    post: float | None
    outcome: str | None
    next_step: str | None
    cost: float | None              # a hand-typed override (formulas are ignored)
    comments: str | None

    @property
    def sheet(self) -> str:
        return self.layout.sheet

    def at(self, key: str) -> str:
        return self.layout.cell(key, self.row)


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One pupil's termly review on a class-term sheet."""

    layout: Layout
    row: int
    class_name: str
    term: str
    pupil_text: str | None
    upn_text: str | None
    upn: str | None
    targets: tuple[tuple[str | None, str | None], ...]    # (target, outcome) x 3
    attendance: float | None        # a fraction, 0.95
    reading: str | None
    writing: str | None
    maths: str | None
    staff_views: str | None
    parent_views: str | None
    pupil_views: str | None

    @property
    def sheet(self) -> str:
        return self.layout.sheet

    def at(self, key: str) -> str:
        return self.layout.cell(key, self.row)


@dataclass(frozen=True)
class ClassTermSheet:
    name: str
    class_name: str
    term: str
    provision_rows: list[ProvisionRow]
    review_rows: list[ReviewRow]
    provision_layout: Layout | None
    review_layout: Layout | None


@dataclass
class Map:
    """A whole provision-map workbook: records plus the problems met while reading."""

    path: str
    settings: Settings
    pupils: dict[str, Pupil]                    # by UPN, register order
    staff: dict[str, StaffMember]               # by casefolded name
    provisions: dict[str, Provision]            # by casefolded name
    profiles: list[ProfileRow]
    professionals: list[ProfessionalRow]
    sheets: list[ClassTermSheet]                # workbook order
    problems: list[Problem]                     # found while reading
    sheet_order: list[str] = field(default_factory=list)

    def provision_rows(self, term: str | None = None):
        for s in self.sheets:
            if term is None or s.term.casefold() == term.casefold():
                yield from s.provision_rows

    def review_rows(self, term: str | None = None):
        for s in self.sheets:
            if term is None or s.term.casefold() == term.casefold():
                yield from s.review_rows

    def provision(self, name: str | None) -> Provision | None:
        return self.provisions.get(name.casefold().strip()) if name else None

    def staff_member(self, name: str | None) -> StaffMember | None:
        return self.staff.get(" ".join(name.split()).casefold()) if name else None

    @property
    def classes(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.sheets:
            seen.setdefault(s.class_name, None)
        return list(seen)

    @property
    def terms_with_provision(self) -> list[str]:
        used = {s.term for s in self.sheets if s.provision_rows}
        return [t for t in self.settings.terms if t in used]
