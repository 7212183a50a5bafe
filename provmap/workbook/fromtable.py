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

import re
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
from ..read.longtable import LongTable, TableRefused, read_long_table, read_mapping
from ..read.roster import Roster, RosterError, load_roster, mis_choice
from ..schema import LONG_TABLE, PROVISION_ROWS, PROVISIONS, STAFF, Kind, Unit
from ..upn import has_valid_check_letter, is_well_formed
from ..values import (BadValue, clean_text, format_amount, is_age, parse_amount, parse_date,
                      parse_integer, parse_score, parse_year_group, parse_yes_no)
from .defaults import DEFAULT_PROVISIONS, DEFAULT_STAFF
from .layout import NOTES_HEADER
from .standard import ExtraTable, WorkbookData, new_workbook

NOT_IMPORTED = "Not imported"
TERMS = schema.DEFAULT_TERMS
# Provision-row columns a Provisions row holds once: a row equal to it is left blank.
DEFAULTED = ("type", "area_of_need", "delivered_by", "sessions_per_week",
             "minutes_per_session", "weeks")
REGISTER_KEYS = ("year_group", "sen_status", "primary_need", "date_of_birth")
LOWER_IS_BETTER = tuple(p["Measure"].casefold() for p in DEFAULT_PROVISIONS
                        if p["Higher is better"] == "N" and p["Measure"])


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
# Reading each row


@dataclass
class _Row:
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


class _Reader:
    """Turns the table's cells into values, counting what was read from words."""

    def __init__(self, table: LongTable):
        self.table = table
        self.words: dict[str, list] = {}           # column name -> [count, cell, typed, n]
        self.unreadable = 0

    def row(self, number: int, cells: list[Any]) -> _Row:
        typed: dict[str, Any] = {}
        for key, c in self.table.columns.items():
            v = cells[c] if c < len(cells) else None
            if isinstance(v, str) and not v.strip():
                v = None
            typed[key] = v
        row = _Row(number, typed, {})
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

    def value(self, row: _Row, key: str, v: Any) -> Any:
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
                return (clean_text(v) or "").replace(" ", "").upper() or None
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


# ---------------------------------------------------------------------------------------------
# The year, terms and dates


def _academic_year(d: date) -> int:
    return d.year if d.month >= 9 else d.year - 1


def _year_name(first: int) -> str:
    return f"{first}-{(first + 1) % 100:02d}"


def _decide_year(rows: list[_Row], year: str | None, today: date) -> tuple[str, str]:
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
        seen: dict[str, None] = {}
        for r in self.rows:
            if r.get("Class"):
                seen.setdefault(r["Class"], None)
        return list(seen)


def _split(text: str) -> tuple[str, str]:
    if "," in text:
        surname, _, forename = text.partition(",")
    else:
        forename, _, surname = text.rpartition(" ")
    return forename.strip(), surname.strip()


def _pupil_name(row: _Row) -> str | None:
    """The pupil's name as the row gives it: `Pupil`, or `Forename` and `Surname`."""
    if row.value.get("pupil"):
        return row.value["pupil"]
    parts = [row.value.get("forename"), row.value.get("surname")]
    return " ".join(p for p in parts if p) or None


