"""A provision map kept as one long table, brought into the standard workbook: `provmap import`.

``import_table(source, out, pupils=...)`` reads the table (:mod:`provmap.read.longtable`) and
the roster (:mod:`provmap.read.roster`), places each row on its class-term sheet, makes the
Provisions and Staff sheets from the rows, and hands everything to the one writer of the
standard workbook (:func:`provmap.workbook.standard.new_workbook`), so OUT is exactly what
`provmap new` would write with those rows typed in.  Nothing is dropped silently: a row that
cannot be placed goes on a `Not imported` sheet with its reason, a cell that cannot be read is
written as typed (so `provmap check OUT` shows it at its cell), and what was worked out or
is missing is said.  The rules, and the choices where the spec is silent, are in
docs/import.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .. import schema
from ..calendar import default_term_dates, start_year
from ..model import get_column_letter
from ..problems import Code, Problem, Severity, info, warning
from ..read.link import closest, name_key
from ..read.longtable import (REGISTER_KEYS, LongTable, RowReader, TableRefused, TableRow,
                              read_long_table, read_mapping)
from ..read.roster import Roster, RosterError, classes_in, load_roster
from ..schema import LONG_TABLE, PROVISION_ROWS, PROVISIONS
from ..upn import has_valid_check_letter, is_well_formed
from ..values import clean_text, format_amount
from ..words import match_key
from .standard import ExtraTable, WorkbookData, new_workbook
from .tablemenu import DEFAULTED, Menu
from .tablemenu import menu as make_menu

NOT_IMPORTED = "Not imported"
TERMS = schema.DEFAULT_TERMS


class ImportRefused(Exception):
    """Nothing was written; the message says why and what to do (exit 2)."""


@dataclass
class ImportResult:
    """What import_table did, for the summary it prints and for tests."""

    out: Path
    table: LongTable
    school: str
    year: str
    year_from: str                                  # how the year was decided
    roster: Roster | None
    rows_read: int = 0
    placed: Counter = field(default_factory=Counter)        # (term, class) -> rows
    not_imported: list[tuple[int, str]] = field(default_factory=list)   # (row, reason)
    provisions: int = 0
    staff: int = 0
    register_made: int = 0                          # pupils put on the register from the table
    unreadable: int = 0                             # cells written as typed
    problems: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every row was placed, 1 when some were not (import.md)."""
        return 1 if self.not_imported else 0

    def lines(self) -> list[str]:
        t = self.table
        n = self.rows_read
        lines = [*(self.roster.lines() if self.roster else []),
                 f"Read {t.where}: {n} row{_s(n)} under the headings in row {t.header_row}."]
        if self.ignored:
            lines.append(f"  Headings ignored: {', '.join(self.ignored)}.")
        else:
            lines.append("  No headings ignored.")
        lines.append(f"Wrote {self.out}: {self.school}, {self.year} ({self.year_from}).")
        placed = sum(self.placed.values())
        lines.append(f"  Placed: {placed} row{_s(placed)} of {n}.")
        for term in TERMS:
            by_class = [(c, k) for (tt, c), k in self.placed.items() if tt == term]
            if by_class:
                total = sum(k for _, k in by_class)
                lines.append(f"    {term}: {total} row{_s(total)} ("
                             + ", ".join(f"{c} {k}" for c, k in by_class) + ")")
        if self.register_made:
            lines.append(f"  Register: {self.register_made} pupil{_s(self.register_made)} "
                         "from the table's own pupil, UPN and class columns.")
        lines.append(f"  Provisions: {self.provisions} made; Staff: {self.staff} made.")
        if self.not_imported:
            k = len(self.not_imported)
            reasons = Counter(r for _, r in self.not_imported)
            lines.append(f"  Not imported: {k} row{_s(k)}, on the '{NOT_IMPORTED}' sheet with "
                         "the reason:")
            for reason, count in reasons.most_common():
                rows = [str(r) for r, why in self.not_imported if why == reason]
                lines.append(f"    {count} {reason} (row{_s(count)} "
                             f"{', '.join(rows[:8])}{', ...' if len(rows) > 8 else ''})")
        else:
            lines.append("  Not imported: none.")
        if self.unreadable:
            lines.append(f"  {self.unreadable} cell{_s(self.unreadable)} could not be read "
                         "and {} written as typed: 'provmap check' shows each.".format(
                             "was" if self.unreadable == 1 else "were"))
        for p in self.problems:
            if p.severity is Severity.INFO:
                lines.append(f"  Information: {p.message}")
            else:
                lines.append(f"  Warning: {p.cell + ': ' if p.cell else ''}{p.message}")
        lines.append(f"Next: provmap check \"{self.out}\"")
        return lines


