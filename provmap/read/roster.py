"""Read a school MIS export (CSV or .xlsx) into register rows for `new`, `new-year`, `import`.

MIS exports (SIMS, Arbor, Bromcom, ScholarPack ...) name the same things differently:
`Legal Surname`, `Preferred First Name`, `Reg Group`, `Registration Form`, `Year Taught In`,
`SEN Status`, `SEN Need Type 1`, `DOB`.  Headers are mapped through
:data:`provmap.schema.PUPILS`, so the aliases live in one place beside the columns.  Values
in the MIS's words are read through the schema's choices: `No Special Educational Need`,
`EHC Plan`, `K - SEN Support`, `SPLD - Specific Learning Difficulty`, `Social, Emotional &
Mental Health`.  Anything that would make a broken register raises :class:`RosterError`
naming the file and row, before a workbook is written; what was read and what was ignored
is kept on the :class:`Roster` for the command to say.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import schema
from ..model import get_column_letter
from ..schema import PUPILS, Column, Kind
from ..upn import has_valid_check_letter, is_well_formed
from ..values import BadValue, clean_text, parse_date, parse_year_group, parse_yes_no
from ..words import STATUS_SHORT, STATUSES, on_register, tidy_upn

# Headers that hold a whole name when an export has no separate forename/surname columns.
WHOLE_NAME_HEADERS = {"name", "pupil name", "pupil", "full name", "student name", "child"}
_HEADER_SCAN_ROWS = 20
# Encodings tried in this order: Excel's "CSV UTF-8" (with a byte-order mark), plain UTF-8,
# then Windows-1252, which is what Excel's plain "CSV" writes on an English Windows PC.
ENCODINGS = ("utf-8-sig", "cp1252")


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


@dataclass
class Roster:
    """A roster as read: the register rows, and what the command should say about it."""

    path: Path
    rows: list[dict[str, Any]]
    header_row: int                                   # the file's row number of the headings
    ignored: list[tuple[str, str]] = field(default_factory=list)    # (column letter, heading)
    warnings: list[str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return classes_in(self.rows)

    def lines(self) -> list[str]:
        """What was read, for the command to print: pupils, classes, K/E/N, ignored headings
        and any warning."""
        n = len(self.rows)
        status = Counter(r.get("SEN status") for r in self.rows)
        parts = [f"{STATUS_SHORT[s]} {status[s]}" for s in STATUSES]
        if status[None]:
            parts.append(f"not given {status[None]} (kept from last year)")
        classes = len(self.classes)
        lines = [f"Read {self.path.name}: {n} pupil{_s(n)} in {classes} class"
                 f"{'es' if classes != 1 else ''} ({', '.join(parts)})."]
        if self.ignored:
            shown = ", ".join(f"'{h}' ({c})" for c, h in self.ignored)
            lines.append(f"  Headings ignored: {shown}.")
        else:
            lines.append("  No headings ignored.")
        lines += [f"  Warning: {w}" for w in self.warnings]
        return lines


def classes_in(rows: list[dict[str, Any]]) -> list[str]:
    """The register rows' classes, each once, in the order they first appear."""
    return list(dict.fromkeys(r["Class"] for r in rows if r.get("Class")))


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def read_roster(path: Path | str, *, blank_sen_is_n: bool = True) -> list[dict[str, Any]]:
    """Register rows keyed by the Pupils sheet's column names, in the file's order
    (:func:`load_roster`'s rows)."""
    return load_roster(path, blank_sen_is_n=blank_sen_is_n).rows


def load_roster(path: Path | str, *, blank_sen_is_n: bool = True) -> Roster:
    """The roster at ``path``, with what was read and ignored.

    Values are tidied for the register: dates are ``datetime.date``, year groups `R`/`3`,
    SEN status `K`/`E`/`N` (blank means `N`, unless ``blank_sen_is_n`` is False: `new-year`
    then takes last year's status), needs are census codes, Y/N columns `Y`/`N`.
    """
    path = Path(path)
    if not path.exists():
        raise RosterError(path, "the file does not exist")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        grid = read_csv_grid(path)
    elif suffix in (".xlsx", ".xlsm"):
        grid = _read_xlsx(path)
    else:
        raise RosterError(path, f"'{path.suffix}' files cannot be read: export the roster from "
                                "your MIS as CSV or .xlsx")
    roster = _rows(path, grid, blank_sen_is_n)
    if blank_sen_is_n:
        for pupil in roster.rows:
            if pupil.get("SEN status") is None:
                pupil["SEN status"] = "N"
    return roster


