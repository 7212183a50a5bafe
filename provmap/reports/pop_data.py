"""What a POP shows about one pupil, copied out of the rollup.

Privacy is by construction: :func:`pop_data` copies out of the rollup only this pupil's
details and rows (never a group's other members, never a group label) into a small,
picklable :class:`PopData`, and the renderer (:mod:`provmap.reports.pop`) sees nothing else.
Staff text that names another pupil on the register (full name or UPN) is replaced by
"another pupil".
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

from ..glossary import produced_by
from ..model import Settings
from ..schema import (
    AREA,
    C_AND_I,
    C_AND_L,
    GROUP,
    INDEPENDENCE,
    ONE_TO_ONE,
    QFT,
    S_AND_P,
    SEMH_AREA,
)
from ..values import cell_number, cell_text, format_age
from ..words import count_words, find_upn
from .redact import ANOTHER_PUPIL, Redactor as _Redactor  # noqa: F401 - tests use both

PROFILE_AREAS = (C_AND_I, C_AND_L, SEMH_AREA, S_AND_P, INDEPENDENCE)
SUPPORT_COLUMNS = ((QFT, "Quality first teaching",
                    "How your child is supported in class, every day"),
                   (GROUP, "Group interventions",
                    "Small-group work, in or out of class"),
                   (ONE_TO_ONE, "1:1 support",
                    "Support from an adult, one to one"))


# --------------------------------------------------------------------------------------
# The pupil's data, copied out of the rollup (picklable, nothing about anyone else)
# --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SupportEntry:
    provision: str
    kind: str                       # QFT, GROUP or ONE_TO_ONE
    how: str                        # "3 × 10 min a week for 12 weeks, with TA"
    details: tuple[str, ...]        # aim, progress, outcome, notes
    cost: float | None              # the pupil's share; None when it could not be costed
    # The same row in columns, for the evidence and transition packs (the POP uses the
    # sentences above).  Numbers are the rollup's; None where not given or not defined.
    delivered_by: str | None = None
    sessions_per_week: float | None = None
    minutes_per_session: float | None = None
    weeks: float | None = None
    group_size: float | None = None
    target: str | None = None
    measure: str | None = None
    measure_kind: str | None = None          # "months", "standardised", "score"
    higher_is_better: bool = True
    pre: float | None = None
    post: float | None = None
    gain: float | None = None
    ratio_gain: float | None = None          # months measures
    impact: str | None = None                # the impact band of the ratio gain
    progress: str | None = None              # "Reading age: 7y 2m → 7y 8m (6 months' progress)"
    outcome: str | None = None
    next_step: str | None = None
    comments: str | None = None
    left_out: str | None = None              # "3O Autumn row 7" when the row has an error


@dataclass(frozen=True, slots=True)
class TermData:
    term: str
    support: tuple[SupportEntry, ...]
    reviewed: bool                                    # a review row exists
    targets: tuple[tuple[str, str | None], ...]       # (target, how far met)
    attendance: float | None                          # a fraction
    reading: str | None
    writing: str | None
    maths: str | None
    staff_views: str | None
    parent_views: str | None
    pupil_views: str | None

    @property
    def cost(self) -> float:
        return sum(e.cost for e in self.support if e.cost is not None)


@dataclass(frozen=True, slots=True)
class PopData:
    """Everything one POP shows, and nothing more."""

    school: str
    academic_year: str
    term: str                       # the POP covers the year up to this term
    upn: str
    forename: str
    surname: str
    date_of_birth: date | None
    year_group: str | None
    class_name: str | None
    sen_status: str | None
    primary_need: str | None
    secondary_need: str | None
    parent_carer: str | None
    language_at_home: str | None
    profiles: tuple[tuple[str, str | None, str | None], ...]      # area, strengths, challenges
    professionals: tuple[tuple[str | None, str | None, date | None, date | None, str | None],
                         ...]                    # name, role or service, since, latest report, notes
    terms: tuple[TermData, ...] = field(default=())
    produced: str = ""              # "Produced on 30 November 2026 by <school> (SENCo: ...)."
    settings: Settings | None = None    # the school's (its glossary: a key to the codes)

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"


# --------------------------------------------------------------------------------------
# Extraction: rollup -> PopData
# --------------------------------------------------------------------------------------

def _how(kind: str, sessions: float | None, minutes: float | None, weeks: float | None,
         delivered_by: str | None, group_size: float | None) -> str:
    """How often and how long, in a parent's words: '3 × 10 min a week for 12 weeks, with TA'."""
    parts: list[str] = []
    if sessions and minutes:
        parts.append(f"{count_words(sessions)} × {count_words(minutes)} min a week")
    elif sessions:
        parts.append(f"{count_words(sessions)} × a week")
    elif minutes:
        parts.append(f"{count_words(minutes)} min sessions")
    elif kind == QFT:
        parts.append("Part of everyday teaching in class")
    if weeks:
        parts.append(f"for {count_words(weeks)} week{'s' if weeks != 1 else ''}")
    text = " ".join(parts)
    if delivered_by:
        text = f"{text}, with {delivered_by}" if text else f"With {delivered_by}"
    if kind == GROUP and group_size and group_size > 1:
        text = f"{text}, in a group of {count_words(group_size)}" if text else \
            f"In a group of {count_words(group_size)}"
    return text