def _s(n: int) -> str:
    return "" if n == 1 else "s"


# ---------------------------------------------------------------------------------------------
# The year, terms and dates


def _academic_year(d: date) -> int:
    return d.year if d.month >= 9 else d.year - 1


def _year_name(first: int) -> str:
    return f"{first}-{(first + 1) % 100:02d}"


def _decide_year(rows: list[TableRow], year: str | None, today: date) -> tuple[str, str]:
    if year is not None:
        try:
            start_year(year)
        except ValueError as exc:
            raise ImportRefused(f"--year: {exc}.") from None
        return year.strip(), "as given"
    named = Counter(r.term_year for r in rows if r.term_year is not None)
    if named:
        return _year_name(named.most_common(1)[0][0]), "from the Term column"
    dated = Counter(_academic_year(d) for r in rows
                    for d in (r.value.get("start_date") or r.value.get("end_date"),)
                    if isinstance(d, date))
    if dated:
        return _year_name(dated.most_common(1)[0][0]), "from the dates in the table"
    return _year_name(_academic_year(today)), "this academic year: the table names none; " \
        "give --year to choose"


class _Calendar:
    """The year's terms, with the default dates `provmap new` writes in Settings."""

    def __init__(self, year: str):
        dates = default_term_dates(year)
        self.first = start_year(year)
        self.spans = [(t, dates[f"{t} start"], dates[f"{t} end"]) for t in TERMS]

    def term_of(self, d: date) -> str | None:
        for term, start, end in self.spans:
            if start <= d <= end:
                return term
        return None

    def term_after(self, d: date) -> str | None:
        """The term a date in a holiday leads into (a start date in the Christmas holiday
        is the Spring term's), within the year."""
        if _academic_year(d) != self.first:
            return None
        for term, start, _ in self.spans:
            if d < start:
                return term
        return None


# ---------------------------------------------------------------------------------------------
# The register


@dataclass
class _Register:
    rows: list[dict[str, Any]]
    by_upn: dict[str, dict[str, Any]]
    by_name: dict[str, list[str]]
    names: list[str]

    @classmethod
    def of(cls, rows: list[dict[str, Any]]) -> "_Register":
        by_upn = {r["UPN"]: r for r in rows}
        by_name: dict[str, list[str]] = {}
        for r in rows:
            f, s = r.get("Forename") or "", r.get("Surname") or ""
            for key in {name_key(f"{f} {s}"), name_key(f"{s}, {f}"), name_key(f"{s} {f}")}:
                by_name.setdefault(key, []).append(r["UPN"])
        return cls(rows, by_upn, by_name, [f"{r['Forename']} {r['Surname']}" for r in rows])

    def classes(self) -> list[str]:
        return classes_in(self.rows)


def _split(text: str) -> tuple[str, str]:
    if "," in text:
        surname, _, forename = text.partition(",")
    else:
        forename, _, surname = text.rpartition(" ")
    return forename.strip(), surname.strip()


def _pupil_name(row: TableRow) -> str | None:
    """The pupil's name as the row gives it: `Pupil`, or `Forename` and `Surname`."""
    if row.value.get("pupil"):
        return row.value["pupil"]
    parts = [row.value.get("forename"), row.value.get("surname")]
    return " ".join(p for p in parts if p) or None