def decode_csv(path: Path, raw: bytes) -> str:
    """The text of a CSV file, trying :data:`ENCODINGS` in order."""
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterError(path, "the file's characters could not be read; "  # pragma: no cover
                            "save it as CSV UTF-8")


def read_csv_grid(path: Path) -> list[tuple[int, list[Any]]]:
    """Every row of a CSV file as (row number, cells), with its delimiter sniffed."""
    raw = path.read_bytes()
    if not raw.strip():
        raise RosterError(path, "the file is empty")
    text = decode_csv(path, raw)
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


@dataclass
class _Header:
    index: int                                   # into the grid
    columns: dict[str, list[int]]                # schema key -> columns, preferred first
    whole: int | None                            # a whole-name column
    ignored: list[tuple[str, str]]


def _header(path: Path, grid) -> _Header:
    """The header row: schema key -> its columns in order of preference (`Preferred
    Forename` before `Legal Forename`: the name staff use, falling back to the legal one
    when blank), a whole-name column if any, and the headings that name nothing."""
    for gi, (_, cells) in enumerate(grid[:_HEADER_SCAN_ROWS]):
        found: dict[str, list[int]] = {}
        whole: int | None = None
        ignored: list[tuple[str, str]] = []
        for c, value in enumerate(cells):
            text = clean_text(value) if isinstance(value, str) else None
            if text is None:
                continue
            column = PUPILS.match(text)
            if column is None:
                if schema.normalise_header(text) in WHOLE_NAME_HEADERS and whole is None:
                    whole = c
                else:
                    ignored.append((get_column_letter(c + 1), text))
                continue
            cols = found.setdefault(column.key, [])
            cols.insert(0, c) if "preferred" in text.casefold() else cols.append(c)
        if "upn" in found and (("forename" in found and "surname" in found) or whole is not None):
            return _Header(gi, found, whole, ignored)
    raise RosterError(path, "no header row with UPN, Forename and Surname (or Name) was found "
                            f"in the first {_HEADER_SCAN_ROWS} rows{_seen(grid)}; check the "
                            "export includes those columns")


def _seen(grid) -> str:
    """The headings a roster does have: the text cells of the fullest of its first rows."""
    best: list[str] = []
    best_row = 0
    for row_number, cells in grid[:_HEADER_SCAN_ROWS]:
        texts = [t for t in (clean_text(v) for v in cells if isinstance(v, str)) if t]
        if len(texts) > len(best):
            best, best_row = texts, row_number
    if not best:
        return ""
    shown = ", ".join(f"'{t}'" for t in best[:15]) + (", ..." if len(best) > 15 else "")
    return f" (row {best_row} has {shown})"


def _first(cells: list[Any], cols: list[int]) -> Any:
    for c in cols:
        if c < len(cells) and clean_text(cells[c]) is not None:
            return cells[c]
    return None


_CODED = re.compile(r"^\s*([A-Za-z]{1,4})\s*[-–:]\s+(\S.*)$")


def mis_choice(value: Any, choices: schema.Choices) -> str | None:
    """A choice in an MIS's words: the schema's words (punctuation and `&` aside), or a
    code with its description, `K - SEN Support`, `SPLD - Specific Learning Difficulty`."""
    text = clean_text(value)
    if text is None:
        return None
    canon = choices.canonical_loose(text)
    if canon is None and (m := _CODED.match(text)):
        canon = choices.canonical(m.group(1)) or choices.canonical_loose(m.group(2))
    if canon is None:
        raise BadValue(f"'{text}' is not one of: {', '.join(choices.values)}")
    return canon


_ENGLISH = re.compile(r"^(?:eng|enb)\b|english", re.I)


def language(value: Any) -> tuple[str | None, str | None]:
    """A first language as the register shows it, and whether it means EAL (`Y`/`N`):
    `ENG - English` is English; `POL - Polish` is Polish and EAL; census codes for "not
    obtained" or "refused" say nothing."""
    text = clean_text(value)
    if text is None:
        return None, None
    m = _CODED.match(text)
    shown = m.group(2).strip() if m else text
    if re.match(r"^(?:not|ref|nob)\b", text, re.I) or shown.casefold().startswith(
            ("information not", "not obtained", "refused")):
        return None, None
    return shown, "N" if _ENGLISH.search(text) else "Y"


