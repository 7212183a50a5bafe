"""The fast way to read every cell: python-calamine for values, a scan of the sheet XML for
the cells calamine cannot tell us about.

calamine (Rust) reads values, shared strings and dates about ten times faster than openpyxl,
but it gives a formula cell's cached result (or nothing) and drops error values.  provmap
must know which cells hold formulas (never trusted) and which hold errors (reported), so it
scans each worksheet's XML once with a compiled regular expression for `<c r=".."><f>` and
`t="e"` cells.  Any file this cannot handle exactly (cells without `r=` references,
namespace prefixes, anything calamine refuses) raises :class:`Fallback`, and the reader
uses openpyxl's streaming parser instead, which gives the same grid more slowly.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import sys
import threading
import zipfile
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET

# A raw cell: (value, data_type), data_type as openpyxl names it: n s b d e f.
Raw = tuple[Any, str]
Grid = list[tuple[int, dict[int, Raw]]]     # (row number, {column number: raw cell})

_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"([^>]*)>')
_FORMULA_TEXT = re.compile(rb"<f[^>]*?(?:/>|>([^<]*)</f>)")
_ERROR_VALUE = re.compile(rb"(?:<f[^>]*?(?:/>|>[^<]*</f>))?<v>([^<]*)</v>")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


class Fallback(Exception):
    """This file needs the slower, more general openpyxl path."""


def sheet_rows(book: Any, name: str) -> list[list[Any]]:
    """One sheet's rows from python-calamine, every row as long as the widest.

    calamine is Rust: a value it cannot convert (a negative number in a date cell) is a
    panic, which pyo3 raises as a ``BaseException`` (``except Exception`` misses it) after
    Rust has printed the panic, and with ``RUST_BACKTRACE`` set its whole stack, to the
    process's stderr.  The caller answers such a file in its own words (openpyxl reads it,
    and the cell is reported where it is), so while calamine converts a sheet in the main
    thread its stderr goes nowhere: the user sees provmap's answer, not Rust's."""
    with _quiet_stderr():
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


@contextlib.contextmanager
def _quiet_stderr():
    if threading.current_thread() is not threading.main_thread():
        yield                 # the page's worker: another thread may be writing to stderr
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    quiet = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(quiet, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(quiet)


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name -> part path, from workbook.xml and its relationships."""
    wb = SafeET.fromstring(z.read("xl/workbook.xml"))
    rels = SafeET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    parts = {}
    for sheet in wb.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"))
        if not target:
            raise Fallback("sheet without a part")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        parts[sheet.get("name")] = path
    return parts


def _positions(xml: bytes, needle: bytes, followed_by: bytes | None):
    """Where ``needle`` stands (and, if given, is followed by one of those bytes)."""
    at = xml.find(needle)
    while at >= 0:
        after = xml[at + len(needle):at + len(needle) + 1]
        if followed_by is None or (after and after in followed_by):
            yield at
        at = xml.find(needle, at + 1)


def _special_cells(xml: bytes) -> dict[tuple[int, int], Raw]:
    """Formula and error cells of one worksheet, by (row, column).

    Only the few cells that hold `<f>` or `t="e"` are looked at (found with C-speed
    searches, then their `<c r="..">` head read back); a sheet whose cells do not all carry
    an `r` reference goes to the general reader.
    """
    cells = xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>")
    if cells != xml.count(b'<c r="'):
        raise Fallback("cells without references")
    found: dict[tuple[int, int], Raw] = {}
    for at in _positions(xml, b"<f", b" >/"):
        head = _CELL.match(xml, xml.rfind(b"<c ", 0, at))
        if head is None or head.end() != at:
            raise Fallback("a formula outside a cell")
        t = _FORMULA_TEXT.match(xml, at)
        text = t.group(1) if t and t.group(1) is not None else b""
        # kept XML-escaped: provmap never uses a formula's text, only names it in a
        # message (read.py unescapes it then); unescaping 15,000 cost formulas is waste
        found[(int(head.group(2)), _column(head.group(1)))] = (
            "=" + text.decode("utf-8"), "f")
    for at in _positions(xml, b' t="e"', None):
        head = _CELL.match(xml, xml.rfind(b"<c ", 0, at))
        if head is None or head.start(3) > at:
            raise Fallback("an error type outside a cell")
        key = (int(head.group(2)), _column(head.group(1)))
        if key not in found:
            v = _ERROR_VALUE.match(xml, head.end())
            found[key] = (v.group(1).decode("utf-8") if v else "#VALUE!", "e")
    return found


class Grids(Mapping[str, Grid]):
    """Every worksheet's cells, read one sheet at a time when first asked for.

    The reader asks for a sheet, turns it into records and releases it, so memory holds
    one sheet's cells at a time rather than the whole school's.  Any sheet this path
    cannot read exactly raises :class:`Fallback` when it is read.
    """

    def __init__(self, path: Path):
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:  # pragma: no cover - a dependency, but stay usable without it
            raise Fallback("python-calamine is not installed") from None
        try:
            self._zip = zipfile.ZipFile(path)
            parts = _sheet_parts(self._zip)
            self._book = CalamineWorkbook.from_path(str(path))
            self._parts = {}
            for name in self._book.sheet_names:      # worksheets only: chartsheets hold no cells
                part = parts.get(name)
                if part in self._zip.NameToInfo:
                    with self._zip.open(part) as f:
                        if b"<worksheet" in f.read(1000):
                            self._parts[name] = part
        except Fallback:
            raise
        except Exception as exc:
            raise Fallback(str(exc)) from None
        self._cache: dict[str, Grid] = {}

    def __iter__(self):
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __getitem__(self, name: str) -> Grid:
        grid = self._cache.get(name)
        if grid is None:
            if name not in self._parts:
                raise KeyError(name)
            grid = self._cache[name] = self._read(name)
        return grid

    def release(self, name: str) -> None:
        """Forget a sheet's cells once its records are made."""
        self._cache.pop(name, None)

    def close(self) -> None:
        self._zip.close()

    def _read(self, name: str) -> Grid:
        try:
            special = _special_cells(self._zip.read(self._parts[name]))
            rows = sheet_rows(self._book, name)
        except (Fallback, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:       # also calamine's Rust panics (pyo3 PanicException)
            raise Fallback(str(exc)) from None
        return _grid(rows, special)


def _grid(rows: list[list[Any]], special: dict[tuple[int, int], Raw]) -> Grid:
    """calamine's rows plus the formula and error cells, as the reader's grid."""
    by_row: dict[int, dict[int, Raw]] = {}
    for (r, c), raw in special.items():
        by_row.setdefault(r, {})[c] = raw
    grid: Grid = []
    for r, values in enumerate(rows, 1):
        extra = by_row.pop(r, None)
        cells: dict[int, Raw] = {}
        for c, v in enumerate(values, 1):
            if v == "" or v is None:
                continue
            if isinstance(v, str):
                if v.isspace():
                    continue
                cells[c] = (v, "s")
            elif isinstance(v, bool):
                cells[c] = (v, "b")
            elif isinstance(v, (datetime, date, time)):
                cells[c] = (v, "d")
            elif isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
                cells[c] = (int(v), "n")      # as openpyxl reads `<v>3</v>`
            else:
                cells[c] = (v, "n")
        if extra:
            cells.update(extra)
        if cells:
            grid.append((r, dict(sorted(cells.items())) if extra else cells))
    for r in sorted(by_row):                       # formulas beyond calamine's range
        grid.append((r, dict(sorted(by_row[r].items()))))
    return grid
