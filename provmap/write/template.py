"""The blank standard workbook (`provmap new`), and the same layout filled by the example.

Everything about the layout comes from :mod:`provmap.schema`: headers, column order, widths,
dropdown choices.  Column letters are worked out here from a table's column order and never
typed by hand.  The example generator pours its rows into :func:`new_workbook` through
:class:`ExampleData`, so the example looks exactly like what a school gets.

The Cost column of each provision row holds a live formula that shows staff the pupil's
share, worked out the way provmap's rollup does (see docs/template.md for the one case where
it differs: a labelled group spread over several class sheets).  provmap itself never trusts
that formula; it recomputes the share from the inputs.
"""

from __future__ import annotations

import math
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .. import schema
from ..schema import (PROFESSIONALS, PROFILES, PROVISION_ROWS, PROVISIONS, PUPILS, REVIEW_ROWS,
                      SETTINGS, STAFF, Column, Kind, Table)
from ..values import BadValue, parse_number
from . import page
from .atomic import atomic_write

# How many empty rows carry dropdowns and formulas, so staff can add rows without copying.
PROVISION_ROWS_PER_SHEET = 60      # at least; more when a sheet already holds more
SPARE_PROVISION_ROWS = 15          # empty rows kept below the last filled one
SPARE_REVIEW_ROWS = 8
SPARE_REGISTER_ROWS = 200          # pupils added to the register later still reach dropdowns
REFERENCE_ROWS = 300               # rows of Staff / Provisions covered by names and dropdowns
TITLE_ROWS = 3                     # title, guidance, blank: the provision header is row 4
GAP_ROWS = 2                       # blank rows between the provision and review tables

FULL_NAME_HEADER = "Full name (for dropdowns)"
NOTES_HEADER = "Notes"

DEFAULT_STAFF: list[dict[str, Any]] = [
    {"Name": "Teacher", "Role": "Class teacher", "Hourly cost": 40},
    {"Name": "TA", "Role": "Teaching assistant", "Hourly cost": 18},
    {"Name": "HLTA", "Role": "Higher level teaching assistant", "Hourly cost": 22},
    {"Name": "SENCo", "Role": "Special educational needs coordinator", "Hourly cost": 45},
    {"Name": "ELSA", "Role": "Emotional literacy support assistant", "Hourly cost": 20},
    {"Name": "Learning mentor", "Role": "Learning mentor", "Hourly cost": 21},
    {"Name": "SALT (external)", "Role": "Speech and language therapist (bought in)",
     "Hourly cost": 65},
    {"Name": "EP (external)", "Role": "Educational psychologist (bought in)", "Hourly cost": 90},
]

C_I, C_L, SEMH, S_P = schema.C_AND_I, schema.C_AND_L, schema.SEMH_AREA, schema.S_AND_P
QFT, GRP, ONE = schema.QFT, schema.GROUP, schema.ONE_TO_ONE


def _p(name, type_, area, by, sessions, minutes, weeks, resource, measure, kind, higher="Y"):
    return {"Provision": name, "Type": type_, "Area of need": area, "Delivered by": by,
            "Sessions per week": sessions, "Minutes per session": minutes, "Weeks": weeks,
            "Resource cost": resource, "Measure": measure, "Measure kind": kind,
            "Higher is better": higher}


DEFAULT_PROVISIONS: list[dict[str, Any]] = [
    _p("Precision teaching", ONE, C_L, "TA", 3, 10, 12, 0, "Reading age", "months"),
    _p("Phonics catch-up group", GRP, C_L, "TA", 4, 20, 12, 30, "Phonics check score", "score"),
    _p("Reading fluency group", GRP, C_L, "TA", 3, 30, 12, 40, "Reading age", "months"),
    _p("Maths catch-up group", GRP, C_L, "TA", 3, 30, 12, 25, "Maths standardised score",
       "standardised"),
    _p("Spelling and handwriting group", GRP, S_P, "TA", 2, 20, 10, 35, "Spelling age",
       "months"),
    _p("Speech and language group", GRP, C_I, "TA", 2, 30, 10, 20, "Language standardised score",
       "standardised"),
    _p("Speech and language therapy", ONE, C_I, "SALT (external)", 1, 45, 6, 0,
       "SALT targets met (of 10)", "score"),
    _p("Lego therapy", GRP, C_I, "HLTA", 1, 45, 10, 60, "Social communication score", "score"),
    _p("Nurture group", GRP, SEMH, "HLTA", 4, 60, 12, 150, "Boxall profile", "score"),
    _p("ELSA sessions", ONE, SEMH, "ELSA", 1, 30, 8, 10, "SDQ total difficulties", "score", "N"),
    _p("Fine motor skills group", GRP, S_P, "TA", 3, 15, 10, 45, "Fine motor checklist", "score"),
    _p("Visual timetable", QFT, C_I, "Teacher", None, None, None, 5, None, None),
    _p("Coloured overlays and reading ruler", QFT, C_L, "Teacher", None, None, None, 8, None,
       None),
    _p("Movement breaks", QFT, S_P, "Teacher", None, None, None, 0, None, None),
]


