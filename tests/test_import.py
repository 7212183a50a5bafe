"""`provmap import`: a provision map kept as one long table, brought into a standard workbook
(import.md, section 3).

The example school exported as a long table imports to a workbook whose rollup equals the
original's (every column with a Term, as .xlsx; dates only and values in words, as CSV);
what cannot be placed is kept and counted; headings in other tools' words, a mapping file,
and the refusals.
"""

from __future__ import annotations

import csv
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import provmap
from figures import TODAY, differences
from provmap.dev.mis_roster import write_sims_roster
from provmap.dev.staff_words import in_words
from provmap.problems import Code
from provmap.schema import LONG_TABLE
from provmap.upn import with_check_letter
from provmap.read.longtable import parse_term
from provmap.workbook.fromtable import ImportRefused, import_table
from provmap.workbook.layout import NOTES_HEADER
from provmap.workbook.totable import EXPORTED, long_table_rows, write_long_table

EXAMPLE = Path(__file__).parent.parent / "workbooks" / "Provision map 2025-26.xlsx"
SCHOOL = "Hollins Park Primary School"


@pytest.fixture(scope="module")
def example():
    return provmap.load(EXAMPLE)


@pytest.fixture(scope="module")
def rows_in(example) -> int:
    """The example's provision rows: every one must come back."""
    return sum(len(s.provision_rows) for s in example.sheets)


@pytest.fixture(scope="module")
def roster(example, tmp_path_factory):
    return write_sims_roster(example.pupils.values(),
                             tmp_path_factory.mktemp("roster") / "SIMS roster.csv", SCHOOL)


def errors_of(path) -> list:
    return [p for p in provmap.check(provmap.load(path), today=TODAY) if p.is_error]


# --- lossless -------------------------------------------------------------------------------

def test_every_column_with_a_term_as_xlsx_rolls_up_exactly_the_same(example, roster, rows_in,
                                                                   tmp_path):
    table = write_long_table(long_table_rows(example), tmp_path / "table.xlsx")
    result = import_table(table, tmp_path / "imported.xlsx", roster, school=SCHOOL, today=TODAY)
    assert result.exit_code == 0 and not result.not_imported
    assert sum(result.placed.values()) == result.rows_read == rows_in
    assert [p for p in result.problems if p.severity != "info"] == []
    assert errors_of(result.out) == []
    assert differences(EXAMPLE, result.out) == []


def test_dates_only_values_in_words_as_csv_rolls_up_to_the_penny(example, roster, rows_in,
                                                                  tmp_path):
    rows = long_table_rows(example, term=False, dates="always")
    rng = random.Random(19)
    worded = 0
    for r in rows:
        for k, v in r.items():
            unit = LONG_TABLE.by_key[k].unit
            if unit is not None and v is not None and rng.random() < 1 / 3:
                r[k] = in_words(v, unit, rng)
                worded += r[k] != v
    assert worded > 200
    table = write_long_table(rows, tmp_path / "table.csv", [k for k in EXPORTED if k != "term"])
    result = import_table(table, tmp_path / "imported.xlsx", roster, school=SCHOOL, today=TODAY)
    assert result.exit_code == 0 and sum(result.placed.values()) == rows_in
    assert result.year_from == "from the dates in the table"
    said = [p for p in result.problems if p.code is Code.READ_FROM_WORDS]
    assert {p.message.split(":")[0] for p in said} == {
        "Sessions per week", "Minutes per session", "Weeks", "Hourly cost", "Resource cost",
        "Cost"}
    assert errors_of(result.out) == []
    assert differences(EXAMPLE, result.out, penny=True) == []


