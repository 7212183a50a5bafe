"""Print-ready report sheets for the packs about one pupil (evidence, transition).

A :class:`Doc` is one worksheet laid out top to bottom: the school and a title (repeated on
every printed page), section headings, short paragraphs, label/value rows and tables, every
text written as a string (never a formula), money as numbers in £, dates as dates.  Row
heights come from the POP's word-wrap estimate (XlsxWriter cannot autofit wrapped text), and
page set-up is the one A4 helper (write/page.py): landscape, one page wide, the school on
the left of the header and "Confidential" on the right.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence

import xlsxwriter

from ..write import page
from ..write.book import open_book
from ..write.atomic import atomic_write
from .pop import (CHAR_PX, FONT, LINE_PT, MARGINS_IN, OUTCOME_FILL, PAD_PT, PALE, SIZE, TEAL,
                  lines_in)
from .pop import _formats as _pop_formats

MONEY = "£#,##0.00"


def new_workbook(path: Any, school: str, title: str) -> xlsxwriter.Workbook:
    """A workbook that never turns text into formulas or numbers, whose document
    properties name the school and no person."""
    return open_book(path, {"title": title, "subject": "", "author": school,
                            "company": school, "comments": "Confidential"})


def formats(wb: xlsxwriter.Workbook) -> dict:
    """Every format a pack uses, made once per workbook: the POP's, plus a few for tables."""
    base = {"font_name": FONT, "font_size": SIZE, "valign": "top", "text_wrap": True}
    cell = {**base, "border": 1, "border_color": "#9FB7BA"}
    f = _pop_formats(wb)
    f.update({
        "para": wb.add_format(base),
        "sub": wb.add_format({**base, "bold": True, "font_size": 12, "font_color": TEAL,
                              "text_wrap": False, "valign": "bottom"}),
        "bold": f["text_bold"],
        "money": wb.add_format({**cell, "num_format": MONEY}),
        "money_bold": wb.add_format({**cell, "num_format": MONEY, "bold": True,
                                     "bg_color": PALE}),
        "number": wb.add_format({**cell, "num_format": "0.##", "align": "left"}),
        "centre": wb.add_format({**cell, "align": "center"}),
        "date": wb.add_format({**cell, "num_format": "d mmm yyyy", "align": "left"}),
    })
    return f


def write_pack(path: Path | str, school: str, title: str, parts: Sequence[Callable],
               *args: Any) -> Path:
    """A pack about one pupil, whole or not at all: each part writes its sheet(s) with
    ``part(wb, formats, *args)``."""
    path = Path(path)
    with atomic_write(path) as tmp:
        wb = new_workbook(tmp, school, title)
        try:
            f = formats(wb)
            for part in parts:
                part(wb, f, *args)
        finally:
            wb.close()
    return path


