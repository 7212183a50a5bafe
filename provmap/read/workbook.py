"""Read a provision-map workbook into typed records plus located problems.

``load(path)`` never raises for bad data: a cell it cannot read becomes a
:class:`~provmap.problems.Problem` naming the sheet and cell, and the record holds ``None``.
Only a file that cannot be opened at all raises :class:`UnreadableWorkbook`.

The reader streams each sheet once with openpyxl's worksheet parser (read-only mode), so it
sees which cells are formulas (never trusted: their inputs are what count) and which are
error values, without building a cell object per cell.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Callable, Iterator

from . import fastgrid, safety
from .fastgrid import Grid, Raw
from .formulas import evaluate_constant
from .link import Linker
from ..model import (ClassTermSheet, get_column_letter, Layout, Map, ProfessionalRow, ProfileRow, Provision,
                    ProvisionRow, Pupil, ReviewRow, Settings, StaffMember)
from ..problems import Code, Problem, UnreadableWorkbook, error, info, warning
from ..schema import (DEFAULT_IMPACT_BANDS, DEFAULT_LEAVING_YEAR_GROUP, DEFAULT_SUPPRESS_BELOW,
                     DEFAULT_TERMS, DEFAULT_THRESHOLD, LONG_TABLE, PROFESSIONALS, PROFILES,
                     PROVISION_ROWS, PROVISIONS,
                     PUPILS, REFERENCE_SHEETS, REVIEW_ROWS, SETTINGS, STAFF,
                     SHEET_NAME_LONGEST, Column, Kind, Table, Unit, normalise_header,
                     GLOSSARY_SETTING, SENCO_SETTING, sheet_safe, term_name_fault)
from ..values import (Amount, BadValue, clean_text, format_amount, parse_amount, parse_choice,
                     parse_date, parse_integer, parse_number, parse_percent, parse_score,
                     parse_year_group, parse_yes_no)
from ..words import number_words, tidy_upn



def load(path: str | Path) -> Map:
    """Read the workbook at ``path`` into a :class:`Map` (records + reading problems)."""
    path = Path(path)
    safety.inspect_file(path)
    try:
        grids = fastgrid.Grids(path)
        try:
            m = _Builder(str(path), grids).build()
        finally:
            grids.close()
    except fastgrid.Fallback:
        m = _Builder(str(path), _read_grids_openpyxl(path)).build()
    lock = safety.lock_file_for(path)
    if lock is not None:
        m.problems.insert(0, warning(
            Code.WORKBOOK_OPEN, None, None,
            f"The workbook is open in Excel or LibreOffice now ({lock.name} is beside it): "
            "changes not yet saved there are not in what provmap read.",
            "save and close the workbook, then run provmap again"))
    return m


def _read_grids_openpyxl(path: Path) -> dict[str, Grid]:
    """The general path: openpyxl's streaming parser (read-only mode)."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False,
                                        keep_links=False, keep_vba=False)
    except Exception as exc:  # any parser failure means a damaged file
        raise UnreadableWorkbook(Code.BROKEN_FILE, str(path),
                                 "the workbook is damaged and Excel's format could not be read "
                                 f"({type(exc).__name__}). Open it in Excel, save it again, "
                                 "and try once more.") from None
    try:
        return _read_grids(wb, path)
    finally:
        wb.close()


def _read_grids(wb, path: Path) -> dict[str, Grid]:
    """Every sheet's non-empty cells, in workbook order."""
    from openpyxl.worksheet._reader import WorkSheetParser

    grids: dict[str, Grid] = {}
    for ws in wb.worksheets:
        if not hasattr(ws, "_get_source"):
            continue                                  # chartsheets hold no cells
        grid: Grid = []
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with ws._get_source() as src:
                    parser = WorkSheetParser(src, ws._shared_strings, data_only=False,
                                             epoch=wb.epoch, date_formats=wb._date_formats,
                                             timedelta_formats=wb._timedelta_formats)
                    for row_number, cells in parser.parse():
                        row: dict[int, Raw] = {}
                        for c in cells:
                            v = c["value"]
                            if v is None or (isinstance(v, str) and not v.strip()):
                                continue
                            row[c["column"]] = (v, c["data_type"])
                        if row:
                            grid.append((row_number, row))
        except Exception as exc:
            raise UnreadableWorkbook(Code.BROKEN_FILE, str(path),
                                     f"the sheet '{ws.title}' is damaged and could not be read "
                                     f"({type(exc).__name__}). Open the workbook in Excel, save "
                                     "it again, and try once more.") from None
        grids[ws.title] = grid
    return grids


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass
class TableRows:
    layout: Layout
    rows: list[tuple[int, dict[str, Raw]]]       # (row number, {column key: raw})


