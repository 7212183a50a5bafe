"""The governors' summary report: aggregates only, safe to circulate, print-ready on A4.

Governors judge whether SEN money is well spent.  They get counts of the register, costs by
type, area of need and term, and the impact of each provision, and never a pupil: no name,
UPN, date of birth, free text, staff name or class anywhere in the file.  The figures come
ready and disclosure-controlled from :mod:`provmap.numbers.governors` (itself reading only
the rollup); this module only draws them, and searches the written file for register names,
UPNs and dates of birth before it is put in place.

Every sheet prints on A4 at 100% (11 pt text prints at 11 pt): columns are laid out to fit
the page's width, a wide table gets a landscape page, and text wraps rather than shrinks.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..glossary import produced_by
from ..numbers import disclosure as dc
from ..numbers.governors import (PUPILS_NOW, T_AREA, T_COST_AREA, T_HEADLINE, T_IMPACT,
                                 T_STATUS, T_TREND, T_TYPE, T_YEAR, TOTAL, YEAR_SO_FAR,
                                 governors)
from ..schema import FIRST_BAND
from ..write import page
from ..write.atomic import atomic_write
from ..write.book import open_book
from ..write.names import inside, report_filename
from .published import (MARGINS, Cells, bands_sentence, fit_only_if_readable, height, lines,
                        needs_landscape)

TREND_KINDS = {"Cost": "money", "Cost per pupil": "money", "On group interventions": "pct",
               "Making progress": "pct"}


def _page(ws, school: str, term_year: str, landscape: bool = False) -> None:
    page.a4(ws, landscape=landscape,
            header=(page.escape(school), page.escape(term_year), "Summary for governors"),
            margins=MARGINS)
    ws.hide_gridlines(2)


def _widths(ws, widths: list[float]) -> None:
    for i, wd in enumerate(widths):
        ws.set_column(i, i, wd)


def _number(v: Any) -> bool:
    """A shown figure (not text, not blank)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v)


def _chart(wb, kind: str, title: str, subtype: str | None = None):
    ch = wb.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
    ch.set_title({"name": title, "name_font": {"size": 12}})
    ch.set_style(10)
    ch.set_size({"width": 640, "height": 300})
    return ch


def _bars(wb, title: str, name: Any, col: int, first: int, last: int, num_format: str,
          x_axis: dict[str, Any]):
    """One series as horizontal bars from the Charts sheet's block at ``col`` (labels, then
    values, rows ``first`` to ``last``), the first line at the top, each bar labelled with
    its value, no legend."""
    ch = _chart(wb, "bar", title)
    ch.add_series({"name": name,
                   "categories": ["Charts", first, col, last, col],
                   "values": ["Charts", first, col + 1, last, col + 1],
                   "data_labels": {"value": True, "num_format": num_format}})
    ch.set_x_axis({"num_format": num_format, **x_axis})
    ch.set_y_axis({"reverse": True})
    ch.set_legend({"none": True})
    return ch


def write_governors(rollup: Any, out_dir: Path) -> Path:
    """Write ``<school> <year> <term> - Governors report.xlsx`` in out_dir; return its path.

    Raises :class:`provmap.numbers.disclosure.DisclosureError` (and writes nothing) if the
    finished file would contain a register name, UPN or date of birth.
    """
    settings = rollup.map.settings
    school, year, term = settings.school, settings.academic_year, rollup.term
    t = int(settings.suppress_below)
    g = governors(rollup)
    tables = g.tables
    target = inside(out_dir, report_filename(school, year, term, "Governors report"))
    term_year = f"{term} {year}"
    with atomic_write(target) as tmp:
        wb = open_book(tmp, {
            "title": f"SEN provision: summary for governors, {term_year}",
            "subject": "Special educational needs provision: costs and impact, aggregates only",
            "author": "provmap", "manager": "", "company": school, "category": "Governors",
            "keywords": "SEN, provision map, governors", "comments": ""})
        w = Cells(wb, t)
        _write_front(wb, w, tables, school, term_year, produced_by(settings, rollup.today))
        _write_register(wb, w, tables, school, term_year)
        _write_costs(wb, w, tables, school, term_year)
        _write_impact(wb, w, tables, school, term_year, settings)
        _write_charts(wb, w, tables, school, term_year, term)
        _write_notes(wb, w, school, term_year, t, settings)
        wb.close()
        dc.refuse_if_identifying(tmp, dc.identifying_texts(rollup.map.pupils.values()),
                                 "governors' report", "the provision names on the Provisions "
                                 "sheet and the school name on the Settings sheet")
    return target


# Term, Cost, Pupils with provision, Cost per pupil, On group interventions, Provisions
# running, Making progress: portrait at 100% as LibreOffice prints it ("interventions" whole)
FRONT_WIDTHS = [24, 10.5, 10.5, 10.5, 12, 10.5, 10.5]