def _register_from_table(rows: list[_Row], problems: list[Problem], table: LongTable
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


def _resolve(row: _Row, register: _Register, with_roster: bool
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
# Provisions and Staff, from the rows


def _most_common(values: list[Any]) -> Any:
    """The value most rows give (the first given on a tie); None when none is given."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    best = max(counts.values())
    return next(v for v in values if v is not None and counts[v] == best)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _staff_default(name: str) -> dict[str, Any] | None:
    """The standard template's staff row a Delivered by names (`TA`, `Teaching assistant`,
    `SALT`), if any."""
    n = schema.normalise_header(name)
    for s in DEFAULT_STAFF:
        if n in (schema.normalise_header(s["Name"]), schema.normalise_header(s["Role"])):
            return s
    return None


def _measure_kind(measure: str | None, rows: list[_Row]) -> tuple[str, str]:
    """(kind, why): ages are months; a name saying standardised or SS is standardised; a
    name saying age is months; else a score."""
    ages = [r.typed.get(k) for r in rows for k in ("pre", "post") if is_age(r.typed.get(k))]
    if ages:
        return "months", f"scores typed as ages, e.g. '{ages[0]}'"
    if measure and re.search(r"standardi[sz]ed|standard score|\bss\b", measure, re.I):
        return "standardised", f"'{measure}' says so"
    if measure and re.search(r"\bage\b", measure, re.I):
        return "months", f"'{measure}' is an age"
    return "score", f"'{measure}' is neither an age nor standardised" if measure else \
        "no measure is named"


@dataclass
class _Menu:
    provisions: list[dict[str, Any]]
    by_key: dict[str, dict[str, Any]]
    staff: list[dict[str, Any]]


def _menu(rows: list[_Row], table: LongTable, problems: list[Problem]) -> _Menu:
    """The Provisions and Staff rows the table's rows imply."""
    groups: dict[str, list[_Row]] = {}
    for r in rows:
        if r.value.get("provision"):
            groups.setdefault(_key(r.value["provision"]), []).append(r)
    provisions: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    kinds: list[str] = []                          # worked out, said in one warning
    lower_better: list[str] = []
    for key, group in groups.items():
        name = _most_common([r.value["provision"] for r in group])
        p: dict[str, Any] = {"Provision": name}
        for k in DEFAULTED:
            p[PROVISIONS.by_key[k].name] = _most_common([r.value.get(k) for r in group])
        notes: list[str] = []
        for k, label in (("resource_cost", "Resource cost"), ("measure", "Measure")):
            values = [r.value.get(k) for r in group]
            p[label] = _most_common(values)
            differ = {v for v in values if v is not None}
            if len(differ) > 1:
                shown = ", ".join(sorted(format_amount(v, Unit.MONEY) if k == "resource_cost"
                                         else str(v) for v in differ))
                problems.append(warning(
                    Code.VALUES_DIFFER, table.sheet, table.cell(k, group[0].number),
                    f"{name}: its rows give different {label.lower()}s ({shown}); Provisions "
                    f"holds one, the most common ({_shown(p[label], k)}).",
                    f"check {name}'s {label} on the Provisions sheet"))
        measure = p["Measure"]
        kind = _most_common([r.value.get("measure_kind") for r in group])
        if kind is None and (measure or any(r.value.get(k) is not None for r in group
                                             for k in ("pre", "post"))):
            kind, why = _measure_kind(measure, group)
            notes.append(f"Measure kind '{kind}' worked out by provmap ({why})")
            kinds.append(f"{name} {kind}")
        p["Measure kind"] = kind
        higher = _most_common([r.value.get("higher_is_better") for r in group])
        lower = _most_common([r.value.get("lower_is_better") for r in group])
        if higher is None and lower is not None:
            higher = not lower
        if higher is None and measure and (measure.casefold() in LOWER_IS_BETTER or re.search(
                r"sdq.*difficult", measure, re.I)):
            higher = False
            notes.append(f"Higher is better N: the template knows '{measure}' as "
                         "lower-is-better")
            lower_better.append(f"{name} ('{measure}')")
        p["Higher is better"] = None if higher is None else ("Y" if higher else "N")
        if notes:
            p[NOTES_HEADER] = "; ".join(notes) + ". Check it."
        provisions.append(p)
        by_key[key] = p
    if kinds:
        problems.append(warning(
            Code.MEASURE_WORKED_OUT, table.sheet, None,
            f"The table gives no measure kind, so provmap worked one out for {len(kinds)} "
            f"provision{_s(len(kinds))} (ages are months, a standardised score's name says so, "
            f"anything else is a score): {', '.join(kinds)}. Each is noted on its Provisions "
            "row: check them.", "correct the Measure kind on the Provisions sheet"))
    if lower_better:
        problems.append(warning(
            Code.MEASURE_WORKED_OUT, table.sheet, None,
            f"Higher is better is N (a fall is progress) for {', '.join(lower_better)}, a "
            "measure the standard template knows as lower-is-better; noted on its Provisions "
            "row.", "change Higher is better on the Provisions sheet if that is wrong"))
    return _Menu(provisions, by_key, _staff(rows, by_key, table, problems))


def _shown(v: Any, key: str) -> str:
    return format_amount(v, Unit.MONEY) if key == "resource_cost" else repr(v)


def _staff(rows: list[_Row], provisions: dict[str, dict[str, Any]], table: LongTable,
           problems: list[Problem]) -> list[dict[str, Any]]:
    """A Staff row per Delivered by, with the hourly cost its rows give; a known role
    without one takes the template's, with a warning."""
    who: dict[str, list[Any]] = {}
    names: dict[str, list[str]] = {}
    for r in rows:
        p = provisions.get(_key(r.value["provision"])) if r.value.get("provision") else None
        by = r.value.get("delivered_by") or (p.get("Delivered by") if p else None)
        if not by:
            continue
        k = _key(by)
        who.setdefault(k, []).append(r.value.get("hourly_cost"))
        names.setdefault(k, []).append(by)
    staff = []
    for k, costs in who.items():
        name = _most_common(names[k])
        known = _staff_default(name)
        cost = _most_common(costs)
        row: dict[str, Any] = {"Name": name, "Role": known["Role"] if known else None,
                               "Hourly cost": cost}
        differ = {c for c in costs if c is not None}
        if len(differ) > 1:
            problems.append(warning(
                Code.VALUES_DIFFER, table.sheet, None,
                f"{name}: the rows give different hourly costs ("
                f"{', '.join(format_amount(c, Unit.MONEY) for c in sorted(differ))}); Staff "
                f"holds one, the most common ({format_amount(cost, Unit.MONEY)}).",
                f"check {name}'s hourly cost on the Staff sheet"))
        if cost is None and known is not None:
            row["Hourly cost"] = known["Hourly cost"]
            row[NOTES_HEADER] = "Hourly cost from the standard template: change it to yours"
            role = known["Role"][0].lower() + known["Role"][1:]
            problems.append(warning(
                Code.TEMPLATE_HOURLY_COST, table.sheet, None,
                f"{name}: no hourly cost in the table, so Staff gives the standard template's "
                f"for {'an' if role[0] in 'aeiou' else 'a'} {role} "
                f"({format_amount(known['Hourly cost'], Unit.MONEY)}).",
                "type your own on the Staff sheet"))
        elif cost is None:
            row[NOTES_HEADER] = "No hourly cost in the table: type it"
            problems.append(warning(
                Code.MISSING_IN_TABLE, table.sheet, None,
                f"{name}: no hourly cost in the table, and not one of the template's roles, "
                "so what they deliver cannot be costed until their hourly cost is typed on "
                "the Staff sheet.", "type the hourly cost, on-costs included"))
        staff.append(row)
    return staff


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
    reader = _Reader(table)
    rows = [reader.row(n, cells) for n, cells in table.rows]
    problems: list[Problem] = []
    year_name, year_from = _decide_year(rows, year, today or date.today())
    calendar = _Calendar(year_name)
    result = ImportResult(out=out, table=table, school=school or source.stem,
                          year=year_name, year_from=year_from, roster=roster,
                          rows_read=len(rows), problems=problems)
    if school is None:
        result.year_from += f"; the school's name from the file name: give --school to set it"
    result.ignored = _ignored(table, roster is not None)
    _say_missing(table, roster is not None, problems)
    if roster is not None:
        register = _Register.of(roster.rows)
    else:
        register = _Register.of(_register_from_table(rows, problems, table))
        result.register_made = len(register.rows)
    menu = _menu(rows, table, problems)
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


def _term(row: _Row, calendar: _Calendar, year: str, table: LongTable,
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


def _place(rows: list[_Row], register: _Register, with_roster: bool, calendar: _Calendar,
           year: str, menu: _Menu, table: LongTable, result: ImportResult,
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
            _provision_row(row, pupil, menu.by_key[_key(row.value["provision"])]))
        result.placed[(term, cls)] += 1
    return sheets


def _provision_row(row: _Row, pupil: dict[str, Any], provision: dict[str, Any]
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
