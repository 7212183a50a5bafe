"""Each reading rule of the spec, on small golden workbooks built in code."""

from datetime import date

import openpyxl
from hypothesis import given
from hypothesis import strategies as st
import pytest

import provmap
from builders import PROVISION_HEADERS, PROVISION_ROWS, REVIEW_ROWS, UPNS
from provmap.problems import Code


def codes(m):
    return [(p.code, p.sheet, p.cell) for p in m.problems]


def test_example_reads_without_problems(make_workbook):
    m = provmap.load(make_workbook())
    assert m.problems == []
    assert m.settings.school == "Oak Tree Primary"
    assert list(m.pupils) == UPNS
    [sheet] = m.sheets
    assert (sheet.class_name, sheet.term) == ("3O", "Autumn")
    assert [r.upn for r in sheet.provision_rows] == [UPNS[0], UPNS[1], UPNS[2], UPNS[1]]
    assert sheet.provision_rows[0].at("pre") == "O2"


def test_headers_any_order_case_units_colons_and_aliases(make_workbook):
    headers = ["  comments ", "COST (£)", "Post:", "pre", "Intervention", "Pupil name",
               "Extra column"]
    rows = [{"Pupil name": "smith, jonathan", "Intervention": "precision teaching",
             "pre": "7:02", "Post:": "7y 8m", "Extra column": "ignored", "  comments ": "ok"}]
    m = provmap.load(make_workbook(sheets={"3O Autumn": {
        "provision": rows, "provision_headers": headers, "review": []}}))
    assert codes(m) == []
    [row] = list(m.provision_rows())
    assert (row.upn, row.provision, row.pre, row.post, row.comments) == (
        UPNS[0], "precision teaching", 86.0, 92.0, "ok")
    assert row.at("pre") == "D2"


def test_title_rows_blank_rows_and_tables_in_either_order(make_workbook):
    rows = [PROVISION_ROWS[0], {}, {}, PROVISION_ROWS[1]]
    m = provmap.load(make_workbook(sheets={"Year 4 Maple - Spring": {
        "title": "Year 4 Maple: provision map, Spring term", "review_first": True,
        "provision": rows, "review": REVIEW_ROWS}}))
    assert codes(m) == []
    [sheet] = m.sheets
    assert (sheet.class_name, sheet.term) == ("Year 4 Maple", "Spring")
    assert len(sheet.provision_rows) == 2 and len(sheet.review_rows) == 3
    assert sheet.review_layout.header_row == 3
    assert sheet.provision_layout.header_row > sheet.review_layout.header_row


@pytest.mark.parametrize("name, cls, term", [
    ("3O Autumn", "3O", "Autumn"), ("10X_Summer", "10X", "Summer"),
    ("year 4 maple - spring", "year 4 maple", "Spring"), ("Oak-Autumn", "Oak", "Autumn")])
def test_class_term_sheet_names(make_workbook, name, cls, term):
    m = provmap.load(make_workbook(sheets={name: {"provision": [], "review": []}}))
    [sheet] = m.sheets
    assert (sheet.class_name, sheet.term) == (cls, term)


def test_unknown_sheet_is_information(make_workbook):
    m = provmap.load(make_workbook(extra={"Notes": [["Remember the review dates"]]}))
    [p] = m.problems
    assert (p.severity, p.code, p.sheet, p.cell) == ("info", Code.UNKNOWN_SHEET, "Notes", None)


@pytest.mark.parametrize("typed, value", [
    ("£1,200.50", 1200.5), ("1 200", 1200.0), (" 45 ", 45.0), (60, 60.0), ("=20*3", 60.0)])
def test_money_and_numbers_typed_as_text(make_workbook, typed, value):
    provisions = [dict(p) for p in __import__("builders").PROVISIONS]
    provisions[1]["Resource cost"] = typed
    m = provmap.load(make_workbook(provisions=provisions))
    assert codes(m) == []
    assert m.provision("Lego therapy").resource_cost == value


@pytest.mark.parametrize("typed", ["12/09/2025", "12-9-25", "12 Sep 2025", "2025-09-12",
                                   date(2025, 9, 12), "12th September 2025"])
def test_uk_dates(make_workbook, typed):
    rows = [dict(PROVISION_ROWS[0], **{"Start date": typed})]
    m = provmap.load(make_workbook(sheets={"3O Autumn": {"provision": rows}}))
    assert codes(m) == []
    assert next(m.provision_rows()).start_date == date(2025, 9, 12)


def test_dates_are_never_read_the_us_way(make_workbook):
    rows = [dict(PROVISION_ROWS[0], **{"Start date": "09/12/2025"}),
            dict(PROVISION_ROWS[1], **{"Start date": "12/31/2025"})]
    m = provmap.load(make_workbook(sheets={"3O Autumn": {"provision": rows}}))
    assert next(m.provision_rows()).start_date == date(2025, 12, 9)
    assert codes(m) == [(Code.NOT_A_DATE, "3O Autumn", "L3")]


