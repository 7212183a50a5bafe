"""The trust report workbook: renders a :class:`provmap.numbers.trust.TrustReport`, nothing more.

Sheets: Summary, Schools, By provision, By area of need, Charts (native charts), each on
A4 through :mod:`provmap.write.page`, laid out to print at 100% (11 pt text at 11 pt): a
wide table gets a landscape page and wraps its text rather than shrinking.  The tables
arrive disclosure-controlled; the cell formats and the text-only cell writer are the
published reports' (:mod:`provmap.reports.published`).  Before the file is put in place it
is searched for every register's names, UPNs and dates of birth, the same scan the
governors' report runs (:func:`provmap.numbers.disclosure.refuse_if_identifying`).
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd

from ..glossary import long_date
from ..numbers import disclosure as dc
from ..numbers.trust import ALL, TOTAL, TrustReport
from ..schema import FIRST_BAND
from ..write import page
from ..write.atomic import atomic_write
from ..write.book import open_book
from ..write.names import inside, report_filename
from .published import MARGINS, Cells, bands_sentence, height, lines

MONEY = {"Cost this term", "Year cost", "Cost per pupil with provision", "Cost",
         "Cost per pupil", "Value:money"}
PCT = {"SEN %", "Share on group interventions", "Making progress"}
DEC = {"Mean gain"}
DEC2 = {"Ratio gain", "Effect size"}
TEXT = {"School", "Provision", "Type", "Area of need", "Measure", "Impact", "Note", "File",
        "Reason", "Provisions with useful or better impact", "Item"}


def report_name(report: TrustReport) -> str:
    """``<name> <year> <term> - Trust report.xlsx``, safe as a file name."""
    return report_filename(report.name, report.year, report.term, "Trust report")


def _kind(col: str) -> str:
    if col in MONEY:
        return "money"
    if col in PCT:
        return "pct"
    if col in DEC:
        return "dec"
    if col in DEC2:
        return "dec2"
    return "text" if col in TEXT else "count"


def _page(ws, report: TrustReport, landscape: bool = False) -> None:
    page.a4(ws, landscape=landscape,
            header=(page.escape(report.name), page.escape(f"{report.term} {report.year}"),
                    "Trust report"),
            margins=MARGINS)
    ws.hide_gridlines(2)


def _widths(ws, widths: list[float]) -> None:
    for i, wd in enumerate(widths):
        ws.set_column(i, i, wd)


def write_trust(report: TrustReport, out_dir: Path) -> Path:
    """Write ``<name> <year> <term> - Trust report.xlsx`` in out_dir; return its path.

    Raises :class:`provmap.numbers.disclosure.DisclosureError` (and writes nothing) if the finished
    file would contain a name, UPN or date of birth from any school's register.
    """
    target = inside(out_dir, report_name(report))
    with atomic_write(target) as tmp:
        wb = open_book(tmp, {
            "title": f"SEN provision across {report.name}, {report.term} {report.year}",
            "subject": "Special educational needs provision in the trust's schools: costs and "
                       "impact, aggregates only",
            "author": "provmap", "manager": "", "company": report.name, "category": "Trust",
            "keywords": "SEN, provision map, trust", "comments": ""})
        w = Cells(wb, report.threshold)
        _summary(wb, w, report)
        places = _schools(wb, w, report)
        _provisions(wb, w, report)
        _areas(wb, w, report)
        _charts(wb, w, report, places)
        wb.close()
        dc.refuse_if_identifying(tmp, report.identifiers, "trust report",
                                 "the school and provision names on each school's Settings "
                                 "and Provisions sheets, and the trust's name")
    return target


SUMMARY_WIDTHS = [27, 27, 17, 17]          # portrait at 100% as LibreOffice prints it


def _summary(wb, w: Cells, report: TrustReport) -> None:
    ws = wb.add_worksheet("Summary")
    _page(ws, report)
    _widths(ws, SUMMARY_WIDTHS)
    ws.write_string(0, 0, report.name, w.title)
    ws.write_string(1, 0, f"SEN provision across the trust's schools, {report.term} "
                    f"{report.year}", w.h2)
    schools = [s for s in report.schools["School"] if s != TOTAL]
    w.paragraph(ws, 2, SUMMARY_WIDTHS, f"Produced on {long_date(date.today())} for "
                f"{report.name}, from the provision maps of {len(schools)} "
                f"school{'s' if len(schools) != 1 else ''}.", w.note)
    r = 3
    for _, line in report.summary.iterrows():
        item, v = str(line["Item"]), line["Value"]
        ws.merge_range(r, 0, r, 1, "", w.fig_label)
        ws.write_string(r, 0, item, w.fig_label)
        kind = "money" if item.startswith("Cost") else "count"
        if isinstance(v, str):
            ws.write_string(r, 2, v, w.fig_text)
        else:
            w.cell(ws, r, 2, v, kind)
        r += 1
    r += 1
    ws.write_string(r, 0, "Schools included", w.h2)
    r += 1
    for s in schools:
        ws.merge_range(r, 0, r, 1, "", w.text)
        ws.write_string(r, 0, str(s), w.text)
        r += 1
    r = _not_included(ws, w, r + 1, report)
    r = _section(ws, w, r + 1, "Rows left out because of errors", report.left_out,
                 "None: no included workbook has rows with errors.",
                 "These rows have errors in the school's workbook and are left out of every "
                 "figure; `provmap check` on the file lists them.")
    r += 1
    ws.write_string(r, 0, "How the figures are worked out", w.h2)
    r += 1
    for text in report.notes:
        r = w.paragraph(ws, r, SUMMARY_WIDTHS, text)


def _not_included(ws, w: Cells, r: int, report: TrustReport) -> int:
    """School, File, and the reason across the last two columns (wrapped)."""
    ws.write_string(r, 0, "Schools not included", w.h2)
    r += 1
    table = report.not_included
    if not len(table):
        return w.paragraph(ws, r, SUMMARY_WIDTHS, "None: every workbook given could be used.")
    for j, col in enumerate(("School", "File")):
        ws.write_string(r, j, col, w.head)
    ws.merge_range(r, 2, r, 3, "Reason", w.head)
    r += 1
    school_w, file_w, *reason_w = SUMMARY_WIDTHS
    for _, line in table.iterrows():
        school = line["School"] if isinstance(line["School"], str) and line["School"] \
            else "(not known)"
        ws.write_string(r, 0, str(school), w.text)
        ws.write_string(r, 1, str(line["File"]), w.text)
        ws.merge_range(r, 2, r, 3, "", w.text)
        ws.write_string(r, 2, str(line["Reason"]), w.text)
        ws.set_row(r, height(max(lines(line["Reason"], reason_w), lines(school, [school_w]),
                                 lines(line["File"], [file_w]))))
        r += 1
    return r


def _section(ws, w: Cells, r: int, title: str, table: pd.DataFrame, empty: str,
             note: str) -> int:
    """A titled table on the Summary (or a sentence when it is empty); the next free row."""
    ws.write_string(r, 0, title, w.h2)
    r += 1
    if not len(table):
        return w.paragraph(ws, r, SUMMARY_WIDTHS, empty)
    r = w.paragraph(ws, r, SUMMARY_WIDTHS, note, w.note)
    return w.grid(ws, r, table, _kind, SUMMARY_WIDTHS)[1]


SCHOOL_WIDTHS = [24, 9.5, 9.5, 7.5, 10, 11, 11, 11, 11, 9.5, 13.5]    # landscape at 100%


def _schools(wb, w: Cells, report: TrustReport) -> dict:
    ws = wb.add_worksheet("Schools")
    _page(ws, report, landscape=True)
    _widths(ws, SCHOOL_WIDTHS)
    ws.write_string(0, 0, f"The schools, {report.term} {report.year}", w.title)
    first, nxt = w.grid(ws, 2, report.schools, _kind, SCHOOL_WIDTHS, total_label=TOTAL)
    ws.repeat_rows(2)
    w.paragraph(ws, nxt + 1, SCHOOL_WIDTHS, "Each school's figures are its own rollup's. "
                "Making progress and useful-or-better impact need at least "
                f"{report.threshold} pupils assessed. See the Summary for definitions.", w.note)
    return {"first": first, "n": len(report.schools) - 1,
            "col": list(report.schools.columns).index("Cost per pupil with provision")}


PROVISION_WIDTHS = {"Provision": 19, "Type": 9.5, "Area of need": 13, "Measure": 14,
                    "Schools": 6.5, "Pupils": 6.5, "Cost": 8.5, "Cost per pupil": 7.5,
                    "Mean gain": 6, "Ratio gain": 6, "Effect size": 6,
                    "Pupils with no progress": 7.5, "Impact": 9.5,
                    "Pupils assessed": 7.5}                          # landscape at 100%


def _provisions(wb, w: Cells, report: TrustReport) -> None:
    """Each pooled provision; a line's note (why it is not pooled with another) is printed
    under the table, numbered, rather than in a column mostly empty."""
    ws = wb.add_worksheet("By provision")
    _page(ws, report, landscape=True)
    table = report.by_provision
    notes = [(i, n) for i, n in enumerate(table["Note"]) if isinstance(n, str) and n]
    shown = table.drop(columns="Note").copy()
    for k, (i, _) in enumerate(notes, 1):
        shown.at[i, "Provision"] = f"{shown.at[i, 'Provision']} (note {k})"
    widths = [PROVISION_WIDTHS[c] for c in shown.columns]
    _widths(ws, widths)
    ws.write_string(0, 0, f"Each provision across the schools, {report.term} {report.year}",
                    w.title)
    _, nxt = w.grid(ws, 2, shown, _kind, widths, total_label=ALL)
    ws.repeat_rows(2)
    r = nxt + 1
    for k, (i, note) in enumerate(notes, 1):
        r = w.paragraph(ws, r, widths, f"Note {k}: {table.at[i, 'Provision']}, "
                        f"{table.at[i, 'Measure']}. {note}", w.note)
    w.paragraph(ws, r, widths, "Mean gain is in the provision's own measure. Ratio gain = "
                "mean months gained ÷ mean months elapsed (1 is ordinary progress); Impact "
                f"bands it: {bands_sentence(report.bands, FIRST_BAND)}. Only measures in "
                "months have a ratio gain and a band. Effect size = mean gain ÷ 15 "
                "(standardised scores). Pupils counts each pupil of each school once.", w.note)


AREA_WIDTHS = [40, 10, 10, 14]


def _areas(wb, w: Cells, report: TrustReport) -> None:
    ws = wb.add_worksheet("By area of need")
    _page(ws, report)
    _widths(ws, AREA_WIDTHS)
    ws.write_string(0, 0, f"By area of need, {report.term} {report.year}", w.title)
    _, nxt = w.grid(ws, 2, report.by_area, _kind, AREA_WIDTHS, total_label=ALL)
    w.paragraph(ws, nxt + 1, AREA_WIDTHS, "The area of need of each provision. A pupil with "
                "provision in two areas counts once in each.", w.note)


def _charts(wb, w: Cells, report: TrustReport, places: dict) -> None:
    """Two native bar charts, their data in small tables beside the print area so only
    shown figures are drawn (a blank or hidden count must not look like £0)."""
    ws = wb.add_worksheet("Charts")
    _page(ws, report)
    ws.write_string(0, 0, "The figures as pictures", w.title)
    ws.set_column(12, 12, 34)
    ws.set_column(13, 13, 14)

    def bar(title: str, rows: list[tuple[str, float]], col: int, header: str, num: str,
            axis: str, at: int) -> None:
        ws.write_string(1, col, header.split("|")[0], w.head)
        ws.write_string(1, col + 1, header.split("|")[1], w.head)
        for i, (label, v) in enumerate(rows, 2):
            ws.write_string(i, col, label, w.text)
            ws.write_number(i, col + 1, round(v, 2), w.money if num.startswith("£") else w.dec2)
        if not rows:
            ws.write_string(at, 0, f"{title}: no figure can be shown.", w.h2)
            return
        ch = wb.add_chart({"type": "bar"})
        ch.set_title({"name": title, "name_font": {"size": 12}})
        ch.set_style(10)
        ch.add_series({"name": header.split("|")[1],
                       "categories": ["Charts", 2, col, 1 + len(rows), col],
                       "values": ["Charts", 2, col + 1, 1 + len(rows), col + 1],
                       "data_labels": {"value": True, "num_format": num}})
        ch.set_x_axis({"num_format": num, "name": axis, "min": 0})
        ch.set_y_axis({"reverse": True})
        ch.set_legend({"none": True})
        ch.set_size({"width": 640, "height": max(260, 60 + 24 * len(rows))})
        ws.insert_chart(at, 0, ch)

    schools = report.schools.iloc[:-1]
    cpp = [(str(s), float(v)) for s, v in zip(schools["School"],
                                               schools["Cost per pupil with provision"])
           if isinstance(v, float)]
    bar(f"Cost per pupil with provision, by school, {report.term}", cpp, 12,
        "School|Cost per pupil", "£#,##0", "£ per pupil", 2)
    prov = report.by_provision.iloc[:-1]
    ratios = [(str(p), float(v)) for p, v in zip(prov["Provision"], prov["Ratio gain"])
              if isinstance(v, float) and not math.isnan(v)]
    top = 4 + max(13, math.ceil((60 + 24 * len(cpp)) / 20))
    bar(f"Ratio gain by provision (months measures), {report.term}", ratios, 15,
        "Provision|Ratio gain", "0.00", "ratio gain (1 = ordinary progress)", top)
    ws.set_column(15, 15, 34)
    ws.set_column(16, 16, 12)
    bottom = top + max(13, math.ceil((60 + 24 * len(ratios)) / 20)) + 1
    ws.print_area(0, 0, bottom, 9)               # ten default columns: the charts' 640 px
    ws.fit_to_pages(1, 0)