def _is_header(table: Table, cells: dict[int, Raw]) -> bool:
    """A header row holds a header of each of the table's marker columns."""
    if len(cells) < len(table.markers):
        return False
    names = {normalise_header(v) for v, _ in cells.values()
             if isinstance(v, str) and len(v) < 60}
    return all(names & spellings for spellings in _marker_spellings(table))


_SPELLINGS: dict[str, tuple[frozenset[str], ...]] = {}


def _marker_spellings(table: Table) -> tuple[frozenset[str], ...]:
    found = _SPELLINGS.get(table.name)
    if found is None:
        found = _SPELLINGS[table.name] = tuple(
            frozenset(normalise_header(n) for n in (c.name, *c.aliases))
            for c in (table.column(m) for m in table.markers))
    return found


def _looks_like_note(cells: dict[int, Raw], columns: dict[str, int]) -> bool:
    """Notes and titles staff put above or below a table: one lone text cell."""
    if len(cells) != 1:
        return False
    [(col, (value, dtype))] = cells.items()
    if col not in columns.values():
        return True
    text = str(value).strip().lower()
    return dtype == "s" and (len(text) > 40 or text.startswith(("note", "key", "total", "*")))


def _slice_table(sheet: str, grid: Grid, header_index: int, end_index: int,
                 columns: dict[str, int]) -> TableRows:
    layout = Layout(sheet, grid[header_index][0], columns)
    by_col = {col: key for key, col in columns.items()}
    rows = []
    for row_number, cells in grid[header_index + 1:end_index]:
        if _looks_like_note(cells, columns):
            continue
        keyed = {by_col[c]: raw for c, raw in cells.items() if c in by_col}
        if keyed:
            rows.append((row_number, keyed))
    return TableRows(layout, rows)


# ---------------------------------------------------------------------------------------------
# Cell values


_PARSERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.TEXT: clean_text,
    Kind.NUMBER: parse_number,
    Kind.MONEY: parse_number,
    Kind.INTEGER: parse_integer,
    Kind.DATE: parse_date,
    Kind.SCORE: parse_score,
}

_KIND_WORDS = {Kind.NUMBER: "a number", Kind.MONEY: "an amount of money",
               Kind.INTEGER: "a whole number", Kind.DATE: "a date", Kind.PERCENT: "a percentage",
               Kind.SCORE: "a score or age", Kind.CHOICE: "one of the listed choices",
               Kind.YES_NO: "Y or N", Kind.TEXT: "text"}

_CODE_FOR_KIND = {Kind.DATE: Code.NOT_A_DATE, Kind.CHOICE: Code.BAD_CHOICE,
                  Kind.YES_NO: Code.BAD_CHOICE, Kind.TEXT: Code.BAD_CHOICE}