def test_a_table_without_costs_or_upns_says_what_is_missing_and_loses_nothing(
        example, roster, rows_in, tmp_path):
    columns = [k for k in EXPORTED if k not in ("upn", "hourly_cost", "resource_cost", "cost")]
    table = write_long_table(long_table_rows(example), tmp_path / "t.xlsx", columns)
    result = import_table(table, tmp_path / "imported.xlsx", roster, school=SCHOOL, today=TODAY)
    assert sum(result.placed.values()) + len(result.not_imported) == result.rows_read == rows_in
    said = [p.message for p in result.problems if p.code is Code.MISSING_IN_TABLE]
    assert "The table has no UPN (pupils are found by name on the roster)." in said
    assert any(m.startswith("The table has no Hourly cost") for m in said)
    assert any(m.startswith("The table has no Resource cost") for m in said)
    templated = [p.message for p in result.problems if p.code is Code.TEMPLATE_HOURLY_COST]
    assert "TA: no hourly cost in the table, so Staff gives the standard template's for a " \
           "teaching assistant (£18.00)." in templated
    m = provmap.load(result.out)
    assert m.staff["ta"].hourly_cost == 18
    named = {p.message.split(":")[0] for p in result.problems if p.code is Code.MISSING_IN_TABLE
             and "not one of the template's roles" in p.message}
    assert named == {s.name for s in m.staff.values() if s.hourly_cost is None}
    # every row is on its sheet; only the named staff's rows cannot be costed
    assert sum(len(s.provision_rows) for s in m.sheets) == rows_in
    assert {p.code for p in errors_of(result.out)} == {Code.UNKNOWN_STAFF}


# --- headings and values in other tools' words ---------------------------------------------

UPN = [with_check_letter(f"8234001000{n:02d}") for n in range(1, 7)]
ROSTER = [["UPN", "Forename", "Surname", "Year", "Reg Group", "SEN Status", "Primary Need"],
          [UPN[0], "Jonathan", "Smith", "3", "3O", "K", "SPLD"],
          [UPN[1], "Aisha", "Khan", "3", "3O", "E", "ASD"],
          [UPN[2], "Leo", "Brown", "4", "4W", "K", "SLCN"],
          [UPN[3], "Maya", "Jones", "4", "4W", "K", "SEMH"]]


