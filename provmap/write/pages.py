"""The page engine: every sheet provmap writes for a person to read and print (a POP, the
evidence and transition packs, a group plan, a report's text pages) is laid out here.

A :class:`Page` is one worksheet written top to bottom, on A4, one page wide, with the school
and a title repeated at the top of every printed page::

    def summary(wb, formats):
        page = Page(wb, formats, "Summary", [24, 15, 15, 40], school=school,
                    title="SEN support evidence: Aisha Khan", footer="Aisha Khan: evidence")
        page.para("Evidence of the support given ...", "intro")
        page.section("The pupil")                  # a heading: never the last row of a page
        page.pairs([("Name", "Aisha Khan"), ("UPN", "A123...")])
        page.table(["Term", "Cost"], [["Autumn", 120.0], ...], fmts=[None, "money"])
        page.row(keep=True).text(0, 0, "Total", "label").value(1, 1, 360.0, "money_bold")
        page.heads([(0, 0, "Term"), (1, 3, "Target")])  # a table drawn row by row
        page.row().text(0, 0, "Autumn", "term").text(1, 3, "Read 20 tricky words")
        page.finish()                              # heights, page breaks, print area

    write_document(path, school=school, title="SEN support evidence", parts=[summary])

Why a layout engine and not cell writes: XlsxWriter cannot measure wrapped text, so every
row's height is estimated from its text (:func:`lines_in`); and Excel and LibreOffice break
pages wherever a page fills.  A Page holds its rows until :meth:`Page.finish`, when every
height is known, then places manual page breaks by these rules:

- rows are laid out in *blocks*: each :meth:`Page.row` starts one, ``row(keep=True)`` joins
  the block before (a term's targets, a total under its rows); a block never straddles two
  pages unless it is taller than a page;
- a heading (:meth:`section`, :meth:`sub`, a table's heading row) is kept with what follows,
  so no page ends with a heading;
- a table that continues on a new page repeats its heading row at the top of that page;
- a table never leaves one of its rows alone on a page: when its first or last block is a
  single row, it is kept with its neighbour.

Formats are the house style (:class:`Formats`): Arial 11, teal headings, bordered cells,
made once per workbook, on first use.  Every text is written as a string, never a formula
(the workbook comes from :func:`provmap.write.book.open_book`).  The POP and the packs differ
in a few layout details (merged title and heading bands, heights): :class:`Look`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence

import xlsxwriter
from xlsxwriter.format import Format

from . import page as print_setup
from .atomic import atomic_write
from .book import open_book
from .fastsheet import USABLE, FastSheet, add_format

# --------------------------------------------------------------------------- the house style

FONT = "Arial"
SIZE = 11
TEAL = "#1D5C63"
LIGHT = "#DDEEEF"
PALE = "#F3F8F8"
GREY_TEXT = "#555555"
BORDER = "#9FB7BA"
MONEY = "£#,##0.00"
#: How far a target was met, as a fill (a target not yet reviewed is muted text instead).
OUTCOME_FILL = {"Achieved": "#E2F0D9", "Partly achieved": "#FFF2CC", "Not achieved": "#F2F2F2"}

LINE_PT = 13.0                # height of one wrapped line of 11 pt text
PAD_PT = 5.0                  # and the space around it in a cell
CHAR_PX = 7.2     # Arial 11's average character (letters, digits, spaces) is ~0.49 em, about
                  # 7.2 px at 96 dpi; measured on LibreOffice renders with Liberation Sans
MAX_ROW_PT = 409.0            # Excel's tallest row
DEFAULT_ROW_PT = 15.0         # a row whose height is not set
MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.6}
#: The worksheet class of every page: the same bytes as XlsxWriter's own written quicker
#: (and its formats copied), or XlsxWriter's own (None).
SHEET: type | None = FastSheet if USABLE else None
HEADER_MARGIN_IN = 0.3

_BASE = {"font_name": FONT, "font_size": SIZE, "valign": "top", "text_wrap": True}
_CELL = {**_BASE, "border": 1, "border_color": BORDER}

#: Every named format: its XlsxWriter properties.  Fonts ending `_font` are for runs of
#: rich text (a provision's name in bold teal, then its details).
FORMATS: dict[str, dict[str, Any]] = {
    "school": {**_BASE, "font_size": 13, "bold": True, "font_color": TEAL, "text_wrap": False},
    "title": {**_BASE, "font_size": 18, "bold": True, "text_wrap": False, "valign": "vcenter"},
    "intro": {**_BASE, "italic": True, "font_color": GREY_TEXT},
    "para": _BASE,
    "section": {**_BASE, "bold": True, "font_size": 13, "font_color": "white",
                "bg_color": TEAL, "valign": "vcenter", "text_wrap": False},
    "section_font": {"font_name": FONT, "bold": True, "font_size": 13, "font_color": "white"},
    "section_note_font": {"font_name": FONT, "italic": True, "font_size": 10,
                          "font_color": "white"},
    "sub": {**_BASE, "bold": True, "font_size": 12, "font_color": TEAL, "text_wrap": False,
            "valign": "bottom"},
    "head": {**_CELL, "bold": True, "bg_color": LIGHT},
    "label": {**_CELL, "bold": True, "bg_color": PALE},
    # a label beside several rows (lines to write on): no inner borders, like `term:TB`
    **{f"label:{top}{bottom}": {**_CELL, "bold": True, "bg_color": PALE, "top": top,
                                "bottom": bottom} for top in (0, 1) for bottom in (0, 1)},
    "text": _CELL,
    "text_bold": {**_CELL, "bold": True},
    "muted": {**_CELL, "italic": True, "font_color": GREY_TEXT},
    "term": {**_CELL, "bold": True, "font_size": 12, "bg_color": PALE},
    # a label down several rows that a page may break between: no merge and no inner
    # borders, so it reads as one cell but can split cleanly (`term:10` is the top row)
    **{f"term:{top}{bottom}": {**_CELL, "bold": True, "font_size": 12, "bg_color": PALE,
                               "top": top, "bottom": bottom}
       for top in (0, 1) for bottom in (0, 1)},
    "total": {**_CELL, "bold": True, "align": "right", "bg_color": PALE},
    # a line to write on (a form's empty answer): a rule along the bottom, nothing else
    "rule": {**_BASE, "bottom": 1, "bottom_color": GREY_TEXT},
    "bold_font": {"font_name": FONT, "font_size": SIZE, "bold": True, "font_color": TEAL},
    "body_font": {"font_name": FONT, "font_size": SIZE},
    "money": {**_CELL, "num_format": MONEY},
    "money_bold": {**_CELL, "num_format": MONEY, "bold": True, "bg_color": PALE},
    "number": {**_CELL, "num_format": "0.##", "align": "left"},
    "centre": {**_CELL, "align": "center"},
    "date": {**_CELL, "num_format": "d mmm yyyy", "align": "left"},
    **{f"outcome:{outcome}": {**_CELL, "bg_color": fill}
       for outcome, fill in OUTCOME_FILL.items()},
}
_ALIASES = {"bold": "text_bold"}


class Formats:
    """The house formats of one workbook: ``formats["label"]``.  Each is made on first use
    and shared after, so a workbook holds only the formats it uses, each once."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.made: dict[str, Format] = {}

    def __getitem__(self, name: str) -> Format:
        made = self.made.get(name)
        if made is None:
            key = _ALIASES.get(name, name)
            made = self.made.get(key)
            if made is None:
                made = add_format(self.wb, key, FORMATS[key]) if SHEET is not None \
                    else self.wb.add_format(FORMATS[key])
                self.made[key] = made
            self.made[name] = made
        return made

    def __contains__(self, name: str) -> bool:
        return name in FORMATS or name in _ALIASES