def _register_from_table(rows: list[TableRow], problems: list[Problem], table: LongTable
                         ) -> list[dict[str, Any]]:
    """Without a roster: a register row per UPN the table gives, with the name, class and
    any register columns of its first row."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        upn = row.value.get("upn")
        if not upn or not is_well_formed(upn) or upn in out:
            continue
        forename, surname = row.value.get("forename"), row.value.get("surname")
        if not (forename and surname) and row.value.get("pupil"):
            f2, s2 = _split(row.value["pupil"])
            forename, surname = forename or f2, surname or s2
        if not forename or not surname:
            continue
        out[upn] = {"UPN": upn, "Forename": forename, "Surname": surname,
                    "Class": row.value.get("class"),
                    "Year group": row.value.get("year_group"),
                    "SEN status": row.value.get("sen_status"),
                    "Primary need": row.value.get("primary_need"),
                    "Date of birth": row.value.get("date_of_birth")}
        if not has_valid_check_letter(upn):
            problems.append(warning(Code.BAD_UPN_CHECK_LETTER, table.sheet,
                                    table.cell("upn", row.number),
                                    f"UPN {upn} has the wrong check letter; it is on the "
                                    "register as typed: check it against the MIS."))
    register = list(out.values())
    for label, key in (("Year group", "year_group"), ("SEN status", "sen_status")):
        blank = sum(1 for r in register if r[label] is None)
        if blank:
            problems.append(warning(
                Code.MISSING_IN_TABLE, table.sheet, None,
                f"{blank} pupil{_s(blank)} on the register made from the table "
                f"{'has' if blank == 1 else 'have'} no {label}: fill {label} in on the Pupils "
                "sheet ('provmap check' lists them), or import again with --pupils ROSTER."))
    return register


def _resolve(row: TableRow, register: _Register, with_roster: bool
             ) -> tuple[str | None, str | None]:
    """(UPN, None) for the register pupil the row means, else (None, why not)."""
    upn = row.value.get("upn")
    name = _pupil_name(row)
    if upn:
        if upn in register.by_upn:
            return upn, None
        if not with_roster and not name:
            return None, "its UPN is not a UPN"
        if with_roster or not name:
            return None, "the pupil is not on the register (UPN not found)"
    if not name:
        return None, "no pupil"
    matches = register.by_name.get(name_key(name), [])
    if len(matches) > 1:
        cls = (row.value.get("class") or "").casefold()
        in_class = [u for u in matches if (register.by_upn[u].get("Class") or "").casefold()
                    == cls]
        if len(in_class) == 1:
            return in_class[0], None
        return None, f"{len(matches)} pupils on the register are called '{name}' (add the UPN)"
    if matches:
        return matches[0], None
    if not with_roster and not register.rows:
        return None, "no UPN, and no roster (--pupils) to find the pupil by name"
    guess = closest(name, register.names)
    why = "the pupil is not on the register"
    if not with_roster:
        why = "no UPN on this or any other row for this pupil (give --pupils ROSTER)"
    return None, why + (f" (closest: {guess})" if guess else "")


# ---------------------------------------------------------------------------------------------
# The public function


def import_table(source: Path | str, out: Path | str, pupils: Path | str | None = None, *,
                 school: str | None = None, year: str | None = None, sheet: str | None = None,
                 mapping: Path | str | None = None, today: date | None = None) -> ImportResult:
    """Write the standard workbook ``out`` from the long table ``source``.

    Raises :class:`ImportRefused` (nothing written) when SOURCE cannot be read, holds no
    table with a pupil and a provision, OUT exists, or the mapping or roster is bad.
    """
    source, out = Path(source), Path(out)
    if out.exists():
        raise ImportRefused(f"{out} already exists; provmap will not overwrite a workbook. "
                            "Choose another name or move the old file.")
    try:
        table = read_long_table(source, sheet=sheet,
                                mapping=read_mapping(mapping) if mapping else None)
    except TableRefused as exc:
        raise ImportRefused(str(exc)) from None
    roster = None
    if pupils is not None:
        try:
            roster = load_roster(pupils)
        except (RosterError, OSError) as exc:
            raise ImportRefused(f"{exc}. Nothing was written.") from None
    reader = RowReader(table)
    rows = reader.rows()
    problems: list[Problem] = []
    year_name, year_from = _decide_year(rows, year, today or date.today())
    calendar = _Calendar(year_name)
    result = ImportResult(out=out, table=table, school=school or source.stem,
                          year=year_name, year_from=year_from, roster=roster,
                          rows_read=len(rows), problems=problems)
    if school is None:
        result.year_from += "; the school's name from the file name: give --school to set it"
    result.ignored = _ignored(table, roster is not None)
    _say_missing(table, roster is not None, problems)
    if roster is not None:
        register = _Register.of(roster.rows)
    else:
        register = _Register.of(_register_from_table(rows, problems, table))
        result.register_made = len(register.rows)
    menu = make_menu(rows, table, problems)
    placed = _place(rows, register, roster is not None, calendar, year_name, menu, table,
                    result, problems)
    classes = register.classes()
    for sheet_name, (cls, term, _) in placed.items():
        if cls not in classes:
            classes.append(cls)
    # A term that is over had its reviews elsewhere: its review tables start empty rather
    # than listing every K/E pupil for targets and views nobody will now type.
    over = [t for t, _, end in calendar.spans if end < (today or date.today())]
    data = WorkbookData(
        pupils=register.rows, staff=menu.staff, provisions=menu.provisions, classes=classes,
        terms=TERMS, provision_rows={name: rows_ for name, (_, _, rows_) in placed.items()},
        review_rows={f"{c} {t}": [] for c in classes for t in over},
        extra_tables=_not_imported_sheet(table, result) if result.not_imported else {})
    for name, (n, cell, typed, value, unit) in reader.words.items():
        problems.append(info(Code.READ_FROM_WORDS, table.sheet, cell,
                             f"{name}: {n} cell{_s(n)} written in words "
                             f"{'were read as numbers' if n != 1 else 'was read as a number'}"
                             f", e.g. {cell} '{typed}' = {format_amount(value, unit)}."))
    result.unreadable = reader.unreadable
    result.provisions, result.staff = len(menu.provisions), len(menu.staff)
    try:
        new_workbook(out, result.school, year_name, data=data)
    except ValueError as exc:                  # a class name too long for a sheet name
        raise ImportRefused(f"{out.name} was not written: {exc}.") from None
    return result


def _ignored(table: LongTable, with_roster: bool) -> list[str]:
    out = [f"'{h}' ({c})" for c, h in table.ignored]
    if with_roster:
        for key in REGISTER_KEYS:
            if key in table.columns:
                c = get_column_letter(table.columns[key] + 1)
                out.append(f"'{table.heading(key)}' ({c}: the roster gives the register)")
    for h in table.mapping_unused:
        out.append(f"the mapping's '{h}' (no such heading in the table)")
    return out


def _say_missing(table: LongTable, with_roster: bool, problems: list[Problem]) -> None:
    """A warning for each column the workbook would use that the table does not have."""
    has = table.columns
    missing = []
    if "upn" not in has:
        missing.append("UPN (pupils are found by name" + (" on the roster)" if with_roster
                                                           else "; give --pupils ROSTER)"))
    if "term" not in has and "start_date" not in has and "end_date" not in has:
        missing.append("Term, Start date or End date (no row can be placed in a term)")
    if "hourly_cost" not in has:
        missing.append("Hourly cost (the template's cost for known roles; others must be "
                       "typed on Staff)")
    if "resource_cost" not in has:
        missing.append("Resource cost (resources count as £0 until typed on Provisions)")
    if "type" not in has:
        missing.append("Type (each provision's type must be chosen on Provisions)")
    for key in ("sessions_per_week", "minutes_per_session", "weeks"):
        if key not in has:
            name = LONG_TABLE.by_key[key].name
            missing.append(f"{name} (type each provision's on Provisions: until then its "
                           "rows cannot be costed)")
    for what in missing:
        problems.append(warning(Code.MISSING_IN_TABLE, table.sheet, None,
                                f"The table has no {what}."))


def _term(row: TableRow, calendar: _Calendar, year: str, table: LongTable,
          problems: list[Problem]) -> tuple[str | None, str | None]:
    """(term, None), or (None, why the row has no term)."""
    if row.value.get("term"):
        if row.term_year is not None and row.term_year != calendar.first:
            return None, f"from another academic year ({row.term_text}), not {year}"
        return row.value["term"], None
    start, end = row.value.get("start_date"), row.value.get("end_date")
    for d in (start, end):
        if isinstance(d, date) and _academic_year(d) != calendar.first:
            return None, f"dated in another academic year ({d:%d/%m/%Y}), not {year}"
    term = None
    if isinstance(start, date):
        term = calendar.term_of(start)
    if term is None and isinstance(end, date):
        term = calendar.term_of(end)
    if term is None and isinstance(start, date):
        term = calendar.term_after(start)
    if term is None:
        if row.term_text:
            return None, f"no term ('{row.term_text}' is not Autumn, Spring or Summer)"
        d = start if isinstance(start, date) else end
        if isinstance(d, date):
            return None, f"no term ({d:%d/%m/%Y} is in no term of {year})"
        return None, "no term (no Term and no dates)"
    if isinstance(start, date) and isinstance(end, date):
        last = calendar.term_of(end) or term
        if TERMS.index(last) > TERMS.index(term):
            problems.append(warning(
                Code.SPANS_TERMS, table.sheet, table.cell("start_date", row.number),
                f"Row {row.number} runs from {start:%d/%m/%Y} to {end:%d/%m/%Y}, across "
                f"{term} and {last}: it is placed in {term}, the term it starts in.",
                f"if it carries on, add a row for {last} on that term's sheet"))
    return term, None


def _place(rows: list[TableRow], register: _Register, with_roster: bool, calendar: _Calendar,
           year: str, menu: Menu, table: LongTable, result: ImportResult,
           problems: list[Problem]) -> dict[str, tuple[str, str, list[dict[str, Any]]]]:
    """Each row on its class-term sheet (sheet name -> (class, term, rows)), in the
    table's order; the others in ``result.not_imported``."""
    classes = {c.casefold(): c for c in register.classes()}
    sheets: dict[str, tuple[str, str, list[dict[str, Any]]]] = {}
    for row in rows:
        upn, why = _resolve(row, register, with_roster)
        if why is None and not row.value.get("provision"):
            why = "no provision"
        term = None
        if why is None:
            term, why = _term(row, calendar, year, table, problems)
        cls = None
        if why is None:
            cls = row.value.get("class") or register.by_upn[upn].get("Class")
            if not cls:
                why = "no class (none on the row or the register)"
        if why is not None:
            result.not_imported.append((row.number, why))
            continue
        if cls.casefold() not in classes:
            classes[cls.casefold()] = cls
            if register.rows:
                problems.append(warning(
                    Code.CLASS_MISMATCH, table.sheet, table.cell("class", row.number),
                    f"Class '{cls}' (first on row {row.number}) is not a class on the "
                    f"register, so its rows have their own '{cls} <term>' sheets.",
                    "if it is another name for a register class, rename the class in the "
                    "table, or leave the Class column out (a mapping line 'Class,Ignore') so "
                    "rows go by each pupil's register class"))
        cls = classes[cls.casefold()]
        name = row.value.get("pupil") or _pupil_name(row)
        pupil = register.by_upn[upn]
        if name and row.value.get("upn") and upn not in register.by_name.get(name_key(name),
                                                                                []):
            problems.append(warning(
                Code.UPN_NAME_MISMATCH, table.sheet, table.cell("upn", row.number),
                f"Row {row.number}: the name '{name}' does not match UPN {upn} "
                f"({pupil['Forename']} {pupil['Surname']}); provmap goes by the UPN."))
        sheet = f"{cls} {term}"
        sheets.setdefault(sheet, (cls, term, []))[2].append(
            _provision_row(row, pupil, menu.by_key[match_key(row.value["provision"])]))
        result.placed[(term, cls)] += 1
    return sheets


