"""Read a provision map kept as one long table: a row per pupil per provision.

Provision-mapping products export it, schools keep it by hand: `Pupil`, `Intervention`,
`Frequency`, `Session length`, `Staff`, `Entry`, `Exit` ... in .xlsx, .xlsm or .csv.  The
headings are matched through :data:`provmap.schema.LONG_TABLE` (case, spaces, brackets and a
trailing `:` ignored, as in the workbook), or named by a mapping file (`Heading`,`Means`).
The table is found as the first sheet (or ``--sheet``) whose header row names a pupil and a
provision; title rows above it are skipped.  What is read is the cells as typed, with their
row numbers, and each row's values as :class:`TableRow` (:class:`RowReader`): turning them
into a workbook is :mod:`provmap.workbook.fromtable`.

Anything that stops the import before it starts (no such file, no table, a mapping that
names something provmap does not know) raises :class:`TableRefused` with one sentence.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import get_column_letter
from ..problems import UnreadableWorkbook
from .. import schema
from ..schema import LONG_TABLE, REQUIRED_SHEETS, Column, Kind, Unit, normalise_header
from ..values import (BadValue, clean_text, parse_amount, parse_date, parse_integer,
                      parse_score, parse_year_group, parse_yes_no)
from ..words import tidy_upn
from . import safety
from .fastgrid import sheet_rows
from .roster import RosterError, decode_csv, mis_choice, read_csv_grid

HEADER_SCAN_ROWS = 30
REGISTER_KEYS = ("year_group", "sen_status", "primary_need", "date_of_birth")
IGNORE = "Ignore"          # what `Means` says in a mapping for a heading to leave out
PUPIL_KEYS = ("pupil", "upn", "forename", "surname")


class TableRefused(ValueError):
    """The table cannot be imported at all; the message says why and what to do."""


@dataclass
class LongTable:
    """The table as found: where it is, what each heading means, and its rows as typed."""

    path: Path
    sheet: str | None                                 # None for a CSV file
    header_row: int
    columns: dict[str, int]                           # LONG_TABLE key -> 0-based column
    headings: list[str]                               # every heading of the header row
    ignored: list[tuple[str, str]] = field(default_factory=list)     # (column, heading)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number, cells)
    mapping_unused: list[str] = field(default_factory=list)          # mapped, not found

    @property
    def where(self) -> str:
        return f"{self.path.name}, sheet '{self.sheet}'" if self.sheet else self.path.name

    def heading(self, key: str) -> str:
        return self.headings[self.columns[key]]

    def cell(self, key: str, row: int) -> str:
        """`E7` for a value of the table, as the SENCo finds it in SOURCE."""
        return f"{get_column_letter(self.columns[key] + 1)}{row}" if key in self.columns \
            else str(row)


# ---------------------------------------------------------------------------------------------
# The mapping file


def read_mapping(path: Path | str) -> dict[str, str]:
    """`Heading`,`Means` rows: the table's heading (normalised) -> a LONG_TABLE key, or
    :data:`IGNORE`.  A `Means` provmap does not know is refused with the list it may be."""
    path = Path(path)
    try:
        text = decode_csv(path, path.read_bytes())
    except OSError as exc:
        raise TableRefused(f"the mapping {path.name} cannot be read ({exc.strerror}).") \
            from None
    except RosterError as exc:
        raise TableRefused(str(exc)) from None
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    head = [normalise_header(h) for h in (rows[0] if rows else [])]
    if "heading" not in head or "means" not in head:
        raise TableRefused(f"the mapping {path.name} needs two columns headed 'Heading' and "
                           "'Means' in its first row.")
    h, m = head.index("heading"), head.index("means")
    out: dict[str, str] = {}
    for n, row in enumerate(rows[1:], start=2):
        heading = clean_text(row[h]) if h < len(row) else None
        means = clean_text(row[m]) if m < len(row) else None
        if heading is None:
            continue
        if means is None or normalise_header(means) in ("ignore", "-", "none", "nothing"):
            out[normalise_header(heading)] = IGNORE
            continue
        column = _means(means)
        if column is None:
            raise TableRefused(
                f"the mapping {path.name}, row {n}: '{means}' is not something provmap "
                f"knows. 'Means' may be one of: {', '.join(c.name for c in LONG_TABLE.columns)}"
                f", or {IGNORE}.")
        out[normalise_header(heading)] = column.key
    return out


def _means(text: str) -> Column | None:
    """A `Means` value: a column's name (or one of its other headings)."""
    return LONG_TABLE.match(text)