def outcome_format(outcome: str | None) -> str:
    """The format for how far a target was met: its fill, or muted text when not known."""
    return f"outcome:{outcome}" if outcome in OUTCOME_FILL else "muted"


def _font(name: str) -> tuple[bool, float]:
    spec = FORMATS[_ALIASES.get(name, name)]
    return bool(spec.get("bold")), float(spec.get("font_size", SIZE))


# --------------------------------------------------------------------------- text heights

def column_px(width: float) -> float:
    """A column's width in pixels (Excel: 7 px per character unit, plus 5 px of padding)."""
    return width * 7 + 5


_LINES: dict[tuple[str, int], int] = {}


def lines_in(text: str, width_px: float, *, bold: bool = False, size: float = SIZE) -> int:
    """How many lines `text` wraps to in a cell `width_px` wide.

    XlsxWriter cannot autofit row heights for wrapped text, so they are estimated: a greedy
    word wrap at a conservative average character width for Arial (wider when bold or
    larger), so text is never cut off; at worst a row has a little spare space.
    """
    return _lines(text, _per_line(width_px, bold, size))


def _per_line(width_px: float, bold: bool, size: float) -> int:
    """Characters that fit on one line of a cell `width_px` wide."""
    char_px = CHAR_PX * (size / SIZE) * (1.08 if bold else 1.0)
    return max(1, int((width_px - 8) / char_px))