class _Builder:
    """Turns the sheets' grids into records, collecting problems on the way."""

    def __init__(self, path: str, grids: Mapping[str, Grid]):
        self.path = path
        self.grids = grids
        self.problems: list[Problem] = []
        self.by_fold = {name.casefold().strip(): name for name in grids}
        # Numbers written with their unit or in words, said once per sheet and column:
        # (sheet, column name) -> [count, first cell, what was typed, Amount, Column]
        self.worded: dict[tuple[str, str], list] = {}
        self.pairs: list[tuple[str, float, str, Column]] = []   # `3 x 20 mins` fills both
        self.provisions: dict[str, Provision] = {}

    # -- values ---------------------------------------------------------------------------

    def value(self, layout: Layout, row: int, column: Column, raw: Raw | None,
              formula_ok: bool = False, hint: Callable[[], str] | None = None) -> Any:
        if raw is None:
            return None
        v, dtype = raw
        cell = layout.cell(column.key, row)
        if dtype == "e":
            self.problems.append(error(
                Code.FORMULA_ERROR, layout.sheet, cell,
                f"{column.name} shows the error {v}.",
                "fix or clear the formula, or type the value itself"))
            return None
        if dtype == "f":
            if formula_ok:
                return None
            if column.kind in (Kind.NUMBER, Kind.MONEY, Kind.INTEGER, Kind.SCORE, Kind.PERCENT):
                n = evaluate_constant(v)
                if n is not None:
                    v, dtype = n, "n"
            if dtype == "f":
                self.problems.append(error(
                    Code.FORMULA_NOT_TRUSTED, layout.sheet, cell,
                    f"{column.name} holds a formula ({_short(v)}); provmap does not use "
                    "formula results here.",
                    f"type {_KIND_WORDS[column.kind]} instead of the formula"))
                return None
        try:
            if column.kind is Kind.CHOICE:
                return parse_choice(v, column.choices)
            if column.kind is Kind.YES_NO:
                return parse_yes_no(v, column.choices)
            if column.kind is Kind.PERCENT:
                return self.in_range(layout.sheet, cell, column, parse_percent(v))
            if column.unit is not None:
                n, amount = parse_amount(v, column.unit)
                if amount is not None:
                    self.read_in_words(layout.sheet, cell, column, v, amount)
                return self.in_range(layout.sheet, cell, column, n)
            return self.in_range(layout.sheet, cell, column, _PARSERS[column.kind](v))
        except BadValue as exc:
            if hint is not None:            # a Pre or Post: say what its measure accepts
                message = f"{column.name} {exc}: {hint()}."
                advice = "type it again that way, or clear the cell if there is no score yet"
            else:
                message, advice = f"{column.name} {exc}.", exc.hint or _hint(column, v)
            self.problems.append(error(_CODE_FOR_KIND.get(column.kind, Code.NOT_A_NUMBER),
                                       layout.sheet, cell, message, advice))
            return None

    def in_range(self, sheet: str, cell: str, column: Column, n: Any) -> Any:
        """The number if it can be used; None (and an error) if it cannot; a warning if it
        is possible but unlikely.  The ranges are the column's ``Limits`` in the schema."""
        limits = column.limits
        if limits is None or n is None:
            return n
        low, high = limits.usual
        negative = limits.lowest is not None and n < limits.lowest
        too_large = abs(n) > limits.highest
        if not (negative or too_large or (low is not None and n < low)
                or (high is not None and n > high)):
            return n                          # the usual case: nothing to say
        shown = (f"{n * 100:,.0f}%" if column.kind is Kind.PERCENT
                 else number_words(n))
        if negative:
            self.problems.append(error(
                Code.NEGATIVE_NUMBER, sheet, cell,
                f"{column.name} is {shown}: {limits.why_not_negative}.",
                f"type the {column.name.lower()} as a positive number"))
            return None
        if too_large:
            self.problems.append(error(
                Code.NUMBER_TOO_LARGE, sheet, cell,
                f"{column.name} is {shown}, far more than it could be, so this row cannot be "
                "used.", "check for a slip of the keyboard or a pasted number, and type the "
                "real value"))
            return None
        self.problems.append(warning(
            Code.UNLIKELY_NUMBER, sheet, cell,
            f"{column.name} is {shown}: is this right? {limits.unusual.capitalize()}.",
            "if it is right, nothing needs doing; if not, correct it"))
        return n

    def read_in_words(self, sheet: str, cell: str, column: Column, typed: Any,
                      amount: Amount) -> None:
        """Count a number written in words (said once per sheet and column, in
        :meth:`words_said`), and keep the other half of `3 x 20 mins` for the row."""
        seen = self.worded.get((sheet, column.name))
        if seen is None:
            self.worded[(sheet, column.name)] = [1, cell, typed, amount, column]
        else:
            seen[0] += 1
        if amount.minutes is not None and column.unit is Unit.SESSIONS:
            self.pairs.append(("minutes_per_session", amount.minutes, cell, column))
        elif amount.sessions is not None and column.unit is Unit.MINUTES:
            self.pairs.append(("sessions_per_week", amount.sessions, cell, column))

    def words_said(self) -> None:
        """One information problem per sheet and column that had numbers in words."""
        for (sheet, name), (n, cell, typed, amount, column) in self.worded.items():
            shown = format_amount(amount.value, column.unit)
            if amount.sessions is not None and amount.minutes is not None:
                other = (f"{format_amount(amount.minutes, Unit.MINUTES)} minutes a session"
                         if column.unit is Unit.SESSIONS else
                         f"{format_amount(amount.sessions, Unit.SESSIONS)} sessions a week")
                shown += f" (and {other})"
            self.problems.append(info(
                Code.READ_FROM_WORDS, sheet, cell,
                f"{name}: {n} cell{'s' if n != 1 else ''} written in words "
                f"{'were read as numbers' if n != 1 else 'was read as a number'}, e.g. "
                f"{cell} '{_short(str(typed))}' = {shown}."))

    def fields(self, table: Table, layout: Layout, row: int, raw: dict[str, Raw],
               formula_ok: tuple[str, ...] = (),
               hints: dict[str, Callable[[], str]] | None = None) -> dict[str, Any]:
        out = dict.fromkeys(table.keys)
        for key, cell in raw.items():
            column = table.by_key[key]
            if cell[1] == "s" and column.kind is Kind.TEXT:
                out[key] = clean_text(cell[0])          # the common case, kept quick
            else:
                out[key] = self.value(layout, row, column, cell, key in formula_ok,
                                      hints.get(key) if hints else None)
        if self.pairs:
            self.fill_pairs(table, layout, row, raw, out)
        return out

    def fill_pairs(self, table: Table, layout: Layout, row: int, raw: dict[str, Raw],
                   out: dict[str, Any]) -> None:
        """`3 x 20 mins` in Sessions per week also gives Minutes per session (and the other
        way round): a blank other cell takes it; a different number there is an error."""
        pairs, self.pairs = self.pairs, []
        for key, n, source, column in pairs:
            if key not in out:
                continue
            other = table.by_key[key]
            if out[key] is None and raw.get(key) is None:
                out[key] = self.in_range(layout.sheet, source, other, n)
            elif out[key] is not None and out[key] != n:
                self.problems.append(error(
                    Code.CONFLICTING_VALUES, layout.sheet, layout.cell(key, row),
                    f"{column.name} says '{_short(str(raw[column.key][0]))}' "
                    f"({format_amount(n, other.unit)} {other.name.lower()}) but "
                    f"{other.name} is {format_amount(out[key], other.unit)}.",
                    f"keep one: clear {other.name}, or type {column.name} as one number"))

    # -- tables ---------------------------------------------------------------------------

    def table(self, sheet: str, table: Table, grid: Grid) -> TableRows | None:
        for i, (row_number, cells) in enumerate(grid):
            if _is_header(table, cells):
                columns = self.columns(sheet, table, row_number, cells)
                return _slice_table(sheet, grid, i, len(grid), columns)
        self.problems.append(error(
            Code.MISSING_TABLE, sheet, None,
            f"The {sheet} sheet has no header row with "
            f"{' and '.join(repr(m) for m in table.markers)}.",
            f"put the column headers ({', '.join(c.name for c in table.columns[:6])}, ...) "
            "in one row above the data"))
        return None

    def columns(self, sheet: str, table: Table, header_row: int, cells: dict[int, Raw]
                ) -> dict[str, int]:
        columns: dict[str, int] = {}
        for col, (value, dtype) in sorted(cells.items()):
            column = table.match(value) if dtype == "s" else None
            if column is None:
                continue
            if column.key in columns:
                self.problems.append(warning(
                    Code.DUPLICATE_COLUMN, sheet, f"{get_column_letter(col)}{header_row}",
                    f"There are two '{column.name}' columns; provmap reads the first "
                    f"({get_column_letter(columns[column.key])}).",
                    "delete or rename the extra column"))
            else:
                columns[column.key] = col
        for c in table.columns:
            if c.required and c.key not in columns:
                self.problems.append(error(
                    Code.MISSING_COLUMN, sheet, str(header_row),
                    f"The {table.name.lower()} on {sheet} has no '{c.name}' column.",
                    f"add a column headed '{c.name}' to row {header_row}"))
        return columns

    def reference(self, name: str, table: Table, required: bool) -> TableRows | None:
        actual = self.by_fold.get(name.casefold())
        if actual is None:
            if required:
                self.problems.append(error(
                    Code.MISSING_SHEET, None, None,
                    f"The workbook has no '{name}' sheet.",
                    f"add a sheet named '{name}' (see the standard template: provmap new)"))
            return None
        return self.table(actual, table, self.grids[actual])

    # -- the whole workbook -----------------------------------------------------------------

    def build(self) -> Map:
        self.refuse_another_layout()
        settings = self.settings()
        pupils = self.pupils()
        linker = Linker(pupils)
        staff = self.keyed(STAFF, "name", self.staff_row, Code.DUPLICATE_STAFF, "staff member")
        provisions = self.keyed(PROVISIONS, "provision", self.provision_row,
                                Code.DUPLICATE_PROVISION, "provision")
        profiles = self.pupil_rows("Profiles", PROFILES, ProfileRow, linker)
        professionals = self.pupil_rows("Professionals", PROFESSIONALS, ProfessionalRow, linker)
        self.provisions = provisions
        sheets = self.class_term_sheets(settings, linker)
        self.problems.extend(linker.problems)
        self.words_said()
        return Map(path=self.path, settings=settings, pupils=pupils, staff=staff,
                   provisions=provisions, profiles=profiles, professionals=professionals,
                   sheets=sheets, problems=self.problems, sheet_order=list(self.grids))

    def refuse_another_layout(self) -> None:
        """A workbook with none of provmap's reference sheets (or whose only one, named
        Provisions, is a table of pupils' provision rather than the menu) is a map kept
        another way: one sentence pointing at `provmap import`, not four missing sheets."""
        names = set(self.by_fold)
        if names & {"settings", "pupils", "staff"}:
            return
        menu = self.by_fold.get("provisions")
        why = "it has none of the Settings, Pupils, Staff or Provisions sheets"
        if menu is not None:
            if not _long_table(self.grids[menu]):
                return
            why = (f"its '{menu}' sheet is a table of pupils' provision, not the menu of "
                   "provision, and it has no Settings, Pupils or Staff sheet")
        name = Path(self.path).name
        raise UnreadableWorkbook(
            Code.NOT_PROVMAP_WORKBOOK, self.path,
            f"this is not a provmap workbook ({why}); to bring in a provision map kept in "
            f"another layout, run: provmap import \"{name}\" OUT.xlsx --pupils ROSTER "
            "(docs/import.md).")

    def settings(self) -> Settings:
        rows = self.reference("Settings", SETTINGS, required=True)
        values: dict[str, tuple[Any, str]] = {}
        glossary_rows: list[tuple[str, Any, int, str, str]] = []  # code, value, row, cells
        if rows:
            for row, raw in rows.rows:
                key = clean_text(raw.get("setting", (None,))[0])
                if key is None:
                    continue
                code = _glossary_code(key)
                if code is not None:
                    glossary_rows.append((code, raw.get("value"), row,
                                          rows.layout.cell("setting", row),
                                          rows.layout.cell("value", row)))
                    continue
                key = normalise_header(key)
                values.setdefault(key, (raw.get("value"), rows.layout.cell("value", row)))
        sheet = self.by_fold.get("settings")

        def text(key: str) -> str | None:
            raw = values.get(key, (None, ""))[0]
            return clean_text(raw[0]) if raw else None

        school = text("school")
        year = text("academic year")
        for label, v in (("School", school), ("Academic year", year)):
            if v is None and sheet is not None:
                self.problems.append(error(Code.MISSING_SETTING, sheet, None,
                                           f"Settings has no {label}.",
                                           f"add a row with Setting '{label}' and its value"))
        terms = tuple(t.strip() for t in (text("terms") or "").split(",") if t.strip()) \
            or DEFAULT_TERMS
        for term in terms:
            if fault := term_name_fault(term):
                self.problems.append(error(
                    Code.BAD_SETTING, sheet, values.get("terms", (None, None))[1],
                    f"The term '{term}' cannot end a class-term sheet's name: {fault}.",
                    f"rename it in Terms, e.g. '{sheet_safe(term, SHEET_NAME_LONGEST - 2)}'"))
        term_dates: dict[str, tuple[date | None, date | None]] = {}
        for term in terms:
            pair = []
            for end in ("start", "end"):
                raw, cell = values.get(f"{term.casefold()} {end}", (None, None))
                d = None
                if raw is not None and raw[1] in ("f", "e"):
                    self.problems.append(error(
                        Code.BAD_SETTING, sheet, cell,
                        f"{term} {end} holds {'a formula' if raw[1] == 'f' else raw[0]}, "
                        "not a date.", "type the date as day/month/year"))
                elif raw is not None:
                    try:
                        d = parse_date(raw[0])
                    except BadValue as exc:
                        self.problems.append(error(Code.BAD_SETTING, sheet, cell,
                                                   f"{term} {end} {exc}.",
                                                   "type the date as day/month/year"))
                pair.append(d)
            term_dates[term] = (pair[0], pair[1])
        threshold = self.setting_number(values, "notional sen threshold", sheet,
                                        DEFAULT_THRESHOLD, (0, 1_000_000), "pounds a year",
                                        Unit.MONEY)
        suppress = self.setting_number(values, "suppress counts below", sheet,
                                       DEFAULT_SUPPRESS_BELOW, (1, 100), "pupils")
        bands = DEFAULT_IMPACT_BANDS
        raw, cell = values.get("impact bands", (None, None))
        if raw is not None:
            parsed = _parse_bands(clean_text(raw[0]) or "")
            if parsed is None:
                self.problems.append(error(
                    Code.BAD_SETTING, sheet, cell, f"Impact bands '{raw[0]}' cannot be read.",
                    "write it as: useful from 2, substantial from 3, remarkable from 4"))
            else:
                bands = parsed
        leaving = DEFAULT_LEAVING_YEAR_GROUP
        raw, cell = values.get("leaving year group", (None, None))
        if raw is not None:
            try:
                leaving = parse_year_group(raw[0]) or DEFAULT_LEAVING_YEAR_GROUP
            except BadValue as exc:
                self.problems.append(error(Code.BAD_SETTING, sheet, cell,
                                           f"Leaving year group {exc}.",
                                           "type the year group that leaves in the summer, "
                                           "e.g. 6"))
        return Settings(school=school or "Unnamed school", academic_year=year or "",
                        terms=terms, term_dates=term_dates, threshold=float(threshold),
                        impact_bands=bands, suppress_below=int(suppress),
                        leaving_year_group=leaving, senco=text(SENCO_SETTING.casefold()),
                        glossary=self.glossary(glossary_rows, sheet))

    def glossary(self, rows: list[tuple[str, Any, int, str, str]], sheet: str | None
                 ) -> dict[str, str]:
        """The school's `Glossary: CODE` rows: code -> what it means (the first row of a
        code wins; a row with no code or no meaning is said and left out)."""
        out: dict[str, str] = {}
        seen: dict[str, int] = {}
        for code, raw, row, key_cell, value_cell in rows:
            meaning = clean_text(raw[0]) if raw and raw[1] not in ("f", "e") else None
            if not code:
                self.problems.append(warning(
                    Code.MISSING_VALUE, sheet, key_cell,
                    f"A {GLOSSARY_SETTING} row names no code, so it is left out of the key.",
                    f"write the code after the colon, e.g. '{GLOSSARY_SETTING}: WTS'"))
            elif meaning is None:
                self.problems.append(warning(
                    Code.MISSING_VALUE, sheet, value_cell,
                    f"{GLOSSARY_SETTING}: {code} has no meaning, so the key leaves it out.",
                    f"type what {code} means in the Value column, in a parent's words"))
            elif code.casefold() in seen:
                self.problems.append(warning(
                    Code.MISSING_VALUE, sheet, key_cell,
                    f"{GLOSSARY_SETTING}: {code} is given twice; the first (row "
                    f"{seen[code.casefold()]}) is used.", "keep one row per code"))
            else:
                seen[code.casefold()] = row
                out[code] = meaning
        return out

    def setting_number(self, values, key, sheet, default, bounds, unit, words=None):
        """A numeric setting, or its default (with an error) when it cannot be used; with
        ``words`` (a Unit) also an amount such as `£6k`."""
        raw, cell = values.get(key, (None, None))
        if raw is None:
            return default
        low, high = bounds
        try:
            n = parse_amount(raw[0], words)[0] if words else parse_number(raw[0])
            if n is not None and not low <= n <= high:
                raise BadValue(f"is {raw[0]}, outside {low:,} to {high:,} {unit}")
        except BadValue as exc:
            self.problems.append(error(Code.BAD_SETTING, sheet, cell,
                                       f"{key.capitalize()} {exc}; provmap uses {default:g}.",
                                       f"type a number from {low:,} to {high:,}"))
            return default
        return default if n is None else n

    def pupils(self) -> dict[str, Pupil]:
        rows = self.reference("Pupils", PUPILS, required=True)
        pupils: dict[str, Pupil] = {}
        if rows is None:
            return pupils
        layout = rows.layout
        for row, raw in rows.rows:
            f = self.fields(PUPILS, layout, row, raw)
            upn = tidy_upn(f["upn"] or "")
            missing = [c.name for c in PUPILS.columns if c.required and f[c.key] is None
                       and raw.get(c.key) is None]
            if not upn or (f["forename"] is None and f["surname"] is None):
                self.problems.append(error(
                    Code.MISSING_VALUE, layout.sheet, str(row),
                    f"This register row has no {' or '.join(missing) or 'pupil'}.",
                    "fill in UPN, Forename and Surname, or delete the row"))
                continue
            for name in missing:
                self.problems.append(error(Code.MISSING_VALUE, layout.sheet,
                                           layout.cell(PUPILS.column(name).key, row),
                                           f"{f['forename']} {f['surname']} has no {name}."))
            year_group = None
            if f["year_group"] is not None:
                try:
                    year_group = parse_year_group(f["year_group"])
                except BadValue as exc:
                    self.problems.append(error(Code.BAD_CHOICE, layout.sheet,
                                               layout.cell("year_group", row), f"Year group {exc}."))
            pupil = Pupil(layout, row, upn, f["forename"] or "", f["surname"] or "",
                          f["date_of_birth"], year_group, f["class"], f["sen_status"],
                          f["primary_need"], f["secondary_need"], f["pupil_premium"], f["eal"],
                          f["looked_after"], f["parent_carer"], f["language_at_home"])
            if upn in pupils:
                first = pupils[upn]
                self.problems.append(error(
                    Code.DUPLICATE_UPN, layout.sheet, layout.cell("upn", row),
                    f"UPN {upn} is also on row {first.row} ({first.name}).",
                    "each pupil appears once on the register; correct or remove one row"))
                continue
            pupils[upn] = pupil
        return pupils

    def keyed(self, table: Table, key: str, make, code: Code, what: str) -> dict:
        rows = self.reference(table.name, table, required=True)
        out: dict = {}
        if rows is None:
            return out
        for row, raw in rows.rows:
            f = self.fields(table, rows.layout, row, raw)
            if f[key] is None:
                self.problems.append(warning(
                    Code.MISSING_VALUE, rows.layout.sheet, str(row),
                    f"This row has no {table.column(key).name}, so it is ignored.",
                    f"give the {what} a name, or delete the row"))
                continue
            fold = f[key].casefold()
            if fold in out:
                self.problems.append(error(
                    code, rows.layout.sheet, rows.layout.cell(key, row),
                    f"'{f[key]}' is listed twice (also row {out[fold].row}).",
                    f"keep one row per {what}"))
                continue
            out[fold] = make(rows.layout, row, f)
        return out

    @staticmethod
    def staff_row(layout, row, f) -> StaffMember:
        return StaffMember(layout, row, f["name"], f["role"], f["hourly_cost"])

    @staticmethod
    def provision_row(layout, row, f) -> Provision:
        return Provision(layout, row, f["provision"], f["type"], f["area_of_need"],
                         f["delivered_by"], f["sessions_per_week"], f["minutes_per_session"],
                         f["weeks"], f["resource_cost"], f["measure"], f["measure_kind"],
                         True if f["higher_is_better"] is None else f["higher_is_better"],
                         f["highest_score"], f["why_chosen"])

    def pupil_rows(self, name, table, record, linker) -> list:
        rows = self.reference(name, table, required=False)
        out = []
        if rows is None:
            return out
        for row, raw in rows.rows:
            f = self.fields(table, rows.layout, row, raw)
            upn = linker.resolve(rows.layout, row, f["pupil"], f["upn"], None)
            rest = {c.key: f[c.key] for c in table.columns if c.key not in ("pupil", "upn")}
            out.append(record(rows.layout, row, f["pupil"], f["upn"], upn, **rest))
        return out

    def class_term_sheets(self, settings: Settings, linker: Linker) -> list[ClassTermSheet]:
        reference = {n.casefold() for n in REFERENCE_SHEETS}
        sheets: list[ClassTermSheet] = []
        seen: dict[tuple[str, str], str] = {}
        for name in list(self.grids):
            if name.casefold().strip() in reference:
                continue
            parsed = _class_and_term(name, settings.terms)
            if parsed is None:
                self.problems.append(info(
                    Code.UNKNOWN_SHEET, name, None,
                    f"The sheet '{name}' is not a class-term sheet, so provmap ignores it.",
                    f"class-term sheets are named '<class> <term>', e.g. '3O {settings.terms[0]}'"))
                continue
            class_name, term = parsed
            key = (class_name.casefold(), term)
            if key in seen:
                self.problems.append(error(
                    Code.DUPLICATE_SHEET, name, None,
                    f"'{name}' is a second sheet for {class_name} in {term} "
                    f"(the first is '{seen[key]}'); provmap reads both.",
                    "keep one sheet per class and term: move these rows to the first one"))
            seen.setdefault(key, name)
            sheets.append(self.class_term_sheet(name, self.grids[name], class_name, term,
                                                linker))
            if hasattr(self.grids, "release"):
                self.grids.release(name)          # its records are made: free its cells
        return sheets

    def class_term_sheet(self, name: str, grid: Grid, class_name: str, term: str,
                         linker: Linker) -> ClassTermSheet:
        headers = []
        for i, (row_number, cells) in enumerate(grid):
            if _is_header(PROVISION_ROWS, cells):
                headers.append((i, PROVISION_ROWS))
            elif _is_header(REVIEW_ROWS, cells):
                headers.append((i, REVIEW_ROWS))
        provision_rows: list[ProvisionRow] = []
        review_rows: list[ReviewRow] = []
        layouts: dict[str, Layout] = {}
        if not any(t is PROVISION_ROWS for _, t in headers):
            self.problems.append(warning(
                Code.MISSING_TABLE, name, None,
                "This class-term sheet has no provision table (a header row with 'Pupil' "
                "and 'Provision').", "add the provision table, or delete the sheet if unused"))
        for n, (i, table) in enumerate(headers):
            end = headers[n + 1][0] if n + 1 < len(headers) else len(grid)
            columns = self.columns(name, table, grid[i][0], grid[i][1])
            rows = _slice_table(name, grid, i, end, columns)
            if table.name in layouts:
                continue                      # a repeated header row: read the first table
            layouts[table.name] = rows.layout
            if table is PROVISION_ROWS:
                provision_rows = list(self.provision_rows(rows, class_name, term, linker))
            else:
                review_rows = list(self.review_rows(rows, class_name, term, linker))
        return ClassTermSheet(name, class_name, term, provision_rows, review_rows,
                              layouts.get(PROVISION_ROWS.name), layouts.get(REVIEW_ROWS.name))

    def provision_rows(self, rows: TableRows, class_name: str, term: str, linker: Linker
                       ) -> Iterator[ProvisionRow]:
        layout = rows.layout
        for row, raw in rows.rows:
            hints = None
            if "pre" in raw or "post" in raw:
                hint = self.score_hint(raw.get("provision"))
                hints = {"pre": hint, "post": hint}
            f = self.fields(PROVISION_ROWS, layout, row, raw, formula_ok=("cost",), hints=hints)
            if not self.has_pupil(layout, row, f, raw):
                continue
            if f["provision"] is None and raw.get("provision") is None:
                self.problems.append(error(
                    Code.MISSING_VALUE, layout.sheet, layout.cell("provision", row),
                    f"{f['pupil'] or f['upn']} has no provision on this row.",
                    "choose the provision from the list, or delete the row"))
            upn = linker.resolve(layout, row, f["pupil"], f["upn"], class_name)
            yield ProvisionRow(
                layout, row, class_name, term, f["pupil"], f["upn"], upn, f["provision"],
                f["type"], f["area_of_need"], f["delivered_by"], f["sessions_per_week"],
                f["minutes_per_session"], f["weeks"], f["group"], f["group_size"],
                f["start_date"], f["end_date"], f["target"], f["pre"], f["post"], f["outcome"],
                f["next_step"], f["cost"], f["comments"])

    def score_hint(self, provision_cell: Raw | None) -> Callable[[], str]:
        """What a Pre or Post of this row's provision accepts, worked out only when one
        cannot be read."""
        def hint() -> str:
            name = clean_text(provision_cell[0]) if provision_cell else None
            p = self.provisions.get(name.casefold()) if name else None
            measure = (p.measure or p.name) if p is not None else None
            if p is not None and p.measure_kind == "months":
                return (f"{measure} is an age, typed as 7y 2m, 7:02 or a number of months "
                        "(86)")
            if p is not None and p.measure_kind in ("standardised", "score"):
                what = "a standardised score" if p.measure_kind == "standardised" else \
                    "a score"
                return f"{measure} is {what}, typed as a number (e.g. 92)"
            return "it takes a number, or an age such as 7y 2m"
        return hint

    def review_rows(self, rows: TableRows, class_name: str, term: str, linker: Linker
                    ) -> Iterator[ReviewRow]:
        layout = rows.layout
        for row, raw in rows.rows:
            f = self.fields(REVIEW_ROWS, layout, row, raw)
            if not self.has_pupil(layout, row, f, raw):
                continue
            upn = linker.resolve(layout, row, f["pupil"], f["upn"], class_name)
            targets = tuple((f[f"target_{i}"], f[f"target_{i}_outcome"]) for i in (1, 2, 3))
            yield ReviewRow(layout, row, class_name, term, f["pupil"], f["upn"], upn, targets,
                            f["attendance"], f["reading"], f["writing"], f["maths"],
                            f["staff_views"], f["parent_views"], f["pupil_views"])

    def has_pupil(self, layout, row, f, raw) -> bool:
        if f["pupil"] is not None or f["upn"] is not None:
            return True
        if raw.get("pupil") is not None or raw.get("upn") is not None:
            return False                      # a bad pupil cell: already reported
        if set(raw) <= {"cost"}:
            return False                      # only the template's cost formula
        self.problems.append(warning(
            Code.ROW_WITHOUT_PUPIL, layout.sheet, str(row),
            "This row has data but no pupil, so provmap cannot use it.",
            "type the pupil's name in the Pupil column, or clear the row"))
        return False


