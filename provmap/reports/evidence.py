"""The SEN support evidence pack: one workbook per pupil across several years.

For a request for an EHC needs assessment, or a review (docs/evidence.md).  Five
sheets, print-ready on A4: Summary, Cycles, Progress, Costs, Professionals.  Every figure is
copied from the single-year rollups (through :mod:`provmap.reports.pupil_years`); the pack
states facts and never says whether a pupil is or is not eligible for anything.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..numbers.disclosure import printed_ratio
from ..numbers.history import History
from ..numbers.rollup import STANDARD_DEVIATION
from ..schema import NEED_AREA
from ..values import format_age, format_money
from ..words import (attendance_words, count_words, date_words, need_and_area, need_words,
                     number_words, on_register, status_words, year_group_words)
from ..write.batch import write_many
from ..write.names import inside, pupil_file
from ..write.pages import Formats, Page, Table, outcome_format, write_document
from ..write.pdf import convert_to_pdf
from .pop import key_to_codes
from .pop_data import SupportEntry
from .pupil_years import TYPE_WORDS, TYPES, PupilYear, PupilYears, chosen, describe

TITLE = "SEN support evidence"        # the file's name, whatever the pupil's status
CHART_ROWS = 17                       # rows a chart covers below its table
KEY_TITLE = "Key to the codes in this pack"


def evidence_filename(d: PupilYears) -> str:
    p = d.latest.pop
    return pupil_file(p.surname, p.forename, d.upn, f" - {TITLE}.xlsx")


def pack_title(d: PupilYears) -> str:
    """What the pack is, by the pupil's status in the latest year: an EHC-plan pupil's pack
    is not "SEN support" evidence (SEN support is the status below a plan)."""
    status = d.latest.pop.sen_status
    return TITLE if status == "K" else "EHC plan evidence" if status == "E" else \
        "Evidence of support"


def _not_costed(e: SupportEntry) -> str | None:
    """A row with an error has no cost: said in words a panel reads (no error codes), with
    where the school fixes it."""
    return f"{e.provision}: not costed yet: the provision map has a problem to fix on that " \
        f"row ({e.left_out})." if e.cost is None and e.left_out else None


def _score(e: SupportEntry, v: float | None) -> str | None:
    if v is None:
        return None
    return format_age(v) if e.measure_kind == "months" else number_words(v)


def _gain(e: SupportEntry) -> str | None:
    if e.gain is None:
        return None
    return f"{number_words(e.gain)} months" if e.measure_kind == "months" else number_words(e.gain)


def ratio_words(e: SupportEntry, bands: tuple[tuple[float, str], ...]) -> str:
    """`2.28 (useful)`: the ratio gain as every report prints it (two decimals, never
    rounded up to the start of a band: :func:`provmap.numbers.disclosure.printed_ratio`),
    so the band beside it agrees."""
    band = f" ({e.impact})" if e.impact else ""
    return f"{printed_ratio(e.ratio_gain, bands):.2f}{band}"


def _ratio_or_effect(e: SupportEntry, bands: tuple[tuple[float, str], ...]) -> str | None:
    """Ratio gain (months measures, with its band) or effect size (standardised)."""
    if e.ratio_gain is not None:
        return f"ratio gain {ratio_words(e, bands)}"
    if e.measure_kind == "standardised" and e.gain is not None:
        return f"effect size {number_words(e.gain / STANDARD_DEVIATION)}"
    return None


def _group(e: SupportEntry) -> str:
    """The type, and group or 1:1, in one: `1:1`, `Group of 3`, `Quality first teaching`."""
    if e.kind == TYPES[2]:
        return "1:1"
    if e.kind == TYPES[0]:
        return TYPE_WORDS[TYPES[0]]
    return f"Group of {count_words(e.group_size)}" if e.group_size else "Group"


# --------------------------------------------------------------------------- Summary

def paragraph(d: PupilYears) -> str:
    """A short account in plain English: facts only, no judgement of eligibility."""
    p = d.latest.pop
    years = [y.academic_year for y in d.years]
    span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
    first = d.first_register_term()
    need = need_and_area(p.primary_need)
    bits = [f"{p.name} is in {year_group_words(p.year_group)}"
            + (f", class {p.class_name}" if p.class_name else "")
            + f", and is recorded as {status_words(p.sen_status)} in {p.academic_year}."]
    if need:
        bits.append(f"The primary need recorded is {need}.")
    if first:
        bits.append(f"In the years given ({span}), the first term on the SEN register is "
                    f"{first[1]} {first[0].academic_year}.")
    cycles = d.cycles()
    provisions = {e.provision for _, _, e in d.entries()}
    bits.append(f"The school recorded {len(cycles)} assess, plan, do, review "
                f"cycle{'s' if len(cycles) != 1 else ''} (terms with provision and a review "
                f"with targets) and {len(provisions)} different "
                f"provision{'s' if len(provisions) != 1 else ''}.")
    costs = "; ".join(f"{format_money(y.year_cost)} in {y.academic_year}" for y in d.years)
    above = [y.academic_year for y in d.years if y.above_threshold]
    bits.append(f"The cost of the pupil's provision was {costs}"
                + (f", {format_money(d.total_cost)} in total" if len(d.years) > 1 else "") + ". "
                + (f"It was above the notional SEN threshold in {', '.join(above)}."
                   if above else "It was not above the notional SEN threshold in any year."))
    scored = [e for _, _, e in d.entries() if e.gain is not None]
    if scored:
        up = sum(1 for e in scored if e.gain > 0)
        bits.append(f"Of {len(scored)} provision{'s' if len(scored) != 1 else ''} with both "
                    f"an entry and an exit assessment, {up} showed a gain.")
    if d.professionals:
        n = d.people
        bits.append(f"{n} outside professional{'s are' if n != 1 else ' is'} recorded.")
    att = [(y, t) for y, t in d.terms() if t.attendance is not None]
    if att:
        y, t = att[-1]
        bits.append(f"Attendance in {t.term} {y.academic_year} was "
                    f"{attendance_words(t.attendance)}.")
    return " ".join(bits)


def _summary(wb, f: Formats, d: PupilYears) -> Page:
    p = d.latest.pop
    title = pack_title(d)
    doc = Page(wb, f, "Summary", [22, 14, 12, 18, 24, 22, 22], school=d.school,
               title=f"{title}: {p.name}", footer=f"{p.name}: {title}")
    what = "SEN support provided" if p.sen_status == "K" else "provision made"
    doc.para(f"Evidence of the {what} over {len(d.years)} academic "
             f"year{'s' if len(d.years) != 1 else ''} and its impact, from the school's "
             "provision maps. It states what was recorded.", "intro")
    if p.produced:
        doc.para(p.produced, "intro", keep=True)
    doc.section("The pupil")
    doc.pairs([("Name", p.name), ("UPN", p.upn), ("Date of birth", date_words(p.date_of_birth)
                                                  if p.date_of_birth else None),
               ("Year group and class", f"{year_group_words(p.year_group)}, class "
                f"{p.class_name or 'not recorded'} ({p.academic_year})"),
               ("Parent/carer", p.parent_carer), ("Language at home", p.language_at_home)])

    doc.section("SEN status and needs in each year")
    rows = []
    for y in d.years:
        q = y.pop
        area = NEED_AREA.get(q.primary_need or "")
        rows.append([y.academic_year, year_group_words(q.year_group), q.class_name,
                     status_words(q.sen_status), need_words(q.primary_need), area,
                     need_words(q.secondary_need)])
    doc.table(["Academic year", "Year group", "Class", "SEN status", "Primary need",
               "Broad area", "Secondary need"], rows)
    first = d.first_register_term()
    cycles = d.cycles()
    reviewed = sum(1 for _, t in cycles if any(o for _, o in t.targets))
    doc.pairs([
        ("First term on the SEN register (in the years given)",
         f"{first[1]} {first[0].academic_year}" if first else "Not on the SEN register in "
         "the years given"),
        ("Assess, plan, do, review cycles",
         f"{len(cycles)} (terms with provision and a review with targets); "
         f"{reviewed} with how far the targets were met recorded"),
    ], label_to=3)

    doc.section("Cost of provision against the notional SEN threshold")
    rows = [[y.academic_year, y.year_cost, y.threshold,
             ("Yes" if y.above_threshold else "No", "centre")] for y in d.years]
    doc.table(["Academic year", "Cost of provision", "Notional SEN threshold",
               "Cost above the threshold"], rows,
              spans=[(0, 0), (1, 2), (3, 4), (5, 6)], fmts=[None, "money", "money", None])
    doc.row(keep=True).value(0, 0, "Total, all years", "label") \
        .value(1, 2, d.total_cost, "money_bold")
    left = sum(y.rows_left_out for y in d.years)
    if left:
        one = left == 1
        doc.para(f"{left} of this pupil's provision rows {'is' if one else 'are'} not costed "
                 f"yet: the provision maps have a problem to fix on "
                 f"{'that row' if one else 'those rows'}, so these costs leave "
                 f"{'it' if one else 'them'} out (the Cycles sheet shows which).", "intro",
                 keep=True)

    doc.section("Outside professionals")
    if d.professionals:
        doc.table(["Name", "Role or service", "Involved since", "Latest report"],
                  [[x.name, x.role, x.since, x.latest_report] for x in d.professionals],
                  spans=[(0, 1), (2, 4), (5, 5), (6, 6)])
    else:
        doc.para("No outside professionals are recorded in the years given.", "intro")

    doc.section("In brief")
    doc.para(paragraph(d))
    if d.skipped_files:
        doc.para("Not included (the workbook could not be used): "
                 + "; ".join(Path(s.split(": ", 1)[0]).name for s in d.skipped_files) + ".",
                 "intro")
    return doc


# --------------------------------------------------------------------------- Cycles

CYCLE_HEADS = ["Provision", "Type: group or 1:1", "Delivered by", "Sessions × minutes × weeks",
               "Cost (pupil's share)", "Pre → Post", "Gain; ratio gain or effect size",
               "Outcome", "Next step"]


def _cycles(wb, f: Formats, d: PupilYears) -> Page:
    p = d.latest.pop
    doc = Page(wb, f, "Cycles", [18, 11, 13, 14, 11, 24, 20, 12, 10], school=d.school,
               title=f"Assess, plan, do, review: {p.name}",
               footer=f"{p.name}: {pack_title(d)}")
    doc.para("One block per term, oldest first. A term with provision and a review with "
             "targets is one assess, plan, do, review cycle.", "intro", with_next=True)
    n = 0
    shown = 0
    for y, t in d.terms():
        if not (t.support or t.reviewed):
            continue
        shown += 1
        q = y.pop
        is_cycle = bool(t.support and t.targets)
        n += is_cycle
        where = f"{year_group_words(q.year_group)}, class {q.class_name}" if q.class_name else \
            year_group_words(q.year_group)
        doc.section(f"{t.term} {y.academic_year}  ·  {where}  ·  "
                    + (f"cycle {n}" if is_cycle else "not a full cycle (no provision, or no "
                       "targets, recorded)"), whole=True)     # a term on one page if it fits
        when = f"{t.term} {y.academic_year}"
        doc.sub(f"Targets and how far each was met, {when}")
        if t.targets:
            doc.table(["Target", "How far it was met"],
                      [[tg, (o or "Not reviewed", outcome_format(o))] for tg, o in t.targets],
                      spans=[(0, 5), (6, 8)])
        else:
            doc.para("No targets recorded this term.", "intro")
        doc.sub(f"Provision, {when}")
        if t.support:
            rows = []
            for e in t.support:
                gain = "; ".join(g for g in (_gain(e), _ratio_or_effect(e, y.impact_bands))
                                if g)
                rows.append([e.provision, _group(e), e.delivered_by, describe(e),
                             e.cost if e.cost is not None else
                             ("not costed yet" if e.left_out else None),
                             _pre_post(e), gain,
                             (e.outcome, outcome_format(e.outcome)) if e.outcome else None,
                             e.next_step])
            doc.table(CYCLE_HEADS, rows, fmts=[None] * 4 + ["money"] + [None] * 4)
            notes = [f"{e.provision}: aim: {e.target}" for e in t.support if e.target]
            notes += [f"{e.provision}: {e.comments}" for e in t.support if e.comments]
            notes += [n for n in map(_not_costed, t.support) if n]
            if notes:
                doc.para("\n".join(notes), keep=True)
        else:
            doc.para("No provision recorded this term.", "intro")
        doc.sub(f"Attendance, attainment and views, {when}")
        doc.table(["Attendance", "Reading", "Writing", "Maths", "Staff views",
                   "Parent/carer views", "Pupil views"],
                  [[attendance_words(t.attendance), t.reading, t.writing, t.maths,
                    t.staff_views or "Not recorded", t.parent_views or "Not recorded",
                    t.pupil_views or "Not recorded"]],
                  spans=[(0, 0), (1, 1), (2, 2), (3, 3), (4, 5), (6, 6), (7, 8)])
    if not shown:
        doc.para("No provision or review is recorded for this pupil in the years given.")
    return doc


def _pre_post(e: SupportEntry) -> str | None:
    pre, post = _score(e, e.pre), _score(e, e.post)
    if pre is None and post is None:
        return None
    label = e.measure or "Assessment"
    return f"{label}: {pre or '?'} → {post or '?'}" + (
        "" if e.higher_is_better else " (lower is better)")


# --------------------------------------------------------------------------- Progress

def progress_rows(d: PupilYears) -> dict[str, list[tuple[PupilYear, Any, SupportEntry]]]:
    """One row per provision and term with a measure, grouped by measure (oldest first)."""
    by: dict[str, list] = {}
    for y, t, e in d.entries():
        if e.measure and (e.pre is not None or e.post is not None):
            by.setdefault(e.measure, []).append((y, t, e))
    return by


def _progress(wb, f: Formats, d: PupilYears) -> Page:
    p = d.latest.pop
    doc = Page(wb, f, "Progress", [17, 22, 11, 11, 12, 22, 14, 12, 12], school=d.school,
               title=f"Progress over time: {p.name}", footer=f"{p.name}: {pack_title(d)}")
    groups = progress_rows(d)
    doc.para("One row per provision and term with an entry or exit assessment; a chart for "
             "each measure assessed in two or more terms.", "intro", with_next=True)
    if not groups:
        doc.para("No assessments are recorded for this pupil's provision in the years given.")
    for measure, rows in groups.items():
        months = rows[0][2].measure_kind == "months"
        lower = not rows[0][2].higher_is_better
        doc.section(measure + (" (an age: 7y 2m is 7 years 2 months)" if months else "")
                    + (" (lower is better)" if lower else ""))
        heads = ["Term", "Provision", "Pre", "Post", "Gain", "Ratio gain or effect size",
                 "Outcome"]
        table = []
        for y, t, e in rows:
            table.append([f"{t.term} {y.academic_year}", e.provision,
                          _score(e, e.pre) if months else e.pre,
                          _score(e, e.post) if months else e.post,
                          _gain(e) if months else e.gain,
                          _ratio_or_effect(e, y.impact_bands), e.outcome]
                         + ([e.pre, e.post] if months else []))
        if months:
            heads += ["Pre (months)", "Post (months)"]
        fmts = [None, None, None if months else "number", None if months else "number",
                None if months else "number", None, None, "number", "number"]
        charted = len(rows) >= 2
        shown = doc.table(heads, table, fmts=fmts[:len(heads)], whole=charted)
        if charted:
            col = (7, 8) if months else (2, 3)
            low = min(v for _, _, e in rows for v in (e.pre, e.post) if v is not None)
            _line_chart(wb, doc, measure + (" (months)" if months else "")
                        + (" (lower is better)" if lower else ""), shown, col, low)
    return doc


def _line_chart(wb, doc: Page, title: str, table: Table, cols: tuple[int, int],
                low: float) -> None:
    """A native line chart of Pre and Post by term, reading the table above it; the axis
    starts a little below the lowest score (from 0, a reading age's change is a flat line)."""
    doc.chart(lambda: _draw_line_chart(wb, doc.ws.get_name(), title, table.first.at,
                                       table.last.at, cols, low), CHART_ROWS)


def _draw_line_chart(wb, name: str, title: str, first: int, last: int,
                     cols: tuple[int, int], low: float) -> Any:
    chart = wb.add_chart({"type": "line"})
    for col, label, colour in ((cols[0], "Pre", "#7FA7AB"), (cols[1], "Post", "#1D5C63")):
        chart.add_series({
            "name": label,
            "categories": [name, first, 0, last, 0],
            "values": [name, first, col, last, col],
            "marker": {"type": "circle", "size": 6, "fill": {"color": colour},
                       "border": {"color": colour}},
            "line": {"color": colour, "width": 2.25},
        })
    chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
    chart.set_y_axis({"name": title, "name_font": {"size": 10, "bold": False},
                      "min": max(0, math.floor(low * 0.9 / 5) * 5) if low > 0 else None,
                      "major_gridlines": {"visible": True, "line": {"color": "#DDDDDD"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 300})
    return chart


# --------------------------------------------------------------------------- Costs

def cost_table(d: PupilYears) -> list[tuple[str, str, dict[str, float]]]:
    """(academic year, term, {type: cost}) for every term of every year, from the rollups."""
    out = []
    for y in d.years:
        for term in y.terms:
            costs = {k: 0.0 for k in TYPES}
            for t, kind, c in y.cost_by_term_type:
                if t == term:
                    costs[kind] = costs.get(kind, 0.0) + c
            out.append((y.academic_year, term, costs))
    return out


def _costs(wb, f: Formats, d: PupilYears) -> Page:
    p = d.latest.pop
    doc = Page(wb, f, "Costs", [16, 14, 16, 14, 14, 14, 18], school=d.school,
               title=f"Cost of provision: {p.name}", footer=f"{p.name}: {pack_title(d)}")
    doc.para("The pupil's share of each provision's cost, as the school's provision map "
             "costs it, by term and by type, with each year's notional SEN threshold "
             "(element 2).", "intro", with_next=True)
    heads = ["Academic year", "Term"] + [TYPE_WORDS[k] for k in TYPES] + ["Total"]
    doc.section("By term")
    doc.table(heads, [[yr, term, *(c[k] for k in TYPES), sum(c.values())]
                      for yr, term, c in cost_table(d)],
              fmts=[None, None, "money", "money", "money", "money"])
    doc.section("By year, against the notional SEN threshold")
    rows = []
    for y in d.years:
        by = {k: sum(c for _, kind, c in y.cost_by_term_type if kind == k) for k in TYPES}
        rows.append([y.academic_year, *(by[k] for k in TYPES), y.year_cost, y.threshold,
                     ("Yes" if y.above_threshold else "No", "centre")])
    by_year = doc.table(["Academic year"] + heads[2:] + ["Notional SEN threshold",
                                                         "Cost above the threshold"],
                        rows, spans=[(i, i) for i in range(7)],
                        fmts=[None, "money", "money", "money", "money", "money", None],
                        whole=True)
    doc.row(keep=True).value(0, 3, "Total, all years", "label") \
        .value(4, 4, d.total_cost, "money_bold")
    doc.chart(lambda: _cost_chart(wb, doc.ws.get_name(), by_year.first.at, by_year.last.at),
              CHART_ROWS + 1)
    return doc


def _cost_chart(wb, name: str, first: int, last: int) -> Any:
    """Cost by year and type (stacked columns) with the threshold (a red dash), reading the
    By year table (its heading row is just above `first`)."""
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for i, (k, colour) in enumerate(zip(TYPES, ("#A9CBCE", "#4E8B92", "#1D5C63")), 1):
        chart.add_series({"name": [name, first - 1, i], "categories": [name, first, 0, last, 0],
                          "values": [name, first, i, last, i], "fill": {"color": colour},
                          "gap": 80})
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": [name, first - 1, 5], "categories": [name, first, 0, last, 0],
                     "values": [name, first, 5, last, 5],
                     "line": {"none": True},
                     "marker": {"type": "dash", "size": 22,
                                "fill": {"color": "#C0392B"}, "border": {"color": "#C0392B"}}})
    chart.combine(line)
    chart.set_title({"name": "Cost of provision by year and type, and the notional threshold",
                     "name_font": {"size": 12, "bold": True}})
    chart.set_y_axis({"num_format": "£#,##0", "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#DDDDDD"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 320})
    return chart


# --------------------------------------------------------------------------- Professionals

def professionals_table(doc: Page, d: PupilYears) -> None:
    """Every professional of every year, each once (shared with the transition pack)."""
    doc.para("From every year's provision map, each professional once in each role.", "intro",
             with_next=True)
    if d.professionals:
        doc.table(["Name", "Role or service", "Involved since", "Latest report", "Notes",
                   "Recorded in"],
                  [[x.name, x.role, x.since, x.latest_report, x.notes, ", ".join(x.years)]
                   for x in d.professionals])
    else:
        doc.para("No outside professionals are recorded in the years given.")


def professionals_sheet(wb, f: Formats, d: PupilYears, footer: str) -> Page:
    """The Professionals sheet of either pack."""
    p = d.latest.pop
    doc = Page(wb, f, "Professionals", [22, 24, 14, 14, 44, 14], school=d.school,
               title=f"Outside professionals: {p.name}", footer=f"{p.name}: {footer}")
    professionals_table(doc, d)
    return doc


def _professionals(wb, f: Formats, d: PupilYears) -> Page:
    return professionals_sheet(wb, f, d, pack_title(d))


# --------------------------------------------------------------------------- writing

def render_evidence(d: PupilYears, path: Path | str) -> Path:
    """Write one pupil's evidence pack to `path`, whole or not at all."""
    return write_document(path, school=d.school, title=pack_title(d), parts=[
        lambda wb, f: finish_pack([part(wb, f, d) for part in (
            _summary, _cycles, _progress, _costs, _professionals)], d, KEY_TITLE)])


def finish_pack(pages: Sequence[Page], d: PupilYears, key_title: str) -> None:
    """Lay out a pack's sheets, the last ending with a key to the codes any of them prints
    (at the back, like a glossary; shared with the transition pack)."""
    key_to_codes(pages[-1], d.latest.pop.settings, key_title,
                 texts=[t for page in pages for t in page.texts()])
    for page in pages:
        page.finish()


def _render_item(d: PupilYears, out_dir: str) -> str:
    return str(render_evidence(d, inside(out_dir, evidence_filename(d))))


def write_evidence(hist: History, out_dir: Path | str, upns: Iterable[str] | None = None,
                   *, pdf: bool = False, progress: bool = True,
                   say=print) -> list[Path]:
    """One evidence pack per pupil asked for (default: every K and E pupil of the latest
    year).  A UPN in none of the workbooks, or a pupil with no provision in any year, is
    one line through `say` and the others go on.  Returns the workbooks, then the PDFs."""
    if upns is None:
        wanted = [u for u, p in hist.latest.map.pupils.items() if on_register(p.sen_status)]
    else:
        wanted = []
        for u in upns:
            found = hist.find_upn(u)
            if found is None:
                say(f"No pupil with UPN {u} is on the register of any workbook given "
                    f"({', '.join(y.academic_year for y in hist.years)}); no pack for them.")
            else:
                wanted.append(found)
    items = chosen(hist, wanted, say, keep_without_provision=False,
                   without_provision="no evidence pack written for them.")
    paths = write_many(items, _render_item, out_dir, label="Writing evidence packs",
                       progress=progress)
    if pdf and paths:
        paths += convert_to_pdf(paths, progress=progress)
    return paths