class Doc:
    """One worksheet of a pack, written top to bottom."""

    def __init__(self, wb: xlsxwriter.Workbook, fmt: dict, name: str,
                 widths: Sequence[float], *, school: str, title: str, footer: str):
        self.wb, self.f, self.widths = wb, fmt, list(widths)
        self.last = len(widths) - 1
        self.ws = ws = wb.add_worksheet(name)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.hide_gridlines(2)
        page.a4(ws, landscape=True, header=(page.escape(school), "", "Confidential"),
                footer=(page.escape(footer), "", "Page &P of &N"), margins=MARGINS_IN,
                header_margin=0.3)
        ws.repeat_rows(0, 1)
        self.heights: dict[int, float] = {}
        self.units: list[int] = []              # rows a printed page may start at
        ws.write_string(0, 0, school, fmt["school"])
        self.need(0, 20)
        ws.write_string(1, 0, title, fmt["title"])
        self.need(1, 26)
        self.row = 2

    # -- cells

    def px(self, c0: int, c1: int) -> float:
        return sum(self.widths[c] * 7 + 5 for c in range(c0, c1 + 1))

    def need(self, row: int, points: float) -> None:
        self.heights[row] = max(self.heights.get(row, 0.0), min(409.0, points))

    def _merged(self, row: int, c0: int, c1: int, text: str, fmt: str) -> None:
        if c1 > c0:
            self.ws.merge_range(row, c0, row, c1, "", self.f[fmt])
        self.ws.write_string(row, c0, text, self.f[fmt])

    def _band(self, row: int, text: str, fmt: str) -> None:
        """A one-line heading across the sheet without a merge (merges are the slow part of
        writing a pack): the text overflows into the formatted blank cells beside it."""
        f = self.f[fmt]
        self.ws.write_string(row, 0, text, f)
        for c in range(1, self.last + 1):
            self.ws.write_blank(row, c, None, f)

    def cell(self, row: int, c0: int, c1: int, value: Any, fmt: str = "text") -> None:
        """A value across columns c0..c1: text as a string, numbers and dates as such."""
        if isinstance(value, bool) or value is None or isinstance(value, str):
            text = "" if value is None else ("Yes" if value is True else "No"
                                             if value is False else value)
            self._merged(row, c0, c1, text, fmt)
            bold = fmt in ("head", "label", "bold")
            lines = lines_in(text, self.px(c0, c1), bold=bold) if text else 1
            self.need(row, lines * LINE_PT + PAD_PT)
            return
        if c1 > c0:
            self.ws.merge_range(row, c0, row, c1, "", self.f[fmt])
        if isinstance(value, date):
            self.ws.write_datetime(row, c0, value, self.f["date" if fmt == "text" else fmt])
        else:
            self.ws.write_number(row, c0, float(value), self.f[fmt])
        self.need(row, LINE_PT + PAD_PT)

    # -- blocks

    def space(self, points: float = 8) -> None:
        self.need(self.row, points)
        self.row += 1

    def section(self, title: str) -> None:
        if self.row > 2:
            self.space()
        self.units.append(self.row)
        self._band(self.row, title, "section")
        self.need(self.row, 22)
        self.row += 1

    def sub(self, title: str) -> None:
        """A sub-heading: one cell of teal text (no merge, no border: fewer cells to write)."""
        self.space(4)
        self.units.append(self.row)
        self.ws.write_string(self.row, 0, title, self.f["sub"])
        self.need(self.row, 19)
        self.row += 1

    def para(self, text: str, fmt: str = "para") -> None:
        self.cell(self.row, 0, self.last, text, fmt)
        self.row += 1

    def pairs(self, rows: Sequence[tuple[str, Any]], label_to: int = 1) -> None:
        """Label in columns 0..label_to, value across the rest."""
        for label, value in rows:
            self.cell(self.row, 0, label_to, label, "label")
            muted = value in (None, "", "Not recorded")
            self.cell(self.row, label_to + 1, self.last,
                      "Not recorded" if muted else value, "muted" if muted else "text")
            self.row += 1

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              spans: Sequence[tuple[int, int]] | None = None,
              fmts: Sequence[str | None] | None = None) -> tuple[int, int]:
        """A header row and data rows; `spans` gives each column's (first, last) sheet
        column, `fmts` a format per column (`money`, `number`, or None for text).
        Returns the sheet rows of the first and last data rows."""
        spans = spans or [(i, i) for i in range(len(headers))]
        fmts = fmts or [None] * len(headers)
        for (c0, c1), h in zip(spans, headers):
            self.cell(self.row, c0, c1, h, "head")
        self.row += 1
        first = self.row
        for values in rows:
            for (c0, c1), v, kind in zip(spans, values, fmts):
                if isinstance(v, tuple):            # (value, format) for one cell
                    v, kind = v
                fmt = kind or "text"
                if v is None or v == "":
                    self.cell(self.row, c0, c1, "", fmt if fmt in self.f else "text")
                else:
                    self.cell(self.row, c0, c1, v, fmt)
            self.row += 1
        return first, self.row - 1

    def chart(self, chart: Any, rows: int) -> None:
        """A native chart below what is written so far, kept whole on one page."""
        self.space(6)
        self.units.append(self.row)
        self.ws.insert_chart(self.row, 0, chart, {"x_offset": 4, "y_offset": 2,
                                                  "object_position": 1})
        self.row += rows
        self.units.append(self.row)

    def finish(self) -> None:
        for r, h in self.heights.items():
            self.ws.set_row(r, h)
        self.ws.set_h_pagebreaks(page.keep_together(
            self.heights, self.units, self.row, width_pt=self.px(0, self.last) * 0.75,
            title_rows=(0, 1), margins=MARGINS_IN, landscape=True))
        self.ws.print_area(0, 0, max(self.row - 1, 1), self.last)


def outcome_fmt(outcome: str | None) -> str:
    return f"outcome:{outcome}" if outcome in OUTCOME_FILL else "muted"


__all__ = ["CHAR_PX", "Doc", "formats", "new_workbook", "outcome_fmt"]