# ---------------------------------------------------------------------------------------------
# Finding the table


def read_long_table(path: Path | str, sheet: str | None = None,
                    mapping: dict[str, str] | None = None) -> LongTable:
    """The long table in ``path`` (.xlsx, .xlsm or .csv): its header row and rows."""
    path = Path(path)
    mapping = mapping or {}
    suffix = path.suffix.lower()
    if not path.exists():
        raise TableRefused(f"{path}: there is no file here. Check the file name and folder.")
    if suffix in (".csv", ".txt"):
        if sheet is not None:
            raise TableRefused(f"{path.name} is a CSV file, which has no sheets: leave out "
                               "--sheet.")
        try:
            grids = {None: read_csv_grid(path)}
        except RosterError as exc:
            raise TableRefused(str(exc)) from None
    elif suffix in (".xlsx", ".xlsm"):
        grids = _workbook_grids(path)
    elif suffix in (".xls", ".ods", ".xlsb", ".numbers"):
        raise TableRefused(f"{path.name}: provmap reads .xlsx, .xlsm and .csv. Open it and save "
                           "it as .xlsx (Excel Workbook) or CSV.")
    else:
        raise TableRefused(f"{path.name}: provmap imports a table from .xlsx, .xlsm or .csv, "
                           f"not '{path.suffix}' files.")
    if sheet is not None:
        wanted = {str(k).casefold().strip(): k for k in grids}
        key = wanted.get(sheet.casefold().strip())
        if key is None:
            raise TableRefused(f"{path.name} has no sheet '{sheet}'; its sheets are "
                               f"{', '.join(repr(k) for k in grids)}.")
        grids = {key: grids[key]}
    seen: list[str] = []
    for name, grid in grids.items():
        found = _find_header(grid, mapping)
        if found is not None:
            index, columns, ignored = found
            header_cells = grid[index][1]
            used = {normalise_header(str(h)) for h in header_cells if isinstance(h, str)}
            return LongTable(
                path=path, sheet=name, header_row=grid[index][0], columns=columns,
                headings=[clean_text(h) or "" for h in header_cells], ignored=ignored,
                rows=[(n, cells) for n, cells in grid[index + 1:]
                      if any(clean_text(c) is not None for c in cells)],
                mapping_unused=[h for h in mapping if h not in used])
        seen.append(_seen(name, grid))
    raise TableRefused(
        f"{path.name}: no {'sheet has' if len(grids) > 1 else 'header row names'} a pupil "
        f"(Pupil, Name, UPN, or Forename and Surname) and a provision (Provision, "
        f"Intervention, Support ...){'' if len(grids) > 1 else ''}{'; ' if seen else ''}"
        f"{'; '.join(s for s in seen if s)}. Rename the headings, or name them in a mapping "
        "file (--mapping; docs/import.md).")