@dataclass
class ExampleData:
    """Rows to pour into the template (the example school, or a test's small workbook).

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
    created: datetime | None = None      # fixed for the example, so its file is reproducible


# ---------------------------------------------------------------------------------------------
# Column positions, from the schema only


_COLS: dict[tuple[int, str], int] = {}


def col(table: Table, key: str) -> int:
    """0-based column index of a field in a table's standard layout."""
    found = _COLS.get((id(table), key))
    if found is None:
        for i, c in enumerate(table.columns):
            if c.key == key or c.name == key:
                found = _COLS[(id(table), key)] = i
                break
        else:
            raise KeyError(key)
    return found


def letter(table: Table, key: str) -> str:
    return xl_col_to_name(col(table, key))


def _range(sheet: str, table: Table, key: str, first: int, last: int) -> str:
    c = letter(table, key)
    return f"='{sheet}'!${c}${first}:${c}${last}"


# ---------------------------------------------------------------------------------------------
# Settings


def start_year(year: str) -> int:
    """`2025-26`, `2025/26`, `2025-2026` -> 2025."""
    digits = "".join(ch if ch.isdigit() else " " for ch in year).split()
    if not digits or len(digits[0]) != 4:
        raise ValueError(f"academic year {year!r} should look like 2025-26")
    return int(digits[0])


def _easter(y: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm): English spring terms end around it."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(y, month, day)


def _weekday_on_or_after(d: date, weekday: int | None = None) -> date:
    while d.weekday() > 4 or (weekday is not None and d.weekday() != weekday):
        d += timedelta(days=1)
    return d


def _weekday_on_or_before(d: date, weekday: int | None = None) -> date:
    while d.weekday() > 4 or (weekday is not None and d.weekday() != weekday):
        d -= timedelta(days=1)
    return d


def default_term_dates(year: str) -> dict[str, date]:
    """Typical English term dates for an academic year; schools change them to their LA's."""
    y = start_year(year)
    easter = _easter(y + 1)
    return {
        "Autumn start": _weekday_on_or_after(date(y, 9, 3)),
        "Autumn end": _weekday_on_or_before(date(y, 12, 19), 4),
        "Spring start": _weekday_on_or_after(date(y + 1, 1, 5), 0),
        "Spring end": easter - timedelta(days=9),           # the Friday a week before Easter
        "Summer start": easter + timedelta(days=8),         # the Monday after Easter week
        "Summer end": _weekday_on_or_before(date(y + 1, 7, 22)),
    }


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
    ]
    out = []
    seen = set()
    for key, value, note in rows:
        seen.add(key)
        out.append((key, overrides.get(key, value), note))
    for key, value in overrides.items():
        if key not in seen:
            out.append((key, value, ""))
    return out


# ---------------------------------------------------------------------------------------------
# The cost formula, and the same sum in Python for the cached value


def _match_any(expr: str, choices: schema.Choices, canon: str) -> str:
    words = [canon, *choices.words[canon]]
    array = ",".join('"' + w.replace('"', '""') + '"' for w in words)
    return f"ISNUMBER(MATCH(TRIM({expr}),{{{array}}},0))"


_ROW = "\u00a7"          # stands for the row number in a cached formula template


def cost_formula(row: int, first: int, last: int) -> str:
    """The Cost formula for worksheet row ``row`` (1-based) of a provision table whose rows
    run from ``first`` to ``last``: this pupil's share of the group's cost for the term.

    Blank when the row has no pupil; a provision's default fills any blank delivery cell;
    quality first teaching costs only its resource; 1:1 is a group of one; otherwise the
    group is every row on this sheet with the same Provision and Group, unless Group size
    is typed.  Errors (an unknown provision or staff member) show as a blank, never #N/A.
    """
    return _cost_template(first, last).replace(_ROW, str(row))


