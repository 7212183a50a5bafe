"""The SENCo rollup workbook, written and read back with openpyxl."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from builders import UPNS
from conftest import soffice_or_skip

import provmap
from provmap.numbers.rollup import rollup
from provmap.reports import senco
from provmap.reports.senco import write_senco

TODAY = date(2026, 4, 1)
SHEETS = ["Summary", "By pupil", "By provision", "By class", "By area of need", "Flags",
          "Issues"]


def _two_terms(make_workbook):
    return make_workbook(sheets={
        "3O Autumn": {"provision": [
            {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": 86,
             "Post": 92},
            {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Pre": 20, "Post": 19},
            {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Pre": 18, "Post": 18},
            {"Pupil": "Nobody Known", "Provision": "Lego therapy"}]},
        "3O Spring": {"provision": [
            {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": 92,
             "Post": 99, "Cost": 10.125},
            {"Pupil": "Aisha Khan", "Provision": "Visual timetable"}]}})


def _rows(ws, header_row=2):
    header = [c.value for c in ws[header_row]]
    out = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if any(v is not None for v in row):
            out.append(dict(zip(header, row)))
    return header, out


def test_the_workbook_reads_back(make_workbook, tmp_path):
    m = provmap.load(_two_terms(make_workbook))
    r = rollup(m, problems=provmap.check(m, today=TODAY), today=TODAY)
    path = write_senco(r, tmp_path / "out")
    assert path.name == "Oak Tree Primary 2025-26 Spring - SENCo rollup.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS + ["Rows left out"]

    header, pupils = _rows(wb["By pupil"])
    assert header == ["UPN", "Pupil", "Class", "SEN status", "Primary need", "Autumn cost",
                      "Spring cost", "Year cost", "Provisions", "Flags"]
    jon = next(p for p in pupils if p["UPN"] == UPNS[0])
    # 108 in Autumn; a hand-typed 10.125 in Spring: exact in the cell, pence by format.
    assert (jon["Autumn cost"], jon["Spring cost"], jon["Year cost"]) == (108, 10.125, 118.125)
    ws = wb["By pupil"]
    col = header.index("Year cost") + 1
    assert ws.cell(3, col).number_format == "£#,##0.00"
    assert ws.freeze_panes == "B3"
    assert ws.auto_filter.ref.startswith("A2:")
    leo = next(p for p in pupils if p["UPN"] == UPNS[2])
    assert "No progress" in leo["Flags"] and "K/E pupil without provision" in leo["Flags"]
    flag_cell = ws.cell(3 + pupils.index(leo), header.index("Flags") + 1)
    assert flag_cell.fill.fgColor.rgb.endswith("FFEB9C")           # highlighted

    header, provisions = _rows(wb["By provision"])
    for name in ("Provision", "Type", "Area of need", "Pupils", "Groups", "Cost",
                 "Cost per pupil", "Mean gain", "Ratio gain (months measures)",
                 "Effect size (standardised)", "Pupils with no progress", "Impact"):
        assert name in header
    pt = next(p for p in provisions if p["Provision"] == "Precision teaching")
    assert pt["Cost"] == 10.125 and pt["Mean gain"] == 7
    assert provisions[-1]["Provision"] == "Total"
    pct = wb["By provision"].cell(3, header.index("Share making progress") + 1)
    assert pct.number_format == "0%"

    assert [c.value for c in wb["By class"][2]][:3] == ["Class", "Pupils", "Cost"]
    assert [c.value for c in wb["By area of need"][2]][:3] == ["Area of need", "Pupils", "Cost"]
    header, flags = _rows(wb["Flags"])
    assert header[:5] == ["UPN", "Pupil", "Class", "Term", "Provision"]
    assert {"Flag", "Detail"} <= set(header)
    assert all(f["Detail"] for f in flags)
    header, issues = _rows(wb["Issues"])
    assert header[:4] == ["Severity", "Sheet", "Cell", "Message"]
    assert issues[0]["Severity"] == "Error" and "Nobody Known" in issues[0]["Message"]
    _, left_out = _rows(wb["Rows left out"])
    assert [(x["Sheet"], x["Row"]) for x in left_out] == [("3O Autumn", 5)]

    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Total cost in Spring"] == pytest.approx(10.125 + 5)
    assert summary["Total cost, year to date"] == pytest.approx(108 + 240 + 10.125 + 5)
    assert summary["Rows left out of the numbers"] == 1
    assert "What needs action" in summary
    assert summary["    SEN support (K)"] == 1


def test_staff_text_is_written_as_text(make_workbook, tmp_path):
    m = provmap.load(make_workbook())
    r = rollup(m, today=TODAY)
    r.by_pupil.loc[0, "Pupil"] = "=HYPERLINK(\"http://x\",\"y\")"
    r.flags.loc[0, "Detail"] = "+44 7700 900123"
    wb = openpyxl.load_workbook(write_senco(r, tmp_path))
    cell = wb["By pupil"]["B3"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    detail = wb["Flags"].cell(3, r.flags.columns.get_loc("Detail") + 1)
    assert detail.data_type == "s" and detail.value == "+44 7700 900123"


def test_a_failed_write_leaves_the_old_file(make_workbook, tmp_path, monkeypatch):
    m = provmap.load(make_workbook())
    r = rollup(m, today=TODAY)
    out = tmp_path / "out"
    path = write_senco(r, out)
    before = path.read_bytes()

    def boom(self):
        raise RuntimeError("disk full")
    monkeypatch.setattr(senco._Writer, "write", boom)
    with pytest.raises(RuntimeError):
        write_senco(r, out)
    assert path.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [path.name]


def test_school_names_are_safe_file_names(make_workbook, tmp_path):
    m = provmap.load(make_workbook(settings={"School": "St John's C/E: Primary"}))
    path = write_senco(rollup(m, today=TODAY), tmp_path)
    assert path.name == "St John's C-E- Primary 2025-26 Autumn - SENCo rollup.xlsx"
    assert path.exists()


@pytest.mark.libreoffice
def test_libreoffice_opens_it(make_workbook, tmp_path):
    exe = soffice_or_skip()
    m = provmap.load(_two_terms(make_workbook))
    path = write_senco(rollup(m, today=TODAY), tmp_path)
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    pdf = Path(tmp_path, path.with_suffix(".pdf").name)
    assert pdf.exists() and pdf.stat().st_size > 2000


# --- on paper ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_rollup(tmp_path_factory):
    from provmap.dev.example import write_example
    path = write_example(tmp_path_factory.mktemp("ex") / "Provision map 2025-26.xlsx")
    m = provmap.load(path)
    r = rollup(m, today=date(2026, 7, 3))
    return openpyxl.load_workbook(write_senco(r, tmp_path_factory.mktemp("out"))), r


def test_every_sheet_prints_on_a4_at_100_per_cent_with_its_header_repeated(example_rollup):
    """Manual page breaks need a fixed scale (Excel ignores them when fitting to a page);
    the widths are worked out so that 100% fits the paper."""
    wb, _ = example_rollup
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.page_setup.scale in (None, 100), ws.title
        assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
        assert "&A" in ws.oddHeader.center.text                # the sheet's name on each page
        if ws.title != "Summary":
            assert ws.print_title_rows == "$2:$2", ws.title
    assert wb["Summary"].page_setup.orientation == "portrait"
    assert wb["By pupil"].page_setup.orientation == "landscape"


def test_by_provision_prints_in_two_parts_each_with_the_provision(example_rollup):
    wb, _ = example_rollup
    ws = wb["By provision"]
    header = [c.value for c in ws[2]]
    assert header[:7] == ["Provision", "Type", "Area of need", "Pupils", "Groups", "Cost",
                          "Cost per pupil"]
    assert [b.id for b in ws.col_breaks.brk] == [header.index("Measure")]
    assert ws.print_title_cols == "$A:$A"
    assert ws.auto_filter.ref.startswith("A2:P")              # still one filterable table


def test_the_total_keeps_the_last_two_rows_with_it(make_workbook, tmp_path):
    """A long By provision: every page break falls at least two rows before the total."""
    provisions = [{"Provision": f"Provision {i:02d} with a long name to wrap", "Type": "1:1",
                   "Area of need": "C&L", "Delivered by": "TA", "Sessions per week": 1,
                   "Minutes per session": 30, "Weeks": 10} for i in range(60)]
    rows = [{"Pupil": "Jonathan Smith", "Provision": p["Provision"]} for p in provisions]
    m = provmap.load(make_workbook(provisions=provisions,
                                   sheets={"3O Autumn": {"provision": rows}}))
    wb = openpyxl.load_workbook(write_senco(rollup(m, today=TODAY), tmp_path))
    ws = wb["By provision"]
    total = next(c.row for c in ws["A"] if c.value == "Total")
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks and max(breaks) <= total - 3                 # rows total-2, -1 and total


def test_the_summary_says_when_and_by_whom(example_rollup):
    wb, r = example_rollup
    lines = [c.value for c in wb["Summary"]["A"][:4] if c.value]
    senco = r.map.settings.senco
    assert f"Produced on 3 July 2026 by Hollins Park Primary School (SENCo: {senco})." in lines


def test_a_gain_below_zero_never_splits_from_its_sign(example_rollup):
    wb, r = example_rollup
    ws = wb["Flags"]
    col = [c.value for c in ws[2]].index("Detail") + 1
    details = [ws.cell(row, col).value for row in range(3, ws.max_row + 1)]
    assert any("gain \u22122" in d or "gain \u22121" in d for d in details if d)
    assert not any("gain -" in d for d in details if d)


def test_the_summary_keys_the_codes_the_rollup_prints(example_rollup):
    """Need codes, roles and measures, explained once at the foot of the Summary (from the
    glossary: the common codes and the school's Glossary rows)."""
    wb, r = example_rollup
    texts = [c.value for c in wb["Summary"]["A"] if isinstance(c.value, str)]
    assert "Key to the codes in this workbook" in texts
    start = texts.index("Key to the codes in this workbook")
    entries = texts[start + 1:]

    def keyed(code: str) -> bool:
        return any(t.startswith(f"{code}: ") for t in entries)
    needs = set(r.by_pupil["Primary need"].dropna())
    assert all(keyed(c) for c in needs | {"SALT", "ELSA", "SDQ", "Boxall", "1:1"})
    assert not keyed("WTS")                      # the rollup never prints attainment