def test_percentages(make_workbook, tmp_path):
    reviews = [dict(REVIEW_ROWS[0], Attendance=95), dict(REVIEW_ROWS[1], Attendance="95%"),
               dict(REVIEW_ROWS[2], Attendance=0.95)]
    path = make_workbook(sheets={"3O Autumn": {"provision": PROVISION_ROWS, "review": reviews}})
    wb = openpyxl.load_workbook(path)
    ws = wb["3O Autumn"]
    ws["I10"].number_format = "0%"          # the 0.95 cell, percent-formatted
    wb.save(path)
    m = provmap.load(path)
    assert [r.attendance for r in m.review_rows()] == [0.95, 0.95, 0.95]


def test_formula_cells_are_not_trusted_but_cost_formulas_are_ignored(make_workbook):
    path = make_workbook()
    wb = openpyxl.load_workbook(path)
    ws = wb["3O Autumn"]
    ws["S2"] = "=G2*H2*I2"                  # the cost formula: recomputed, never reported
    ws["O3"] = "=P3-6"                      # a Pre made by formula: provmap cannot trust it
    ws["P4"] = "#REF!"                      # an error value
    wb.save(path)
    m = provmap.load(path)
    assert codes(m) == [(Code.FORMULA_NOT_TRUSTED, "3O Autumn", "O3"),
                        (Code.FORMULA_ERROR, "3O Autumn", "P4")]
    rows = list(m.provision_rows())
    assert rows[0].cost is None and rows[1].pre is None and rows[2].post is None


def test_text_beginning_with_equals_is_text(make_workbook):
    path = make_workbook()
    wb = openpyxl.load_workbook(path)
    cell = wb["3O Autumn"]["T2"]
    cell.value = '=HYPERLINK("http://example.com")'
    cell.data_type = "s"
    wb.save(path)
    m = provmap.load(path)
    assert codes(m) == []
    assert next(m.provision_rows()).comments == '=HYPERLINK("http://example.com")'


def test_hidden_rows_and_columns_are_read(make_workbook):
    path = make_workbook()
    wb = openpyxl.load_workbook(path)
    ws = wb["3O Autumn"]
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["O"].hidden = True
    wb.save(path)
    rows = list(provmap.load(path).provision_rows())
    assert len(rows) == 4 and rows[1].pre == 20


def test_row_with_data_but_no_pupil(make_workbook):
    rows = [*PROVISION_ROWS, {"Provision": "Lego therapy", "Pre": 3}]
    m = provmap.load(make_workbook(sheets={"3O Autumn": {"provision": rows}}))
    assert codes(m) == [(Code.ROW_WITHOUT_PUPIL, "3O Autumn", "6")]


def test_missing_sheet_and_column(make_workbook):
    headers = [h for h in PROVISION_HEADERS if h != "Provision"] + ["Intervention"]
    m = provmap.load(make_workbook(drop_sheets=("Staff",), sheets={"3O Autumn": {
        "provision": [], "provision_headers": [h for h in headers if h != "Intervention"],
        "review": REVIEW_ROWS}}))
    got = codes(m)
    assert (Code.MISSING_SHEET, None, None) in got
    # without a Provision column the table is not recognised at all
    assert (Code.MISSING_TABLE, "3O Autumn", None) in got


def test_missing_required_column(make_workbook):
    pupils = [{k: v for k, v in p.items() if k != "Class"} for p in __import__("builders").PUPILS]
    m = provmap.load(make_workbook(pupils=pupils))
    assert (Code.MISSING_COLUMN, "Pupils", "1") in codes(m)


def test_not_a_number_names_the_cell(make_workbook):
    rows = [dict(PROVISION_ROWS[1], **{"Weeks": "ten"})]
    m = provmap.load(make_workbook(sheets={"3O Autumn": {"provision": rows}}))
    [p] = m.problems
    assert (p.code, p.sheet, p.cell) == (Code.NOT_A_NUMBER, "3O Autumn", "I2")
    assert "ten" in p.message


def test_bad_choice_has_a_hint(make_workbook):
    rows = [dict(PROVISION_ROWS[0], Outcome="Achieve")]
    m = provmap.load(make_workbook(sheets={"3O Autumn": {"provision": rows}}))
    [p] = m.problems
    assert (p.code, p.cell, p.hint) == (Code.BAD_CHOICE, "Q2", "did you mean 'Achieved'?")


def test_choices_ignore_case_and_spaces(make_workbook):
    pupils = [dict(p) for p in __import__("builders").PUPILS]
    pupils[0]["SEN status"] = " ehcp "
    pupils[1]["SEN status"] = "k"
    pupils[0]["Primary need"] = "speech, language and communication needs"
    m = provmap.load(make_workbook(pupils=pupils))
    assert codes(m) == []
    assert m.pupils[UPNS[0]].sen_status == "E" and m.pupils[UPNS[0]].primary_need == "SLCN"
    assert m.pupils[UPNS[1]].sen_status == "K"