@lru_cache(maxsize=64)
def _cost_template(first: int, last: int) -> str:
    t = PROVISION_ROWS
    r = _ROW

    def at(key: str) -> str:
        return f"${letter(t, key)}{r}"

    def span(key: str) -> str:
        c = letter(t, key)
        return f"${c}${first}:${c}${last}"

    idx = f"MATCH({at('provision')},ProvisionNames,0)"

    def own_or_default(key: str, name: str) -> str:
        return f"IF({at(key)}<>\"\",{at(key)},INDEX({name},{idx}))"

    typ = own_or_default("type", "ProvisionType")
    qft = _match_any(typ, schema.PROVISION_TYPE, schema.QFT)
    one = _match_any(typ, schema.PROVISION_TYPE, schema.ONE_TO_ONE)
    by = own_or_default("delivered_by", "ProvisionDeliveredBy")
    rate = f"INDEX(StaffHourlyCost,MATCH({by},StaffNames,0))"
    staff = (f"{rate}*{own_or_default('minutes_per_session', 'ProvisionMinutes')}/60"
             f"*{own_or_default('sessions_per_week', 'ProvisionSessions')}"
             f"*{own_or_default('weeks', 'ProvisionWeeks')}")
    res = f"IFERROR(INDEX(ProvisionResourceCost,{idx})*1,0)"
    counted = (f"SUMPRODUCT(((({span('pupil')}<>\"\")+({span('upn')}<>\"\"))>0)"
               f"*({span('provision')}={at('provision')})*({span('group')}={at('group')}))")
    size = f"IF({at('group_size')}<>\"\",{at('group_size')},{counted})"
    share = f"IF({qft},{res},IF({one},{staff}+{res},({staff}+{res})/{size}))"
    return f"=IF(AND({at('pupil')}=\"\",{at('upn')}=\"\"),\"\",IFERROR({share},\"\"))"


def _fold(v: Any) -> str:
    return "" if v is None else str(v).strip().casefold() if isinstance(v, str) else str(v)


def _num(v: Any) -> float:
    """A cell as Excel's arithmetic sees it: blank is 0, numeric text is its number."""
    if v is None or v == "":
        return 0.0
    if isinstance(v, (int, float)):
        return float(v)
    n = parse_number(v)
    if n is None:
        return 0.0
    return n


def sheet_costs(rows: list[dict[str, Any]], provisions: list[dict[str, Any]],
                staff: list[dict[str, Any]]) -> list[float | str]:
    """What :func:`cost_formula` shows for each row of one sheet (the cached value).

    Mirrors the formula step by step, so a file that is never recalculated (opened by a
    program, or by LibreOffice set never to recalculate) still shows the right numbers.
    """
    prov = {}
    for p in provisions:
        prov.setdefault(_fold(p.get("Provision")), p)
    rates = {}
    for s in staff:
        rates.setdefault(_fold(s.get("Name")), s.get("Hourly cost"))

    def has_pupil(r: dict) -> bool:
        return _fold(r.get("Pupil")) != "" or _fold(r.get("UPN")) != ""

    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        if has_pupil(r):
            k = (_fold(r.get("Provision")), _fold(r.get("Group")))
            counts[k] = counts.get(k, 0) + 1
    out: list[float | str] = []
    for r in rows:
        if not has_pupil(r):
            out.append("")
            continue
        p = prov.get(_fold(r.get("Provision")))

        def own(key: str):
            v = r.get(key)
            if v is not None and v != "":
                return v
            if p is None:
                raise LookupError(key)
            return p.get(key)
        try:
            typ = schema.PROVISION_TYPE.canonical(str(own("Type") or ""))
            res = _num(p.get("Resource cost")) if p else 0.0
            if typ == schema.QFT:
                out.append(res)
                continue
            by = _fold(own("Delivered by"))
            if by not in rates:
                raise LookupError(by)
            cost = (_num(rates[by]) * _num(own("Minutes per session")) / 60
                    * _num(own("Sessions per week")) * _num(own("Weeks")))
            if typ == schema.ONE_TO_ONE:
                out.append(cost + res)
                continue
            gs = r.get("Group size")
            size = _num(gs) if gs not in (None, "") else \
                counts[(_fold(r.get("Provision")), _fold(r.get("Group")))]
            out.append((cost + res) / size)
        except (LookupError, ZeroDivisionError, BadValue):
            out.append("")
    return out


# ---------------------------------------------------------------------------------------------
# The writer


def _plain_formula(formula: str, expand_future_functions: bool = False) -> str:
    """XlsxWriter's formula preparation minus its ~30 regular expressions for Excel 365
    function names, which this template never uses; with 100,000+ cost formulas in a
    big school those regexes took most of the writing time."""
    return formula[1:] if formula.startswith("=") else formula


def _write_formula(ws, r: int, c: int, formula: str, fmt, value) -> None:
    """ws.write_formula without its per-formula scans for Excel 365 array functions (which
    these formulas never contain): the same cell record, stored directly.  Falls back to the
    public call if XlsxWriter's internals ever change."""
    tuple_ = getattr(xlsxwriter.worksheet, "CellFormulaTuple", None)
    if tuple_ is None or getattr(ws, "constant_memory", True) or ws._check_dimensions(r, c):
        ws.write_formula(r, c, formula, fmt, value)
        return
    ws.table[r][c] = tuple_(formula[1:], fmt, value)


def _sheet(wb: xlsxwriter.Workbook, name: str):
    ws = wb.add_worksheet(name)
    if hasattr(ws, "_prepare_formula"):
        ws._prepare_formula = _plain_formula
    return ws