def _csv(path: Path, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def _xlsx(path: Path, rows, sheet="Sheet1", before=()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in [*before, *rows]:
        ws.append(list(r))
    wb.save(path)
    return path


@pytest.fixture
def small_roster(tmp_path):
    return _csv(tmp_path / "roster.csv", ROSTER)


HOME_MADE = [
    ["Provision map 2025-26 (SENCo)"], [],
    ["Child", "Intervention", "Wave", "Staff", "Frequency", "Session length", "Start", "End",
     "Entry", "Exit", "Assessment", "Group size", "RAG"],
    ["Jonathan Smith", "Reading fluency", "Wave 2", "TA", "3 x weekly", "30 mins",
     date(2025, 9, 15), date(2025, 12, 12), "7y 2m", "7y 9m", "Reading age", 4, "G"],
    ["Khan, Aisha", "Reading fluency", "Wave 2", "TA", "3 x weekly", "30 mins",
     date(2025, 9, 15), date(2025, 12, 12), "6y 11m", "7y 1m", "Reading age", 4, "A"],
    ["Leo Brown", "Talk boost", "Wave 3", "Mrs Patel", "twice a week", "20 mins",
     date(2026, 1, 2), None, 85, 92, "Language standardised score", 3, "G"],
    ["Maya Jones", "Talk boost", "Wave 3", "Mrs Patel", "weekly", "1 hour",
     date(2025, 12, 1), date(2026, 2, 13), 80, 84, "Language standardised score", 3, "R"],
    ["Maya Jones", "ELSA", "Wave 3", "ELSA", "weekly", "half an hour", date(2026, 4, 20),
     None, 18, 12, "SDQ total difficulties", None, "G"],
]


def test_a_home_made_table_in_its_own_words(tmp_path, small_roster):
    table = _xlsx(tmp_path / "home.xlsx", HOME_MADE)
    result = import_table(table, tmp_path / "out.xlsx", small_roster, school="Oak Tree",
                          today=date(2026, 5, 1))
    assert result.exit_code == 0
    assert result.ignored == ["'RAG' (M)"]
    assert result.year == "2025-26" and result.year_from.startswith("from the dates")
    m = provmap.load(result.out)
    got = [(s.name, r.pupil_text, r.provision, r.type, r.sessions_per_week,
            r.minutes_per_session, r.pre, r.post) for s in m.sheets for r in s.provision_rows]
    assert got == [
        ("3O Autumn", "Jonathan Smith", "Reading fluency", None, None, None, 86, 93),
        ("3O Autumn", "Aisha Khan", "Reading fluency", None, None, None, 83, 85),
        ("4W Autumn", "Maya Jones", "Talk boost", None, 1, 60, 80, 84),
        ("4W Spring", "Leo Brown", "Talk boost", None, None, None, 85, 92),
        ("4W Summer", "Maya Jones", "ELSA", None, None, None, 18, 12),
    ]
    fluency, talk, elsa = (m.provision(n) for n in ("Reading fluency", "Talk boost", "ELSA"))
    # Wave 2 is a group; Wave 3 with a group size above 1 is a group; Wave 3 alone is 1:1
    assert (fluency.type, talk.type, elsa.type) == ("Group", "Group", "1:1")
    assert (fluency.sessions_per_week, fluency.minutes_per_session) == (3, 30)
    # the most common delivery on Provisions; Maya's own row keeps its own
    assert (talk.sessions_per_week, talk.minutes_per_session) == (2, 20)
    assert (fluency.measure_kind, talk.measure_kind, elsa.measure_kind) == (
        "months", "standardised", "score")
    assert elsa.higher_is_better is False
    [kinds, lower] = [p.message for p in result.problems if p.code is Code.MEASURE_WORKED_OUT]
    assert kinds.startswith("The table gives no measure kind, so provmap worked one out for 3 "
                            "provisions (")
    assert kinds.endswith(": Reading fluency months, Talk boost standardised, ELSA score. Each "
                          "is noted on its Provisions row: check them.")
    assert lower.startswith("Higher is better is N (a fall is progress) for ELSA ('SDQ total "
                            "difficulties')")
    sheet = openpyxl.load_workbook(result.out)["Provisions"]
    at = [c.value for c in sheet[1]].index(NOTES_HEADER)      # after the schema's columns
    notes = {r[0].value: r[at].value for r in sheet.iter_rows(min_row=2) if r[0].value}
    assert notes["Reading fluency"] == ("Measure kind 'months' worked out by provmap (scores "
                                        "typed as ages, e.g. '7y 2m'). Check it.")
    assert notes["ELSA"] == ("Measure kind 'score' worked out by provmap ('SDQ total "
                             "difficulties' is neither an age nor standardised); Higher is "
                             "better N: the template knows 'SDQ total difficulties' as "
                             "lower-is-better. Check it.")
    spans = [p for p in result.problems if p.code is Code.SPANS_TERMS]
    assert [p.cell for p in spans] == ["G7"]                 # Maya's Talk boost: Dec to Feb
    assert "placed in Autumn, the term it starts in" in spans[0].message
    staff = {p.message.split(":")[0] for p in result.problems
             if p.code in (Code.TEMPLATE_HOURLY_COST, Code.MISSING_IN_TABLE)}
    assert {"TA", "ELSA", "Mrs Patel"} <= staff
    assert "The table has no Weeks (type each provision's on Provisions: until then its rows " \
           "cannot be costed)." in [p.message for p in result.problems]
    assert {p.code for p in errors_of(result.out)} == {Code.UNKNOWN_STAFF, Code.MISSING_VALUE}


def test_rows_that_cannot_be_placed_go_on_the_not_imported_sheet(tmp_path, small_roster):
    rows = [["Pupil", "UPN", "Provision", "Term", "Type", "Delivered by", "Sessions per week",
             "Minutes per session", "Weeks"],
            ["Jonathan Smith", None, "Precision teaching", "Aut 1", "1:1", "TA", 3, 10, 12],
            ["Jonathon Smyth", None, "Precision teaching", "Autumn", "1:1", "TA", 3, 10, 12],
            ["Aisha Khan", None, None, "Autumn", "1:1", "TA", 3, 10, 12],
            [None, None, "Lego therapy", "Spring", "Group", "TA", 1, 45, 10],
            ["Leo Brown", None, "Lego therapy", "Winter", "Group", "TA", 1, 45, 10],
            ["Maya Jones", None, "Lego therapy", "Spring 2025", "Group", "TA", 1, 45, 10],
            ["Somebody", with_check_letter("823400100099"), "Lego therapy", "Spring", "Group",
             "TA", 1, 45, 10]]
    table = _csv(tmp_path / "t.csv", rows)
    result = import_table(table, tmp_path / "out.xlsx", small_roster, year="2025-26",
                          today=TODAY)
    assert result.exit_code == 1
    assert result.not_imported == [
        (3, "the pupil is not on the register (closest: Jonathan Smith)"),
        (4, "no provision"),
        (5, "no pupil"),
        (6, "no term ('Winter' is not Autumn, Spring or Summer)"),
        (7, "from another academic year (Spring 2025), not 2025-26"),
        (8, "the pupil is not on the register (UPN not found)")]
    ws = openpyxl.load_workbook(result.out)["Not imported"]
    values = [tuple(r) for r in ws.iter_rows(values_only=True)]
    assert values[2][:4] == ("Why not imported", "Row in t.csv", "Pupil", "UPN")
    assert values[3][:3] == ("the pupil is not on the register (closest: Jonathan Smith)", 3,
                             "Jonathon Smyth")
    assert len(values) == 3 + 6
    text = "\n".join(result.lines())
    assert "  Not imported: 6 rows, on the 'Not imported' sheet with the reason:" in text
    assert "    2 the pupil is not on the register" not in text     # reasons differ: each said


def test_terms_as_schools_write_them():
    assert parse_term("Aut 1") == ("Autumn", None)
    assert parse_term("Autumn 2") == ("Autumn", None)
    assert parse_term("autumn 2025") == ("Autumn", 2025)
    assert parse_term("Spring 2026") == ("Spring", 2025)
    assert parse_term("Summer term 2026") == ("Summer", 2025)
    assert parse_term("Spr") == ("Spring", None)
    assert parse_term("Winter") is None


def test_a_start_date_in_a_holiday_belongs_to_the_next_term(tmp_path, small_roster):
    rows = [["Pupil", "Provision", "Type", "Start date"],
            ["Leo Brown", "Lego therapy", "Group", "02/01/2026"],    # Christmas holiday
            ["Leo Brown", "Nurture", "Group", "01/08/2026"]]         # summer holiday
    result = import_table(_csv(tmp_path / "t.csv", rows), tmp_path / "o.xlsx", small_roster,
                          year="2025-26", today=TODAY)
    assert result.placed == {("Spring", "4W"): 1}
    assert result.not_imported == [(3, "no term (01/08/2026 is in no term of 2025-26)")]


def test_without_a_roster_the_register_comes_from_the_table(tmp_path):
    rows = [["Forename", "Surname", "UPN", "Class", "Year", "SEN Status", "Provision", "Term",
             "Type"],
            ["Jonathan", "Smith", UPN[0], "3O", "3", "SEN Support", "Lego therapy", "Autumn",
             "Group"],
            ["Jonathan", "Smith", None, "3O", None, None, "Lego therapy", "Spring", "Group"],
            ["Ana", "Lee", None, "3O", None, None, "Lego therapy", "Spring", "Group"]]
    result = import_table(_csv(tmp_path / "t.csv", rows), tmp_path / "o.xlsx", today=TODAY)
    assert result.register_made == 1 and result.exit_code == 1
    assert result.not_imported == [
        (4, "no UPN on this or any other row for this pupil (give --pupils ROSTER)")]
    [pupil] = provmap.load(result.out).pupils.values()
    assert (pupil.name, pupil.class_name, pupil.year_group, pupil.sen_status) == (
        "Jonathan Smith", "3O", "3", "K")
    assert result.school == "t"


def test_a_mapping_names_other_headings(tmp_path, small_roster):
    rows = [["Kid", "Prog", "Term", "Type", "Notes for SENCo"],
            ["Leo Brown", "Lego therapy", "Autumn", "Group", "keep going"]]
    table = _csv(tmp_path / "t.csv", rows)
    with pytest.raises(ImportRefused, match="no header row names a pupil"):
        import_table(table, tmp_path / "o.xlsx", small_roster)
    mapping = _csv(tmp_path / "map.csv", [["Heading", "Means"], ["Kid", "Pupil"],
                                          ["Prog", "Intervention"],
                                          ["Notes for SENCo", "Ignore"], ["Absent", "Pupil"]])
    result = import_table(table, tmp_path / "o.xlsx", small_roster, mapping=mapping,
                          year="2025-26", today=TODAY)
    assert result.placed == {("Autumn", "4W"): 1}
    assert result.ignored == ["'Notes for SENCo' (E)",
                              "the mapping's 'absent' (no such heading in the table)"]
    bad = _csv(tmp_path / "bad.csv", [["Heading", "Means"], ["Kid", "Child's name"]])
    with pytest.raises(ImportRefused) as exc:
        import_table(table, tmp_path / "o2.xlsx", small_roster, mapping=bad)
    assert "'Child's name' is not something provmap knows. 'Means' may be one of: Pupil, " \
           "Forename, Surname, UPN, Class, Term, Provision," in str(exc.value)


def test_a_long_table_on_a_sheet_named_provisions(tmp_path, small_roster):
    table = _xlsx(tmp_path / "t.xlsx", [["Pupil", "Provision", "Type", "Term"],
                                        ["Leo Brown", "Lego therapy", "Group", "Spring"]],
                  sheet="Provisions")
    result = import_table(table, tmp_path / "o.xlsx", small_roster, year="2025-26",
                          today=TODAY)
    assert result.placed == {("Spring", "4W"): 1}


def _file(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("make, words", [
    (lambda d: _csv(d / "t.csv", [["a", "b"], ["1", "2"]]), "its headings are 'a', 'b'"),
    (lambda d: d / "missing.xlsx", "there is no file here"),
    (lambda d: _file(d / "t.xls", b"\xd0\xcf\x11\xe0"), "save it as .xlsx"),
    (lambda d: _file(d / "t.xlsx", b"PK\x03\x04junk"), "damaged"),
    (lambda d: EXAMPLE, "is already a provmap workbook"),
])
def test_refusals_write_nothing(tmp_path, small_roster, make, words):
    with pytest.raises(ImportRefused, match=words):
        import_table(make(tmp_path), tmp_path / "o.xlsx", small_roster)
    assert not (tmp_path / "o.xlsx").exists()


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "provmap", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


def test_the_command_line(tmp_path, small_roster):
    table = _xlsx(tmp_path / "home.xlsx", HOME_MADE)
    out = tmp_path / "out.xlsx"
    result = run("import", table, out, "--pupils", small_roster, "--school", "Oak Tree")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Read roster.csv: 4 pupils in 2 classes")
    assert "Read home.xlsx, sheet 'Sheet1': 5 rows under the headings in row 3." in lines
    assert f"Wrote {out}: Oak Tree, 2025-26 (from the dates in the table)." in lines
    assert "  Placed: 5 rows of 5." in lines
    assert lines[-1] == f'Next: provmap check "{out}"'
    again = run("import", table, out, "--pupils", small_roster)
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = _csv(tmp_path / "t.csv", [["Pupil", "Provision", "Term"], ["Nobody", "X", "Autumn"]])
    partly = run("import", bad, tmp_path / "o2.xlsx", "--pupils", small_roster, "--year",
                 "2025-26")
    assert partly.returncode == 1 and "Not imported: 1 row," in partly.stdout
    assert "Traceback" not in partly.stderr + again.stderr


def test_sheet_chooses_the_table(tmp_path, small_roster):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["Pupil", "Provision", "Term"])          # a table, but not this one
    wb.active.append(["Leo Brown", "Lego therapy", "Autumn"])
    ws = wb.create_sheet("Spring provision")
    ws.append(["Pupil", "Provision", "Term", "Type"])
    ws.append(["Maya Jones", "Nurture", "Spring", "Group"])
    path = tmp_path / "two.xlsm"
    wb.save(path)
    first = import_table(path, tmp_path / "a.xlsx", small_roster, year="2025-26", today=TODAY)
    assert first.table.sheet == "Notes" and first.placed == {("Autumn", "4W"): 1}
    chosen = import_table(path, tmp_path / "b.xlsx", small_roster, year="2025-26",
                          sheet="spring provision", today=TODAY)
    assert chosen.table.sheet == "Spring provision" and chosen.placed == {("Spring", "4W"): 1}
    with pytest.raises(ImportRefused, match="has no sheet 'Summer'; its sheets are 'Notes', "
                                            "'Spring provision'"):
        import_table(path, tmp_path / "c.xlsx", small_roster, sheet="Summer")


def test_a_date_no_calendar_holds_is_a_located_answer_not_a_crash(tmp_path, small_roster):
    # A negative number in a date cell makes python-calamine panic (a Rust panic, which
    # Python's `except Exception` does not catch): the table is read another way, and the
    # date is an answer at its cell like any other value that is not a date.
    table = _xlsx(tmp_path / "home.xlsx", HOME_MADE)
    wb = openpyxl.load_workbook(table)
    wb.active["G4"].value = -1e12
    wb.active["G4"].number_format = "dd/mm/yyyy"
    wb.save(table)
    out = tmp_path / "out.xlsx"
    result = run("import", table, out, "--pupils", small_roster, "--school", "Oak Tree")
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr
    if result.returncode == 2:
        assert result.stderr.strip().splitlines()[-1].startswith("provmap: ")
