"""One pupil across several years, copied out of each year's rollup: what the evidence
pack and the transition pack show, and nothing about anyone else.

Each year's part is that year's :class:`~provmap.reports.pop_data.PopData` (the POP's own
extraction: register details, profiles, professionals, each term's provision, targets,
review, attendance and attainment, with other pupils' names redacted), plus the figures the
single-year rollup already holds: the pupil's year cost (``Rollup.by_pupil``'s `Year cost`)
and the cost of each term by type (sums of ``Rollup.rows.share``).  Nothing is costed here.
Redaction uses every year's register, so a pupil who left last year is still hidden.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable

from ..model import useful_or_better as model_useful_or_better
from ..numbers.history import History, Year
from ..schema import GROUP, ONE_TO_ONE, QFT
from ..words import count_words, match_key, on_register
from .pop_data import PopData, PupilIndex, SupportEntry, TermData

TYPES = (QFT, GROUP, ONE_TO_ONE)
TYPE_WORDS = {QFT: "Quality first teaching", GROUP: "Group", ONE_TO_ONE: "1:1"}


@dataclass(frozen=True, slots=True)
class PupilYear:
    """The pupil in one academic year."""

    academic_year: str
    pop: PopData                                   # the year's POP content (all terms)
    year_cost: float                               # Rollup.by_pupil "Year cost" (0 if none)
    threshold: float                               # the year's notional SEN threshold
    cost_by_term_type: tuple[tuple[str, str, float], ...]   # (term, type, cost) from the rollup
    terms: tuple[str, ...]                         # the year's terms up to the rollup term
    rows_left_out: int                             # this pupil's rows left out (errors)
    impact_bands: tuple[tuple[float, str], ...]

    @property
    def above_threshold(self) -> bool:
        """The rollup's rule: a year cost above the threshold (not equal to it)."""
        return self.year_cost > self.threshold

    @property
    def term_data(self) -> tuple[TermData, ...]:
        return self.pop.terms


@dataclass(frozen=True, slots=True)
class Professional:
    name: str | None
    role: str | None
    since: date | None
    latest_report: date | None
    notes: str | None
    years: tuple[str, ...]                         # academic years that record them


@dataclass(frozen=True, slots=True)
class PupilYears:
    """Everything a pack about one pupil shows, oldest year first (picklable, small)."""

    school: str
    upn: str
    years: tuple[PupilYear, ...]
    professionals: tuple[Professional, ...]
    skipped_files: tuple[str, ...]                 # workbooks that could not be used

    @property
    def latest(self) -> PupilYear:
        return self.years[-1]

    @property
    def name(self) -> str:
        return self.latest.pop.name

    def terms(self) -> Iterable[tuple[PupilYear, TermData]]:
        """Every term of every year, oldest first."""
        for y in self.years:
            for t in y.pop.terms:
                yield y, t

    def entries(self) -> Iterable[tuple[PupilYear, TermData, SupportEntry]]:
        for y, t in self.terms():
            for e in t.support:
                yield y, t, e

    @property
    def people(self) -> int:
        """How many outside professionals: a person in two roles is one person (and two
        involvements in ``professionals``)."""
        return len({match_key(x.name) or f"role: {match_key(x.role)}" for x in self.professionals})

    @property
    def has_provision(self) -> bool:
        return any(True for _ in self.entries())

    @property
    def total_cost(self) -> float:
        return sum(y.year_cost for y in self.years)

    def cycles(self) -> list[tuple[PupilYear, TermData]]:
        """Assess, plan, do, review cycles: terms with provision and a review with targets."""
        return [(y, t) for y, t in self.terms() if t.support and t.targets]

    def first_register_term(self) -> tuple[PupilYear, str] | None:
        """The first term on the SEN register in the years given: the first year whose
        register says K or E, and in it the first term with provision or a review (else
        the year's first term)."""
        for y in self.years:
            if on_register(y.pop.sen_status):
                for t in y.pop.terms:
                    if t.support or t.reviewed:
                        return y, t.term
                return y, (y.terms[0] if y.terms else "")
        return None


def _professionals(years: list[PupilYear]) -> tuple[Professional, ...]:
    """Each involvement once across the years: a professional in a role, matched by name
    and role (case and spaces ignored).  The same person in two roles (a community
    paediatrician one year, a speech and language therapist the next) is two involvements,
    each with its own dates, so neither disappears from a pack an LA panel reads.  A row
    with no role joins its name's involvement when that name has exactly one role; a row
    with no name is matched by role among the rows with no name.  The name as first
    written, earliest `involved since`, latest `latest report`, role and notes from the
    latest year that gives them."""
    rows = [(y.academic_year, *row) for y in years for row in y.pop.professionals]
    roles: dict[str, set[str]] = defaultdict(set)
    for _, name, role, *_rest in rows:
        if match_key(name) and match_key(role):
            roles[match_key(name)].add(match_key(role))
    merged: dict[tuple[str, str], dict] = {}
    for year, name, role, since, latest, notes in rows:
        who, what = match_key(name), match_key(role)
        if not who and not what:
            continue
        if who and not what and len(roles[who]) == 1:
            what = next(iter(roles[who]))
        m = merged.setdefault((who, what), {"name": name, "role": role, "since": since,
                                            "latest": latest, "notes": notes, "years": []})
        m["name"] = m["name"] or name           # as first written
        m["role"] = role or m["role"]
        m["notes"] = notes or m["notes"]
        if since and (m["since"] is None or since < m["since"]):
            m["since"] = since
        if latest and (m["latest"] is None or latest > m["latest"]):
            m["latest"] = latest
        if year not in m["years"]:
            m["years"].append(year)
    return tuple(Professional(m["name"], m["role"], m["since"], m["latest"], m["notes"],
                              tuple(m["years"])) for m in merged.values())


