"""What the published reports (the governors' and the trust's) draw with: formats made once
per workbook, and cell writers that write numbers as numbers and anything else strictly as
text (a hidden count is the text ``*`` or ``<5``, never a formula or a number).

Both reports draw tables of figures already made safe (:mod:`provmap.numbers.disclosure`);
nothing here computes a figure.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import xlsxwriter

TOTAL_LABELS = ("Total", "Trust total")
LINE_PT = 15.0              # the height of one line of 11 pt text in a row, in points


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
              kinds: dict[str, str], head_height: float = 2 * LINE_PT) -> tuple[int, dict]:
        """A titled table with its index as first column; returns next row and cell places."""
        ws.write_string(r, c, title, self.h2)
        r += 1
        ws.write_string(r, c, index_name, self.head)
        ws.set_row(r, head_height)
        for j, col in enumerate(df.columns, 1):
            ws.write_string(r, c + j, str(col), self.head)
        places = {"header": r, "first": r + 1, "cols": {col: c + j for j, col in
                                                        enumerate(df.columns, 1)}}
        for i, (key, line) in enumerate(df.iterrows(), 1):
            total = key in TOTAL_LABELS
            ws.write_string(r + i, c, str(key), self.total_text if total else self.text)
            for j, col in enumerate(df.columns, 1):
                self.cell(ws, r + i, c + j, line[col], kinds.get(col, "count"), total)
        places["last"] = r + len(df)
        return r + len(df) + 2, places

    def grid(self, ws, r: int, df: pd.DataFrame, kind_of, total_label: str | None = None,
             wrap_at: dict[str, int] | None = None, head_lines: int = 1) -> tuple[int, int]:
        """Headers (``head_lines`` high) and rows from row r, each column's kind from
        ``kind_of(column)``, rows as tall as the text of ``wrap_at`` columns (their
        widths); returns (first data row, next free row)."""
        for j, col in enumerate(df.columns):
            ws.write_string(r, j, str(col), self.head)
        ws.set_row(r, LINE_PT * head_lines + 2)
        for i, (_, line) in enumerate(df.iterrows(), 1):
            total = total_label is not None and line.iloc[0] == total_label
            lines = 1
            for j, col in enumerate(df.columns):
                v = line[col]
                self.cell(ws, r + i, j, v, kind_of(col), total)
                if wrap_at and col in wrap_at and isinstance(v, str):
                    lines = max(lines, wrapped_lines(v, chars_in(wrap_at[col])))
            if lines > 1:
                ws.set_row(r + i, LINE_PT * lines + 2)
        return r + 1, r + len(df) + 1


CHARS_PER_WIDTH = 1.15     # 11 pt Calibri: about 1.15 letters of text per unit of width


def chars_in(width: float) -> int:
    """Letters of ordinary 11 pt text a column of Excel width ``width`` holds on a line
    (a width counts digits, which are wider than most letters)."""
    return int(width * CHARS_PER_WIDTH)


def wrapped_lines(text: str, width: int) -> int:
    """How many lines ``text`` takes when wrapped at word boundaries in ``width`` letters
    (an estimate of Excel's wrap, a little generous, for row heights)."""
    lines = 0
    for para in str(text).split("\n"):
        n, used = 1, 0
        for word in para.split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need > width and used:
                n += 1
                used = len(word)
            else:
                used = need
        lines += n
    return max(lines, 1)


# --- the printed page -------------------------------------------------------------------------
# At 100% on A4 with half-inch side margins a portrait page holds 697 pixels of columns and
# a landscape one 1,026 (Excel's pixels: a column of width w is 7w + 5).  The published
# reports lay their columns out to fit at 100%, so their 11 pt text prints at 11 pt.

MARGINS = {"left": 0.5, "right": 0.5, "top": 0.8, "bottom": 0.7}
PORTRAIT_PX = 697
LANDSCAPE_PX = 1026


def column_px(widths: list[float]) -> int:
    """Excel's pixels for columns of these widths (characters)."""
    return sum(int(w * 7 + 0.5) + 5 for w in widths)


def needs_landscape(widths: list[float]) -> bool:
    """Whether columns this wide need a landscape page to print at 100%."""
    return column_px(widths) > PORTRAIT_PX


def fit_only_if_readable(ws, widths: list[float], landscape: bool, smallest: float = 10) -> None:
    """Keep the page set-up's fit to one page wide only while it prints 11 pt text at
    ``smallest`` points or more; wider columns print at 100% over more than one page width
    (a reader turns the page; a shrunken table cannot be read)."""
    room = LANDSCAPE_PX if landscape else PORTRAIT_PX
    if column_px(widths) * smallest / 11 > room:
        ws.set_print_scale(100)


def bands_sentence(bands: tuple[tuple[float, str], ...], first: str) -> str:
    """The school's impact bands in words: `below 2 modest, from 2 useful, ...`."""
    if not bands:
        return f"all {first}"
    parts = [f"below {bands[0][0]:g} {first}"]
    parts += [f"from {bound:g} {label}" for bound, label in bands]
    return ", ".join(parts)