def _split_name(text: str) -> tuple[str, str]:
    if "," in text:
        surname, _, forename = text.partition(",")
    else:
        forename, _, surname = text.rpartition(" ")
    return forename.strip(), surname.strip()


def _looked_for(key: str) -> str:
    c = PUPILS.column(key)
    return ", ".join((c.name, *c.aliases))


def _rows(path: Path, grid, blank_sen_is_n: bool) -> Roster:
    header = _header(path, grid)
    columns, whole = header.columns, header.whole
    missing = [c.name for c in PUPILS.columns
               if c.required and c.key not in columns and c.key not in ("forename", "surname")
               and c.key != "sen_status"]
    if missing:
        raise RosterError(path, f"the roster has no {' or '.join(repr(m) for m in missing)} "
                                "column; add it to the export (e.g. 'Year' and 'Reg Group')")
    derive_eal = "eal" not in columns and "language_at_home" in columns
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row_number, cells in grid[header.index + 1:]:
        values = {key: _first(cells, cols) for key, cols in columns.items()}
        if whole is not None and whole < len(cells):
            values["_whole"] = cells[whole]
        if all(clean_text(v) is None for v in values.values()):
            continue                                  # a blank row
        out.append(_pupil(path, row_number, values, derive_eal))
        upn = out[-1]["UPN"]
        if upn in seen:
            raise RosterError(path, f"UPN {upn} appears twice (also on row {seen[upn]})",
                              row_number)
        seen[upn] = row_number
    if not out:
        raise RosterError(path, "the roster has a header row but no pupils")
    roster = Roster(path, out, grid[header.index][0], header.ignored)
    _warn(roster, columns, blank_sen_is_n)
    return roster


def _warn(roster: Roster, columns: dict[str, list[int]], blank_sen_is_n: bool) -> None:
    """What the SENCo should know before trusting the register: a missing SEN status or
    need column, and K/E pupils without a need."""
    if "sen_status" not in columns:
        then = ("every pupil is N (no SEN) until you change it on the Pupils sheet"
                if blank_sen_is_n else "pupils keep last year's status; new starters are N")
        roster.warnings.append(f"the roster has no SEN status column (looked for: "
                               f"{_looked_for('sen_status')}), so {then}.")
    supported = [r for r in roster.rows if on_register(r.get("SEN status"))]
    if supported and "primary_need" not in columns:
        n = len(supported)
        roster.warnings.append(
            f"{n} pupil{_s(n)} {'is' if n == 1 else 'are'} K or E but the roster has no primary "
            f"need column (looked for: {_looked_for('primary_need')}); add it to the export, "
            "or type each need on the Pupils sheet ('provmap check' lists them).")
    elif supported:
        blank = [r for r in supported if r.get("Primary need") is None]
        if blank:
            n = len(blank)
            names = [f"{r['Forename']} {r['Surname']}" for r in blank]
            roster.warnings.append(
                f"{n} K or E pupil{_s(n)} {'has' if n == 1 else 'have'} no primary need in the "
                f"roster ({', '.join(names[:3])}{', ...' if n > 3 else ''}); type it on the "
                "Pupils sheet.")


def _pupil(path: Path, row: int, values: dict[str, Any], derive_eal: bool) -> dict[str, Any]:
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
        pupil[column.name] = _value(path, row, column, values.get(column.key))
    if values.get("language_at_home") is not None:
        shown, eal = language(values.get("language_at_home"))
        pupil["Language at home"] = shown
        if derive_eal:
            pupil["EAL"] = eal
    for required in ("Year group", "Class"):
        if pupil.get(required) is None:
            fail(required, "is blank")
    return pupil


def _value(path: Path, row: int, column: Column, raw: Any) -> Any:
    try:
        if column.key == "year_group":
            return parse_year_group(raw)
        if column.kind is Kind.DATE:
            return parse_date(raw)
        if column.kind is Kind.YES_NO:
            yn = parse_yes_no(raw, column.choices) if clean_text(raw) else None
            return None if yn is None else ("Y" if yn else "N")
        if column.kind is Kind.CHOICE:
            return mis_choice(raw, column.choices)
        return clean_text(raw)
    except BadValue as exc:
        raise RosterError(path, f"{column.name} {exc}", row) from None
