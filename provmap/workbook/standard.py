"""The standard workbook: one writer for `provmap new`, `provmap new-year` and the example.

Everything about the layout comes from :mod:`provmap.schema` (headers, column order, widths,
dropdown choices) through :mod:`provmap.workbook.layout`.  What to write arrives as a
:class:`WorkbookData`: empty for a blank workbook, a roster's register for `new`, last year's
carried rows for `new-year`, the fictional school for the example; so every class-term sheet
a school ever gets from provmap is drawn by :func:`class_sheet` here.  Roll-forward copies a
staff-edited sheet instead (see docs/template.md, "One writer").

The Cost column of each provision row holds a live formula (:mod:`.cost_formula`) with its
value cached, so a file that is never recalculated still shows the right numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from xlsxwriter.utility import xl_col_to_name

from .. import schema
from ..calendar import default_term_dates, start_year
from ..schema import (PROFESSIONALS, PROFILES, PROVISION_ROWS, PROVISIONS, PUPILS, REVIEW_ROWS,
                      SETTINGS, STAFF, Table)
from ..words import on_register
from ..write.book import open_book
from ..write.atomic import atomic_write
from .cost_formula import cost_formula, sheet_costs
from .defaults import DEFAULT_PROVISIONS, DEFAULT_STAFF
from .instructions import CHOICE_RANGES, write_instructions
from .layout import (FULL_NAME_HEADER, GAP_ROWS, NOTES_HEADER, PROVISION_ROWS_PER_SHEET,
                     REFERENCE_ROWS, SPARE_PROVISION_ROWS, SPARE_REGISTER_ROWS,
                     SPARE_REVIEW_ROWS, TITLE_ROWS, col, letter, sheet_range)
from .xlsx import MARGINS, Writer, row_height, write_formula
from ..write import fit, page

@dataclass
class ExtraTable:
    """A sheet of rows provmap could not place (`import`'s 'Not imported'): a sentence
    saying what they are, then a header row and the rows as they were typed."""

    intro: str
    headings: list[str]
    rows: list[list[Any]]
    widths: list[float] = field(default_factory=list)    # per column; others 14


@dataclass
class WorkbookData:
    """Rows to pour into the standard workbook (next year's from last year's, the example
    school, a test's small workbook).

    Rows are dicts keyed by the schema's column names (``"Minutes per session"``).  A
    provision row with a ``"Cost"`` value is a hand-typed override and is written as typed;
    otherwise the Cost cell gets the live formula.  Sheets are named ``"<class> <term>"``.
    """

    pupils: list[dict[str, Any]] = field(default_factory=list)
    staff: list[dict[str, Any]] | None = None            # None: the template's examples
    provisions: list[dict[str, Any]] | None = None       # None: the starter menu
    settings: dict[str, Any] = field(default_factory=dict)   # Setting -> value, overrides
    classes: list[str] | None = None                     # None: from the pupils, in order
    terms: tuple[str, ...] = schema.DEFAULT_TERMS
    profiles: list[dict[str, Any]] = field(default_factory=list)
    professionals: list[dict[str, Any]] = field(default_factory=list)
    provision_rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    review_rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    extra_sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
    extra_tables: dict[str, ExtraTable] = field(default_factory=dict)
    created: datetime | None = None      # fixed for the example, so its file is reproducible


ExampleData = WorkbookData          # the name the example generator and older tests use

IN_MEMORY_PUPILS = 5000    # above this, XlsxWriter assembles sheets in temporary files


# ---------------------------------------------------------------------------------------------
# Settings


def settings_rows(school: str, year: str, terms: Iterable[str], overrides: dict[str, Any]
                  ) -> list[tuple[str, Any, str]]:
    """(Setting, Value, what it means) for the Settings sheet."""
    terms = list(terms)
    bands = ", ".join(f"{label} from {bound:g}" for bound, label in schema.DEFAULT_IMPACT_BANDS)
    rows: list[tuple[str, Any, str]] = [
        ("School", school, "Shown on every report."),
        ("Academic year", year, "e.g. 2025-26. One workbook per school year."),
        ("Terms", ", ".join(terms), "In order, separated by commas. Class sheets are named "
         "'<class> <term>'."),
    ]
    dates = default_term_dates(year) if terms == list(schema.DEFAULT_TERMS) else {}
    for term in terms:
        for end in ("start", "end"):
            key = f"{term} {end}"
            rows.append((key, dates.get(key), f"First day of the {term} term." if end == "start"
                         else f"Last day of the {term} term. Check against your LA's calendar."))
    rows += [
        ("Notional SEN threshold", schema.DEFAULT_THRESHOLD,
         "£ per pupil per year. Pupils whose provision costs more are flagged (element 2)."),
        ("Impact bands", bands, f"Ratio gain bands (Brooks, 2016). Below the first: "
         f"{schema.FIRST_BAND}. A ratio gain of 1 is ordinary progress."),
        ("Suppress counts below", schema.DEFAULT_SUPPRESS_BELOW,
         "In the governors' report, counts from 1 up to this minus one show as '<N'."),
        ("Leaving year group", schema.DEFAULT_LEAVING_YEAR_GROUP,
         "The year group that leaves the school in the summer (for next year's workbook "
         "and the transition packs)."),
        (schema.SENCO_SETTING, None, "Optional: the SENCo's name and how to reach them, e.g. "
         "'Mrs A. Shah, 01632 960123'. Shown on the first page of every document."),
    ]
    out = []
    seen = set()
    for key, value, note in rows:
        seen.add(key)
        out.append((key, overrides.get(key, value), note))
    for key, value in overrides.items():
        if key not in seen:
            out.append((key, value, GLOSSARY_NOTE if key.startswith(
                f"{schema.GLOSSARY_SETTING}:") else ""))
    return out


GLOSSARY_NOTE = ("Optional: what the code means, in a parent's words, for the key on POPs and "
                 "packs (it replaces provmap's own wording of a common code).")



# ---------------------------------------------------------------------------------------------
# The writer


def new_workbook(out: Path, school: str, year: str, roster: Path | None = None, *,
                 data: WorkbookData | None = None) -> Path:
    """Write a blank standard workbook for ``school`` and ``year`` to ``out``.

    With ``roster`` (a CSV or .xlsx export from the school's MIS) the register is filled and
    each class gets a sheet per term with its K and E pupils in the review table.  With
    ``data`` the template is filled with those rows instead (the example school, tests).
    The file is written whole or not at all.
    """
    out = Path(out)
    start_year(year)                       # a bad year fails before anything is written
    if data is None:
        data = WorkbookData()
        if roster is not None:
            from ..read.roster import read_roster
            data.pupils = read_roster(Path(roster))
    elif roster is not None:
        raise ValueError("give either a roster or example data, not both")
    with atomic_write(out) as tmp:
        # A big school's sheets are assembled in temporary files rather than in memory:
        # 20,000 pupils peaked at 660 MB in memory and 330 MB this way (docs/template.md).
        in_memory = len(data.pupils) <= IN_MEMORY_PUPILS
        wb = open_book(tmp, {"title": f"Provision map {year}", "company": school,
                             "created": data.created or datetime.now()}, in_memory=in_memory)
        try:
            _write(Writer(wb, school, year), data)
        except SheetNameRefused as exc:
            if roster is None:
                raise
            raise exc.located(Path(roster).name, data.pupils) from None
        finally:
            wb.close()
    return out


class SheetNameRefused(ValueError):
    """A class or term whose sheets Excel cannot name (or two sheets with one name); nothing
    was written.  ``class_name``/``term`` say which, for a caller that can locate it."""

    def __init__(self, message: str, class_name: str | None = None, term: str | None = None):
        super().__init__(message)
        self.class_name, self.term = class_name, term

    def located(self, source: str, pupils: list[dict[str, Any]]) -> "SheetNameRefused":
        """The same refusal, naming the file the register came from (a roster) and, for a
        class, its first pupil's UPN."""
        upn = next((p.get("UPN") for p in pupils if self.class_name is not None
                    and str(p.get("Class") or "").strip() == self.class_name), None)
        return SheetNameRefused(f"{source}: {self}" + (f" (the class of pupil {upn})"
                                                       if upn else ""),
                                self.class_name, self.term)


def check_sheet_names(classes: list[str], terms: tuple[str, ...],
                      extra: Iterable[str] = ()) -> None:
    """Refuse, before anything is written, sheets Excel cannot name: the rule is the
    schema's (:func:`provmap.schema.class_name_fault`), the same the checks apply to the
    register, so XlsxWriter never meets a name it would raise on."""
    for term in terms:
        if fault := schema.term_name_fault(term):
            raise SheetNameRefused(
                f"the term '{term}' cannot end a sheet's name: {fault}; rename it, e.g. "
                f"'{schema.sheet_safe(term, schema.SHEET_NAME_LONGEST - 2)}'", term=term)
    for c in classes:
        if fault := schema.class_name_fault(c, terms):
            raise SheetNameRefused(
                f"class '{c}' cannot name a sheet: {fault}; rename it, e.g. "
                f"'{schema.class_rename(c, terms)}'", class_name=c)
    seen: dict[str, str] = {}
    for name in [*schema.REFERENCE_SHEETS, "Instructions",
                 *(schema.class_sheet_name(c, t) for c in classes for t in terms), *extra]:
        if name.lower() in seen:                   # Excel (and XlsxWriter) ignore case
            raise SheetNameRefused(f"two sheets would be named '{seen[name.lower()]}' and "
                                   f"'{name}', which Excel counts as one name")
        seen[name.lower()] = name


def _classes(data: WorkbookData) -> list[str]:
    """The classes in order, each once: two spellings that differ only in case (`3O`,
    `3o`) are one class, as the reader matches them, under the first spelling."""
    if data.classes is not None:
        names = [str(c).strip() for c in data.classes]
    else:
        names = [str(p.get("Class")).strip() for p in data.pupils
                 if p.get("Class") not in (None, "")]
    seen: dict[str, str] = {}
    for name in names:
        if name:
            seen.setdefault(name.casefold(), name)
    return list(seen.values()) or ["Class 1"]


def _write(w: Writer, data: WorkbookData) -> None:
    wb = w.wb
    terms = tuple(data.terms)
    staff = data.staff if data.staff is not None else DEFAULT_STAFF
    provisions = data.provisions if data.provisions is not None else DEFAULT_PROVISIONS
    classes = _classes(data)
    check_sheet_names(classes, terms, [*data.extra_sheets, *data.extra_tables])

    # Defined names: the lists dropdowns and formulas point at.
    n_pupils = len(data.pupils)
    last_pupil_row = 1 + n_pupils + SPARE_REGISTER_ROWS
    full_col = len(PUPILS.columns)
    fc = xl_col_to_name(full_col)
    wb.define_name("PupilNames", f"=Pupils!${fc}$2:${fc}${last_pupil_row}")
    ref_last = 1 + max(REFERENCE_ROWS, len(provisions) + 100, len(staff) + 100)
    for name, key in (("ProvisionNames", "provision"), ("ProvisionType", "type"),
                      ("ProvisionDeliveredBy", "delivered_by"),
                      ("ProvisionSessions", "sessions_per_week"),
                      ("ProvisionMinutes", "minutes_per_session"), ("ProvisionWeeks", "weeks"),
                      ("ProvisionResourceCost", "resource_cost"),
                      ("ProvisionHigherIsBetter", "higher_is_better")):
        wb.define_name(name, sheet_range("Provisions", PROVISIONS, key, 2, ref_last))
    wb.define_name("StaffNames", sheet_range("Staff", STAFF, "name", 2, ref_last))
    # Choices containing a comma ("Social, emotional and mental health") cannot be an
    # inline list: Excel splits them.  They live in a hidden column of Instructions.
    for name, c, values in CHOICE_RANGES:
        cl = xl_col_to_name(c)
        wb.define_name(name, f"=Instructions!${cl}$1:${cl}${len(values)}")
    wb.define_name("StaffHourlyCost", sheet_range("Staff", STAFF, "hourly_cost", 2, ref_last))

    write_instructions(w, terms, classes)
    _settings(w, data, terms)
    _pupils(w, data.pupils, last_pupil_row)
    _staff(w, staff)
    _provisions(w, provisions, ref_last)
    _pupil_table(w, "Profiles", PROFILES, data.profiles, "area", "=ProfileAreaList",
                 "One row per pupil and area: what the pupil is good at, and what is hard. "
                 "Feeds the pupil's POP.")
    _pupil_table(w, "Professionals", PROFESSIONALS, data.professionals, None, None,
                 "Outside professionals involved with a pupil (SALT, EP, CAMHS, OT ...), and "
                 "when. Feeds the pupil's POP.")
    pupils_by_class: dict[str, list[dict]] = {}
    for p in data.pupils:
        pupils_by_class.setdefault(str(p.get("Class") or "").strip().casefold(), []).append(p)
    # Rows by sheet, ignoring case as Excel does (`3o Autumn` is `3O Autumn`'s sheet).
    provision_rows: dict[str, list] = {}
    for key, rows in data.provision_rows.items():
        provision_rows.setdefault(key.casefold(), []).extend(rows)
    review_rows: dict[str, list] = {}
    for key, rows in data.review_rows.items():
        review_rows.setdefault(key.casefold(), []).extend(rows)
    for c in classes:
        for t in terms:
            name = schema.class_sheet_name(c, t)
            rows = provision_rows.get(name.casefold(), [])
            if name.casefold() in review_rows:
                review = review_rows[name.casefold()]
            else:
                review = [{"Pupil": f"{p.get('Forename', '')} {p.get('Surname', '')}".strip(),
                           "UPN": p.get("UPN")}
                          for p in pupils_by_class.get(c.casefold(), [])
                          if on_register(schema.SEN_STATUS.canonical(
                              str(p.get("SEN status") or "")))]
            class_sheet(w, c, t, rows, review, provisions, staff)
    for name, rows in data.extra_sheets.items():
        ws = w.sheet(name)
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                w.put(ws, r, c, v, None)
        ws.set_column(0, 0, 60)
    for name, table in data.extra_tables.items():
        _extra_table(w, name, table)


def _extra_table(w: Writer, name: str, t: ExtraTable) -> None:
    ws = w.sheet(name)
    ws.write_string(0, 0, t.intro, w.fmt["guide"])
    for c, heading in enumerate(t.headings):
        ws.write_string(2, c, heading, w.fmt["head"])
        ws.set_column(c, c, t.widths[c] if c < len(t.widths) else 14,
                      w.fmt["wrap"] if c < len(t.widths) and t.widths[c] >= 20 else None)
    for r, values in enumerate(t.rows, start=3):
        lines = 1
        for c, v in enumerate(values):
            w.put(ws, r, c, v, w.fmt["date"] if isinstance(v, (date, datetime)) else
                  w.fmt["wrap"] if c < len(t.widths) and t.widths[c] >= 20 else w.fmt["text"])
            if isinstance(v, str) and c < len(t.widths) and t.widths[c] >= 20:
                lines = max(lines, math.ceil(len(v) / t.widths[c]))
        if lines > 1:
            ws.set_row(r, 15 * lines + 1)
    ws.set_row(2, 32)
    ws.freeze_panes(3, 1)
    ws.autofilter(2, 0, 2 + max(len(t.rows), 1), max(len(t.headings), 1) - 1)
    w.page(ws, landscape=True, title_rows="2:2")




# ---------------------------------------------------------------------------------------------
# Sheets


MEANING_WIDTH = 60          # the Settings sheet's "What it means" column, wrapped


def _settings(w: Writer, data: WorkbookData, terms: tuple[str, ...]) -> None:
    ws = w.sheet("Settings")
    w.header(ws, 0, SETTINGS)
    ws.write_string(0, len(SETTINGS.columns), "What it means", w.fmt["head_extra"])
    w.widths(ws, SETTINGS)
    ws.set_column(len(SETTINGS.columns), len(SETTINGS.columns), MEANING_WIDTH)
    widths = [*(c.width for c in SETTINGS.columns), MEANING_WIDTH]
    vcol = col(SETTINGS, "value")
    for r, (key, value, note) in enumerate(settings_rows(w.school, w.year, terms,
                                                         data.settings), start=1):
        ws.write_string(r, col(SETTINGS, "setting"), key, w.fmt["label"])
        fmt = w.fmt["money"] if key == "Notional SEN threshold" else w.fmt["wrap"]
        w.put(ws, r, vcol, value, fmt)
        ws.write_string(r, len(SETTINGS.columns), note, w.fmt["guide_wrap"])
        if height := row_height([key, value, note], widths):
            ws.set_row(r, height)
    ws.freeze_panes(1, 0)
    w.page(ws, title_rows="0:0", widths=widths)


def _table_sheet(w: Writer, table: Table, extra: str, width: float) -> tuple[Any, int]:
    """A reference sheet: the table's headers and widths, and one grey column after them
    (the register's full names, Staff's notes) whose 0-based index is returned."""
    ws = w.sheet(table.name)
    w.header(ws, 0, table)
    after = len(table.columns)
    ws.write_string(0, after, extra, w.fmt["head_extra"])
    w.widths(ws, table)
    ws.set_column(after, after, width)
    w.header_height(ws, 0, [*(c.name for c in table.columns), extra],
                    [*(c.width for c in table.columns), width])
    return ws, after


def _pupils(w: Writer, pupils: list[dict[str, Any]], last_row: int) -> None:
    ws, full = _table_sheet(w, PUPILS, FULL_NAME_HEADER, 24)
    fore, sur = letter(PUPILS, "forename"), letter(PUPILS, "surname")
    formats = [w.cell_format(c) for c in PUPILS.columns]
    widths = [c.width for c in PUPILS.columns]
    for i, p in enumerate(pupils):
        r = i + 1
        values = [p.get(column.name) for column in PUPILS.columns]
        for c, value in enumerate(values):
            w.put(ws, r, c, value, formats[c])
        if height := row_height(values, widths):       # a long name or parent wraps whole
            ws.set_row(r, height)
        cached = f"{p.get('Forename') or ''} {p.get('Surname') or ''}".strip()
        ws.write_formula(r, full, f'=TRIM({fore}{r + 1}&" "&{sur}{r + 1})', w.fmt["helper"],
                         cached)
    for r in range(len(pupils) + 1, last_row):
        ws.write_formula(r, full, f'=TRIM({fore}{r + 1}&" "&{sur}{r + 1})', w.fmt["helper"], "")
    last = max(last_row - 1, 1)
    for key, choices in (("sen_status", schema.SEN_STATUS), ("primary_need", schema.NEED),
                         ("secondary_need", schema.NEED), ("pupil_premium", schema.YES_NO),
                         ("eal", schema.YES_NO), ("looked_after", schema.YES_NO)):
        w.dropdown(ws, 1, last, col(PUPILS, key), choices.values, PUPILS.column(key).name,
                   "That value")
    w.dropdown(ws, 1, last, col(PUPILS, "year_group"),
               ["N", "R", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"],
               "Year group", "That year group")
    ws.freeze_panes(1, col(PUPILS, "surname") + 1)
    ws.autofilter(0, 0, max(len(pupils), 1), len(PUPILS.columns) - 1)
    ws.print_area(0, 0, max(len(pupils), 1), len(PUPILS.columns) - 1)
    w.page(ws, title_rows="0:0", widths=[c.width for c in PUPILS.columns],
           repeat=col(PUPILS, "surname") + 1)


def _staff(w: Writer, staff: list[dict[str, Any]]) -> None:
    ws, notes = _table_sheet(w, STAFF, NOTES_HEADER, 48)
    w.rows(ws, 1, STAFF, staff)
    if staff is DEFAULT_STAFF:
        for i in range(len(staff)):
            ws.write_string(1 + i, notes, "Example: change to your own staff and costs",
                            w.fmt["note"])
    else:
        for i, s in enumerate(staff):           # what `import` worked out, said on the row
            if s.get(NOTES_HEADER):
                ws.write_string(1 + i, notes, s[NOTES_HEADER], w.fmt["note"])
    ws.freeze_panes(1, 1)
    w.page(ws, title_rows="0:0", widths=[*(c.width for c in STAFF.columns), 48], repeat=1)


def _provisions(w: Writer, provisions: list[dict[str, Any]], last_row: int) -> None:
    ws = w.sheet("Provisions")
    w.header(ws, 0, PROVISIONS)
    w.widths(ws, PROVISIONS)
    w.header_height(ws, 0, [c.name for c in PROVISIONS.columns],
                    [c.width for c in PROVISIONS.columns])
    w.rows(ws, 1, PROVISIONS, provisions)
    if any(p.get(NOTES_HEADER) for p in provisions):     # what `import` worked out
        notes = len(PROVISIONS.columns)
        ws.write_string(0, notes, NOTES_HEADER, w.fmt["head_extra"])
        ws.set_column(notes, notes, NOTES_WIDTH)
        for i, p in enumerate(provisions):
            if p.get(NOTES_HEADER):
                ws.write_string(1 + i, notes, p[NOTES_HEADER], w.fmt["note"])
                ws.set_row(1 + i, 15 * math.ceil(len(p[NOTES_HEADER]) / NOTES_WIDTH) + 1)
    last = last_row - 1
    for key, source in (("type", schema.PROVISION_TYPE.values), ("area_of_need", "=AreaList"),
                        ("delivered_by", "=StaffNames"),
                        ("measure_kind", schema.MEASURE_KIND.values),
                        ("higher_is_better", schema.YES_NO.values)):
        w.dropdown(ws, 1, last, col(PROVISIONS, key), source, PROVISIONS.column(key).name,
                   "That value")
    ws.freeze_panes(1, 1)
    ws.print_area(0, 0, max(len(provisions), 1), len(PROVISIONS.columns) - 1)
    w.page(ws, title_rows="0:0", widths=[c.width for c in PROVISIONS.columns], repeat=1,
           starts=[col(PROVISIONS, "measure")])


def _pupil_table(w: Writer, name: str, table: Table, rows: list[dict[str, Any]],
                 choice_key: str | None, choices: list[str] | str | None, note: str) -> None:
    ws = w.sheet(name)
    w.header(ws, 0, table)
    w.widths(ws, table)
    w.header_height(ws, 0, [c.name for c in table.columns], [c.width for c in table.columns])
    w.rows(ws, 1, table, rows)
    last = max(len(rows) + 200, 400)
    w.dropdown(ws, 1, last, col(table, "pupil"), "=PupilNames", "Pupil", "That pupil")
    if choice_key:
        w.dropdown(ws, 1, last, col(table, choice_key), choices, table.column(choice_key).name,
                   "That area")
    ws.write_string(0, len(table.columns) + 1, note, w.fmt["note"])
    ws.set_column(len(table.columns) + 1, len(table.columns) + 1, 40)
    ws.freeze_panes(1, 1)
    ws.print_area(0, 0, max(len(rows), 1), len(table.columns) - 1)   # not the note beside
    w.page(ws, title_rows="0:0", widths=[c.width for c in table.columns], repeat=1)


def class_sheet(w: Writer, class_name: str, term: str, rows: list[dict[str, Any]],
                 review: list[dict[str, Any]], provisions: list[dict[str, Any]],
                 staff: list[dict[str, Any]]) -> None:
    ws = w.sheet(f"{class_name} {term}")
    ws.write_string(0, 0, f"{class_name}: {term} term {w.year}", w.fmt["title"])
    ws.set_row(0, TITLE_PT)
    ws.write_string(1, 0, "One row per pupil per provision. Blank delivery cells use the "
                    "Provisions sheet's usual values; Cost is worked out for you. The termly "
                    "review is below the provision table.", w.fmt["guide"])
    head = TITLE_ROWS                              # 0-based header row of the provision table
    first = head + 1                               # 0-based first data row
    n = max(PROVISION_ROWS_PER_SHEET, len(rows) + SPARE_PROVISION_ROWS)
    last = first + n - 1
    w.header(ws, head, PROVISION_ROWS)
    widths = class_sheet_widths()
    heights = {0: TITLE_PT, head: _header_height(w, ws, head, PROVISION_ROWS, widths)}
    w.widths(ws, PROVISION_ROWS)
    t = PROVISION_ROWS
    cost_c = col(t, "cost")
    cached = sheet_costs(rows, provisions, staff)
    formats = [w.cell_format(c) for c in t.columns]
    for i in range(n):
        r = first + i
        row = rows[i] if i < len(rows) else {}
        if row and (height := _row_height(row, t, widths)):
            ws.set_row(r, height)
            heights[r] = height
        for c, column in enumerate(t.columns):
            if c == cost_c:
                if row.get("Cost") not in (None, ""):
                    w.put(ws, r, c, row["Cost"], w.fmt["money"])
                else:
                    write_formula(ws, r, c, cost_formula(r + 1, first + 1, last + 1),
                                   w.fmt["cost"], cached[i] if i < len(rows) else "")
            elif row:
                w.put(ws, r, c, row.get(column.name), formats[c])
    for key, source, what in (("pupil", "=PupilNames", "That pupil"),
                              ("provision", "=ProvisionNames", "That provision"),
                              ("type", schema.PROVISION_TYPE.values, "That type"),
                              ("area_of_need", "=AreaList", "That area"),
                              ("delivered_by", "=StaffNames", "That member of staff"),
                              ("outcome", schema.OUTCOME.values, "That outcome"),
                              ("next_step", schema.NEXT_STEP.values, "That next step")):
        w.dropdown(ws, first, last, col(t, key), source, t.column(key).name, what)
    _progress_formatting(w, ws, first, last)

    # The termly review table, below.
    rhead = last + 1 + GAP_ROWS
    rfirst = rhead + 1
    w.header(ws, rhead, REVIEW_ROWS, "head_review")
    heights[rhead] = _header_height(w, ws, rhead, REVIEW_ROWS, widths)
    m = len(review) + SPARE_REVIEW_ROWS
    rformats = [w.cell_format(c) for c in REVIEW_ROWS.columns]
    attendance = col(REVIEW_ROWS, "attendance")
    for i in range(m):
        row = review[i] if i < len(review) else {}
        if row and (height := _row_height(row, REVIEW_ROWS, widths)):
            ws.set_row(rfirst + i, height)
            heights[rfirst + i] = height
        for c, column in enumerate(REVIEW_ROWS.columns):
            w.put(ws, rfirst + i, c, row.get(column.name), rformats[c])
        if row.get("Attendance") in (None, ""):
            # Percent-formatted, so a typed 95 becomes 95% (Excel and LibreOffice).
            ws.write_blank(rfirst + i, attendance, None, w.fmt["percent"])
    rlast = rfirst + m - 1
    w.dropdown(ws, rfirst, rlast, col(REVIEW_ROWS, "pupil"), "=PupilNames", "Pupil",
               "That pupil")
    for k in (1, 2, 3):
        key = f"target_{k}_outcome"
        w.dropdown(ws, rfirst, rlast, col(REVIEW_ROWS, key), schema.OUTCOME.values,
                   REVIEW_ROWS.column(key).name, "That outcome")
    for c, width in enumerate(widths):
        ws.set_column(c, c, width, w.fmt["wrap"])   # what staff type later wraps too
    ws.hide_gridlines(0)
    ws.freeze_panes(TITLE_ROWS - 1, 1)
    # On paper: the provision header on every page, the Pupil column on every part, rows
    # whole, and the review table's header with its first two rows (never alone at a foot).
    landscape, scale = w.page(ws, title_rows=f"{head}:{head}", widths=widths, repeat=1,
                              starts=[col(t, "target")])
    ws.print_area(0, 0, rlast, max(len(t.columns), len(REVIEW_ROWS.columns)) - 1)
    units = [r for r in range(first, rlast + 1) if not rhead <= r < rfirst + 2]
    ws.set_h_pagebreaks(page.keep_together(
        heights, sorted(units + [rhead]), rlast + 1, width_pt=w.room(landscape) * 100 / scale,
        title_rows=(head,), margins=MARGINS, landscape=landscape))


TITLE_PT = fit.row_pt(1, 15, "Calibri")     # a class sheet's title line (15 pt)

# Long text wraps in columns no wider than these, so that a class sheet prints in two
# landscape parts (the Pupil column on both) at 87% scale: 9.6 pt for its 11 pt text.
PROVISION_WIDTH_CAP = 18
REVIEW_WIDTH_CAP = 14
NOTES_WIDTH = 60          # the Provisions notes `import` writes, wrapped


def class_sheet_widths() -> list[float]:
    """Both tables share the sheet's columns: each column is as wide as the provision
    table needs, or the review table's, whichever is wider, each capped (its text wraps)."""
    out = []
    for c in range(max(len(PROVISION_ROWS.columns), len(REVIEW_ROWS.columns))):
        widths = []
        if c < len(PROVISION_ROWS.columns):
            widths.append(min(PROVISION_ROWS.columns[c].width, PROVISION_WIDTH_CAP))
        if c < len(REVIEW_ROWS.columns):
            widths.append(min(REVIEW_ROWS.columns[c].width, REVIEW_WIDTH_CAP))
        out.append(max(widths))
    return out


def _row_height(row: dict[str, Any], table: Table, widths: list[float]) -> float | None:
    """Enough height for the longest wrapped text on a filled row (LibreOffice does not
    grow rows by itself when it opens a file); None leaves the default."""
    return row_height([row.get(c.name) for c in table.columns], widths)


def _header_height(w: Writer, ws, r: int, table: Table, widths: list[float]) -> float:
    """A class sheet's header row: its headings whole, and at least two lines tall."""
    lines = max((fit.lines(c.name, fit.column_pt(wd), 11, "Calibri", bold=True)
                 for c, wd in zip(table.columns, widths)), default=1)
    height = max(32.0, fit.row_pt(lines, 11, "Calibri") + 2)
    ws.set_row(r, height)
    return height


def _progress_formatting(w: Writer, ws, first: int, last: int) -> None:
    """Yellow: a Pre with no Post yet.  Red: Post no better than Pre (lower-is-better
    measures the other way round).  Ages typed as text ('7y 2m') are not compared here;
    provmap's rollup compares them."""
    t = PROVISION_ROWS
    pre, post, prov = (letter(t, k) for k in ("pre", "post", "provision"))
    r = first + 1
    ws.conditional_format(first, col(t, "post"), last, col(t, "post"), {
        "type": "formula", "criteria": f'=AND(${pre}{r}<>"",${post}{r}="")',
        "format": w.fmt["missing"]})
    higher = (f'IFERROR(UPPER(LEFT(TRIM(INDEX(ProvisionHigherIsBetter,'
              f'MATCH(${prov}{r},ProvisionNames,0))),1)),"Y")')
    gain = f'IF(OR({higher}="N",{higher}="F"),${pre}{r}-${post}{r},${post}{r}-${pre}{r})'
    ws.conditional_format(first, col(t, "pre"), last, col(t, "post"), {
        "type": "formula",
        "criteria": f"=AND(ISNUMBER(${pre}{r}),ISNUMBER(${post}{r}),{gain}<=0)",
        "format": w.fmt["no_gain"]})
