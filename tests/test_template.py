"""The blank standard workbook: layout from the schema, dropdowns, the live Cost formula."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

import provmap
from provmap import schema
from provmap.problems import Code, Severity
from provmap.schema import PROVISION_ROWS, REVIEW_ROWS
from libreoffice import recalculated

from provmap.calendar import default_term_dates
from provmap.workbook.cost_formula import cost_formula, sheet_costs
from provmap.workbook.layout import PROVISION_ROWS_PER_SHEET, TITLE_ROWS, letter
from provmap.workbook.standard import ExampleData, new_workbook

ROSTER_CSV = """\
Pupil roster,,,,,,,,
UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Year,Reg Group,SEN Status,Primary Need
G823400100001,Smith,Jonathan,Jon,04/05/2017,Year 3,3O,K - SEN Support,SPLD
W823400100002,Khan,Aisha,,20/11/2017,3,3O,E,Autism
K823400100003,Brown,Leo,,2018-01-02,Y3,3M,SEN support,"Speech, language and communication needs"
Z823400100004,Jones,Maya,,09/09/2017,3,3M,,
"""

MID_SUMMER = date(2026, 6, 20)


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_CSV, encoding="utf-8")
    return path


@pytest.fixture
def blank(tmp_path, roster) -> Path:
    return new_workbook(tmp_path / "map.xlsx", "Oak Tree Primary", "2025-26", roster)


def _validations(ws) -> dict[str, str]:
    """First cell of each validated range -> its list source."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[rng] = dv.formula1
    return out


def test_sheets_in_order_with_a_sheet_per_class_and_term(blank):
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames == [
        "Instructions", "Settings", "Pupils", "Staff", "Provisions", "Profiles",
        "Professionals", "3O Autumn", "3O Spring", "3O Summer", "3M Autumn", "3M Spring",
        "3M Summer"]


def test_headers_come_from_the_schema_in_order(blank):
    wb = openpyxl.load_workbook(blank)
    ws = wb["3O Autumn"]
    head = TITLE_ROWS + 1
    assert [ws.cell(head, c + 1).value for c in range(len(PROVISION_ROWS.columns))] == \
        [c.name for c in PROVISION_ROWS.columns]
    review_head = head + PROVISION_ROWS_PER_SHEET + 3
    assert [ws.cell(review_head, c + 1).value for c in range(len(REVIEW_ROWS.columns))] == \
        [c.name for c in REVIEW_ROWS.columns]
    pupils = wb["Pupils"]
    assert [c.value for c in pupils[1]][:len(schema.PUPILS.columns)] == \
        [c.name for c in schema.PUPILS.columns]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.freeze_panes == "B3"


def test_review_table_is_prefilled_with_the_classes_k_and_e_pupils(blank):
    m = provmap.load(blank)
    by_name = {s.name: s for s in m.sheets}
    assert [(r.pupil_text, r.upn) for r in by_name["3O Autumn"].review_rows] == \
        [("Jon Smith", "G823400100001"), ("Aisha Khan", "W823400100002")]
    assert [r.pupil_text for r in by_name["3M Spring"].review_rows] == ["Leo Brown"]
    assert all(not s.provision_rows for s in m.sheets)


def test_blank_workbook_has_no_errors_and_no_rows_without_pupils(blank):
    problems = provmap.check(provmap.load(blank), today=MID_SUMMER)
    assert [p for p in problems if p.severity is Severity.ERROR] == []
    assert not [p for p in problems if p.code is Code.ROW_WITHOUT_PUPIL]


def test_settings_have_sensible_defaults(blank):
    s = provmap.load(blank).settings
    assert (s.school, s.academic_year, s.terms) == ("Oak Tree Primary", "2025-26",
                                                    ("Autumn", "Spring", "Summer"))
    assert s.threshold == 6000 and s.suppress_below == 5
    assert s.impact_bands == ((2.0, "useful"), (3.0, "substantial"), (4.0, "remarkable"))
    assert s.term_dates["Autumn"] == (date(2025, 9, 3), date(2025, 12, 19))
    assert s.term_dates["Spring"] == (date(2026, 1, 5), date(2026, 3, 27))
    assert s.term_dates["Summer"] == (date(2026, 4, 13), date(2026, 7, 22))


