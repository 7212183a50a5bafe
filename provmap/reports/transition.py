"""The transition pack: what the secondary school's SENCo needs about one leaver.

One workbook per pupil in the latest workbook's leaving year group (setting `Leaving year
group`) who is K or E, or had any provision in the latest year: the pupil and their needs;
under one-page-profile headings, what works for me, what I find hard and my current
targets; provision by year and term; outside professionals; attendance and attainment of
the latest year.  No money unless ``costs=True``.  Content is copied from each year's
rollup through :mod:`provmap.reports.pupil_years`, so no other pupil is named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..numbers.history import History
from ..schema import QFT
from ..values import format_money
from ..words import (attendance_words, date_words, need_and_area, need_words, on_register,
                     status_words, year_group_words)
from ..write.batch import write_many
from ..write.names import file_name, inside, pupil_file
from ..write.pages import Formats, Page, outcome_format, write_document
from ..write.pdf import convert_to_pdf
from .evidence import KEY_TITLE, finish_pack, professionals_sheet, ratio_words
from .pop_data import PROFILE_AREAS
from .pupil_years import TYPE_WORDS, PupilYears, chosen, useful_or_better

TITLE = "Transition"
#: The Profile is a one-page profile: when a little too long for a page at 100% it prints
#: smaller, down to 86% (its 11 pt text at 9.5 pt), rather than over two pages.
ONE_PAGE_FROM = 86


def transition_folder(hist: History) -> str:
    return file_name("Transition", hist.latest.academic_year)


def transition_filename(d: PupilYears) -> str:
    p = d.latest.pop
    return pupil_file(p.surname, p.forename, d.upn, ".xlsx")


def leavers(hist: History) -> list[str]:
    """UPNs of the latest year's leaving year group who are K or E or had any provision row
    in the latest year (a row with an error still counts: the pupil had the provision)."""
    m = hist.latest.map
    leaving = m.settings.leaving_year_group
    with_rows = {r.upn for r in m.provision_rows() if r.upn}
    return [u for u, p in m.pupils.items() if p.year_group == leaving
            and (on_register(p.sen_status) or u in with_rows)]


def what_works(d: PupilYears) -> list[list]:
    """Provision whose outcome was Achieved or whose impact was useful or better."""
    rows = []
    for y, t, e in d.entries():
        why = []
        if e.outcome == "Achieved":
            why.append("Outcome: Achieved")
        if useful_or_better(e, y.impact_bands):
            why.append(f"Ratio gain {ratio_words(e, y.impact_bands)}")
        if why:
            rows.append([e.provision, f"{t.term} {y.academic_year}", "; ".join(why),
                         e.progress, e.comments])
    return rows


def strategies(d: PupilYears) -> list[list]:
    """What staff describe doing in class (quality first teaching) in the latest year, and
    their notes on it; each strategy once."""
    seen: dict[str, list] = {}
    for t in d.latest.term_data:
        for e in t.support:
            if e.kind == QFT:
                row = seen.setdefault(e.provision.casefold(), [e.provision, None])
                row[1] = e.comments or row[1]
    return list(seen.values())


def _profile(wb, f: Formats, d: PupilYears) -> Page:
    p = d.latest.pop
    doc = Page(wb, f, "Profile", [26, 22, 20, 24, 20, 24], school=d.school,
               title=f"Transition: {p.name}", footer=f"{p.name}: transition",
               one_page_from=ONE_PAGE_FROM)
    doc.para(f"For the SENCo of {p.name}'s next school, from {d.school}'s provision maps "
             f"({', '.join(y.academic_year for y in d.years)}).", "intro")
    if p.produced:
        doc.para(p.produced, "intro", keep=True)
    doc.section("About me")
    about = [("Name", p.name), ("UPN", p.upn),
             ("Date of birth", date_words(p.date_of_birth) if p.date_of_birth else None),
             ("SEN status", status_words(p.sen_status) if p.sen_status else None),
             ("Year group and class", f"{year_group_words(p.year_group)}, class "
              f"{p.class_name or 'not recorded'} ({p.academic_year})"),
             ("Parent/carer", p.parent_carer),
             ("Primary need", need_and_area(p.primary_need)),
             ("Language at home", p.language_at_home),
             ("Secondary need", need_words(p.secondary_need))]
    if not d.professionals:                   # a line here, not a page of its own
        about.append(("Outside professionals", "None recorded in the years given"))
    doc.pairs_across(about, [((0, 0), (1, 2)), ((3, 3), (4, 5))])   # two to a row

    doc.section("What works for me")
    works = what_works(d)
    if works:
        noted = any(r[4] for r in works)      # "What staff noted" only when they noted any
        doc.table(["Provision", "When", "Why we say it works", "Progress"]
                  + (["What staff noted"] if noted else []),
                  [r if noted else r[:4] for r in works],
                  spans=[(0, 0), (1, 1), (2, 2), (3, 4), (5, 5)] if noted else
                  [(0, 0), (1, 1), (2, 2), (3, 5)])
    else:
        doc.para("No provision is recorded with the outcome Achieved or an impact of useful "
                 "or better.", "intro")
    ways = strategies(d)
    if ways:
        doc.sub(f"How staff support me in class ({d.latest.academic_year})")
        if any(note for _, note in ways):
            doc.table(["Strategy", "What staff noted"], ways, spans=[(0, 1), (2, 5)])
        else:
            doc.table(["Strategy"], [[way] for way, _ in ways], spans=[(0, 5)])

    doc.section("What I find hard")
    profiles = _latest_profiles(d)
    if profiles:
        have = {a: (s, c) for a, s, c in profiles}
        order = [a for a in PROFILE_AREAS if a in have] + [a for a in have
                                                           if a not in PROFILE_AREAS]
        doc.table(["Area", "What I find hard", "What I am good at"],
                  [[a, have[a][1] or "Not recorded", have[a][0] or "Not recorded"]
                   for a in order], spans=[(0, 0), (1, 3), (4, 5)])
    else:
        doc.para("No challenges or strengths are recorded on the Profiles sheet.", "intro")

    doc.section("My current targets")
    current = _current_targets(d)
    if current:
        (y, term), targets = current
        doc.sub(f"{term} {y}")
        doc.table(["Target", "How far it was met"],
                  [[tg, (o or "Not reviewed yet", outcome_format(o))] for tg, o in targets],
                  spans=[(0, 3), (4, 5)])
    else:
        doc.para(f"No targets are recorded in {d.latest.academic_year}.", "intro")
    return doc


def _latest_profiles(d: PupilYears):
    for y in reversed(d.years):
        if y.pop.profiles:
            return y.pop.profiles
    return ()


def _current_targets(d: PupilYears):
    for t in reversed(d.latest.term_data):
        if t.targets:
            return (d.latest.academic_year, t.term), t.targets
    return None


def _provision(wb, f: Formats, d: PupilYears, costs: bool) -> Page:
    p = d.latest.pop
    # "How often" wide enough for most on one line: the years follow one another, not a
    # page each
    widths = [13, 11, 22, 18, 40, 16, 14] if costs else [13, 11, 24, 20, 48, 16]
    doc = Page(wb, f, "Provision", widths, school=d.school,
               title=f"Provision by year and term: {p.name}", footer=f"{p.name}: transition")
    heads = ["Academic year", "Term", "Provision", "Type", "How often", "Outcome"]
    if costs:
        heads.append("Cost")
    for y in d.years:
        doc.section(f"{y.academic_year}: {year_group_words(y.pop.year_group)}"
                    + (f", class {y.pop.class_name}" if y.pop.class_name else ""))
        rows = []
        for t in y.term_data:
            for e in t.support:
                row = [y.academic_year, t.term, e.provision, TYPE_WORDS.get(e.kind, e.kind),
                       e.how, (e.outcome, outcome_format(e.outcome)) if e.outcome else None]
                if costs:
                    row.append(e.cost)
                rows.append(row)
        if rows:
            doc.table(heads, rows, fmts=[None] * 6 + (["money"] if costs else []))
        else:
            doc.para("No provision recorded.", "intro")
        if costs:
            doc.para(f"Cost of provision in {y.academic_year}: {format_money(y.year_cost)} "
                     f"(notional SEN threshold {format_money(y.threshold)}).", keep=True)
        if y.rows_left_out:
            n = y.rows_left_out
            doc.para(f"{n} of these rows {'have' if n != 1 else 'has'} an error in the "
                     f"{y.academic_year} provision map, so {'they are' if n != 1 else 'it is'}"
                     " left out of the school's numbers" + (" and costs" if costs else "")
                     + ".", "intro", keep=True)
    return doc


def _professionals(wb, f: Formats, d: PupilYears) -> Page:
    return professionals_sheet(wb, f, d, "transition")


def _attendance(wb, f: Formats, d: PupilYears) -> Page:
    p = d.latest.pop
    y = d.latest
    doc = Page(wb, f, "Attendance", [18, 16, 30, 30, 30], school=d.school,
               title=f"Attendance and attainment {y.academic_year}: {p.name}",
              footer=f"{p.name}: transition")
    rows = [[t.term, attendance_words(t.attendance), t.reading, t.writing, t.maths]
            for t in y.term_data if t.reviewed]
    if rows:
        doc.table(["Term", "Attendance", "Reading", "Writing", "Maths"], rows)
    else:
        doc.para(f"No termly review is recorded in {y.academic_year}.", "intro")
    return doc


def render_transition(d: PupilYears, path: Path | str, *, costs: bool = False) -> Path:
    """Write one pupil's transition pack to `path`, whole or not at all: the Profile (with
    a key to the codes the pack prints), Provision, Professionals (when any are recorded;
    else a line on the Profile) and Attendance."""
    def pack(wb, f: Formats) -> None:
        pages = [_profile(wb, f, d), _provision(wb, f, d, costs)]
        if d.professionals:
            pages.append(_professionals(wb, f, d))
        pages.append(_attendance(wb, f, d))
        finish_pack(pages, d, KEY_TITLE)
    return write_document(path, school=d.school, title=TITLE, parts=[pack])


def _render_item(item: tuple[PupilYears, bool], out_dir: str) -> str:
    d, costs = item
    return str(render_transition(d, inside(out_dir, transition_filename(d)), costs=costs))


def write_transitions(hist: History, out_dir: Path | str, *, costs: bool = False,
                      pdf: bool = False, progress: bool = True,
                      say: Callable[[str], None] = print) -> list[Path]:
    """A transition pack for each leaver (see :func:`leavers`) in
    `<out_dir>/Transition <year>/`.  A leaver with no provision in any year still gets a
    pack (their needs, profile and professionals), with one line through `say`."""
    items = [(d, costs) for d in chosen(
        hist, leavers(hist), say, keep_without_provision=True,
        without_provision="their pack holds their details, needs and professionals only.")]
    folder = inside(out_dir, transition_folder(hist))
    paths = write_many(items, _render_item, folder, label="Writing transition packs",
                       progress=progress)
    if pdf and paths:
        paths += convert_to_pdf(paths, progress=progress)
    return paths