def _write_front(wb, w: Cells, tables, school: str, term_year: str, produced: str) -> None:
    ws = wb.add_worksheet("Summary")
    _page(ws, school, term_year)
    _widths(ws, FRONT_WIDTHS)
    ws.write_string(0, 0, f"{school}", w.title)
    ws.write_string(1, 0, f"SEN provision: summary for governors, {term_year}", w.h2)
    w.paragraph(ws, 2, FRONT_WIDTHS, produced, w.note)     # when, and who to ask
    head = tables[T_HEADLINE]
    r = 3
    for _, line in head[head["Text"].isna()].iterrows():
        item = str(line["Item"])
        kind = ("money" if "cost" in item.lower() and "share" not in item.lower() else
                "pct" if "share" in item.lower() else "count")
        label = w.fig_indent if item.startswith("of whom") else w.fig_label
        ws.merge_range(r, 0, r, 2, "", label)
        ws.write_string(r, 0, item, label)
        ws.merge_range(r, 3, r, 4, "", w.fig_text)
        if isinstance(line["Value"], str):
            ws.write_string(r, 3, line["Value"], w.fig_text)
        elif line["Value"] is None:
            ws.write_string(r, 3, "not shown", w.fig_text)
        else:
            w.cell(ws, r, 3, line["Value"], kind)
        r += 1
    r += 1
    ws.write_string(r, 0, "In short", w.h2)
    r += 1
    for text in head.loc[head["Text"].notna(), "Text"]:
        r = w.paragraph(ws, r, FRONT_WIDTHS, str(text))
    r += 1
    r, _ = w.table(ws, r, 0, "How this term compares with earlier terms", tables[T_TREND],
                   "Term", TREND_KINDS, FRONT_WIDTHS)
    w.paragraph(ws, r - 1, FRONT_WIDTHS, "More detail on the Register, Costs, Impact and "
                "Charts sheets; how the figures are worked out on the Notes sheet.", w.note)


REGISTER_WIDTHS = [36, 14, 14, 14]


def _write_register(wb, w: Cells, tables, school: str, term_year: str) -> None:
    ws = wb.add_worksheet("Register")
    _page(ws, school, term_year)
    _widths(ws, REGISTER_WIDTHS)
    ws.write_string(0, 0, "Pupils on the register", w.title)
    r = 2
    r, _ = w.table(ws, r, 0, T_STATUS, tables[T_STATUS], "SEN status", {}, REGISTER_WIDTHS)
    r, _ = w.table(ws, r, 0, T_AREA + " (primary need)", tables[T_AREA], "Broad area of need",
                   {}, REGISTER_WIDTHS)
    year = tables[T_YEAR]
    title = T_YEAR if year.index.name != "Key stage" else "SEN register by key stage"
    r, _ = w.table(ws, r, 0, title, year, year.index.name or "Year group", {}, REGISTER_WIDTHS)


def _write_costs(wb, w: Cells, tables, school: str, term_year: str) -> None:
    ws = wb.add_worksheet("Costs")
    columns = max(len(tables[T_TYPE].columns), len(tables[T_TREND].columns))
    widths = FRONT_WIDTHS + [10.5] * (columns - len(FRONT_WIDTHS) + 1)   # more terms: wider
    landscape = needs_landscape(widths)
    _page(ws, school, term_year, landscape=landscape)
    fit_only_if_readable(ws, widths, landscape)     # many terms: over two pages, not shrunk
    _widths(ws, widths)
    ws.write_string(0, 0, "What provision cost", w.title)
    kinds = {c: "money" for c in tables[T_TYPE].columns if c != PUPILS_NOW}
    r, _ = w.table(ws, 2, 0, T_TYPE, tables[T_TYPE], "Type", kinds, widths)
    kinds = {c: "money" for c in tables[T_COST_AREA].columns if c != PUPILS_NOW}
    r, _ = w.table(ws, r, 0, T_COST_AREA, tables[T_COST_AREA], "Area of need", kinds, widths)
    r, _ = w.table(ws, r, 0, T_TREND, tables[T_TREND], "Term", TREND_KINDS, widths)
    w.paragraph(ws, r - 1, widths, f"{dc.HIDDEN}: a sum of money spent on fewer pupils than "
                "the report may show (with another hidden beside it, so that the total does "
                "not give it back).", w.note)


IMPACT_WIDTHS = {"Provision": 22, "Type": 12, "Area of need": 14, "Measure": 17,
                 "Pupils": 6.5, "Cost": 8.5, "Cost per pupil": 8, "Pupils assessed": 8.5,
                 "Mean gain": 6.5, "Ratio gain": 6.5, "Making progress": 8.5,
                 "Impact": 10.5}                  # landscape at 100% as LibreOffice prints it