def test_term_dates_follow_easter():
    d = default_term_dates("2023-24")                 # Easter 2024 was 31 March
    assert d["Spring end"] == date(2024, 3, 22) and d["Summer start"] == date(2024, 4, 8)
    assert d["Autumn start"].weekday() < 5 and d["Spring start"].weekday() == 0


def test_dropdowns_cover_the_empty_rows(blank):
    wb = openpyxl.load_workbook(blank)
    ws = wb["3O Autumn"]
    first, last = TITLE_ROWS + 2, TITLE_ROWS + 1 + PROVISION_ROWS_PER_SHEET
    dv = _validations(ws)

    def source(key):
        c = letter(PROVISION_ROWS, key)
        return dv[f"{c}{first}:{c}{last}"]
    assert source("pupil") == "PupilNames"
    assert source("provision") == "ProvisionNames"
    assert source("delivered_by") == "StaffNames"
    assert source("type") == '"' + ",".join(schema.PROVISION_TYPE.values) + '"'
    # Area names contain commas, so they come from a range, never an inline list.
    assert source("area_of_need") == "AreaList"
    target = wb.defined_names["AreaList"].attr_text
    sheet, cells = target.split("!")
    assert [c.value for row in wb[sheet][cells.replace("$", "")] for c in row] == \
        schema.AREA.values
    assert wb[sheet].column_dimensions[cells.split("$")[1]].hidden
    assert source("outcome") == '"Achieved,Partly achieved,Not achieved"'
    assert source("next_step") == '"Continue,Change,Stop,Refer"'
    pupils = _validations(wb["Pupils"])
    sen = letter(schema.PUPILS, "sen_status")
    assert any(k.startswith(f"{sen}2:") and v == '"K,E,N"' for k, v in pupils.items())
    need = letter(schema.PUPILS, "primary_need")
    assert any(k.startswith(f"{need}2:") and "SEMH" in v for k, v in pupils.items())
    # The names the dropdowns use point at real ranges: full names, staff, provisions.
    names = {n: wb.defined_names[n].attr_text.replace("'", "")
             for n in ("PupilNames", "StaffNames", "ProvisionNames")}
    assert names["PupilNames"].startswith("Pupils!$O$2:$O$")
    assert names["StaffNames"].startswith("Staff!$A$2:$A$")
    full = wb["Pupils"]
    assert full["O1"].value.startswith("Full name")
    assert full["O2"].value == '=TRIM(B2&" "&C2)'


def test_every_provision_row_has_the_cost_formula(blank):
    ws = openpyxl.load_workbook(blank)["3M Autumn"]
    c = letter(PROVISION_ROWS, "cost")
    first, last = TITLE_ROWS + 2, TITLE_ROWS + 1 + PROVISION_ROWS_PER_SHEET
    for r in range(first, last + 1):
        assert ws[f"{c}{r}"].value == cost_formula(r, first, last)
    assert ws[f"{c}{last + 1}"].value is None
    f = ws[f"{c}{first}"].value
    assert f.startswith('=IF(AND($A5="",$B5=""),"",IFERROR(')
    assert "StaffHourlyCost" in f and "SUMPRODUCT" in f and "#" not in f


def test_conditional_formats_flag_missing_post_and_no_gain(blank):
    ws = openpyxl.load_workbook(blank)["3O Autumn"]
    rules = {str(rng.sqref): [r.formula[0] for r in rng.rules]
             for rng in ws.conditional_formatting}
    pre, post = letter(PROVISION_ROWS, "pre"), letter(PROVISION_ROWS, "post")
    first, last = TITLE_ROWS + 2, TITLE_ROWS + 1 + PROVISION_ROWS_PER_SHEET
    assert rules[f"{post}{first}:{post}{last}"] == [f'AND(${pre}5<>"",${post}5="")']
    [gain] = rules[f"{pre}{first}:{post}{last}"]
    assert "<=0" in gain and "ProvisionHigherIsBetter" in gain


