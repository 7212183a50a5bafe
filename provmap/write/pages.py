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
row's height is worked out from its text with :mod:`provmap.write.fit` (the measure every
sheet provmap writes uses); and Excel and LibreOffice break pages wherever a page fills.
A page prints at a fixed scale (:func:`print_scale`: 100% when its columns fit A4 as
LibreOffice, the wider, prints them), because Excel ignores manual page breaks on a sheet
fitted to a page, and a fixed scale gives both programs the same page.  A Page holds its
rows until :meth:`Page.finish`, when every height is known, then places manual page breaks
(with :func:`provmap.write.page.paginate`, the one pagination) by these rules:

- rows are laid out in *blocks*: each :meth:`Page.row` starts one, ``row(keep=True)`` joins
  the block before (a term's targets, a total under its rows); a block never straddles two
  pages unless it is taller than a page;
- a heading (:meth:`section`, :meth:`sub`, a table's heading row) is kept with what follows,
  so no page ends with a heading;
- a table that continues on a new page repeats its heading row at the top of that page;
- a table never leaves one of its rows alone on a page: when its first or last block is a
  single row, it is kept with its neighbour;
- a row may say what a cell shows when the row starts a page (:meth:`Row.continued`: a
  term's name and "(continued)").

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

from . import fit
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
    "code_font": {"font_name": FONT, "font_size": SIZE, "bold": True},
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

def span_pt(widths: Sequence[float]) -> float:
    """The width wrapped text has in cells merged across columns of `widths`, in points
    (Excel's pixels: the narrower, so a row is tall enough in both programs)."""
    return sum(fit.column_px(w) for w in widths) / fit.PX_PER_PT


def text_pt(lines: int, size: float = SIZE) -> float:
    """Points for `lines` lines of `size`-point text with the cell's padding (fit.py's
    measure, like every other sheet provmap writes)."""
    return fit.row_pt(lines, size, FONT)


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

    __slots__ = ("page", "n", "height", "starts", "glue", "table", "at", "again")

    def __init__(self, page: "Page", starts: bool, table: "Table | None"):
        self.page = page
        self.n = len(page.rows)               # its place among the page's rows
        self.height: float | None = None
        self.starts = starts              # a new block starts here
        self.glue = False                 # this row's block stays with the next block
        self.table = table
        self.at = -1                      # the sheet row, once laid out
        self.again: tuple[int, int, str, Format] | None = None   # see `continued`

    def tall(self, points: float) -> "Row":
        """At least `points` high."""
        self.height = max(self.height or 0.0, min(MAX_ROW_PT, points))
        return self

    def text(self, c0: int, c1: int, text: str, fmt: str = "text") -> "Row":
        """Text across columns c0..c1, always a string (never a formula)."""
        p = self.page
        f, width, size, bold = p.cell_look(fmt, c0, c1)
        p.ops.append((_TEXT, self, c0, c1, text, f))
        return self.tall(text_pt(fit.lines(text, width, size, FONT, bold), size))

    def rich(self, c0: int, c1: int, runs: Sequence[tuple[str, str]], fmt: str = "text") -> "Row":
        """Runs of text in different fonts, e.g. ``[("bold_font", name), ("body_font",
        "\\ndetails")]``; each line is measured in the font it starts in."""
        p = self.page
        args: list[Any] = []
        for font, run in runs:
            args += [p.formats[font], run]
        p.ops.append((_RICH, self, c0, c1, args, p.formats[fmt]))
        width = p.span(c0, c1)
        lines, line, line_font = 0, "", runs[0][0]
        for font, run in runs:
            for i, piece in enumerate(run.split("\n")):
                if i:
                    lines += fit.lines(line, width, SIZE, FONT, _font(line_font)[0])
                    line, line_font = "", font
                line += piece
        lines += fit.lines(line, width, SIZE, FONT, _font(line_font)[0])
        return self.tall(text_pt(lines))

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
        return self.tall(text_pt(1))

    def blank(self, c: int, fmt: str) -> "Row":
        """A formatted empty cell (the borders of a label that spans several rows)."""
        self.page.ops.append((_BLANK, self, c, c, None, self.page.formats[fmt]))
        return self

    def continued(self, c: int, text: str, fmt: str) -> "Row":
        """What column `c` shows instead when this row is the first of a page (a term's
        name and "(continued)" where its rows go on over a page break); the row is tall
        enough for it either way."""
        p = self.page
        f, width, size, bold = p.cell_look(fmt, c, c)
        self.again = (c, c, text, f)
        return self.tall(text_pt(fit.lines(text, width, size, FONT, bold), size))


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
                 look: Look = Look(), one_page_from: int | None = None):
        """``one_page_from``: a sheet read as one page (a one-page profile) prints on one
        page at a smaller scale, down to this per cent, when it is a little too long."""
        self.wb, self.formats, self.look = wb, formats, look
        self.one_page_from = one_page_from
        self.widths = list(widths)
        self.last = len(widths) - 1
        self._px = [fit.column_px(w) for w in widths]
        self._looks: dict[tuple[str, int, int], tuple[Format, float, float, bool]] = {}
        self.scale = print_scale(widths, landscape=look.landscape)
        self.ws = ws = wb.add_worksheet(name, worksheet_class=SHEET)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.hide_gridlines(2)
        print_setup.a4(ws, landscape=look.landscape,
                       header=(print_setup.escape(school), "", "Confidential"),
                       footer=(print_setup.escape(footer), "", "Page &P of &N"),
                       margins=MARGINS_IN, header_margin=HEADER_MARGIN_IN)
        ws.set_print_scale(self.scale)        # fixed: Excel ignores page breaks when fitting
        if look.centred:
            ws.center_horizontally()
        ws.repeat_rows(0, 1)
        self.ops: list[tuple] = []
        self.rows: list[Row] = []
        self.open_table: Table | None = None
        self.tables: list[Table] = []
        self.wholes: list[list[int]] = []     # [first row, end) of sections kept whole
        self.titles = (Row(self, False, None), Row(self, False, None))
        for r, (row, text, fmt, points) in enumerate(
                zip(self.titles, (school, title), ("school", "title"), (20, look.title_pt))):
            row.at = r
            self.ops.append((_TEXT, row, 0, self.last if look.merged_bands else 0, text,
                             formats[fmt]))
            row.tall(points)

    # -- geometry

    def span(self, c0: int, c1: int) -> float:
        """The width wrapped text has across columns c0..c1, in points (see
        :func:`span_pt`)."""
        return sum(self._px[c0:c1 + 1]) / fit.PX_PER_PT

    def cell_look(self, fmt: str, c0: int, c1: int) -> tuple[Format, float, float, bool]:
        """A text cell's format, the width its text wraps in (points), its font size and
        whether it is bold."""
        key = (fmt, c0, c1)
        look = self._looks.get(key)
        if look is None:
            bold, size = _font(fmt)
            look = self._looks[key] = (self.formats[fmt], self.span(c0, c1), size, bold)
        return look

    def texts(self) -> list[str]:
        """Every text written on the page so far (for a key to the codes it prints)."""
        out = []
        for kind, _, _, _, value, _ in self.ops:
            if kind == _TEXT:
                out.append(value)
            elif kind == _RICH:
                out.extend(v for v in value if isinstance(v, str))
        return out

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

    def section(self, title: str, note: str | None = None, *, whole: bool = False) -> None:
        """A heading band across the page (with a smaller `note` after it), kept with what
        follows.  ``whole``: the section (up to the next heading band) stays on one page
        where it fits one (an evidence pack's term)."""
        self.end_table()
        if self.rows:
            self.space()
        if self.wholes and self.wholes[-1][1] < 0:
            self.wholes[-1][1] = len(self.rows)
        row = self.row()
        row.glue = True
        self._band(row, title, "section", note)
        row.tall(self.look.section_pt)
        if whole:
            self.wholes.append([row.n, -1])

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

    def para(self, text: str, fmt: str = "para", *, keep: bool = False,
             with_next: bool = False) -> None:
        """A paragraph across the page; it ends a table.  ``keep``: on the same page as the
        row above (a note under a table); ``with_next``: on the same page as what follows
        (a sheet's opening words: never a page of their own)."""
        self.end_table()
        row = self.row(keep=keep)
        row.text(0, self.last, text, fmt)
        row.glue = row.glue or with_next

    def pairs(self, rows: Sequence[tuple[str, Any]], label_to: int = 1) -> None:
        """Label in columns 0..label_to, value across the rest; the rows stay together."""
        self.end_table()
        for i, (label, value) in enumerate(rows):
            row = self.row(keep=i > 0)
            row.text(0, label_to, label, "label")
            muted = value in (None, "", "Not recorded")
            row.value(label_to + 1, self.last, "Not recorded" if muted else value,
                      "muted" if muted else "text")

    def pairs_across(self, items: Sequence[tuple[str, Any]],
                     spans: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> None:
        """Label and value pairs, several to a row (`spans`: each pair's label columns and
        value columns, left to right), filled across then down; the rows stay together."""
        self.end_table()
        per = len(spans)
        for i in range(0, len(items), per):
            row = self.row(keep=i > 0)
            for (label, value), ((l0, l1), (v0, v1)) in zip(items[i:i + per], spans):
                row.text(l0, l1, label, "label")
                muted = value in (None, "", "Not recorded")
                row.value(v0, v1, "Not recorded" if muted else value,
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
        if self.one_page_from is not None:
            self._onto_one_page(self.one_page_from)
        breaks, copies, tops = self._paginate()
        ws = self.ws
        for row in (*self.titles, *self.rows):
            if row.height is not None:
                ws.set_row(row.at, row.height)
        instead = {(row, row.again[0]) for row in tops if row.again is not None}
        for kind, row, c0, c1, value, f in self.ops:
            if instead and (row, c0) in instead:
                continue                      # a "continued" label takes this cell
            self._write(kind, row.at, c0, c1, value, f)
        for row, c in instead:
            _, c1, text, f = row.again
            self._write(_TEXT, row.at, c, c1, text, f)
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

    def _paginate(self) -> tuple[list[int], list[tuple[Row, int]], list[Row]]:
        """Give every row its sheet row; return the page breaks, the heading rows written
        again where a table continues on a new page, and the rows that start a page."""
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
        room = self._room(self.scale)
        if self.wholes:
            groups = self._whole_sections(groups, height, room)

        heads: list[Row | None] = []               # the heading a page starting here repeats
        for a, _ in groups:
            t = rows[a].table
            heads.append(t.head if t is not None and not t.whole and rows[a] is not t.head
                         else None)
        new_page = set(print_setup.paginate(
            [sum(height[a:b]) for a, b in groups], room,
            again=[(h.height or DEFAULT_ROW_PT) if h is not None else 0.0 for h in heads]))

        breaks: list[int] = []
        copies: list[tuple[Row, int]] = []
        tops: list[Row] = []
        at = len(self.titles)
        for k, (a, b) in enumerate(groups):
            if k in new_page:
                breaks.append(at)
                tops.append(rows[a])
                if heads[k] is not None:
                    copies.append((heads[k], at))  # the table goes on: its heading again
                    at += 1
            for i in range(a, b):
                rows[i].at = at
                at += 1
        return breaks, copies, tops


    def _room(self, scale: int) -> float:
        """The height rows below the titles have on a page at `scale` per cent."""
        titles = sum(DEFAULT_ROW_PT if r.height is None else r.height for r in self.titles)
        _, page_h = print_setup.room_pt(landscape=self.look.landscape, margins=MARGINS_IN,
                                        scale=scale / 100)
        return page_h - titles - print_setup.SLACK_PT

    def _onto_one_page(self, least: int) -> None:
        """The largest scale from this page's down to `least` per cent at which every row
        fits one page; the page's own scale when none does (or it fits already)."""
        total = sum(DEFAULT_ROW_PT if r.height is None else r.height for r in self.rows)
        for scale in range(self.scale, least - 1, -1):
            if total <= self._room(scale):
                if scale != self.scale:
                    self.scale = scale
                    self.ws.set_print_scale(scale)
                return

    def _whole_sections(self, groups: list[tuple[int, int]], height: list[float],
                        room: float) -> list[tuple[int, int]]:
        """The groups of rows with each whole section's made one, where it fits a page."""
        out: list[tuple[int, int]] = []
        wholes = [(a, len(self.rows) if b < 0 else b) for a, b in self.wholes]
        i = 0
        for a, b in wholes:
            while i < len(groups) and groups[i][0] < a:
                out.append(groups[i])
                i += 1
            inside = []
            while i < len(groups) and groups[i][1] <= b:
                inside.append(groups[i])
                i += 1
            if inside and inside[0][0] == a and sum(height[inside[0][0]:inside[-1][1]]) \
                    <= room:
                out.append((inside[0][0], inside[-1][1]))
            else:
                out += inside
        return out + groups[i:]


def print_scale(widths: Sequence[float], *, landscape: bool = True) -> int:
    """The print scale (per cent, at most 100) at which columns of `widths` fit one A4 page
    wide as LibreOffice prints them (the wider of the two programs).  A fixed scale, not
    fit-to-width, so that Excel keeps the page breaks; the text prints at its size times
    this."""
    room, _ = print_setup.room_pt(landscape=landscape, margins=MARGINS_IN)
    return max(10, min(100, int(100 * (room - 2) / fit.columns_pt(widths))))


__all__ = ["FONT", "FORMATS", "Formats", "Look", "Page", "Row", "SIZE", "Table",
           "open_document", "outcome_format", "print_scale", "span_pt", "text_pt",
           "write_document"]