def _workbook_grids(path: Path) -> dict[str, list[tuple[int, list[Any]]]]:
    """Every worksheet's rows, values as Excel last showed them (python-calamine; openpyxl
    when calamine cannot read the file)."""
    try:
        safety.inspect_file(path)
    except UnreadableWorkbook as exc:
        raise TableRefused(str(exc)) from None
    try:
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_path(str(path))
        grids = {}
        for name in book.sheet_names:
            rows = sheet_rows(book, name)
            grids[name] = [(i, list(r)) for i, r in enumerate(rows, start=1)]
        _refuse_provmap(path, grids)
        return grids
    except (TableRefused, KeyboardInterrupt, SystemExit):
        raise
    except BaseException:   # noqa: BLE001 - calamine's Rust panics (pyo3's PanicException is
        pass                # a BaseException: a negative number in a date cell): try openpyxl
    import openpyxl
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001
        raise TableRefused(f"{path.name}: the workbook could not be opened "
                           f"({type(exc).__name__}); open it in Excel, save it again, and "
                           "try once more.") from None
    try:
        with warnings.catch_warnings():     # "outside the limits for dates": read as an error
            warnings.simplefilter("ignore")
            grids = {ws.title: [(i, list(r))
                                for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
                     for ws in wb.worksheets if hasattr(ws, "iter_rows")}
    except Exception as exc:  # noqa: BLE001
        raise TableRefused(f"{path.name}: the workbook could not be read "
                           f"({type(exc).__name__}); open it in Excel, save it again, and "
                           "try once more.") from None
    finally:
        wb.close()
    _refuse_provmap(path, grids)
    return grids


def _refuse_provmap(path: Path, grids: dict) -> None:
    """A standard provmap workbook is used as it is, not imported."""
    names = {str(n).casefold() for n in grids}
    if sum(n.casefold() in names for n in REQUIRED_SHEETS) >= 3:
        raise TableRefused(f"{path.name} is already a provmap workbook (it has the Settings, "
                           "Pupils, Staff and Provisions sheets): use it as it is, e.g. "
                           f"provmap check \"{path.name}\".")


def _find_header(grid, mapping: dict[str, str]
                 ) -> tuple[int, dict[str, int], list[tuple[str, str]]] | None:
    for index, (_, cells) in enumerate(grid[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        ignored: list[tuple[str, str]] = []
        for c, value in enumerate(cells):
            text = clean_text(value) if isinstance(value, str) else None
            if text is None:
                continue
            norm = normalise_header(text)
            key = mapping.get(norm)
            if key is None:
                column = LONG_TABLE.match(text)
                key = column.key if column is not None else None
            if key is None or key == IGNORE or key in columns:
                ignored.append((get_column_letter(c + 1), text))
                continue
            columns[key] = c
        pupil = "pupil" in columns or "upn" in columns or \
            ("forename" in columns and "surname" in columns)
        if pupil and "provision" in columns:
            return index, columns, ignored
    return None


def _seen(name, grid) -> str:
    best: list[str] = []
    for _, cells in grid[:HEADER_SCAN_ROWS]:
        texts = [t for t in (clean_text(v) for v in cells if isinstance(v, str)) if t]
        if len(texts) > len(best):
            best = texts
    if not best:
        return f"sheet '{name}' is empty" if name else ""
    shown = ", ".join(f"'{t}'" for t in best[:12]) + (", ..." if len(best) > 12 else "")
    return f"{'sheet ' + repr(name) + ' has ' if name else 'its headings are '}{shown}"


# ---------------------------------------------------------------------------------------------
# Reading each row


@dataclass
class TableRow:
    """One row of the table: its cells as typed and what they mean."""

    number: int
    typed: dict[str, Any]                 # LONG_TABLE key -> the cell as typed
    value: dict[str, Any]                 # key -> what it means (None: blank or unreadable)
    bad: set[str] = field(default_factory=set)    # keys typed but not readable
    term_text: str | None = None
    term_year: int | None = None          # the academic year a Term such as `Autumn 2025` names


_TERM = re.compile(r"^(aut|autumn|spr|spring|sum|summer)(?:\s*term)?(?:\s*[12])?"
                   r"(?:\s*(?:term\s*)?(\d{4})(?:\s*[-/]\s*\d{2,4})?)?$")
_TERM_NAMES = {"aut": "Autumn", "spr": "Spring", "sum": "Summer"}


def parse_term(text: str) -> tuple[str, int | None] | None:
    """`Autumn`, `Aut`, `Autumn 2`, `Autumn 2025`, `Spring term 2026` -> (term, the academic
    year's first year, if named)."""
    m = _TERM.match(" ".join(text.casefold().split()))
    if not m:
        return None
    term = _TERM_NAMES[m.group(1)[:3]]
    year = int(m.group(2)) if m.group(2) else None
    if year is not None and term != "Autumn":
        year -= 1                                   # Spring 2026 is in 2025-26
    return term, year


class RowReader:
    """Turns the table's cells into values (:func:`provmap.values.parse_amount` for the
    number columns, the MIS words for choices), counting what was read from words; a cell
    that cannot be read is left as typed in ``bad``, for the workbook to show at its cell."""

    def __init__(self, table: LongTable):
        self.table = table
        self.words: dict[str, list] = {}    # column name -> [count, cell, typed, n, unit]
        self.unreadable = 0

    def rows(self) -> list[TableRow]:
        return [self.row(n, cells) for n, cells in self.table.rows]

    def row(self, number: int, cells: list[Any]) -> TableRow:
        typed: dict[str, Any] = {}
        for key, c in self.table.columns.items():
            v = cells[c] if c < len(cells) else None
            if isinstance(v, str) and not v.strip():
                v = None
            typed[key] = v
        row = TableRow(number, typed, {})
        for key, v in typed.items():
            row.value[key] = None if v is None else self.value(row, key, v)
        for key in ("sessions_per_week", "minutes_per_session"):      # `3 x 20 mins`
            pair = row.value.pop(f"_{key}", None)
            if pair is not None and row.value.get(key) is None and key not in row.bad:
                row.value[key] = pair
        size = row.value.get("group_size")
        if schema.loose_choice(str(typed.get("type") or "")) == "wave 3" and size and size > 1:
            row.value["type"] = schema.GROUP       # Wave 3 in a group of more than one
        return row

    def value(self, row: TableRow, key: str, v: Any) -> Any:
        column = LONG_TABLE.by_key[key]
        try:
            if key == "term":
                text = clean_text(v) or ""
                found = parse_term(text)
                row.term_text = text
                if found is None:
                    raise BadValue(f"'{text}' is not Autumn, Spring or Summer")
                row.term_year = found[1]
                return found[0]
            if key == "upn":
                return tidy_upn(clean_text(v) or "") or None
            if key in REGISTER_KEYS:
                return self.register_value(key, v)
            if column.unit is not None:
                n, amount = parse_amount(v, column.unit)
                if amount is not None:
                    self.said(key, row.number, v, n)
                    other = {Unit.SESSIONS: ("_minutes_per_session", amount.minutes),
                             Unit.MINUTES: ("_sessions_per_week", amount.sessions)}
                    k, pair = other.get(column.unit, (None, None))
                    if pair is not None:
                        row.value[k] = pair
                return n
            if column.kind is Kind.DATE:
                return parse_date(v)
            if column.kind is Kind.INTEGER:
                return parse_integer(v)
            if column.kind is Kind.SCORE:
                return parse_score(v)
            if column.kind is Kind.YES_NO:
                return parse_yes_no(v if isinstance(v, bool) else mis_choice(v, column.choices)
                                    , column.choices)
            if column.kind is Kind.CHOICE:
                return mis_choice(v, column.choices)
            return clean_text(v)
        except BadValue:
            row.bad.add(key)
            self.unreadable += 1
            return None

    @staticmethod
    def register_value(key: str, v: Any) -> Any:
        if key == "year_group":
            return parse_year_group(v)
        if key == "date_of_birth":
            return parse_date(v)
        return mis_choice(v, schema.SEN_STATUS if key == "sen_status" else schema.NEED)

    def said(self, key: str, row: int, typed: Any, n: float) -> None:
        name = LONG_TABLE.by_key[key].name
        seen = self.words.get(name)
        if seen is None:
            self.words[name] = [1, self.table.cell(key, row), typed, n,
                                LONG_TABLE.by_key[key].unit]
        else:
            seen[0] += 1
