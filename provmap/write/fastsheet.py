"""Quicker XlsxWriter paths for the page engine's sheets, writing the same bytes.

A POP holds about 600 cells, 500 of them formatted blanks inside merged ranges (a merged
cell's borders need every cell of the range formatted), and two dozen formats, so
XlsxWriter's per-cell and per-format code is most of the time a POP takes.  A
:class:`FastSheet` (XlsxWriter's ``worksheet_class`` hook) does the same work with less
overhead where it costs most: filling a one-row merged range with its blanks, and writing
blank and shared-string cells into the sheet's XML; :func:`add_format` copies a format made
once per process instead of building it again from its properties.  The file is byte for
byte the one XlsxWriter writes (``tests/test_pages.py`` compares them); every other case
goes through XlsxWriter's own code, and so does everything when this XlsxWriter's insides
are not the ones this was written against (:data:`USABLE`).
"""

from __future__ import annotations

import copy
from typing import Any

import xlsxwriter
import xlsxwriter.worksheet as xw
from io import StringIO
from xlsxwriter.xmlwriter import XMLwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell_fast

_Blank = getattr(xw, "CellBlankTuple", None)
_String = getattr(xw, "CellStringTuple", None)
_Rich = getattr(xw, "CellRichStringTuple", None)
_preserve_whitespace = getattr(xw, "_preserve_whitespace", None)
_utf16_len = getattr(xw, "_utf16_len", None)
_X = XMLwriter()                        # its escaping, which uses nothing of the writer

# A cell's reference ("B7"), made once per process for each row a page uses (a POP writes
# about 700 cells, at the same places in every POP), when the row is first written.
_REF_ROWS, _REF_COLS = 400, 26
_REFS: dict[int, list[str]] = {}


def _ref(row: int, col: int) -> str:
    if row >= _REF_ROWS or col >= _REF_COLS:
        return xl_rowcol_to_cell_fast(row, col)
    refs = _REFS.get(row)
    if refs is None:
        refs = _REFS[row] = [xl_rowcol_to_cell_fast(row, c) for c in range(_REF_COLS)]
    return refs[col]


class FastSheet(xw.Worksheet):
    """A worksheet whose one-row merges and plain cells are written with less overhead."""

    def __init__(self) -> None:
        super().__init__()
        # A format whose properties equal another's never keeps its own index: XlsxWriter
        # works its key out again for every cell.  Kept here after the first time.
        self._xf_of: dict[Any, int] = {}
        self._font_xml: dict[Any, str] = {}       # a rich-text run's font, as XML

    def merge_range(self, first_row: int, first_col: int, last_row: int, last_col: int,
                    data: Any, cell_format: Any = None) -> int:
        """XlsxWriter's ``merge_range`` for a one-row range of text with a format in a
        workbook that keeps text as text: the same cells, merge and overlap check."""
        if (first_row != last_row or first_col >= last_col or cell_format is None
                or not isinstance(data, str) or self.constant_memory
                or self.strings_to_formulas or self.strings_to_numbers or self.strings_to_urls
                or self._check_dimensions(first_row, first_col)
                or self._check_dimensions(last_row, last_col)):
            return super().merge_range(first_row, first_col, last_row, last_col, data,
                                       cell_format)
        cells = [(first_row, c) for c in range(first_col, last_col + 1)]
        merged, tables = self.merged_cells, self.table_cells
        if not merged.keys().isdisjoint(cells) or (tables and not tables.keys().isdisjoint(cells)):
            return super().merge_range(first_row, first_col, last_row, last_col, data,
                                       cell_format)          # raises OverlappingRange
        name = f"{_ref(first_row, first_col)}:{_ref(last_row, last_col)}"   # xl_range's text
        merged.update(dict.fromkeys(cells, name))
        self.merge.append([first_row, first_col, last_row, last_col])
        if data:
            self._write_string(first_row, first_col, data, cell_format)
        else:
            self._write_blank(first_row, first_col, data, cell_format)
        blank = _Blank(cell_format)
        row = self.table[first_row]
        for c in range(first_col + 1, last_col + 1):
            row[c] = blank
        return 0

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        """A formatted blank or shared string as XlsxWriter writes it; the rest by it."""
        kind = type(cell)
        fmt = cell.format
        if fmt is not None and not self.constant_memory and (kind is _Blank or kind is _String):
            ref = _ref(row, col)
            xf = fmt.xf_index
            if xf is None:
                xf = self._xf_of.get(fmt)
                if xf is None:
                    xf = self._xf_of[fmt] = fmt._get_xf_index()
            if kind is _Blank:
                self.fh.write(f'<c r="{ref}" s="{xf}"/>')
            else:
                self.fh.write(f'<c r="{ref}" s="{xf}" t="s"><v>{cell.string}</v></c>')
            return
        super()._write_cell(row, col, cell)

    def _font_of(self, xf_format: Any) -> str:
        """A rich-text run's <rPr>, as XlsxWriter writes it, worked out once per font."""
        xml = self._font_xml.get(xf_format)
        if xml is None:
            writer = self.rstring
            self.rstring = XMLwriter()
            self.rstring._set_filehandle(StringIO())
            try:
                super()._write_font(xf_format)
                xml = self._font_xml[xf_format] = self.rstring.fh.getvalue()
            finally:
                self.rstring = writer
        return xml

    def _write_font(self, xf_format: Any) -> None:
        self.rstring.fh.write(self._font_of(xf_format))

    def _write_rich_string(self, row: int, col: int, *args: Any) -> int:
        """XlsxWriter's rich string for the page engine's runs (each text after its format,
        the first text possibly without one), its XML built in one pass: the same shared
        string and cell.  Anything else (a warning to give, constant memory) goes to it."""
        tokens = list(args)
        cell_format = tokens.pop() if tokens and isinstance(tokens[-1], Format) else None
        if (len(tokens) <= 2 or self.constant_memory        # XlsxWriter warns at <= 2
                or self._check_dimensions(row, col)):
            return super()._write_rich_string(row, col, *args)
        parts: list[str] = []
        raw: list[str] = []
        font = None
        for i, token in enumerate(tokens):
            if isinstance(token, Format):
                if font is not None or i == len(tokens) - 1:
                    return super()._write_rich_string(row, col, *args)  # it warns
                font = token
                continue
            if not isinstance(token, str) or not token or (font is None and i > 0):
                return super()._write_rich_string(row, col, *args)      # it warns or mends
            space = ' xml:space="preserve"' if _preserve_whitespace(token) else ""
            text = _X._escape_control_characters(_X._escape_data(token))
            start = "<r>" + (self._font_of(font) if font is not None else "")
            parts.append(f"{start}<t{space}>{text}</t></r>")
            raw.append(token)
            font = None
        raw_string = "".join(raw)
        if _utf16_len(raw_string) > self.xls_strmax:
            return super()._write_rich_string(row, col, *args)          # it warns
        index = self.str_table._get_shared_string_index("".join(parts))
        self.table[row][col] = _Rich(index, cell_format, raw_string)
        return 0

    def _write_merge_cells(self) -> None:
        """The <mergeCells> element, as XlsxWriter writes it."""
        if not self.merge:
            return
        cell = _ref
        self.fh.write(f'<mergeCells count="{len(self.merge)}">' + "".join(
            f'<mergeCell ref="{cell(r0, c0)}:{cell(r1, c1)}"/>' for r0, c0, r1, c1 in self.merge)
            + "</mergeCells>")


