"""The XlsxWriter backend of the standard workbook: formats made once, cells by type.

Text is always written as text (never a formula or a number), blank values write nothing,
and dropdowns warn rather than block.  Cost formulas are stored straight into XlsxWriter's
cell table (see :func:`write_formula`), which made a 20,000-pupil workbook quick to write.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Iterable, Sequence

import xlsxwriter

from ..schema import Column, Kind, Table
from ..write import fit, page


def _plain_formula(formula: str, expand_future_functions: bool = False) -> str:
    """XlsxWriter's formula preparation minus its ~30 regular expressions for Excel 365
    function names, which this template never uses; with 100,000+ cost formulas in a
    big school those regexes took most of the writing time."""
    return formula[1:] if formula.startswith("=") else formula


def write_formula(ws, r: int, c: int, formula: str, fmt, value) -> None:
    """ws.write_formula without its per-formula scans for Excel 365 array functions (which
    these formulas never contain): the same cell record, stored directly.  Falls back to the
    public call if XlsxWriter's internals ever change."""
    tuple_ = getattr(xlsxwriter.worksheet, "CellFormulaTuple", None)
    if tuple_ is None or getattr(ws, "constant_memory", True) or ws._check_dimensions(r, c):
        ws.write_formula(r, c, formula, fmt, value)
        return
    ws.table[r][c] = tuple_(formula[1:], fmt, value)


def add_sheet(wb: xlsxwriter.Workbook, name: str):
    ws = wb.add_worksheet(name)
    if hasattr(ws, "_prepare_formula"):
        ws._prepare_formula = _plain_formula
    return ws