def _lines(text: str, per_line: int) -> int:
    key = (text, per_line)
    n = _LINES.get(key)
    if n is None:
        n = _wrap(text, per_line)
        if len(_LINES) < 20_000:                 # many texts repeat ("Not recorded yet")
            _LINES[key] = n
    return n


def _wrap(text: str, per_line: int) -> int:
    lines = 0
    for para in text.split("\n"):
        n, used = 1, 0
        for word in para.split():
            w = len(word)
            if used and used + 1 + w <= per_line:
                used += 1 + w
                continue
            if used:
                n, used = n + 1, 0
            while w > per_line:                 # a very long word is broken across lines
                n, w = n + 1, w - per_line
            used = w
        lines += n
    return max(1, lines)


def text_height(lines: int, size: float = SIZE) -> float:
    """Points for `lines` lines of text at `size` points, with the cell's padding."""
    return lines * LINE_PT * size / SIZE + PAD_PT


# --------------------------------------------------------------------------- a document

def open_document(path: Path | str, *, school: str, title: str) -> xlsxwriter.Workbook:
    """A workbook whose text stays text and whose properties name the school and no pupil."""
    return open_book(path, {"title": title, "subject": "", "author": school,
                            "company": school, "comments": "Confidential"})


def write_document(path: Path | str, *, school: str, title: str,
                   parts: Sequence[Callable[[xlsxwriter.Workbook, Formats], None]]) -> Path:
    """A workbook of pages, whole or not at all: each part draws its sheet(s) with
    ``part(wb, formats)``."""
    path = Path(path)
    with atomic_write(path) as tmp:
        wb = open_document(tmp, school=school, title=title)
        try:
            formats = Formats(wb)
            for part in parts:
                part(wb, formats)
        finally:
            wb.close()
    return path


@dataclass(frozen=True)
class Look:
    """How a kind of document differs in layout; the formats are the same for all."""

    title_pt: float = 26.0            # the title row (the school's row above it is 20 pt)
    merged_bands: bool = False        # title and section rows merged across the page, or
                                      # (quicker to write) text overflowing formatted blanks
    section_pt: float = 22.0
    space_pt: float = 8.0             # the gap above a section heading
    centred: bool = False             # centred across the paper
    landscape: bool = True            # or portrait (a one-page form: the group plan)


# --------------------------------------------------------------------------- rows and tables

_TEXT, _RICH, _VALUE, _BLANK, _CHART = range(5)


class Row:
    """One row of a page.  Cells span columns ``c0..c1`` (merged when wider than one);
    the row is as tall as its tallest text."""

    __slots__ = ("page", "n", "height", "starts", "glue", "table", "at")

    def __init__(self, page: "Page", starts: bool, table: "Table | None"):
        self.page = page
        self.n = len(page.rows)               # its place among the page's rows
        self.height: float | None = None
        self.starts = starts              # a new block starts here
        self.glue = False                 # this row's block stays with the next block
        self.table = table
        self.at = -1                      # the sheet row, once laid out

    def tall(self, points: float) -> "Row":
        """At least `points` high."""
        self.height = max(self.height or 0.0, min(MAX_ROW_PT, points))
        return self

    def text(self, c0: int, c1: int, text: str, fmt: str = "text") -> "Row":
        """Text across columns c0..c1, always a string (never a formula)."""
        p = self.page
        f, per_line, size = p.cell_look(fmt, c0, c1)
        p.ops.append((_TEXT, self, c0, c1, text, f))
        return self.tall(text_height(_lines(text, per_line), size))

    def rich(self, c0: int, c1: int, runs: Sequence[tuple[str, str]], fmt: str = "text") -> "Row":
        """Runs of text in different fonts, e.g. ``[("bold_font", name), ("body_font",
        "\\ndetails")]``; each line is measured in the font it starts in."""
        p = self.page
        args: list[Any] = []
        for font, run in runs:
            args += [p.formats[font], run]
        p.ops.append((_RICH, self, c0, c1, args, p.formats[fmt]))
        width = p.px(c0, c1)
        lines, line, line_font = 0, "", runs[0][0]
        for font, run in runs:
            for i, piece in enumerate(run.split("\n")):
                if i:
                    lines += lines_in(line, width, bold=_font(line_font)[0])
                    line, line_font = "", font
                line += piece
        lines += lines_in(line, width, bold=_font(line_font)[0])
        return self.tall(text_height(lines))

    def value(self, c0: int, c1: int, value: Any, fmt: str = "text") -> "Row":
        """A value across columns c0..c1: text as a string (True/False as Yes/No, None as
        blank), numbers and dates as themselves (a date in the `date` format)."""
        if value is None or isinstance(value, (str, bool)):
            text = "" if value is None else ("Yes" if value is True else "No"
                                             if value is False else value)
            return self.text(c0, c1, text, fmt)
        p = self.page
        if isinstance(value, date):
            fmt = "date" if fmt == "text" else fmt
        else:
            value = float(value)
        p.ops.append((_VALUE, self, c0, c1, value, p.formats[fmt]))
        return self.tall(text_height(1))

    def blank(self, c: int, fmt: str) -> "Row":
        """A formatted empty cell (the borders of a label that spans several rows)."""
        self.page.ops.append((_BLANK, self, c, c, None, self.page.formats[fmt]))
        return self