class _Format(Format):
    """A format whose font, border and fill keys (XlsxWriter works them out again for
    every workbook that uses the format) are worked out once, on the prototype."""

    def _get_font_key(self) -> str:
        return self.__dict__.get("_font_key") or super()._get_font_key()

    def _get_border_key(self) -> str:
        return self.__dict__.get("_border_key") or super()._get_border_key()

    def _get_fill_key(self) -> str:
        return self.__dict__.get("_fill_key") or super()._get_fill_key()

    def keep_keys(self) -> None:
        self._font_key = super()._get_font_key()
        self._border_key = super()._get_border_key()
        self._fill_key = super()._get_fill_key()
        self._get_format_key()


_PROTOTYPES: dict[tuple[str, tuple], Format] = {}


def add_format(wb: xlsxwriter.Workbook, name: str, properties: dict[str, Any]) -> Format:
    """``wb.add_format(properties)``, by copying the same format made once per process
    (`name` names the properties)."""
    if not USABLE or wb.excel2003_style:
        return wb.add_format(properties)
    defaults = wb.default_format_properties
    key = (name, tuple(sorted(defaults.items())))
    prototype = _PROTOTYPES.get(key)
    if prototype is None:                 # as add_format makes it, bound to no workbook
        prototype = _PROTOTYPES[key] = _Format({**defaults, **properties}, {}, {})
        prototype.keep_keys()             # so each copy has them worked out
    made = copy.copy(prototype)
    made.xf_format_indices = wb.xf_format_indices
    made.dxf_format_indices = wb.dxf_format_indices
    wb.formats.append(made)
    return made


def _usable() -> bool:
    if None in (_Blank, _String, _Rich, _preserve_whitespace, _utf16_len) \
            or not all(hasattr(_X, n) for n in ("_escape_data", "_escape_control_characters")):
        return False
    book = xlsxwriter.Workbook("never-written.xlsx")          # never closed: no file
    fmt = book.add_format({})
    if not all(hasattr(book, a) for a in ("formats", "xf_format_indices", "dxf_format_indices",
                                          "default_format_properties", "excel2003_style")) \
            or fmt.xf_format_indices is not book.xf_format_indices \
            or fmt.dxf_format_indices is not book.dxf_format_indices \
            or fmt not in book.formats or fmt.xf_index is not None:
        return False
    probe = xw.Worksheet()
    return all(hasattr(probe, name) for name in (
        "merged_cells", "table_cells", "merge", "table", "constant_memory",
        "strings_to_formulas", "strings_to_numbers", "strings_to_urls", "_check_dimensions",
        "_write_string", "_write_blank", "_write_cell", "_write_merge_cells", "_write_font",
        "_write_rich_string", "rstring", "str_table", "xls_strmax")) \
        and "format" in _Blank._fields \
        and _String._fields == ("string", "format") \
        and _Rich._fields == ("string", "format", "raw_string")


#: True when this XlsxWriter has the insides FastSheet relies on; else pages use its own.
USABLE = _usable()