class _Writer:
    """Holds the workbook, its formats (made once) and the lists dropdowns point at."""

    def __init__(self, wb: xlsxwriter.Workbook, school: str, year: str):
        self.wb = wb
        self.school = school
        self.year = year
        f = wb.add_format
        base = {"font_name": "Calibri", "font_size": 11, "valign": "top"}
        self.fmt = {
            "title": f({**base, "bold": True, "font_size": 15, "font_color": "#1F3864"}),
            "guide": f({**base, "italic": True, "font_color": "#595959"}),
            "head": f({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78",
                       "text_wrap": True, "border": 1, "border_color": "#BFBFBF",
                       "valign": "vcenter"}),
            "head_review": f({**base, "bold": True, "font_color": "#FFFFFF",
                              "bg_color": "#375623", "text_wrap": True, "border": 1,
                              "border_color": "#BFBFBF", "valign": "vcenter"}),
            "head_extra": f({**base, "bold": True, "font_color": "#404040",
                             "bg_color": "#D9D9D9", "text_wrap": True, "border": 1,
                             "border_color": "#BFBFBF", "valign": "vcenter"}),
            # Data cells carry no borders: gridlines (shown and printed) draw the grid, and
            # a big school's workbook stays small and quick to write.
            "text": f(base),
            "wrap": f({**base, "text_wrap": True}),
            "money": f({**base, "num_format": "£#,##0.00"}),
            "cost": f({**base, "bg_color": "#EDEDED", "num_format": "£#,##0.00"}),
            "date": f({**base, "num_format": "dd/mm/yyyy", "align": "left"}),
            "percent": f({**base, "num_format": "0%"}),
            "helper": f({**base, "font_color": "#808080", "bg_color": "#F2F2F2"}),
            "note": f({**base, "italic": True, "font_color": "#7F6000", "bg_color": "#FFF2CC",
                       "text_wrap": True}),
            "h1": f({**base, "bold": True, "font_size": 16, "font_color": "#1F3864"}),
            "h2": f({**base, "bold": True, "font_size": 12, "font_color": "#1F4E78",
                     "top": 1, "top_color": "#BFBFBF", "text_wrap": True}),
            "para_rule": f({**base, "text_wrap": True, "top": 1, "top_color": "#BFBFBF"}),
            "para": f({**base, "text_wrap": True}),
            "label": f({**base, "bold": True}),
            "missing": f({"bg_color": "#FFE699", "font_color": "#7F6000"}),
            "no_gain": f({"bg_color": "#F8CBAD", "font_color": "#9C0006"}),
        }

    # -- cells ------------------------------------------------------------------------------

    def cell_format(self, column: Column):
        if column.kind is Kind.MONEY:
            return self.fmt["money"]
        if column.kind is Kind.DATE:
            return self.fmt["date"]
        if column.kind is Kind.PERCENT:
            return self.fmt["percent"]
        if column.width >= 26:
            return self.fmt["wrap"]
        return self.fmt["text"]

    def put(self, ws, r: int, c: int, value: Any, fmt) -> None:
        """Write one value by its type; text is always text, never a formula."""
        if value is None or value == "":
            return                                  # nothing to write: keep the file small
        elif isinstance(value, bool):
            ws.write_string(r, c, "Y" if value else "N", fmt)
        elif isinstance(value, (int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                ws.write_blank(r, c, None, fmt)
            else:
                ws.write_number(r, c, value, fmt)
        elif isinstance(value, (date, datetime)):
            ws.write_datetime(r, c, value, self.fmt["date"] if fmt is not self.fmt["percent"]
                              else fmt)
        else:
            ws.write_string(r, c, str(value), fmt)

    def header(self, ws, r: int, table: Table, fmt_key: str = "head") -> None:
        for c, column in enumerate(table.columns):
            ws.write_string(r, c, column.name, self.fmt[fmt_key])

    def widths(self, ws, table: Table, first_col: int = 0) -> None:
        for c, column in enumerate(table.columns):
            ws.set_column(first_col + c, first_col + c, column.width)

    def rows(self, ws, r0: int, table: Table, rows: list[dict[str, Any]]) -> None:
        formats = [self.cell_format(c) for c in table.columns]
        for i, row in enumerate(rows):
            for c, column in enumerate(table.columns):
                self.put(ws, r0 + i, c, row.get(column.name), formats[c])

    def dropdown(self, ws, first: int, last: int, c: int, source: list[str] | str,
                 title: str, what: str) -> None:
        """A list dropdown that warns but lets staff type something else (the reader
        accepts other spellings, e.g. 'QFT' or 'Surname, Forename')."""
        if isinstance(source, list) and any("," in v for v in source):
            raise ValueError(f"{title}: a choice with a comma needs a range, not a list")
        ws.data_validation(first, c, last, c, {
            "validate": "list", "source": source, "ignore_blank": True,
            "error_type": "warning", "error_title": title[:32],
            "error_message": f"{what} is not in the list. Keep it anyway?"[:255],
        })

    def page(self, ws, landscape: bool, title_rows: str | None = None) -> None:
        page.a4(ws, landscape=landscape,
                header=(page.escape(self.school), "&A", page.escape(self.year)),
                footer=("Confidential", "", "Page &P of &N"),
                margins={"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6})
        if title_rows:
            ws.repeat_rows(*[int(x) for x in title_rows.split(":")])


def new_workbook(out: Path, school: str, year: str, roster: Path | None = None, *,
                 data: ExampleData | None = None) -> Path:
    """Write a blank standard workbook for ``school`` and ``year`` to ``out``.

    With ``roster`` (a CSV or .xlsx export from the school's MIS) the register is filled and
    each class gets a sheet per term with its K and E pupils in the review table.  With
    ``data`` the template is filled with those rows instead (the example school, tests).
    The file is written whole or not at all.
    """
    out = Path(out)
    start_year(year)                       # a bad year fails before anything is written
    if data is None:
        data = ExampleData()
        if roster is not None:
            from ..roster import read_roster
            data.pupils = read_roster(Path(roster))
    elif roster is not None:
        raise ValueError("give either a roster or example data, not both")
    with atomic_write(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False,
                                            "strings_to_urls": False})
        wb.set_properties({"title": f"Provision map {year}", "company": school,
                           "created": data.created or datetime.now()})
        try:
            _write(_Writer(wb, school, year), data)
        finally:
            wb.close()
    return out


def _classes(data: ExampleData) -> list[str]:
    if data.classes is not None:
        return list(data.classes)
    seen: dict[str, None] = {}
    for p in data.pupils:
        name = p.get("Class")
        if name not in (None, ""):
            seen.setdefault(str(name).strip(), None)
    return list(seen) or ["Class 1"]


def _write(w: _Writer, data: ExampleData) -> None:
    wb = w.wb
    terms = tuple(data.terms)
    staff = data.staff if data.staff is not None else DEFAULT_STAFF
    provisions = data.provisions if data.provisions is not None else DEFAULT_PROVISIONS
    classes = _classes(data)
    sheet_names = [f"{c} {t}" for c in classes for t in terms]
    for name in sheet_names:
        if len(name) > 31:
            raise ValueError(f"sheet name '{name}' is longer than Excel's 31 characters: "
                             "use a shorter class name")

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
        wb.define_name(name, _range("Provisions", PROVISIONS, key, 2, ref_last))
    wb.define_name("StaffNames", _range("Staff", STAFF, "name", 2, ref_last))
    # Choices containing a comma ("Social, emotional and mental health") cannot be an
    # inline list: Excel splits them.  They live in a hidden column of Instructions.
    for name, c, values in _CHOICE_RANGES:
        cl = xl_col_to_name(c)
        wb.define_name(name, f"=Instructions!${cl}$1:${cl}${len(values)}")
    wb.define_name("StaffHourlyCost", _range("Staff", STAFF, "hourly_cost", 2, ref_last))

    _instructions(w, terms, classes)
    _settings(w, data, terms)
    _pupils(w, data.pupils, last_pupil_row)
    _staff(w, staff, ref_last)
    _provisions(w, provisions, ref_last)
    _pupil_table(w, "Profiles", PROFILES, data.profiles, "area", "=ProfileAreaList",
                 "One row per pupil and area: what the pupil is good at, and what is hard. "
                 "Feeds the pupil's POP.")
    _pupil_table(w, "Professionals", PROFESSIONALS, data.professionals, None, None,
                 "Outside professionals involved with a pupil (SALT, EP, CAMHS, OT ...), and "
                 "when. Feeds the pupil's POP.")
    pupils_by_class: dict[str, list[dict]] = {}
    for p in data.pupils:
        pupils_by_class.setdefault(str(p.get("Class") or "").strip(), []).append(p)
    for c in classes:
        for t in terms:
            name = f"{c} {t}"
            rows = data.provision_rows.get(name, [])
            if name in data.review_rows:
                review = data.review_rows[name]
            else:
                review = [{"Pupil": f"{p.get('Forename', '')} {p.get('Surname', '')}".strip(),
                           "UPN": p.get("UPN")}
                          for p in pupils_by_class.get(c, [])
                          if schema.SEN_STATUS.canonical(str(p.get("SEN status") or "")) in
                          ("K", "E")]
            _class_sheet(w, c, t, rows, review, provisions, staff)
    for name, rows in data.extra_sheets.items():
        ws = _sheet(wb, name)
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                w.put(ws, r, c, v, None)
        ws.set_column(0, 0, 60)


# ---------------------------------------------------------------------------------------------
# Sheets


INSTRUCTIONS = [
    ("What this workbook is",
     "This is {school}'s provision map for {year}: who gets which extra support, how often, "
     "who delivers it, what it costs and what difference it made. The SENCo runs provmap on "
     "it each term to get the rollup for the SENCo, a report for governors and a one-page "
     "overview (POP) for each pupil's review meeting. Keep one workbook per school year."),
    ("Who fills in what",
     "The SENCo (or office) keeps the reference sheets up to date: Settings, Pupils (the "
     "register), Staff, Provisions (the school's menu of interventions), Profiles and "
     "Professionals.\nClass teachers and teaching assistants fill in their class's sheet for "
     "each term, e.g. '{example}': the provision table at the top and the termly review "
     "table below it."),
    ("When",
     "Start of term: add a row for each pupil on each provision, with the Pre score "
     "(the entry assessment) and the pupil's 2 or 3 targets in the review table.\n"
     "During the term: change the row if the support changes (sessions, minutes, who "
     "delivers it).\nEnd of term: type the Post score, the Outcome and the Next step for each "
     "row; fill in the review table (how far each target was met, attendance, attainment and "
     "the staff, parent and pupil views). Then tell the SENCo the sheet is done."),
    ("How to fill in a class sheet",
     "One row per pupil per provision. Pick the pupil and the provision from the dropdowns "
     "(or type the name exactly as it is on the Pupils sheet: 'Forename Surname' or "
     "'Surname, Forename').\nLeave Type, Area of need, Delivered by, Sessions per week, "
     "Minutes per session and Weeks blank to use the provision's usual values from the "
     "Provisions sheet; type over them only when this group is different.\nPupils on the "
     "same provision on the same sheet are one group. For a group that mixes classes, type "
     "the same label (e.g. 'Nurture A') in the Group column on each class's sheet. For a "
     "group that includes pupils not on this map, type the real Group size."),
    ("Scores and ages",
     "Pre and Post use the provision's measure (see the Provisions sheet). Reading or spelling "
     "ages may be typed as months (86) or as '7y 2m' or '7:02'. For scales where lower is "
     "better (e.g. SDQ difficulties) the Provisions sheet says 'Higher is better: N'.\n"
     "A Post left blank when Pre is filled shows in yellow; no gain (or a fall) shows in red."),
    ("The Cost column",
     "Cost is worked out for you: the hourly cost of whoever delivers it x minutes / 60 x "
     "sessions a week x weeks, plus the resource cost, shared between the pupils in the group "
     "(1:1 is a group of one; quality first teaching counts only its resources). If you know "
     "the real cost for a pupil (an invoice, for example), type it over the formula: provmap "
     "then uses your number and lists it as an override.\nFor a labelled group spread over "
     "several class sheets, the Cost column counts only this sheet's pupils; provmap's own "
     "figures count the whole group."),
    ("Dropdowns and free typing",
     "Dropdowns offer the usual choices, but you can type something else: provmap accepts "
     "other spellings (e.g. 'QFT', 'EHCP', 'yes'), numbers typed as text ('£1,200.50') and "
     "dates as day/month/year (12/09/2025). It never reads a date the American way."),
    ("Adding a class, a term or a row",
     "Rows: just type in the next empty row; the first {rows} rows of each provision table "
     "already carry the dropdowns and the Cost formula.\nA class or a term: copy an existing "
     "class sheet and rename it '<class> <term>' (e.g. '4M Spring'). The class must match the "
     "Class column on the Pupils sheet. Keep the header rows as they are; you may move, hide "
     "or add columns, and add notes above or below the tables."),
    ("Checking",
     "The SENCo runs 'provmap check' on the workbook at any time. It lists every problem with "
     "its sheet and cell, in plain English: a misspelt name, a provision that is not on the "
     "Provisions sheet, a missing Post score, a pupil on SEN support with no provision this "
     "term. Errors must be fixed before the numbers are right; warnings are reminders."),
    ("Privacy",
     "This workbook holds personal and sensitive information about children. Keep it on the "
     "school's secure storage, never email it outside the school, and share reports only with "
     "the people they are for: the governors' report names no pupil."),
]


_LIST_COL = 25                     # column Z of Instructions, hidden
_CHOICE_RANGES = (("AreaList", _LIST_COL, schema.AREA.values),
                  ("ProfileAreaList", _LIST_COL + 1, schema.PROFILE_AREA.values))


def _instructions(w: _Writer, terms: tuple[str, ...], classes: list[str]) -> None:
    ws = _sheet(w.wb, "Instructions")
    for _, c, values in _CHOICE_RANGES:
        for r, v in enumerate(values):
            ws.write_string(r, c, v)
        ws.set_column(c, c, 30, None, {"hidden": True})
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, f"Provision map {w.year}: {w.school}", w.fmt["h1"])
    ws.write_string(1, 0, "Read this first. It takes two minutes.", w.fmt["guide"])
    example = f"{classes[0]} {terms[0]}" if classes else f"3O {terms[0]}"
    r = 3
    for heading, text in INSTRUCTIONS:
        body = text.format(school=w.school, year=w.year, example=example,
                           rows=PROVISION_ROWS_PER_SHEET)
        ws.write_string(r, 0, heading, w.fmt["h2"])
        ws.write_string(r, 1, body, w.fmt["para_rule"])
        lines = sum(max(1, math.ceil(len(part) / 118)) for part in body.split("\n"))
        lines = max(lines, math.ceil(len(heading) / 20))
        ws.set_row(r, 15 * lines + 4)
        r += 1
    r += 1
    ws.write_string(r, 0, "The sheets", w.fmt["h2"])
    ws.write_string(r, 1, "", w.fmt["h2"])
    r += 1
    sheets = [
        ("Settings", "School, year, term dates and the thresholds reports use."),
        ("Pupils", "The register: one row per pupil, with UPN, class, SEN status and need."),
        ("Staff", "Who delivers provision and their hourly cost including on-costs. "
                  "The rows given are examples: change them to your own."),
        ("Provisions", "The school's menu of provision with its usual delivery, resources and "
                       "measure. The rows given are a starter menu: edit freely."),
        ("Profiles", "Each pupil's strengths and challenges by area (for the POP)."),
        ("Professionals", "Outside professionals involved with each pupil (for the POP)."),
        ("<class> <term>", f"One sheet per class and term, e.g. '{example}'."),
    ]
    for name, text in sheets:
        ws.write_string(r, 0, name, w.fmt["label"])
        ws.write_string(r, 1, text, w.fmt["para"])
        r += 1
    w.page(ws, landscape=False)


def _settings(w: _Writer, data: ExampleData, terms: tuple[str, ...]) -> None:
    ws = _sheet(w.wb, "Settings")
    w.header(ws, 0, SETTINGS)
    ws.write_string(0, len(SETTINGS.columns), "What it means", w.fmt["head_extra"])
    w.widths(ws, SETTINGS)
    ws.set_column(len(SETTINGS.columns), len(SETTINGS.columns), 70)
    vcol = col(SETTINGS, "value")
    for r, (key, value, note) in enumerate(settings_rows(w.school, w.year, terms,
                                                         data.settings), start=1):
        ws.write_string(r, col(SETTINGS, "setting"), key, w.fmt["label"])
        fmt = w.fmt["money"] if key == "Notional SEN threshold" else w.fmt["text"]
        w.put(ws, r, vcol, value, fmt)
        ws.write_string(r, len(SETTINGS.columns), note, w.fmt["guide"])
    ws.freeze_panes(1, 0)
    w.page(ws, landscape=False)


def _pupils(w: _Writer, pupils: list[dict[str, Any]], last_row: int) -> None:
    ws = _sheet(w.wb, "Pupils")
    w.header(ws, 0, PUPILS)
    full = len(PUPILS.columns)
    ws.write_string(0, full, FULL_NAME_HEADER, w.fmt["head_extra"])
    w.widths(ws, PUPILS)
    ws.set_column(full, full, 24)
    fore, sur = letter(PUPILS, "forename"), letter(PUPILS, "surname")
    formats = [w.cell_format(c) for c in PUPILS.columns]
    for i, p in enumerate(pupils):
        r = i + 1
        for c, column in enumerate(PUPILS.columns):
            w.put(ws, r, c, p.get(column.name), formats[c])
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
    w.page(ws, landscape=True, title_rows="0:0")


def _staff(w: _Writer, staff: list[dict[str, Any]], last_row: int) -> None:
    ws = _sheet(w.wb, "Staff")
    w.header(ws, 0, STAFF)
    notes = len(STAFF.columns)
    ws.write_string(0, notes, NOTES_HEADER, w.fmt["head_extra"])
    w.widths(ws, STAFF)
    ws.set_column(notes, notes, 48)
    w.rows(ws, 1, STAFF, staff)
    if staff is DEFAULT_STAFF:
        for i in range(len(staff)):
            ws.write_string(1 + i, notes, "Example: change to your own staff and costs",
                            w.fmt["note"])
    ws.freeze_panes(1, 1)
    w.page(ws, landscape=False)


def _provisions(w: _Writer, provisions: list[dict[str, Any]], last_row: int) -> None:
    ws = _sheet(w.wb, "Provisions")
    w.header(ws, 0, PROVISIONS)
    w.widths(ws, PROVISIONS)
    w.rows(ws, 1, PROVISIONS, provisions)
    last = last_row - 1
    for key, source in (("type", schema.PROVISION_TYPE.values), ("area_of_need", "=AreaList"),
                        ("delivered_by", "=StaffNames"),
                        ("measure_kind", schema.MEASURE_KIND.values),
                        ("higher_is_better", schema.YES_NO.values)):
        w.dropdown(ws, 1, last, col(PROVISIONS, key), source, PROVISIONS.column(key).name,
                   "That value")
    ws.freeze_panes(1, 1)
    w.page(ws, landscape=True, title_rows="0:0")


def _pupil_table(w: _Writer, name: str, table: Table, rows: list[dict[str, Any]],
                 choice_key: str | None, choices: list[str] | str | None, note: str) -> None:
    ws = _sheet(w.wb, name)
    w.header(ws, 0, table)
    w.widths(ws, table)
    w.rows(ws, 1, table, rows)
    last = max(len(rows) + 200, 400)
    w.dropdown(ws, 1, last, col(table, "pupil"), "=PupilNames", "Pupil", "That pupil")
    if choice_key:
        w.dropdown(ws, 1, last, col(table, choice_key), choices, table.column(choice_key).name,
                   "That area")
    ws.write_string(0, len(table.columns) + 1, note, w.fmt["note"])
    ws.set_column(len(table.columns) + 1, len(table.columns) + 1, 40)
    ws.freeze_panes(1, 1)
    w.page(ws, landscape=True, title_rows="0:0")


def _class_sheet(w: _Writer, class_name: str, term: str, rows: list[dict[str, Any]],
                 review: list[dict[str, Any]], provisions: list[dict[str, Any]],
                 staff: list[dict[str, Any]]) -> None:
    ws = _sheet(w.wb, f"{class_name} {term}")
    ws.write_string(0, 0, f"{class_name}: {term} term {w.year}", w.fmt["title"])
    ws.write_string(1, 0, "One row per pupil per provision. Blank delivery cells use the "
                    "Provisions sheet's usual values; Cost is worked out for you. The termly "
                    "review is below the provision table.", w.fmt["guide"])
    head = TITLE_ROWS                              # 0-based header row of the provision table
    first = head + 1                               # 0-based first data row
    n = max(PROVISION_ROWS_PER_SHEET, len(rows) + SPARE_PROVISION_ROWS)
    last = first + n - 1
    w.header(ws, head, PROVISION_ROWS)
    ws.set_row(head, 32)
    w.widths(ws, PROVISION_ROWS)
    t = PROVISION_ROWS
    cost_c = col(t, "cost")
    cached = sheet_costs(rows, provisions, staff)
    formats = [w.cell_format(c) for c in t.columns]
    widths = class_sheet_widths()
    for i in range(n):
        r = first + i
        row = rows[i] if i < len(rows) else {}
        if row and (height := _row_height(row, t, widths)):
            ws.set_row(r, height)
        for c, column in enumerate(t.columns):
            if c == cost_c:
                if row.get("Cost") not in (None, ""):
                    w.put(ws, r, c, row["Cost"], w.fmt["money"])
                else:
                    _write_formula(ws, r, c, cost_formula(r + 1, first + 1, last + 1),
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
    ws.set_row(rhead, 32)
    m = len(review) + SPARE_REVIEW_ROWS
    rformats = [w.cell_format(c) for c in REVIEW_ROWS.columns]
    attendance = col(REVIEW_ROWS, "attendance")
    for i in range(m):
        row = review[i] if i < len(review) else {}
        if row and (height := _row_height(row, REVIEW_ROWS, widths)):
            ws.set_row(rfirst + i, height)
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
    for c, width in enumerate(class_sheet_widths()):
        ws.set_column(c, c, width, w.fmt["wrap"] if width >= 20 else None)
    ws.hide_gridlines(0)
    ws.freeze_panes(TITLE_ROWS - 1, 1)
    w.page(ws, landscape=True)
    ws.print_area(0, 0, rlast, max(len(t.columns), len(REVIEW_ROWS.columns)) - 1)


REVIEW_WIDTH_CAP = 22     # the review's long text columns wrap instead of widening the sheet


def class_sheet_widths() -> list[float]:
    """Both tables share the sheet's columns: each column is as wide as the provision
    table needs, or the review table's (capped, its text wraps), whichever is wider."""
    out = []
    for c in range(max(len(PROVISION_ROWS.columns), len(REVIEW_ROWS.columns))):
        widths = []
        if c < len(PROVISION_ROWS.columns):
            widths.append(PROVISION_ROWS.columns[c].width)
        if c < len(REVIEW_ROWS.columns):
            widths.append(min(REVIEW_ROWS.columns[c].width, REVIEW_WIDTH_CAP))
        out.append(max(widths))
    return out


def _row_height(row: dict[str, Any], table: Table, widths: list[float]) -> float | None:
    """Enough height for the longest wrapped text on a filled row (LibreOffice does not
    grow rows by itself when it opens a file); None leaves the default."""
    lines = 1
    for c, column in enumerate(table.columns):
        v = row.get(column.name)
        if isinstance(v, str) and c < len(widths) and widths[c] >= 20:
            lines = max(lines, math.ceil(len(v) / (widths[c] + 1)))
    return 15 * lines + 1 if lines > 1 else None


def _progress_formatting(w: _Writer, ws, first: int, last: int) -> None:
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