class Extractor:
    """Each year's rollup indexed once, so each pupil is a handful of look-ups."""

    def __init__(self, hist: History):
        self.history = hist
        register = hist.register()
        self.indexes = [(y, PupilIndex(y.rollup, register)) for y in hist.years]
        self.costs: dict[str, dict[str, tuple[tuple[str, str, float], ...]]] = {}
        self.year_cost: dict[str, dict[str, float]] = {}
        self.left_out: dict[str, dict[str, int]] = {}
        for y in hist.years:
            self._index_year(y)

    def _index_year(self, y: Year) -> None:
        r = y.rollup
        key = y.academic_year
        by_pupil = r.by_pupil.set_index("UPN")["Year cost"]
        self.year_cost[key] = {str(u): float(c) for u, c in by_pupil.items()}
        sums = r.rows.groupby(["upn", "term", "type"], sort=False)["share"].sum()
        order = {t: i for i, t in enumerate(r.terms)}
        per: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
        for (upn, term, kind), cost in sums.items():
            per[str(upn)].append((str(term), str(kind), float(cost)))
        self.costs[key] = {u: tuple(sorted(v, key=lambda x: (order.get(x[0], 99),
                                                             TYPES.index(x[1])
                                                             if x[1] in TYPES else 9)))
                           for u, v in per.items()}
        left: dict[str, int] = defaultdict(int)
        excluded = {(str(s).casefold(), int(row)) for s, row in
                    zip(r.excluded["sheet"], r.excluded["row"])}
        for row in y.map.provision_rows():
            if row.upn and (row.sheet.casefold(), row.row) in excluded:
                left[row.upn] += 1
        self.left_out[key] = dict(left)

    def pupil(self, upn: str) -> PupilYears | None:
        """The pupil's years (only those whose register holds the UPN); None if none."""
        years: list[PupilYear] = []
        for y, index in self.indexes:
            if upn not in y.map.pupils:
                continue
            key = y.academic_year
            s = y.map.settings
            years.append(PupilYear(
                academic_year=key, pop=index.pop_data(upn),
                year_cost=self.year_cost[key].get(upn, 0.0), threshold=float(s.threshold),
                cost_by_term_type=self.costs[key].get(upn, ()), terms=tuple(y.rollup.terms),
                rows_left_out=self.left_out[key].get(upn, 0), impact_bands=s.impact_bands))
        if not years:
            return None
        return PupilYears(school=self.history.school, upn=upn, years=tuple(years),
                          professionals=_professionals(years),
                          skipped_files=tuple(self.history.skipped))


def chosen(hist: History, upns: Iterable[str], say: Callable[[str], None], *,
           without_provision: str, keep_without_provision: bool) -> list[PupilYears]:
    """The packs' pupils, in order, each once.  A pupil with no provision in any year is
    one line through `say` (`<name> (<UPN>) has no provision recorded in any year given;
    <without_provision>`), and is kept or left out."""
    ex = Extractor(hist)
    out = []
    for u in dict.fromkeys(upns):
        d = ex.pupil(u)
        if d is None:
            continue
        if not d.has_provision:
            say(f"{d.name} ({u}) has no provision recorded in any year given; "
                f"{without_provision}")
            if not keep_without_provision:
                continue
        out.append(d)
    return out


def pupil_years(hist: History, upn: str) -> PupilYears | None:
    """One pupil's years (for tests and one-off packs)."""
    found = hist.find_upn(upn)
    return Extractor(hist).pupil(found) if found else None


def useful_or_better(e: SupportEntry, bands: tuple[tuple[float, str], ...]) -> bool:
    """Impact useful or better, for one pupil: the row's own ratio gain, by the one rule
    (:func:`provmap.model.useful_or_better`).  Only months measures have one."""
    return model_useful_or_better(e.ratio_gain, bands)


def describe(e: Any) -> str:
    """`3 × 10 min × 12 weeks` (sessions a week × minutes × weeks), blank parts left out."""
    parts = [f"{count_words(e.sessions_per_week)} a week" if e.sessions_per_week else None,
             f"{count_words(e.minutes_per_session)} min" if e.minutes_per_session else None,
             f"{count_words(e.weeks)} weeks" if e.weeks else None]
    return " × ".join(p for p in parts if p) or ("In class, every day" if e.kind == QFT else "")