def test_without_a_roster_there_is_one_class_to_copy(tmp_path):
    path = new_workbook(tmp_path / "blank.xlsx", "Ash & Elm Federation", "2026/27")
    m = provmap.load(path)
    assert [s.name for s in m.sheets] == ["Class 1 Autumn", "Class 1 Spring", "Class 1 Summer"]
    assert not [p for p in provmap.check(m, today=date(2026, 10, 1)) if p.is_error]
    assert len(m.staff) >= 6 and len(m.provisions) >= 12
    assert {p.type for p in m.provisions.values()} == {schema.QFT, schema.GROUP,
                                                        schema.ONE_TO_ONE}


def test_a_bad_year_writes_nothing(tmp_path):
    out = tmp_path / "x.xlsx"
    with pytest.raises(ValueError):
        new_workbook(out, "School", "next year")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_failure_leaves_an_existing_file_alone(tmp_path):
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"keep me")
    data = ExampleData(classes=["A class name far too long for Excel"])
    with pytest.raises(ValueError, match="Excel allows 31"):
        new_workbook(out, "School", "2025-26", data=data)
    assert out.read_bytes() == b"keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]


def test_staff_text_starting_with_equals_stays_text(tmp_path, roster):
    from provmap.read.roster import read_roster
    data = ExampleData(pupils=read_roster(roster), provision_rows={"3O Autumn": [
        {"Pupil": "Jon Smith", "Provision": "Precision teaching",
         "Comments": "=SUM(A1:A3) is what he typed", "Target": "+2 words a week"}]})
    path = new_workbook(tmp_path / "m.xlsx", "S", "2025-26", data=data)
    ws = openpyxl.load_workbook(path)["3O Autumn"]
    comments = ws[f"{letter(PROVISION_ROWS, 'comments')}5"]
    assert comments.value == "=SUM(A1:A3) is what he typed" and comments.data_type == "s"
    m = provmap.load(path)
    [row] = m.sheets[0].provision_rows
    assert row.comments == "=SUM(A1:A3) is what he typed" and row.target == "+2 words a week"


# --- the Cost column against provmap's own numbers ------------------------------------------

PUPILS = [
    {"UPN": u, "Forename": f, "Surname": s, "Year group": "3", "Class": c, "SEN status": st,
     "Primary need": n}
    for u, f, s, c, st, n in [
        ("G823400100001", "Jonathan", "Smith", "3O", "K", "SPLD"),
        ("W823400100002", "Aisha", "Khan", "3O", "E", "ASD"),
        ("K823400100003", "Leo", "Brown", "3O", "K", "SLCN"),
        ("Z823400100004", "Maya", "Jones", "3M", "K", "SEMH"),
    ]]