def _progress(measure: str | None, kind: str | None, higher_is_better: bool,
              pre: float | None, post: float | None) -> str | None:
    """The entry and exit assessment and the change, e.g. 'Reading age: 7y 2m → 7y 8m (6 months' progress)'."""
    if pre is None and post is None:
        return None
    show = format_age if kind == "months" else count_words
    label = measure or "Assessment"
    if pre is None:
        return f"{label} at the end: {show(post)}"
    if post is None:
        return f"{label} at the start: {show(pre)}"
    gain = (post - pre) if higher_is_better else (pre - post)
    if kind == "months":
        g = int(round(gain))
        change = (f"{g} month{'s' if g != 1 else ''}' progress" if g > 0 else
                  "no change yet" if g == 0 else f"down {-g} month{'s' if g != -1 else ''}")
    else:
        delta = post - pre
        if delta == 0:
            change = "no change yet"
        else:
            change = f"{'up' if delta > 0 else 'down'} {count_words(abs(delta))}"
            if not higher_is_better:
                change += ", lower is better"
    return f"{label}: {show(pre)} → {show(post)} ({change})"


class PupilIndex:
    """The rollup's records grouped by pupil once, so each POP is a dictionary look-up."""

    def __init__(self, rollup: Any, register: Iterable[Any] | None = None):
        """`register`: the pupils whose names staff text may not show (default this year's
        register; the packs across years pass every year's)."""
        m = rollup.map
        self.rollup = rollup
        self.map = m
        self.terms = list(getattr(rollup, "terms", None) or m.settings.terms)
        used = {s.term.casefold() for s in m.sheets if s.provision_rows or s.review_rows}
        shown = [t for t in self.terms if t.casefold() in used]
        self.shown_terms = shown or [rollup.term]
        self.provision_rows: dict[str, list] = defaultdict(list)
        self.review_rows: dict[str, list] = defaultdict(list)
        shown_cf = {t.casefold() for t in self.shown_terms}
        for s in m.sheets:
            if s.term.casefold() not in shown_cf:
                continue
            for r in s.provision_rows:
                if r.upn:
                    self.provision_rows[r.upn].append(r)
            for r in s.review_rows:
                if r.upn:
                    self.review_rows[r.upn].append(r)
        self.profiles: dict[str, list] = defaultdict(list)
        for r in m.profiles:
            if r.upn:
                self.profiles[r.upn].append(r)
        self.professionals: dict[str, list] = defaultdict(list)
        for r in m.professionals:
            if r.upn:
                self.professionals[r.upn].append(r)
        self.costed: dict[tuple[str, int], dict] = {}
        rows = getattr(rollup, "rows", None)
        if rows is not None and len(rows):
            for rec in rows.to_dict("records"):
                self.costed[(str(rec.get("sheet")), int(rec.get("row")))] = rec
        self.redact = _Redactor(m.pupils.values() if register is None else register)
        self.produced = produced_by(m.settings, getattr(rollup, "today", None) or date.today())

    def pop_data(self, upn: str) -> PopData:
        m = self.map
        p = m.pupils[upn]
        red = lambda t: self.redact(t, upn)  # noqa: E731

        profiles: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
        for r in self.profiles.get(upn, ()):
            area = AREA.canonical(r.area) if r.area else None
            area = area or (INDEPENDENCE if r.area and r.area.casefold().startswith("indep")
                            else r.area)
            if r.strengths or r.challenges:
                profiles[area or "Other"].append((red(r.strengths), red(r.challenges)))
        prof_out = []
        for area in [*PROFILE_AREAS, *[a for a in profiles if a not in PROFILE_AREAS]]:
            if area in profiles:
                s = "\n".join(x for x, _ in profiles[area] if x) or None
                c = "\n".join(y for _, y in profiles[area] if y) or None
                prof_out.append((area, s, c))

        professionals = tuple(
            (red(r.name), red(r.role_or_service), r.involved_since, r.latest_report, red(r.notes))
            for r in self.professionals.get(upn, ()))

        by_term_prov: dict[str, list] = defaultdict(list)
        for r in self.provision_rows.get(upn, ()):
            by_term_prov[r.term.casefold()].append(r)
        by_term_rev: dict[str, list] = defaultdict(list)
        for r in self.review_rows.get(upn, ()):
            by_term_rev[r.term.casefold()].append(r)

        terms = []
        for term in self.shown_terms:
            entries = [self._entry(r, red) for r in by_term_prov.get(term.casefold(), ())]
            reviews = by_term_rev.get(term.casefold(), [])
            targets: list[tuple[str, str | None]] = []
            for rv in reviews:
                for t, outcome in rv.targets:
                    if t:
                        targets.append((red(t), outcome))

            def joined(attr: str) -> str | None:
                vals = [red(getattr(rv, attr)) for rv in reviews if getattr(rv, attr)]
                return "\n".join(vals) or None

            att = [rv.attendance for rv in reviews if rv.attendance is not None]
            terms.append(TermData(
                term=term, support=tuple(entries), reviewed=bool(reviews),
                targets=tuple(targets), attendance=att[0] if att else None,
                reading=joined("reading"), writing=joined("writing"), maths=joined("maths"),
                staff_views=joined("staff_views"), parent_views=joined("parent_views"),
                pupil_views=joined("pupil_views")))

        s = m.settings
        return PopData(
            school=s.school, academic_year=s.academic_year, term=self.rollup.term,
            upn=p.upn, forename=p.forename, surname=p.surname, date_of_birth=p.date_of_birth,
            year_group=p.year_group, class_name=p.class_name, sen_status=p.sen_status,
            primary_need=p.primary_need, secondary_need=p.secondary_need,
            parent_carer=p.parent_carer, language_at_home=p.language_at_home,
            profiles=tuple(prof_out), professionals=professionals, terms=tuple(terms),
            produced=self.produced, settings=s)

    def _entry(self, r: Any, red) -> SupportEntry:
        """One provision row as the parent sees it; the rollup's resolved values win."""
        rec = self.costed.get((r.sheet, r.row))
        prov = self.map.provision(r.provision)

        def pick(key: str, default_attr: str | None = None):
            if rec is not None and key in rec:
                v = rec[key]
                if not (isinstance(v, float) and math.isnan(v)) and v is not None:
                    return v
            v = getattr(r, key, None)
            if v is None and prov is not None:
                v = getattr(prov, default_attr or key, None)
            return v

        kind = pick("type") or GROUP
        if kind not in (QFT, GROUP, ONE_TO_ONE):
            kind = GROUP
        group_size = cell_number(rec.get("group_size")) if rec is not None else None
        if group_size is None and kind == GROUP:
            group_size = r.group_size
        how = _how(kind, cell_number(pick("sessions_per_week")), cell_number(pick("minutes_per_session")),
                   cell_number(pick("weeks")), cell_text(pick("delivered_by")), group_size)
        hib = pick("higher_is_better")
        hib = True if hib is None else bool(hib)
        details = []
        target, comments = red(r.target), red(r.comments)
        if target:
            details.append(f"Aim: {target}")
        progress = _progress(cell_text(pick("measure")), cell_text(pick("measure_kind")), hib,
                             cell_number(pick("pre")), cell_number(pick("post")))
        if progress:
            details.append(progress)
        if r.outcome or r.next_step:
            bits = [f"Outcome: {r.outcome}" if r.outcome else None,
                    f"Next step: {r.next_step}" if r.next_step else None]
            details.append(". ".join(b for b in bits if b))
        if comments:
            details.append(f"Notes: {comments}")
        cost = cell_number(rec.get("share")) if rec is not None else None
        name = red(r.provision or (prov.name if prov else None)) or "Support"
        got = (lambda key: cell_number(rec.get(key))) if rec is not None else (lambda key: None)
        return SupportEntry(
            provision=name, kind=kind, how=red(how) or "", details=tuple(details), cost=cost,
            delivered_by=red(cell_text(pick("delivered_by"))),
            sessions_per_week=cell_number(pick("sessions_per_week")),
            minutes_per_session=cell_number(pick("minutes_per_session")), weeks=cell_number(pick("weeks")),
            group_size=1.0 if kind == ONE_TO_ONE else group_size, target=target,
            measure=cell_text(pick("measure")), measure_kind=cell_text(pick("measure_kind")),
            higher_is_better=hib, pre=cell_number(pick("pre")), post=cell_number(pick("post")),
            gain=got("gain"), ratio_gain=got("ratio_gain"),
            impact=cell_text(rec.get("impact")) if rec is not None else None,
            progress=progress, outcome=r.outcome, next_step=r.next_step,
            comments=comments,
            left_out=None if rec is not None else f"{r.sheet} row {r.row}")


def pop_data(rollup: Any, upn: str) -> PopData:
    """This pupil's POP content, copied out of the rollup (for tests and one-off POPs)."""
    return PupilIndex(rollup).pop_data(find_pupil(rollup.map, upn))


def find_pupil(m: Any, upn: str) -> str:
    """The register's UPN for one typed by a person; KeyError when it is not there."""
    found = find_upn(m.pupils, upn)
    if found is None:
        raise KeyError(f"No pupil with UPN {upn!r} is on the register (Pupils sheet).")
    return found


