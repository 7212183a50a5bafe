"""The trust report workbook: renders a :class:`provmap.numbers.trust.TrustReport`, nothing more.

Sheets: Summary, Schools, By provision, By area of need, Charts (native charts), each on
A4 through :mod:`provmap.write.page`.  The tables arrive disclosure-controlled; the cell
formats and the text-only cell writer are the governors' report's.  Before the file is put
in place it is searched for every register's names, UPNs and dates of birth, the same scan
the governors' report runs (:func:`provmap.numbers.disclosure.refuse_if_identifying`).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..numbers import disclosure as dc
from ..numbers.trust import ALL, TOTAL, TrustReport
from ..write import page
from ..write.book import open_book
from ..write.atomic import atomic_write
from ..write.names import report_filename
from .governors import _Writer

MONEY = {"Cost this term", "Year cost", "Cost per pupil with provision", "Cost",
         "Cost per pupil", "Value:money"}
PCT = {"SEN %", "Share on group interventions", "Making progress"}
DEC = {"Mean gain", "Ratio gain"}
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
    if col == "Effect size":
        return "dec2"
    return "text" if col in TEXT else "count"


def _page(ws, report: TrustReport, landscape: bool = False) -> None:
    page.a4(ws, landscape=landscape,
            header=(page.escape(report.name), page.escape(f"{report.term} {report.year}"),
                    "Trust report"),
            margins={"left": 0.5, "right": 0.5, "top": 0.8, "bottom": 0.7})
    ws.hide_gridlines(2)


class _Cells(_Writer):
    """The governors' formats, plus two decimals for effect sizes."""

    def __init__(self, wb, t: int):
        super().__init__(wb, t)
        self.dec2 = wb.add_format({"border": 1, "num_format": "0.00", "valign": "top"})

    def put(self, ws, r: int, c: int, v, kind: str, total: bool = False) -> None:
        if kind == "dec2" and isinstance(v, float) and not math.isnan(v):
            ws.write_number(r, c, v, self.dec2)
        else:
            self.cell(ws, r, c, v, "dec" if kind == "dec2" else kind, total)

    def grid(self, ws, r: int, df: pd.DataFrame, total_label: str | None = None,
             wrap_at: dict[str, int] | None = None, head_lines: int = 1) -> tuple[int, int]:
        """Headers (``head_lines`` high) and rows from row r; returns (first data row, next
        free row)."""
        for j, col in enumerate(df.columns):
            ws.write_string(r, j, str(col), self.head)
        ws.set_row(r, 15 * head_lines + 2)
        for i, (_, line) in enumerate(df.iterrows(), 1):
            total = total_label is not None and line.iloc[0] == total_label
            lines = 1
            for j, col in enumerate(df.columns):
                v = line[col]
                self.put(ws, r + i, j, v, _kind(col), total)
                if wrap_at and col in wrap_at and isinstance(v, str):
                    lines = max(lines, math.ceil(len(v) / wrap_at[col]))
            if lines > 1:
                ws.set_row(r + i, 15 * lines + 2)
        return r + 1, r + len(df) + 1


def write_trust(report: TrustReport, out_dir: Path) -> Path:
    """Write ``<name> <year> <term> - Trust report.xlsx`` in out_dir; return its path.

    Raises :class:`provmap.numbers.disclosure.DisclosureError` (and writes nothing) if the finished
    file would contain a name, UPN or date of birth from any school's register.
    """
    target = Path(out_dir) / report_name(report)
    with atomic_write(target) as tmp:
        wb = open_book(tmp, {
            "title": f"SEN provision across {report.name}, {report.term} {report.year}",
            "subject": "Special educational needs provision in the trust's schools: costs and "
                       "impact, aggregates only",
            "author": "provmap", "manager": "", "company": report.name, "category": "Trust",
            "keywords": "SEN, provision map, trust", "comments": ""})
        w = _Cells(wb, report.threshold)
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


def _summary(wb, w: _Cells, report: TrustReport) -> None:
    ws = wb.add_worksheet("Summary")
    _page(ws, report)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 40)
    ws.set_column(3, 3, 14)
    ws.write_string(0, 0, report.name, w.title)
    ws.write_string(1, 0, f"SEN provision across the trust's schools, {report.term} "
                    f"{report.year}", w.h2)
    r = 3
    for _, line in report.summary.iterrows():
        item, v = str(line["Item"]), line["Value"]
        ws.write_string(r, 0, item, w.fig_label)
        kind = "money" if item.startswith("Cost") else "count"
        if isinstance(v, str):
            ws.write_string(r, 1, v, w.fig_text)
        else:
            w.cell(ws, r, 1, v, kind)
        r += 1
    schools = [s for s in report.schools["School"] if s != TOTAL]
    r += 1
    ws.write_string(r, 0, "Schools included", w.h2)
    r += 1
    for s in schools:
        ws.write_string(r, 0, str(s), w.text)
        r += 1
    table = report.not_included.copy()
    table["School"] = table["School"].map(lambda v: v if v else "(not known)")
    r = _section(ws, w, r + 1, "Schools not included", table,
                 "None: every workbook given could be used.", None,
                 {"Reason": 45, "File": 33}, 1)
    r = _section(ws, w, r + 1, "Rows left out because of errors", report.left_out,
                 "None: no included workbook has rows with errors.",
                 "These rows have errors in the school's workbook and are left out of every "
                 "figure; `provmap check` on the file lists them.", {"File": 33}, 2)
    r += 1
    ws.write_string(r, 0, "How the figures are worked out", w.h2)
    r += 1
    for text in report.notes:
        ws.merge_range(r, 0, r, 2, "", w.para)
        ws.write_string(r, 0, text, w.para)
        ws.set_row(r, 15 * math.ceil(len(text) / 140) + 6)
        r += 1