IMPACT_KINDS = {"Cost": "money", "Cost per pupil": "money", "Mean gain": "dec",
                "Ratio gain": "dec2", "Making progress": "pct", "Provision": "text",
                "Type": "text", "Area of need": "text", "Measure": "text", "Impact": "text"}


def _write_impact(wb, w: Cells, tables, school: str, term_year: str, settings) -> None:
    """Landscape; the note on what is measured how comes first, so that a long table's
    last page is never the note alone."""
    ws = wb.add_worksheet("Impact")
    _page(ws, school, term_year, landscape=True)
    imp = tables[T_IMPACT]
    widths = [IMPACT_WIDTHS[c] for c in imp.columns]
    _widths(ws, widths)
    ws.write_string(0, 0, "What difference provision made this term", w.title)
    note = ("Only measures in months (such as a reading age) have a ratio gain and an Impact "
            f"band ({bands_sentence(settings.impact_bands, FIRST_BAND)}); others show their "
            "mean gain in points. How each figure is worked out: the Notes sheet.")
    w.paragraph(ws, 1, widths, note, w.note)
    ws.write_string(2, 0, "Provision impact", w.h2)
    kinds = {c: IMPACT_KINDS.get(c, "count") for c in imp.columns}
    w.grid(ws, 3, imp, kinds.get, widths, total_label=TOTAL)
    ws.repeat_rows(3)


CHART_ROWS = (2, 18, 36, 52)       # two charts a page; the second page starts at row 34
DATA_COL = 12                      # the charts' figures, beside the print area


def _write_charts(wb, w: Cells, tables, school: str, term_year: str, term: str) -> None:
    """Four native charts, each drawn from a small table of shown figures beside the print
    area: a hidden figure is text, which a chart would draw as nothing, looking like £0, so
    a line with a hidden figure is left out of the chart (and the chart says so)."""
    ws = wb.add_worksheet("Charts")
    _page(ws, school, term_year)
    ws.write_string(0, 0, "The figures as pictures", w.title)
    by_type = tables[T_TYPE]
    terms = [c for c in by_type.columns if c not in (YEAR_SO_FAR, PUPILS_NOW)]
    col = DATA_COL

    def block(title: str, lines: list[tuple[str, list[float]]], heads: list[str],
              fmt) -> tuple[int, int, int]:
        """Write a block of figures; returns (first column, first row, last row)."""
        nonlocal col
        first = col
        ws.write_string(1, col, title, w.head)
        for j, h in enumerate(heads, 1):
            ws.write_string(1, col + j, h, w.head)
        for i, (label, values) in enumerate(lines, 2):
            ws.write_string(i, col, label, w.text)
            for j, v in enumerate(values, 1):
                ws.write_number(i, col + j, v, fmt)
        ws.set_column(col, col, 30)
        col += len(heads) + 2
        return first, 2, 1 + len(lines)

    def shown(table, row, cols) -> bool:
        return all(_number(table.at[row, c]) for c in cols)

    left_out = " (hidden figures left out)"
    rows = [x for x in by_type.index if x != TOTAL]
    types = [(x, [float(by_type.at[x, c]) for c in terms]) for x in rows
             if shown(by_type, x, terms)]
    c0, r0, r1 = block("Type", types, terms, w.money)
    missing = left_out if len(types) < len(rows) else ""

    # 1. cost by type, one series per term
    if types:
        ch = _chart(wb, "column", "Cost by provision type, term by term" + missing)
        for j, term_i in enumerate(terms, 1):
            ch.add_series({"name": ["Charts", 1, c0 + j, 1, c0 + j],
                           "categories": ["Charts", r0, c0, r1, c0],
                           "values": ["Charts", r0, c0 + j, r1, c0 + j]})
        ch.set_y_axis({"num_format": "£#,##0"})
        ch.set_legend({"position": "bottom"})
        ws.insert_chart(CHART_ROWS[0], 0, ch)
    else:
        ws.write_string(CHART_ROWS[0], 0, "Cost by provision type: every line has a hidden "
                        "figure (see the Costs sheet).", w.h2)

    # 2. cost by area of need, this term, as a bar chart (first line at the top)
    by_area = tables[T_COST_AREA]
    rows = [x for x in by_area.index if x != TOTAL]
    areas = [(x, [float(by_area.at[x, term])]) for x in rows if shown(by_area, x, [term])]
    a0, ar0, ar1 = block("Area of need", areas, [term], w.money)
    if areas:
        title = f"Cost by area of need, {term}" + (left_out if len(areas) < len(rows) else "")
        ws.insert_chart(CHART_ROWS[1], 0, _bars(wb, title, ["Charts", 1, a0 + 1, 1, a0 + 1],
                                                a0, ar0, ar1, "£#,##0", {}))
    else:
        ws.write_string(CHART_ROWS[1], 0, f"Cost by area of need, {term}: every line has a "
                        "hidden figure (see the Costs sheet).", w.h2)

    # 3. impact per provision: share making progress, where it is shown
    imp = tables[T_IMPACT]
    progress = [(str(line["Provision"]), [float(line["Making progress"])])
                for _, line in imp.iterrows() if _number(line["Making progress"])]
    p0, pr0, pr1 = block("Provision", progress, ["Making progress"], w.pct)
    if progress:
        ws.insert_chart(CHART_ROWS[2], 0, _bars(
            wb, f"Pupils making progress, by provision, {term}", "Making progress",
            p0, pr0, pr1, "0%", {"min": 0, "max": 1}))
    else:
        ws.write_string(CHART_ROWS[2], 0, f"Pupils making progress, by provision, {term}: no "
                        "provision had enough pupils assessed to show.", w.h2)

    # 4. the year's trend: cost per term stacked by type
    if types:
        ch = _chart(wb, "column", "The year so far: cost each term, by type" + missing,
                    subtype="stacked")
        for i in range(len(types)):
            ch.add_series({"name": ["Charts", r0 + i, c0, r0 + i, c0],
                           "categories": ["Charts", 1, c0 + 1, 1, c0 + len(terms)],
                           "values": ["Charts", r0 + i, c0 + 1, r0 + i, c0 + len(terms)]})
        ch.set_y_axis({"num_format": "£#,##0"})
        ch.set_legend({"position": "bottom"})
        ws.insert_chart(CHART_ROWS[3], 0, ch)
    ws.print_area(0, 0, 67, 9)                  # ten default columns: 640 px, the charts' width
    ws.set_h_pagebreaks([CHART_ROWS[2] - 2])


