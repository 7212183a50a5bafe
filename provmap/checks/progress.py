"""Checks of the year so far: pupils without provision, targets, assessments, views."""

from __future__ import annotations

from typing import Iterator

from ..model import Map
from ..problems import Code, Problem, warning
from ..schema import QFT
from .context import Context


def no_provision(m: Map, ctx: Context) -> Iterator[Problem]:
    """A K or E pupil with no provision row in a term that has begun (has any provision)."""
    has = {(r.term, r.upn) for r in m.provision_rows() if r.upn}
    for term in ctx.active_terms:
        for p in m.pupils.values():
            if p.sen_status in ("K", "E") and (term, p.upn) not in has:
                yield warning(Code.NO_PROVISION, p.sheet, p.at("upn"),
                              f"{p.name} ({'EHC plan' if p.sen_status == 'E' else 'SEN support'})"
                              f" has no provision recorded in {term}.",
                              f"add their provision to the {p.class_name} {term} sheet")


def target_counts(m: Map, ctx: Context) -> Iterator[Problem]:
    for r in m.review_rows():
        if r.term not in ctx.active_terms:
            continue
        n = sum(1 for target, _ in r.targets if target)
        if n < 2 or n > 3:
            yield warning(Code.TARGET_COUNT, r.sheet, r.at("target_1"),
                          f"{r.pupil_text or r.upn_text} has {n} target{'s' if n != 1 else ''} "
                          f"in {r.term}; a POP has 2 or 3.",
                          "set 2 or 3 targets with the pupil and their parents")


def assessments(m: Map, ctx: Context) -> Iterator[Problem]:
    """Missing Pre where there is a measure; missing Post once the term is over.  A Pre or
    Post that was typed but could not be read already has its error: it is not also
    missing."""
    unreadable = {(p.sheet, p.cell) for p in m.problems if p.is_error and p.cell}
    for r in m.provision_rows():
        if r.upn is None or r.provision is None:
            continue
        provision = m.provision(r.provision)
        measured = r.pre is not None or r.post is not None or (
            provision is not None and provision.measure is not None)
        if not measured or (r.type or (provision.type if provision else None)) == QFT and \
                r.pre is None and r.post is None:
            continue
        name = m.pupils[r.upn].name
        if r.pre is None and r.layout.columns.get("pre") and \
                (r.sheet, r.at("pre")) not in unreadable:
            yield warning(Code.MISSING_PRE, r.sheet, r.at("pre"),
                          f"{name} has no Pre (entry) assessment for {r.provision}, so their "
                          "progress cannot be measured.",
                          "record the entry assessment")
        if r.post is None and r.term in ctx.finished_terms and r.layout.columns.get("post") \
                and (r.sheet, r.at("post")) not in unreadable:
            yield warning(Code.MISSING_POST, r.sheet, r.at("post"),
                          f"{r.term} is over but {name} has no Post (exit) assessment for "
                          f"{r.provision}.", "record the exit assessment")


def review_views(m: Map, ctx: Context) -> Iterator[Problem]:
    for r in m.review_rows():
        if r.term not in ctx.finished_terms or r.term not in ctx.active_terms or r.upn is None:
            continue                          # a term with no provision has not happened
        missing = [who for who, v in (("parent", r.parent_views), ("pupil", r.pupil_views))
                   if not v]
        if missing:
            yield warning(Code.MISSING_VIEWS, r.sheet, r.at(f"{missing[0]}_views"),
                          f"{r.term} is over but {m.pupils[r.upn].name}'s review has no "
                          f"{' or '.join(missing)} views.",
                          "record what the parents and the pupil said at the review")


def date_order(m: Map, ctx: Context) -> Iterator[Problem]:
    for r in m.provision_rows():
        if r.start_date and r.end_date and r.end_date < r.start_date:
            yield warning(Code.END_BEFORE_START, r.sheet, r.at("end_date"),
                          f"End date {r.end_date:%d/%m/%Y} is before Start date "
                          f"{r.start_date:%d/%m/%Y}, so provmap works out the months from Weeks.",
                          "check the dates (day/month/year)")