def test_year_groups(make_workbook):
    pupils = [dict(p) for p in __import__("builders").PUPILS]
    for p, typed in zip(pupils, ["Reception", "Y3", "Year 6", "N"]):
        p["Year group"] = typed
    m = provmap.load(make_workbook(pupils=pupils))
    assert [p.year_group for p in m.pupils.values()] == ["R", "3", "6", "N"]


def test_settings_defaults_and_bands(make_workbook):
    m = provmap.load(make_workbook(settings={"Impact bands": "good from 1.5, great from 3",
                                             "Terms": None}))
    assert m.settings.terms == ("Autumn", "Spring", "Summer")
    assert m.settings.threshold == 6000 and m.settings.suppress_below == 5
    assert m.settings.band(1.2) == "modest" and m.settings.band(2) == "good"
    assert m.settings.band(3.5) == "great"
    assert m.settings.leaving_year_group == "6"


def test_leaving_year_group_setting(make_workbook):
    m = provmap.load(make_workbook(settings={"Leaving year group": "Year 11"}))
    assert m.settings.leaving_year_group == "11"
    m = provmap.load(make_workbook(settings={"Leaving year group": "sixth"}))
    assert m.settings.leaving_year_group == "6"
    [p] = [p for p in provmap.check(m) if p.code == "bad-setting"]
    assert p.sheet == "Settings" and p.cell and "Leaving year group" in p.message


def test_saved_by_libreoffice_reads_the_same(make_workbook, tmp_path):
    import subprocess

    from conftest import soffice_or_skip
    exe = soffice_or_skip()
    original = make_workbook()
    out = tmp_path / "lo"
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(original)],
                   check=True, capture_output=True, timeout=120)
    a, b = provmap.load(original), provmap.load(out / original.name)

    def facts(m):
        return ([(r.upn, r.provision, r.pre, r.post, r.outcome, r.at("pre"))
                 for r in m.provision_rows()],
                [(r.upn, r.attendance, r.targets) for r in m.review_rows()],
                m.settings, [(p.upn, p.date_of_birth, p.year_group) for p in m.pupils.values()],
                {k: v.resource_cost for k, v in m.provisions.items()})
    assert facts(a) == facts(b)
    assert b.problems == []


def _both_ways(path, monkeypatch):
    """Load with the fast reader and with openpyxl's general parser."""
    from provmap.read import fastgrid
    fast = provmap.load(path)

    def refuse(p):
        raise fastgrid.Fallback("forced")
    with monkeypatch.context() as mp:
        mp.setattr(fastgrid, "Grids", refuse)
        general = provmap.load(path)
    return fast, general


def test_fast_and_general_readers_agree(make_workbook, monkeypatch):
    path = make_workbook(extra={"Notes": [["a note"]]})
    wb = openpyxl.load_workbook(path)
    ws = wb["3O Autumn"]
    ws["S2"] = "=G2*H2*I2"
    ws["O3"] = "=P3-6"
    ws["P4"] = "#DIV/0!"
    ws["H3"] = "=45*1"
    ws["T5"] = "=not a formula"
    ws["T5"].data_type = "s"
    ws["L2"] = date(2025, 9, 12)
    ws["I10"].number_format = "0%"
    wb.save(path)
    fast, general = _both_ways(path, monkeypatch)
    assert fast.problems == general.problems
    assert list(fast.provision_rows()) == list(general.provision_rows())
    assert list(fast.review_rows()) == list(general.review_rows())
    assert fast.pupils == general.pupils and fast.settings == general.settings
    assert sorted(p.code for p in fast.problems) == sorted(
        [Code.UNKNOWN_SHEET, Code.FORMULA_NOT_TRUSTED, Code.FORMULA_ERROR])


def test_cells_without_references_use_the_general_reader(make_workbook, tmp_path, monkeypatch):
    """Some generators omit `r="B1"` on cells (writing every cell in order); the fast reader
    hands over to the general one mid-read."""
    import re
    import zipfile
    path = make_workbook()
    expected = provmap.load(path)
    stripped = tmp_path / "no-refs.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet5.xml":      # the 3O Autumn sheet
                data = re.sub(rb'<c r="[A-Z]+1"', b"<c", data)   # the header row
            dst.writestr(info, data)
    from provmap.read import workbook as read
    calls = []
    general = read._read_grids_openpyxl
    monkeypatch.setattr(read, "_read_grids_openpyxl", lambda p: calls.append(p) or general(p))
    m = provmap.load(stripped)
    assert calls == [stripped]
    assert list(m.provision_rows()) == list(expected.provision_rows())
    assert m.problems == expected.problems


@given(st.integers(0, 20 * 12))
def test_ages_read_back_as_written(months):
    from provmap.values import format_age, parse_score
    assert parse_score(format_age(months)) == months