def _section(ws, w: _Cells, r: int, title: str, table: pd.DataFrame, empty: str,
             note: str | None, wrap_at: dict[str, int], head_lines: int) -> int:
    """A titled table on the Summary (or a sentence when it is empty); the next free row."""
    ws.write_string(r, 0, title, w.h2)
    r += 1
    if not len(table):
        ws.merge_range(r, 0, r, 2, "", w.para)
        ws.write_string(r, 0, empty, w.para)
        return r + 1
    if note:
        ws.merge_range(r, 0, r, 2, "", w.note)
        ws.write_string(r, 0, note, w.note)
        ws.set_row(r, 30)
        r += 1
    return w.grid(ws, r, table, wrap_at=wrap_at, head_lines=head_lines)[1]


def _schools(wb, w: _Cells, report: TrustReport) -> dict:
    ws = wb.add_worksheet("Schools")
    _page(ws, report, landscape=True)
    widths = [30, 10, 10, 8, 11, 12, 12, 12, 12, 10, 14]
    for i, wd in enumerate(widths):
        ws.set_column(i, i, wd)
    ws.write_string(0, 0, f"The schools, {report.term} {report.year}", w.title)
    first, nxt = w.grid(ws, 2, report.schools, total_label=TOTAL, head_lines=3)
    ws.repeat_rows(2)
    ws.merge_range(nxt + 1, 0, nxt + 1, 10, "", w.note)
    ws.write_string(nxt + 1, 0, "Each school's figures are its own rollup's. Making progress "
                    "and useful-or-better impact need at least "
                    f"{report.threshold} pupils assessed. See the Summary for definitions.",
                    w.note)
    return {"first": first, "n": len(report.schools) - 1,
            "col": list(report.schools.columns).index("Cost per pupil with provision")}


def _provisions(wb, w: _Cells, report: TrustReport) -> None:
    ws = wb.add_worksheet("By provision")
    _page(ws, report, landscape=True)
    widths = [26, 11, 18, 20, 7, 7, 9, 8, 7, 7, 7, 9, 20, 8, 28]
    for i, wd in enumerate(widths):
        ws.set_column(i, i, wd)
    ws.write_string(0, 0, f"Each provision across the schools, {report.term} {report.year}",
                    w.title)
    _, nxt = w.grid(ws, 2, report.by_provision, total_label=ALL, head_lines=3,
                    wrap_at={"Note": 30, "Provision": 27, "Measure": 21, "Area of need": 19,
                             "Type": 11, "Impact": 15})
    ws.repeat_rows(2)
    ws.merge_range(nxt + 1, 0, nxt + 1, 14, "", w.note)
    ws.write_string(nxt + 1, 0, "Mean gain is in the provision's own measure. Ratio gain = "
                    "mean months gained ÷ mean months elapsed (1 is ordinary progress). Effect "
                    "size = mean gain ÷ 15 (standardised scores). Pupils counts each pupil of "
                    "each school once.", w.note)
    ws.set_row(nxt + 1, 30)


def _areas(wb, w: _Cells, report: TrustReport) -> None:
    ws = wb.add_worksheet("By area of need")
    _page(ws, report)
    for i, wd in enumerate([40, 10, 10, 14]):
        ws.set_column(i, i, wd)
    ws.write_string(0, 0, f"By area of need, {report.term} {report.year}", w.title)
    _, nxt = w.grid(ws, 2, report.by_area, total_label=ALL)
    ws.merge_range(nxt + 1, 0, nxt + 1, 3, "", w.note)
    ws.write_string(nxt + 1, 0, "The area of need of each provision. A pupil with provision "
                    "in two areas counts once in each.", w.note)
    ws.set_row(nxt + 1, 30)


def _charts(wb, w: _Cells, report: TrustReport, places: dict) -> None:
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
            ws.write_number(i, col + 1, round(v, 2), w.money if num.startswith("£") else w.dec)
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
        "Provision|Ratio gain", "0.0", "ratio gain (1 = ordinary progress)", top)
    ws.set_column(15, 15, 34)
    ws.set_column(16, 16, 12)
    bottom = top + max(13, math.ceil((60 + 24 * len(ratios)) / 20)) + 1
    ws.print_area(0, 0, bottom, 10)
    ws.fit_to_pages(1, 0)