class Table:
    """A table's heading row and its rows: those :meth:`Page.table` draws, or every row
    drawn after :meth:`Page.heads` until the next heading, paragraph or
    :meth:`Page.end_table`.  After :meth:`Page.finish`, ``head.at``, ``first.at`` and
    ``last.at`` are sheet rows (for a chart that reads the table)."""

    __slots__ = ("head", "rows", "whole")

    def __init__(self, head: Row, whole: bool):
        self.head = head
        self.rows: list[Row] = []
        self.whole = whole                # never split (a chart reads it), so no heading repeats

    @property
    def first(self) -> Row:
        return self.rows[0] if self.rows else self.head

    @property
    def last(self) -> Row:
        return self.rows[-1] if self.rows else self.head


# --------------------------------------------------------------------------- the page

class Page:
    """One worksheet laid out top to bottom; see the module's docstring."""

    def __init__(self, wb: xlsxwriter.Workbook, formats: Formats, name: str,
                 widths: Sequence[float], *, school: str, title: str, footer: str,
                 look: Look = Look()):
        self.wb, self.formats, self.look = wb, formats, look
        self.widths = list(widths)
        self.last = len(widths) - 1
        self._px = [column_px(w) for w in widths]
        self._looks: dict[tuple[str, int, int], tuple[Format, int, float]] = {}
        self.ws = ws = wb.add_worksheet(name, worksheet_class=SHEET)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.hide_gridlines(2)
        print_setup.a4(ws, landscape=look.landscape,
                       header=(print_setup.escape(school), "", "Confidential"),
                       footer=(print_setup.escape(footer), "", "Page &P of &N"),
                       margins=MARGINS_IN, header_margin=HEADER_MARGIN_IN)
        if look.centred:
            ws.center_horizontally()
        ws.repeat_rows(0, 1)
        self.ops: list[tuple] = []
        self.rows: list[Row] = []
        self.open_table: Table | None = None
        self.tables: list[Table] = []
        self.titles = (Row(self, False, None), Row(self, False, None))
        for r, (row, text, fmt, points) in enumerate(
                zip(self.titles, (school, title), ("school", "title"), (20, look.title_pt))):
            row.at = r
            self.ops.append((_TEXT, row, 0, self.last if look.merged_bands else 0, text,
                             formats[fmt]))
            row.tall(points)

    # -- geometry

    def px(self, c0: int, c1: int) -> float:
        """Width in pixels of columns c0..c1."""
        return sum(self._px[c0:c1 + 1])

    def cell_look(self, fmt: str, c0: int, c1: int) -> tuple[Format, int, float]:
        """A text cell's format, the characters a line of it holds, and its font size."""
        key = (fmt, c0, c1)
        look = self._looks.get(key)
        if look is None:
            bold, size = _font(fmt)
            look = self._looks[key] = (self.formats[fmt], _per_line(self.px(c0, c1), bold,
                                                                    size), size)
        return look

    # -- rows

    def row(self, *, keep: bool = False) -> Row:
        """A new row at the bottom; ``keep``: in the same block as the row above (the two
        stay on one page)."""
        row = Row(self, not keep or not self.rows, self.open_table)
        self.rows.append(row)
        if self.open_table is not None:
            self.open_table.rows.append(row)
        return row

    def _band(self, row: Row, text: str, fmt: str, note: str | None = None) -> None:
        """One line of text across the page: merged (the POP), or overflowing formatted
        blank cells (quicker to write)."""
        f = self.formats[fmt]
        last = self.last if self.look.merged_bands else 0
        if note:
            self.ops.append((_RICH, row, 0, last, [self.formats["section_font"], text,
                                                    self.formats["section_note_font"],
                                                    "   " + note], f))
        else:
            self.ops.append((_TEXT, row, 0, last, text, f))
        if not self.look.merged_bands:
            for c in range(1, self.last + 1):
                self.ops.append((_BLANK, row, c, c, None, f))

    def end_table(self) -> None:
        """Rows added from now on are not part of the table above."""
        self.open_table = None

    def space(self, points: float | None = None) -> None:
        """A gap, kept with the rows above it."""
        self.row(keep=True).tall(self.look.space_pt if points is None else points)

    def section(self, title: str, note: str | None = None) -> None:
        """A heading band across the page (with a smaller `note` after it), kept with what
        follows."""
        self.end_table()
        if self.rows:
            self.space()
        row = self.row()
        row.glue = True
        self._band(row, title, "section", note)
        row.tall(self.look.section_pt)

    def sub(self, title: str) -> None:
        """A sub-heading: one cell of teal text, kept with what follows."""
        self.end_table()
        self.space(4)
        row = self.row()
        row.glue = True
        self.ops.append((_TEXT, row, 0, 0, title, self.formats["sub"]))
        row.tall(19)

    def heads(self, spans: Sequence[tuple[int, int, str]], *, whole: bool = False) -> Row:
        """A table's heading row (`spans`: first column, last column, label): kept with the
        table's first rows, and repeated at the top of a page the table continues on.
        ``whole``: the table is kept on one page if it fits (a chart reads it)."""
        self.end_table()
        row = self.row()
        row.glue = True
        for c0, c1, label in spans:
            row.text(c0, c1, label, "head")
        self.open_table = Table(row, whole)
        row.table = self.open_table
        self.tables.append(self.open_table)
        return row

    def para(self, text: str, fmt: str = "para", *, keep: bool = False) -> None:
        """A paragraph across the page; it ends a table.  ``keep``: on the same page as the
        row above (a note under a table)."""
        self.end_table()
        self.row(keep=keep).text(0, self.last, text, fmt)

    def pairs(self, rows: Sequence[tuple[str, Any]], label_to: int = 1) -> None:
        """Label in columns 0..label_to, value across the rest; the rows stay together."""
        self.end_table()
        for i, (label, value) in enumerate(rows):
            row = self.row(keep=i > 0)
            row.text(0, label_to, label, "label")
            muted = value in (None, "", "Not recorded")
            row.value(label_to + 1, self.last, "Not recorded" if muted else value,
                      "muted" if muted else "text")

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              spans: Sequence[tuple[int, int]] | None = None,
              fmts: Sequence[str | None] | None = None, *, whole: bool = False) -> Table:
        """A heading row and a row per item.  `spans`: each column's (first, last) sheet
        column (default one each); `fmts`: a format per column (`money`, `number`, or None
        for text); a value may be ``(value, format)`` for one cell.  The table ends with its
        rows: a total under it is ``row(keep=True)``."""
        spans = list(spans or [(i, i) for i in range(len(headers))])
        fmts = list(fmts or [None] * len(headers))
        self.heads([(c0, c1, h) for (c0, c1), h in zip(spans, headers)], whole=whole)
        table = self.open_table
        assert table is not None
        for values in rows:
            row = self.row(keep=whole)
            for (c0, c1), v, kind in zip(spans, values, fmts):
                if isinstance(v, tuple):
                    v, kind = v
                fmt = kind or "text"
                row.value(c0, c1, "" if v is None or v == "" else v, fmt)
        self.end_table()
        return table

    def chart(self, build: Callable[[], Any], rows: int) -> None:
        """A native chart below what is written so far, kept whole on one page, `rows` rows
        tall.  ``build()`` makes the chart when the page is laid out, so a chart that reads
        a table can use its rows' ``at``."""
        self.end_table()
        self.space(6)
        first = self.row()
        self.ops.append((_CHART, first, 0, 0, build, None))
        for _ in range(rows - 1):
            self.row(keep=True)

    # -- laying out

    def finish(self) -> None:
        """Lay the rows out in pages, write them, set heights, page breaks and print area."""
        breaks, copies = self._paginate()
        ws = self.ws
        for row in (*self.titles, *self.rows):
            if row.height is not None:
                ws.set_row(row.at, row.height)
        for kind, row, c0, c1, value, f in self.ops:
            self._write(kind, row.at, c0, c1, value, f)
        for head, at in copies:               # a table's heading again, atop a new page
            for kind, row, c0, c1, value, f in self.ops:
                if row is head:
                    self._write(kind, at, c0, c1, value, f)
            ws.set_row(at, head.height)
        ws.set_h_pagebreaks(breaks)
        end = max([r.at for r in self.rows] + [at for _, at in copies] + [1])
        ws.print_area(0, 0, end, self.last)

    def _write(self, kind: int, r: int, c0: int, c1: int, value: Any, f: Format | None) -> None:
        ws = self.ws
        if kind == _TEXT:
            if c1 > c0:
                ws.merge_range(r, c0, r, c1, value, f)
                if value:
                    return                  # merge_range wrote it; a blank text is a string
            ws.write_string(r, c0, value, f)
        elif kind == _BLANK:
            ws.write_blank(r, c0, None, f)
        elif kind == _RICH:
            if c1 > c0:
                ws.merge_range(r, c0, r, c1, "", f)
            ws.write_rich_string(r, c0, *value, f)
        elif kind == _VALUE:
            if c1 > c0:
                ws.merge_range(r, c0, r, c1, "", f)
            if isinstance(value, date):
                ws.write_datetime(r, c0, value, f)
            else:
                ws.write_number(r, c0, value, f)
        elif kind == _CHART:
            ws.insert_chart(r, 0, value(), {"x_offset": 4, "y_offset": 2,
                                            "object_position": 1})

    def _rows_of(self, table: Table, block: tuple[int, int]) -> int:
        """How many of the block's rows are the table's (a gap after it is not)."""
        return sum(1 for row in self.rows[block[0]:block[1]] if row.table is table)

    def _paginate(self) -> tuple[list[int], list[tuple[Row, int]]]:
        """Give every row its sheet row; return the page breaks and the heading rows
        written again where a table continues on a new page."""
        rows = self.rows
        height = [DEFAULT_ROW_PT if r.height is None else r.height for r in rows]
        starts = [i for i, r in enumerate(rows) if r.starts or i == 0]
        blocks = list(zip(starts, starts[1:] + [len(rows)]))     # [first, end) row ranges
        glued = [any(rows[i].glue for i in range(a, b)) for a, b in blocks]   # to the next
        block_of = [0] * len(rows)
        for k, (a, b) in enumerate(blocks):
            block_of[a:b] = [k] * (b - a)
        for t in self.tables:
            inside = sorted({block_of[r.n] for r in t.rows} - {block_of[t.head.n]})
            if len(inside) >= 2:
                first, last = inside[0], inside[-1]
                if self._rows_of(t, blocks[first]) == 1:
                    glued[first] = True            # a table's first row never alone
                if self._rows_of(t, blocks[last]) == 1:
                    glued[inside[-2]] = True       # nor its last
        groups: list[tuple[int, int]] = []         # row ranges that stay on one page
        k = 0
        while k < len(blocks):
            a = blocks[k][0]
            while glued[k] and k + 1 < len(blocks):
                k += 1
            groups.append((a, blocks[k][1]))
            k += 1

        page_w, page_h = print_setup.A4_PT if self.look.landscape else print_setup.A4_PT[::-1]
        page_w -= (MARGINS_IN["left"] + MARGINS_IN["right"]) * 72
        page_h -= (MARGINS_IN["top"] + MARGINS_IN["bottom"]) * 72
        scale = min(1.0, page_w / (self.px(0, self.last) * 0.75))
        titles = sum(DEFAULT_ROW_PT if r.height is None else r.height for r in self.titles)
        room = page_h / scale - titles - 6          # a little slack for rounding

        breaks: list[int] = []
        copies: list[tuple[Row, int]] = []
        at = len(self.titles)
        used = 0.0
        for a, b in groups:
            h = sum(height[a:b])
            if used + h > room and used > 0:
                breaks.append(at)
                used = 0.0
                t = rows[a].table
                if t is not None and not t.whole and rows[a] is not t.head:
                    copies.append((t.head, at))    # the table goes on: its heading again
                    at += 1
                    used += t.head.height or DEFAULT_ROW_PT
            for i in range(a, b):
                rows[i].at = at
                at += 1
            used += h
            while used > room:
                used -= room
        return breaks, copies


__all__ = ["FORMATS", "Formats", "Look", "Page", "Row", "Table", "column_px", "lines_in",
           "open_document", "outcome_format", "text_height", "write_document"]
