"""What the published reports (the governors' and the trust's) draw with: formats made once
per workbook, cell writers that write numbers as numbers and anything else strictly as text
(a hidden count is the text ``*`` or ``<5``, never a formula or a number), and tables whose
rows are as tall as their wrapped text, measured by :mod:`provmap.write.fit`.

Both reports draw tables of figures already made safe (:mod:`provmap.numbers.disclosure`);
nothing here computes a figure.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import xlsxwriter

from ..write import fit

TOTAL_LABELS = ("Total", "Trust total")
SIZE, FONT = 11, "Calibri"          # the reports' text, as XlsxWriter writes it by default


# --- text on paper ---------------------------------------------------------------------------

def lines(text: object, widths: list[float], bold: bool = False) -> int:
    """How many lines ``text`` wraps to in a cell of these columns (one, or merged)."""
    return fit.lines(str(text), sum(fit.column_pt(w) for w in widths), SIZE, FONT, bold)


def height(n_lines: int) -> float:
    """A row's height for ``n_lines`` lines of the reports' text, in points."""
    return fit.row_pt(max(1, n_lines), SIZE, FONT)


class Cells:
    """Formats made once per workbook; helpers that only ever write text as text."""

    def __init__(self, wb: xlsxwriter.Workbook, t: int):
        self.wb = wb
        self.t = t
        f = wb.add_format
        self.title = f({"bold": True, "font_size": 16, "font_color": "#1F3864"})
        self.h2 = f({"bold": True, "font_size": 12, "font_color": "#1F3864"})
        self.head = f({"bold": True, "bg_color": "#D9E2F3", "border": 1, "text_wrap": True,
                       "valign": "top"})
        self.text = f({"border": 1, "text_wrap": True, "valign": "top"})
        self.total_text = f({"border": 1, "bold": True, "top": 2, "text_wrap": True,
                             "valign": "top"})
        self.count_text = f({"border": 1, "align": "right", "valign": "top"})
        self.total_count_text = f({"border": 1, "align": "right", "bold": True, "top": 2,
                                   "valign": "top"})
        self.count = f({"border": 1, "num_format": "#,##0", "align": "right", "valign": "top"})
        self.total_count = f({"border": 1, "num_format": "#,##0", "align": "right",
                              "bold": True, "top": 2, "valign": "top"})
        self.money = f({"border": 1, "num_format": "£#,##0", "valign": "top"})
        self.total_money = f({"border": 1, "num_format": "£#,##0", "bold": True, "top": 2,
                              "valign": "top"})
        self.pct = f({"border": 1, "num_format": "0%", "valign": "top"})
        self.dec = f({"border": 1, "num_format": "0.0", "valign": "top"})
        self.dec2 = f({"border": 1, "num_format": "0.00", "valign": "top"})
        self.para = f({"text_wrap": True, "valign": "top", "font_size": 11})
        self.note = f({"italic": True, "font_color": "#595959", "text_wrap": True,
                       "valign": "top"})
        self.fig_label = f({"border": 1, "bg_color": "#F2F2F2"})
        self.fig_indent = f({"border": 1, "bg_color": "#F2F2F2", "indent": 2})
        self.fig_text = f({"border": 1, "align": "right"})

    def cell(self, ws, r: int, c: int, v: Any, kind: str = "count", total: bool = False) -> None:
        """Write one value: numbers as numbers, anything else strictly as text.

        ``kind``: count, money (to the penny, shown in pounds), pct, dec (one decimal),
        dec2 (two decimals) or text."""
        if v is None or (isinstance(v, float) and math.isnan(v)):
            ws.write_blank(r, c, None, self.total_text if total else self.text)
        elif isinstance(v, str):
            fmt = ((self.total_text if total else self.text) if kind == "text"
                   else self.total_count_text if total else self.count_text)
            ws.write_string(r, c, v, fmt)
        elif isinstance(v, bool):
            ws.write_string(r, c, "yes" if v else "no", self.text)
        else:
            fmt = {"count": (self.count, self.total_count),
                   "money": (self.money, self.total_money),
                   "pct": (self.pct, self.pct), "dec": (self.dec, self.dec),
                   "dec2": (self.dec2, self.dec2), "text": (self.count, self.total_count)
                   }[kind][total]
            ws.write_number(r, c, round(float(v), 2) if kind == "money" else float(v), fmt)

    def table(self, ws, r: int, c: int, title: str, df: pd.DataFrame, index_name: str,
              kinds: dict[str, str], widths: list[float]) -> tuple[int, dict]:
        """A titled table with its index as first column, its header and every row as tall
        as their wrapped text in columns of ``widths`` (the index's first); returns the
        next row and the cells' places."""
        ws.write_string(r, c, title, self.h2)
        r += 1
        heads = [index_name, *map(str, df.columns)]
        for j, text in enumerate(heads):
            ws.write_string(r, c + j, text, self.head)
        ws.set_row(r, height(max(lines(t, [w], bold=True) for t, w in zip(heads, widths))))
        places = {"header": r, "first": r + 1, "cols": {col: c + j for j, col in
                                                        enumerate(df.columns, 1)}}
        for i, (key, line) in enumerate(df.iterrows(), 1):
            total = key in TOTAL_LABELS
            ws.write_string(r + i, c, str(key), self.total_text if total else self.text)
            n = lines(key, widths[:1], bold=total)
            for j, col in enumerate(df.columns, 1):
                kind = kinds.get(col, "count")
                self.cell(ws, r + i, c + j, line[col], kind, total)
                if kind == "text" and isinstance(line[col], str):
                    n = max(n, lines(line[col], [widths[j]], bold=total))
            if n > 1:
                ws.set_row(r + i, height(n))
        places["last"] = r + len(df)
        return r + len(df) + 2, places

    def grid(self, ws, r: int, df: pd.DataFrame, kind_of, widths: list[float],
             total_label: str | None = None) -> tuple[int, int]:
        """Headers and rows from row r (each column's kind from ``kind_of(column)``), the
        header and every row as tall as their wrapped text in columns of ``widths``;
        returns (first data row, next free row)."""
        for j, col in enumerate(df.columns):
            ws.write_string(r, j, str(col), self.head)
        ws.set_row(r, height(max(lines(col, [w], bold=True)
                                 for col, w in zip(df.columns, widths))))
        for i, (_, line) in enumerate(df.iterrows(), 1):
            total = total_label is not None and line.iloc[0] == total_label
            n = 1
            for j, col in enumerate(df.columns):
                v = line[col]
                self.cell(ws, r + i, j, v, kind_of(col), total)
                if isinstance(v, str):
                    n = max(n, lines(v, [widths[j]], bold=total))
            if n > 1:
                ws.set_row(r + i, height(n))
        return r + 1, r + len(df) + 1

    def paragraph(self, ws, r: int, widths: list[float], text: str, fmt=None) -> int:
        """A wrapped paragraph across the columns of ``widths`` (merged), its row as tall
        as its lines; returns the next row."""
        fmt = fmt or self.para
        ws.merge_range(r, 0, r, len(widths) - 1, "", fmt)
        ws.write_string(r, 0, text, fmt)
        ws.set_row(r, height(lines(text, widths)))
        return r + 1


# --- the printed page --------------------------------------------------------------------------
# The published reports lay their columns out to fit A4 at 100% with half-inch side margins
# (measured as LibreOffice prints them, the wider of the two programs), so that their 11 pt
# text prints at 11 pt.

MARGINS = {"left": 0.5, "right": 0.5, "top": 0.8, "bottom": 0.7}
ROOM_PT = {False: 210 / 25.4 * 72 - 72, True: 297 / 25.4 * 72 - 72}   # portrait, landscape


def needs_landscape(widths: list[float]) -> bool:
    """Whether columns this wide need a landscape page to print at 100%."""
    return fit.columns_pt(widths) > ROOM_PT[False]


def fit_only_if_readable(ws, widths: list[float], landscape: bool, smallest: float = 10) -> None:
    """Keep the page set-up's fit to one page wide only while it prints 11 pt text at
    ``smallest`` points or more; wider columns print at 100% over more than one page width
    (a reader turns the page; a shrunken table cannot be read)."""
    if fit.columns_pt(widths) * smallest / SIZE > ROOM_PT[landscape]:
        ws.set_print_scale(100)


def bands_sentence(bands: tuple[tuple[float, str], ...], first: str) -> str:
    """The school's impact bands in words: `below 2 modest, from 2 useful, ...`."""
    if not bands:
        return f"all {first}"
    parts = [f"below {bands[0][0]:g} {first}"]
    parts += [f"from {bound:g} {label}" for bound, label in bands]
    return ", ".join(parts)