def _provision_row(row: TableRow, pupil: dict[str, Any], provision: dict[str, Any]
                   ) -> dict[str, Any]:
    """The class-sheet row: the register's name and UPN, the menu's name, delivery only
    where it differs from Provisions, and any cell that could not be read as typed."""
    out: dict[str, Any] = {"Pupil": f"{pupil['Forename']} {pupil['Surname']}",
                           "UPN": pupil["UPN"], "Provision": provision["Provision"]}
    for column in PROVISION_ROWS.columns:
        key = column.key
        if key in ("pupil", "upn", "provision") or key not in row.typed:
            continue
        if key in row.bad:
            out[column.name] = row.typed[key]
        elif key in ("pre", "post"):
            out[column.name] = row.typed[key] if row.value[key] is not None else None
        elif key in DEFAULTED:
            v = row.value.get(key)
            out[column.name] = None if v == provision.get(PROVISIONS.by_key[key].name) else v
        else:
            out[column.name] = row.value.get(key)
    for key in ("sessions_per_week", "minutes_per_session"):     # filled by `3 x 20 mins`
        name = PROVISION_ROWS.by_key[key].name
        if key not in row.typed and row.value.get(key) is not None and \
                row.value[key] != provision.get(name):
            out[name] = row.value[key]
    return out


def _not_imported_sheet(table: LongTable, result: ImportResult) -> dict[str, ExtraTable]:
    """The rows that could not be placed, as typed, each with its reason."""
    why = dict(result.not_imported)
    cells = {n: c for n, c in table.rows}
    width = max(len(table.headings), *(len(cells[n]) for n, _ in result.not_imported))
    headings = [*table.headings, *[""] * (width - len(table.headings))]
    return {NOT_IMPORTED: ExtraTable(
        intro=f"These rows of {table.where} could not be placed on a class sheet. Put right "
              "what the reason says (e.g. add the pupil to the Pupils sheet), then copy the "
              "row to its class sheet.",
        headings=["Why not imported", f"Row in {table.path.name}", *headings],
        rows=(rows := [[why[n], n, *cells[n]] for n, _ in result.not_imported]),
        widths=[44, 10, *[_width(h, [r[2 + c] if 2 + c < len(r) else None for r in rows])
                          for c, h in enumerate(headings)]])}


def _width(heading: str, values: list[Any]) -> float:
    """A column as wide as its heading or its longest value, 8 to 24 characters."""
    longest = max([len(heading), *(len(clean_text(v) or "") for v in values)])
    return float(max(8, min(longest + 2, 24)))
