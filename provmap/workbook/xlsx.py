"""The XlsxWriter backend of the standard workbook: formats made once, cells by type.

Text is always written as text (never a formula or a number), blank values write nothing,
and dropdowns warn rather than block.  Cost formulas are stored straight into XlsxWriter's
cell table (see :func:`write_formula`), which made a 20,000-pupil workbook quick to write.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import xlsxwriter

from ..schema import Column, Kind, Table
from ..write import page


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
        if column.width >= 26:
            return self.fmt["wrap"]
        return self.fmt["text"]

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
        for i, row in enumerate(rows):
            for c, column in enumerate(table.columns):
                self.put(ws, r0 + i, c, row.get(column.name), formats[c])

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

    def page(self, ws, landscape: bool, title_rows: str | None = None) -> None:
        page.a4(ws, landscape=landscape,
                header=(page.escape(self.school), "&A", page.escape(self.year)),
                footer=("Confidential", "", "Page &P of &N"),
                margins={"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6})
        if title_rows:
            ws.repeat_rows(*[int(x) for x in title_rows.split(":")])

