"""Read a school MIS export (CSV or .xlsx) into register rows for `provmap new`.

MIS exports (SIMS, Arbor, Bromcom, ScholarPack ...) name the same things differently:
`Legal Surname`, `Preferred Forename`, `Reg Group`, `Year`, `SEN Status`, `Primary Need`,
`DOB`.  Headers are mapped through :data:`provmap.schema.PUPILS` so the aliases live in one
place.  Coded values such as `K - SEN Support` or `SPLD - Specific Learning Difficulty` are
reduced to their codes.  Anything that would make a broken register raises
:class:`RosterError` naming the file and row, before a workbook is written.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from .. import schema
from ..schema import PUPILS, Column, Kind
from ..upn import has_valid_check_letter, is_well_formed
from ..words import tidy_upn
from ..values import BadValue, clean_text, parse_choice, parse_date, parse_year_group, \
    parse_yes_no

# Headers that hold a whole name when an export has no separate forename/surname columns.
WHOLE_NAME_HEADERS = {"name", "pupil name", "pupil", "full name", "student name", "child"}
_HEADER_SCAN_ROWS = 20


class RosterError(ValueError):
    """A roster that cannot become a register: names the file, and the row when there is one.

    A ValueError, so callers that refuse bad input (the command line) catch it as such.
    """

    def __init__(self, path: Path | str, message: str, row: int | None = None):
        self.path = str(path)
        self.row = row
        self.message = message
        where = f"{Path(path).name}, row {row}" if row else Path(path).name
        super().__init__(f"{where}: {message}")


def read_roster(path: Path | str, *, blank_sen_is_n: bool = True) -> list[dict[str, Any]]:
    """Register rows keyed by the Pupils sheet's column names, in the file's order.

    Values are tidied for the register: dates are ``datetime.date``, year groups `R`/`3`,
    SEN status `K`/`E`/`N` (blank means `N`, unless ``blank_sen_is_n`` is False: `new-year`
    then takes last year's status), needs are census codes, Y/N columns `Y`/`N`.
    """
    path = Path(path)
    if not path.exists():
        raise RosterError(path, "the file does not exist")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        grid = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        grid = _read_xlsx(path)
    else:
        raise RosterError(path, f"'{path.suffix}' files cannot be read: export the roster from "
                                "your MIS as CSV or .xlsx")
    rows = _rows(path, grid)
    if blank_sen_is_n:
        for pupil in rows:
            if pupil.get("SEN status") is None:
                pupil["SEN status"] = "N"
    return rows


def _read_csv(path: Path) -> list[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    if not raw.strip():
        raise RosterError(path, "the file is empty")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise RosterError(path, "the file's characters could not be read; save it as UTF-8 CSV")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return [(i, row) for i, row in enumerate(reader, start=1)]


def _read_xlsx(path: Path) -> list[tuple[int, list[Any]]]:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise RosterError(path, f"the workbook could not be opened ({type(exc).__name__}); "
                                "save it again from Excel as .xlsx") from None
    try:
        ws = wb.worksheets[0]
        return [(i, list(row)) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        wb.close()


def _header(path: Path, grid) -> tuple[int, dict[str, list[int]], int | None]:
    """The header row (index into grid), schema key -> its columns in order of preference
    (`Preferred Forename` before `Legal Forename`: the name staff use, falling back to the
    legal one when blank), and a whole-name column if any."""
    for gi, (_, cells) in enumerate(grid[:_HEADER_SCAN_ROWS]):
        found: dict[str, list[int]] = {}
        whole: int | None = None
        for c, value in enumerate(cells):
            if not isinstance(value, str):
                continue
            column = PUPILS.match(value)
            if column is None:
                if schema.normalise_header(value) in WHOLE_NAME_HEADERS and whole is None:
                    whole = c
                continue
            cols = found.setdefault(column.key, [])
            cols.insert(0, c) if "preferred" in value.casefold() else cols.append(c)
        if "upn" in found and (("forename" in found and "surname" in found) or whole is not None):
            return gi, found, whole
    raise RosterError(path, "no header row with UPN, Forename and Surname (or Name) was found "
                            "in the first 20 rows; check the export includes those columns")


def _first(cells: list[Any], cols: list[int]) -> Any:
    for c in cols:
        if c < len(cells) and clean_text(cells[c]) is not None:
            return cells[c]
    return None


_CODED = re.compile(r"^\s*([A-Za-z]{1,4})\s*[-–:]\s+\S")


def _choice(value: Any, column: Column) -> str | None:
    """A choice, accepting MIS codes with their description: `K - SEN Support`."""
    text = clean_text(value)
    if text is None:
        return None
    try:
        return parse_choice(text, column.choices)
    except BadValue:
        m = _CODED.match(text)
        if m:
            return parse_choice(m.group(1), column.choices)
        raise


def _split_name(text: str) -> tuple[str, str]:
    if "," in text:
        surname, _, forename = text.partition(",")
    else:
        forename, _, surname = text.rpartition(" ")
    return forename.strip(), surname.strip()


def _rows(path: Path, grid) -> list[dict[str, Any]]:
    gi, columns, whole = _header(path, grid)
    missing = [c.name for c in PUPILS.columns
               if c.required and c.key not in columns and c.key not in ("forename", "surname")
               and c.key != "sen_status"]
    if missing:
        raise RosterError(path, f"the roster has no {' or '.join(repr(m) for m in missing)} "
                                "column; add it to the export (e.g. 'Year' and 'Reg Group')")
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row_number, cells in grid[gi + 1:]:
        values = {key: _first(cells, cols) for key, cols in columns.items()}
        if whole is not None and whole < len(cells):
            values["_whole"] = cells[whole]
        if all(clean_text(v) is None for v in values.values()):
            continue                                  # a blank row
        out.append(_pupil(path, row_number, values))
        upn = out[-1]["UPN"]
        if upn in seen:
            raise RosterError(path, f"UPN {upn} appears twice (also on row {seen[upn]})",
                              row_number)
        seen[upn] = row_number
    if not out:
        raise RosterError(path, "the roster has a header row but no pupils")
    return out


def _pupil(path: Path, row: int, values: dict[str, Any]) -> dict[str, Any]:
    pupil: dict[str, Any] = {}

    def fail(column: str, message: str):
        raise RosterError(path, f"{column} {message}", row)

    upn = tidy_upn(clean_text(values.get("upn")) or "")
    if not upn:
        fail("UPN", "is blank; every pupil needs their UPN")
    if not is_well_formed(upn):
        fail("UPN", f"'{upn}' is not a UPN (a letter, 11 digits, then a digit or letter)")
    if not has_valid_check_letter(upn):
        fail("UPN", f"{upn} has the wrong check letter; check it against the MIS")
    pupil["UPN"] = upn
    forename = clean_text(values.get("forename"))
    surname = clean_text(values.get("surname"))
    if (forename is None or surname is None) and clean_text(values.get("_whole")):
        f2, s2 = _split_name(clean_text(values.get("_whole")))
        forename, surname = forename or f2, surname or s2
    if not forename or not surname:
        fail("Name", "needs both a forename and a surname")
    pupil["Forename"], pupil["Surname"] = forename, surname
    for column in PUPILS.columns:
        if column.key in ("upn", "forename", "surname"):
            continue
        raw = values.get(column.key)
        try:
            if column.key == "year_group":
                value = parse_year_group(raw)
            elif column.kind is Kind.DATE:
                value = parse_date(raw)
            elif column.kind is Kind.YES_NO:
                yn = parse_yes_no(raw, column.choices) if clean_text(raw) else None
                value = None if yn is None else ("Y" if yn else "N")
            elif column.kind is Kind.CHOICE:
                value = _choice(raw, column)
            else:
                value = clean_text(raw)
        except BadValue as exc:
            raise RosterError(path, f"{column.name} {exc}", row) from None
        pupil[column.name] = value
    for required in ("Year group", "Class"):
        if pupil.get(required) is None:
            fail(required, "is blank")
    return pupil