_GLOSSARY = re.compile(rf"^\s*{GLOSSARY_SETTING}\s*:(.*)$", re.I | re.S)


def _glossary_code(setting: str) -> str | None:
    """`Glossary: WTS` -> `WTS` (as typed, spaces tidied); None for any other setting."""
    m = _GLOSSARY.match(setting)
    return " ".join(m.group(1).split()) if m else None
def _long_table(grid: Grid) -> bool:
    """True when a sheet's header row names a pupil as well as a provision: a long table
    (a row per pupil per provision), not the Provisions menu (whose `Name`, if it has one,
    is the provision's, so never read as a pupil beside a Provision column)."""
    for _, cells in grid[:30]:
        keys = {c.key for c in (LONG_TABLE.match(v) for v, _ in cells.values()
                                if isinstance(v, str)) if c is not None}
        if "provision" in keys and ("pupil" in keys or "upn" in keys
                                    or {"forename", "surname"} <= keys):
            return True
    return False


def _hint(column: Column, typed: Any) -> str | None:
    """What to type instead of a value that cannot be read."""
    if column.choices is not None:
        from .link import closest
        guess = closest(str(typed), column.choices.values)
        return f"did you mean '{guess}'?" if guess else \
            f"use one of: {', '.join(column.choices.values)}"
    if column.kind in (Kind.NUMBER, Kind.MONEY, Kind.INTEGER, Kind.SCORE):
        return f"type {_KIND_WORDS[column.kind]}, e.g. 12 or 1,200.50"
    if column.kind is Kind.DATE:
        return "type the date as day/month/year, e.g. 12/09/2025"
    return None


def _class_and_term(name: str, terms: tuple[str, ...]) -> tuple[str, str] | None:
    folded = name.casefold().rstrip()
    for term in sorted(terms, key=len, reverse=True):
        if folded.endswith(term.casefold()):
            rest = name.rstrip()[: -len(term)]
            if rest and rest[-1].isalnum():
                continue                      # `Autumnal` is not `Autumn`
            class_name = re.sub(r"[\s\-_–]+$", "", rest)
            if class_name:
                return class_name.strip(), term
    return None


_BAND = re.compile(r"^\s*([A-Za-z][A-Za-z \-]*?)\s+(?:from|>=|≥)\s*(\d{1,6}(?:\.\d*)?|\.\d+)\s*$")


def _parse_bands(text: str) -> tuple[tuple[float, str], ...] | None:
    bands = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text))):
        m = _BAND.match(part)
        if not m:
            return None
        bands.append((float(m.group(2)), m.group(1).strip()))
    return tuple(sorted(bands)) or None


def _short(formula: str) -> str:
    formula = html.unescape(formula)          # the fast reader keeps formulas XML-escaped
    return formula if len(formula) <= 40 else formula[:37] + "..."