NOTES_WIDTH = 92                # portrait at 100%


def _write_notes(wb, w: Cells, school: str, term_year: str, t: int, settings) -> None:
    ws = wb.add_worksheet("Notes")
    _page(ws, school, term_year)
    ws.set_column(0, 0, NOTES_WIDTH)
    ws.write_string(0, 0, "How to read this report", w.title)
    notes = [
        "This report gives totals only. It names no pupil and no member of staff, and gives "
        "no figures by class.",
        f"Numbers of pupils from 1 to {t - 1} are shown as <{t}. A number or a sum of money "
        f"shown as {dc.HIDDEN} is hidden so that a small number cannot be worked out from "
        "the others. Every table has been checked as a statistics office checks one: "
        "taking the totals and the rules above, no hidden number can be worked out to a "
        "single value.",
        f"A sum of money spent on fewer than {t} pupils is hidden ({dc.HIDDEN}) like their "
        "number: where each pupil's share is known, it would tell the number. Another sum in "
        "the same column is hidden with it, so that the total does not give it back; every total "
        "still includes it.",
        f"Provisions taken by fewer than {t} pupils this term are added together as 'Other "
        f"provisions' (with the smallest other provision too, when they are about fewer "
        f"than {t} pupils between them); their cost is included in every total.",
        f"Mean gain, making progress and impact are given only where at least {t} pupils "
        "were assessed before and after the provision. Means and shares are rounded to what "
        "is printed; ratio gains to two decimals, never rounded up to the start of a band "
        "(1.996 is 1.99, modest), so the band always agrees with the figure printed beside "
        "it.",
        "Cost of provision: the staff time (hourly cost × minutes × sessions × weeks) plus "
        "resources, shared equally between the pupils in each group. Quality first teaching "
        "counts only its resources, as teaching time is ordinarily available.",
        "How progress is measured: each provision has its own measure. Measures in months "
        "(such as a reading age) give a ratio gain: months of progress ÷ months the "
        "provision ran, 1 being ordinary progress, banded after Brooks (2016): "
        f"{bands_sentence(settings.impact_bands, FIRST_BAND)}. Measures in points (a "
        "standardised score or another score) give a mean gain in points and the share of "
        "pupils making progress, without a band.",
        "Making progress: of the pupils assessed before and after a provision, those whose "
        "score improved. A pupil with two provisions counts once in each.",
        "A pupil who had two kinds of provision counts once in each, so the lines of a "
        "'Pupils this term' column can add up to more than its total.",
        "SEN register: pupils on SEN support (K) or with an EHC plan (E). Area of need is the "
        "broad area of the pupil's primary need.",
    ]
    for i, text in enumerate(notes, 2):
        ws.write_string(i, 0, text, w.para)
        ws.set_row(i, height(lines(text, [NOTES_WIDTH])) + 6)