class Writer:
    """Holds the workbook, its formats (made once) and the lists dropdowns point at."""

    def __init__(self, wb: xlsxwriter.Workbook, school: str, year: str):
        self.wb = wb
        self.school = school
        self.year = year
        f = wb.add_format
        base = {"font_name": "Calibri", "font_size": 11, "valign": "top"}
        self.fmt = {
            "title": f({**base, "bold": True, "font_size": 15, "font_color": "#1F3864"}),
            "guide": f({**base, "italic": True, "font_color": "#595959"}),
            "guide_wrap": f({**base, "italic": True, "font_color": "#595959",
                             "text_wrap": True}),
            "head": f({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78",
                       "text_wrap": True, "border": 1, "border_color": "#BFBFBF",
                       "valign": "vcenter"}),
            "head_review": f({**base, "bold": True, "font_color": "#FFFFFF",
                              "bg_color": "#375623", "text_wrap": True, "border": 1,
                              "border_color": "#BFBFBF", "valign": "vcenter"}),
            "head_extra": f({**base, "bold": True, "font_color": "#404040",
                             "bg_color": "#D9D9D9", "text_wrap": True, "border": 1,
                             "border_color": "#BFBFBF", "valign": "vcenter"}),
            # Data cells carry no borders: gridlines (shown and printed) draw the grid, and
            # a big school's workbook stays small and quick to write.
            "text": f(base),
            "wrap": f({**base, "text_wrap": True}),
            "money": f({**base, "num_format": "£#,##0.00"}),
            "cost": f({**base, "bg_color": "#EDEDED", "num_format": "£#,##0.00"}),
            "date": f({**base, "num_format": "dd/mm/yyyy", "align": "left"}),
            "percent": f({**base, "num_format": "0%"}),
            "helper": f({**base, "font_color": "#808080", "bg_color": "#F2F2F2"}),
            "note": f({**base, "italic": True, "font_color": "#7F6000", "bg_color": "#FFF2CC",
                       "text_wrap": True}),
            "h1": f({**base, "bold": True, "font_size": 16, "font_color": "#1F3864"}),
            "h2": f({**base, "bold": True, "font_size": 12, "font_color": "#1F4E78",
                     "top": 1, "top_color": "#BFBFBF", "text_wrap": True}),
            "para_rule": f({**base, "text_wrap": True, "top": 1, "top_color": "#BFBFBF"}),
            "para": f({**base, "text_wrap": True}),
            "label": f({**base, "bold": True}),
            "missing": f({"bg_color": "#FFE699", "font_color": "#7F6000"}),
            "no_gain": f({"bg_color": "#F8CBAD", "font_color": "#9C0006"}),
        }

    def sheet(self, name: str):
        """A new worksheet whose formulas skip XlsxWriter's Excel 365 scans."""
        return add_sheet(self.wb, name)

    # -- cells ------------------------------------------------------------------------------

    def cell_format(self, column: Column):
        if column.kind is Kind.MONEY:
            return self.fmt["money"]
        if column.kind is Kind.DATE:
            return self.fmt["date"]
        if column.kind is Kind.PERCENT:
            return self.fmt["percent"]
        return self.fmt["wrap"]          # text wraps, so a long word is never cut on paper

    def put(self, ws, r: int, c: int, value: Any, fmt) -> None:
        """Write one value by its type; text is always text, never a formula."""
        if value is None or value == "":
            return                                  # nothing to write: keep the file small
        elif isinstance(value, bool):
            ws.write_string(r, c, "Y" if value else "N", fmt)
        elif isinstance(value, (int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                ws.write_blank(r, c, None, fmt)
            else:
                ws.write_number(r, c, value, fmt)
        elif isinstance(value, (date, datetime)):
            ws.write_datetime(r, c, value, self.fmt["date"] if fmt is not self.fmt["percent"]
                              else fmt)
        else:
            ws.write_string(r, c, str(value), fmt)

    def header(self, ws, r: int, table: Table, fmt_key: str = "head") -> None:
        for c, column in enumerate(table.columns):
            ws.write_string(r, c, column.name, self.fmt[fmt_key])

    def widths(self, ws, table: Table, first_col: int = 0) -> None:
        for c, column in enumerate(table.columns):
            ws.set_column(first_col + c, first_col + c, column.width)

    def rows(self, ws, r0: int, table: Table, rows: list[dict[str, Any]]) -> None:
        formats = [self.cell_format(c) for c in table.columns]
        widths = [c.width for c in table.columns]
        for i, row in enumerate(rows):
            values = [row.get(column.name) for column in table.columns]
            for c, value in enumerate(values):
                self.put(ws, r0 + i, c, value, formats[c])
            if height := row_height(values, widths):
                ws.set_row(r0 + i, height)

    def dropdown(self, ws, first: int, last: int, c: int, source: list[str] | str,
                 title: str, what: str) -> None:
        """A list dropdown that warns but lets staff type something else (the reader
        accepts other spellings, e.g. 'QFT' or 'Surname, Forename')."""
        if isinstance(source, list) and any("," in v for v in source):
            raise ValueError(f"{title}: a choice with a comma needs a range, not a list")
        ws.data_validation(first, c, last, c, {
            "validate": "list", "source": source, "ignore_blank": True,
            "error_type": "warning", "error_title": title[:32],
            "error_message": f"{what} is not in the list. Keep it anyway?"[:255],
        })

    def page(self, ws, landscape: bool | None = None, title_rows: str | None = None, *,
             widths: Sequence[float] | None = None, repeat: int = 0,
             starts: Iterable[int] = ()) -> tuple[bool, int]:
        """A4 with the school, sheet and year in the header.  Given the printed columns'
        ``widths``, the sheet prints at a fixed scale that keeps its text at 9 pt or more
        (``LEAST_SCALE``), in the orientation that needs fewer page-wide parts; a sheet
        too wide for one page prints in parts, repeating its first ``repeat`` columns,
        a part beginning at one of ``starts`` where it can.  Returns (landscape, scale),
        scale 100 when the sheet is fitted to the page's width instead."""
        scale, breaks = 0, []
        if widths is not None:
            landscape, scale, breaks = _orientation(widths, repeat, starts)
        page.a4(ws, landscape=bool(landscape),
                header=(HEADER_SIZE + page.escape(self.school), HEADER_SIZE + "&A",
                        HEADER_SIZE + page.escape(self.year)),
                footer=(HEADER_SIZE + "Confidential", "", HEADER_SIZE + "Page &P of &N"),
                margins=MARGINS)
        if title_rows:
            ws.repeat_rows(*[int(x) for x in title_rows.split(":")])
        if scale:
            ws.set_print_scale(scale)
        if breaks:
            ws.set_v_pagebreaks(breaks)
            if repeat:
                ws.repeat_columns(0, repeat - 1)
            ws.print_across()
        return bool(landscape), scale or 100

    @staticmethod
    def room(landscape: bool) -> float:
        """The width of paper between the margins, in points."""
        return page.A4_PT[0 if landscape else 1] - (MARGINS["left"] + MARGINS["right"]) * 72

    def header_height(self, ws, r: int, names: Sequence[str], widths: Sequence[float]) -> None:
        """A header row tall enough for its wrapped headings (two-line headings whole)."""
        lines = max((fit.lines(n, fit.column_pt(w), 11, "Calibri", bold=True)
                     for n, w in zip(names, widths)), default=1)
        if lines > 1:
            ws.set_row(r, fit.row_pt(lines, 11, "Calibri") + 2)


def row_height(values: Sequence[Any], widths: Sequence[float]) -> float | None:
    """The height a row of the staff workbook needs for its wrapped text (Calibri 11), or
    None when one line does (most rows: their text is checked against a quick bound)."""
    lines = 1
    for value, width in zip(values, widths):
        if isinstance(value, str) and len(value) * _WIDEST_CHAR_PT > fit.column_pt(width) - 6:
            lines = max(lines, fit.lines(value, fit.column_pt(width), 11, "Calibri"))
    return fit.row_pt(lines, 11, "Calibri") if lines > 1 else None


_WIDEST_CHAR_PT = 11 * 0.87      # Calibri 11 has no wider character (W)


MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
LEAST_SCALE = 84           # 11 pt text prints at 9.2 pt or more
HEADER_SIZE = "&11 "       # header and footer at 11 pt before scaling (over 9 pt after); the
                           # space ends the size code before text that starts with a digit


def _orientation(widths: Sequence[float], repeat: int, starts: Iterable[int]
                 ) -> tuple[bool, int, list[int]]:
    """(landscape, scale, column breaks): portrait unless landscape needs fewer parts."""
    landscape, scale, breaks = _planned(tuple(widths), repeat, tuple(starts))
    return landscape, scale, list(breaks)


@lru_cache(maxsize=64)          # every class sheet has the same columns
def _planned(widths: tuple[float, ...], repeat: int, starts: tuple[int, ...]
             ) -> tuple[bool, int, tuple[int, ...]]:
    long_side, short_side = page.A4_PT
    side = (MARGINS["left"] + MARGINS["right"]) * 72
    portrait = fit.print_scale(widths, short_side - side, repeat=repeat, starts=starts,
                               least=LEAST_SCALE)
    landscape = fit.print_scale(widths, long_side - side, repeat=repeat, starts=starts,
                                least=LEAST_SCALE)
    if len(portrait[1]) <= len(landscape[1]):
        return False, portrait[0], tuple(portrait[1])
    return True, landscape[0], tuple(landscape[1])