COST_ROWS = {
    "3O Autumn": [
        # a group of three on one sheet, default delivery
        {"Pupil": "Jonathan Smith", "Provision": "Lego therapy", "Pre": 10, "Post": 14},
        {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Pre": 11, "Post": 12},
        {"Pupil": "Leo Brown", "Provision": "lego THERAPY", "Pre": 9, "Post": 9},
        # 1:1 with a different deliverer, and with a hand-typed number of weeks
        {"Pupil": "Khan, Aisha", "Provision": "Precision teaching", "Delivered by": "HLTA",
         "Weeks": 6},
        # quality first teaching: resource only, per pupil
        {"Pupil": "Aisha Khan", "Provision": "Visual timetable"},
        # a labelled group with a typed size bigger than the count
        {"Pupil": "Leo Brown", "Provision": "Speech and language group", "Group": "SLG A",
         "Group size": 4},
        {"Pupil": "Jonathan Smith", "Provision": "Speech and language group", "Group": "SLG A",
         "Group size": 4},
        # a second group of the same provision on the same sheet
        {"Pupil": "Aisha Khan", "Provision": "Speech and language group", "Group": "SLG B",
         "Minutes per session": 20, "Sessions per week": 3},
        # Type typed on the row overrides the menu: a group provision run 1:1
        {"Pupil": "Jonathan Smith", "Provision": "Nurture group", "Type": "1-1"},
    ],
    "3M Autumn": [
        {"Pupil": "Maya Jones", "Provision": "ELSA sessions", "Pre": 24, "Post": 20},
        {"Pupil": "Maya Jones", "Provision": "Fine motor skills group"},
    ],
}


@pytest.fixture
def costed(tmp_path) -> Path:
    data = ExampleData(pupils=PUPILS, provision_rows=COST_ROWS)
    return new_workbook(tmp_path / "costed.xlsx", "Oak Tree Primary", "2025-26", data=data)


def _shares(path: Path) -> dict[tuple[str, int], float]:
    m = provmap.load(path)
    r = provmap.rollup(m, term="Autumn")
    return {(rec.sheet, rec.row): rec.share for rec in r.rows.itertuples()}


def test_cached_costs_equal_provmaps_shares(costed):
    shares = _shares(costed)
    ws_cost = letter(PROVISION_ROWS, "cost")
    wb = openpyxl.load_workbook(costed, data_only=True)
    seen = 0
    for (sheet, row), share in shares.items():
        assert wb[sheet][f"{ws_cost}{row}"].value == pytest.approx(share, abs=1e-9), (sheet, row)
        seen += 1
    assert seen == sum(len(v) for v in COST_ROWS.values())
    # Spot-check the sums themselves: Lego (HLTA £22 x 45/60 x 1 x 10 + £60) / 3.
    assert shares[("3O Autumn", 5)] == pytest.approx((22 * 45 / 60 * 10 + 60) / 3)
    assert shares[("3O Autumn", 9)] == pytest.approx(5)                       # QFT resource
    assert shares[("3O Autumn", 10)] == pytest.approx((18 * 30 / 60 * 2 * 10 + 20) / 4)


def test_sheet_costs_blank_for_unknown_staff_and_rows_without_pupils():
    provisions = [{"Provision": "P", "Type": "Group", "Delivered by": "Nobody",
                   "Sessions per week": 1, "Minutes per session": 60, "Weeks": 1}]
    staff = [{"Name": "TA", "Hourly cost": 18}]
    rows = [{"Pupil": "A", "Provision": "P"}, {"Pupil": "B", "Provision": "P",
                                                "Delivered by": " ta "}, {}]
    assert sheet_costs(rows, provisions, staff) == ["", 9.0, ""]


@pytest.mark.libreoffice
def test_cost_formula_recalculates_in_libreoffice_to_provmaps_share(costed, tmp_path, soffice):
    """Strip the cached values, have LibreOffice recalculate every formula on load, and
    compare each Cost cell with the rollup."""
    copy = recalculated(costed, soffice, tmp_path / "lo")
    recalculated_wb = openpyxl.load_workbook(copy, data_only=True)
    cost = letter(PROVISION_ROWS, "cost")
    shares = _shares(costed)
    for (sheet, row), share in shares.items():
        value = recalculated_wb[sheet][f"{cost}{row}"].value
        assert value == pytest.approx(share, abs=1e-9), (sheet, row, value, share)
    # Empty rows stay blank, never 0 or an error.
    ws = recalculated_wb["3O Autumn"]
    assert ws[f"{cost}{TITLE_ROWS + 1 + PROVISION_ROWS_PER_SHEET}"].value in (None, "")
    # The provmap reader still reads LibreOffice's copy without errors.
    problems = provmap.check(provmap.load(copy), today=MID_SUMMER)
    assert not [p for p in problems if p.is_error]


def test_a_big_school_is_written_through_temporary_files_with_the_same_result(
        tmp_path, roster, monkeypatch):
    """Above IN_MEMORY_PUPILS the writer lets XlsxWriter assemble sheets on disk (memory);
    the workbook holds the same cells either way."""
    from provmap.write import book
    from provmap.workbook import standard
    small = new_workbook(tmp_path / "memory.xlsx", "Oak Tree Primary", "2025-26", roster)
    options = []
    real = book.xlsxwriter.Workbook

    def spy(path, opts):
        options.append(opts["in_memory"])
        return real(path, opts)

    monkeypatch.setattr(standard, "IN_MEMORY_PUPILS", 3)
    monkeypatch.setattr(book.xlsxwriter, "Workbook", spy)
    big = new_workbook(tmp_path / "disk.xlsx", "Oak Tree Primary", "2025-26", roster)
    assert options == [False]
    a, b = openpyxl.load_workbook(small), openpyxl.load_workbook(big)
    assert a.sheetnames == b.sheetnames
    for ws in a.worksheets:
        assert [[c.value for c in r] for r in ws.iter_rows()] == \
            [[c.value for c in r] for r in b[ws.title].iter_rows()]
