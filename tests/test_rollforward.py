"""roll_forward: next term's sheets are added and nothing staff put in the workbook is lost."""

from __future__ import annotations

import hashlib
import io
import struct
import subprocess
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill, Border, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

import builders as B
from provmap.workbook.rollforward import RollForwardRefused, roll_forward
from provmap.upn import with_check_letter

NOW = datetime(2026, 11, 25, 18, 30)
MAPLE_UPN = with_check_letter("823400100005")
ROWS = [
    {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": "7y 2m",
     "Post": "7y 8m", "Outcome": "Achieved", "Next step": "Continue", "Target": "=read 20 words",
     "Start date": datetime(2025, 9, 10), "Comments": "going well", "Cost": 55},
    {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Pre": 20, "Post": 26, "Group": "A",
     "Next step": "Stop"},
    {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Pre": 18, "Post": 19, "Group": "A",
     "Delivered by": "TA", "Next step": " continue "},
    {"Pupil": "Aisha Khan", "Provision": "Visual timetable"},
]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def staff_edited(path: Path) -> Path:
    """A workbook built like the standard one, then edited the way staff edit in Excel."""
    pupils = B.PUPILS + [{"UPN": MAPLE_UPN, "Forename": "Ruby", "Surname": "Hall",
                          "Year group": "4", "Class": "Year 4 Maple", "SEN status": "E",
                          "Primary need": "SEMH"}]
    B.build_workbook(path, pupils=pupils, sheets={
        "3O Autumn": {"title": "3O Autumn term provision", "provision": ROWS,
                      "review": B.REVIEW_ROWS},
        "Year 4 Maple - Autumn": {"provision": [
            {"Pupil": "Ruby Hall", "Provision": "Lego therapy", "Pre": 3, "Post": 5,
             "Next step": "Continue"}], "review": [{"Pupil": "Ruby Hall", "Attendance": 90}]},
    }, extra={"Notes": [["Anything the SENCo wants"]]})
    wb = openpyxl.load_workbook(path)
    ws = wb["3O Autumn"]
    ws["A1"].font = Font(bold=True, size=14, color="FF1F4E79")
    ws["A1"].fill = PatternFill("solid", fgColor="FFDDEBF7")
    ws["A4"].border = Border(bottom=Side(style="thin"))
    ws["A4"].comment = Comment("Type the name as on the register", "SENCo")
    ws["T4"].value = "=this is text, not a formula"
    ws["T4"].data_type = "s"
    ws["N4"].data_type = "s"               # the builder wrote '=read 20 words': staff's text
    ws["N5"].value = CellRichText("Read ", TextBlock(InlineFont(b=True), "twenty"), " words")
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["K"].hidden = True
    ws.row_dimensions[6].height = 28
    ws.freeze_panes = "B4"
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "3:3"
    dv = DataValidation(type="list", formula1='"Continue,Change,Stop,Refer"', allow_blank=True)
    dv.add("R4:R30")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add("P4:P30", FormulaRule(
        formula=['$Q4="Not achieved"'], fill=PatternFill("solid", bgColor="FFFFC7CE")))
    ws.merge_cells("D1:G1")
    p = wb["Pupils"]
    p.row_dimensions[3].hidden = True
    p["C2"].comment = Comment("Prefers Jon", "Mrs Smith")
    s = wb["Staff"]
    s["C2"].number_format = '"£"#,##0.00'
    wb["Settings"].merge_cells("D1:E2")
    wb["Settings"]["D1"] = "Ask the SENCo before changing"
    wb.defined_names["SchoolName"] = DefinedName("SchoolName", attr_text="Settings!$B$2")
    wb["Notes"].sheet_state = "hidden"
    wb.save(path)
    return path


def _alignment(a) -> tuple:
    """LibreOffice writes wrapText="false"; openpyxl leaves a false flag out. Same thing."""
    return (a.horizontal, a.vertical, a.textRotation, bool(a.wrapText), bool(a.shrinkToFit),
            a.indent, a.relativeIndent, a.justifyLastLine, a.readingOrder)


def snapshot(path: Path) -> dict:
    """Everything about each sheet that a person could see or rely on."""
    wb = openpyxl.load_workbook(path, rich_text=True)
    out: dict = {"order": wb.sheetnames, "names": {n: d.attr_text for n, d in
                                                     wb.defined_names.items()}}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style and c.comment is None:
                    continue
                cells[c.coordinate] = (
                    str(c.value), c.data_type, c.number_format, repr(c.font), repr(c.fill),
                    repr(c.border), _alignment(c.alignment), repr(c.protection),
                    (c.comment.text, c.comment.author) if c.comment else None)
        out[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "dv": sorted((str(d.sqref), d.type, d.formula1) for d in
                         ws.data_validations.dataValidation),
            "cf": sorted((str(cf.sqref), r.type, tuple(r.formula or ()), repr(r.dxf))
                         for cf in ws.conditional_formatting for r in cf.rules),
            "rows": {k: (d.height, d.hidden, d.outlineLevel) for k, d in
                     ws.row_dimensions.items() if d.height or d.hidden or d.outlineLevel},
            "cols": {k: (d.width, d.hidden, d.min, d.max) for k, d in
                     ws.column_dimensions.items()},
            "view": (ws.freeze_panes, ws.sheet_state, ws.print_title_rows,
                     ws.page_setup.orientation),
        }
    return out


def values(ws, first: int, last: int, cols: int = 20) -> list[list]:
    return [[ws.cell(r, c).value for c in range(1, cols + 1)] for r in range(first, last + 1)]


def test_round_trip_keeps_everything_and_carries_continue_rows(tmp_path):
    path = staff_edited(tmp_path / "Provision map 2025-26.xlsx")
    before, before_bytes = snapshot(path), path.read_bytes()

    result = roll_forward(path, "spring", today=NOW)

    assert result.backup.name == "Provision map 2025-26 (backup 2026-11-25 1830).xlsx"
    assert result.backup.read_bytes() == before_bytes
    assert result.sheets_added == ["3O Spring", "Year 4 Maple - Spring"]
    assert result.rows_carried == {"3O Spring": 2, "Year 4 Maple - Spring": 1}
    after = snapshot(path)
    for name in before["order"]:
        assert after[name] == before[name], name
    assert after["names"] == before["names"]
    assert after["order"] == ["Settings", "Pupils", "Staff", "Provisions", "3O Autumn",
                              "3O Spring", "Year 4 Maple - Autumn", "Year 4 Maple - Spring",
                              "Notes"]

    wb = openpyxl.load_workbook(path)
    ws = wb["3O Spring"]
    assert ws["A1"].value == "3O Spring term provision"        # title follows the term
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFDDEBF7"
    h = {ws.cell(3, c).value: c for c in range(1, 21)}
    assert ws.cell(3, 1).value == "Pupil" and ws.cell(3, 20).value == "Comments"
    jon = {k: ws.cell(4, c) for k, c in h.items()}
    leo = {k: ws.cell(5, c) for k, c in h.items()}
    assert (jon["Pupil"].value, jon["Provision"].value, jon["Pre"].value) == \
        ("Jonathan Smith", "Precision teaching", "7y 8m")
    assert jon["Target"].value == "=read 20 words" and jon["Target"].data_type == "s"
    for k in ("Post", "Outcome", "Next step", "Start date", "Comments"):
        assert jon[k].value is None, k
    assert jon["Cost"].data_type == "f" and jon["Cost"].value.startswith("=IF(AND($A4")
    assert (leo["Pupil"].value, leo["Pre"].value, leo["Group"].value,
            leo["Delivered by"].value) == ("Leo Brown", 19, "A", "TA")
    assert all(v is None for v in values(ws, 6, 7, 18)[0][:18])     # spare rows, no Stop row
    review = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 9).value == "Attendance"]
    assert review == [10]                         # same gap as last term (4 rows + 2 blank)
    assert values(ws, 11, 13, 2) == [["Jonathan Smith", B.UPNS[0]], ["Aisha Khan", B.UPNS[1]],
                                     ["Leo Brown", B.UPNS[2]]]      # K and E only
    assert ws.cell(14, 1).value is None
    assert ws.freeze_panes == "B4" and ws.column_dimensions["A"].width == 30
    assert ws.column_dimensions["K"].hidden and ws.page_setup.orientation == "landscape"
    assert [(str(d.sqref), d.formula1) for d in ws.data_validations.dataValidation] == \
        [("R4:R30", '"Continue,Change,Stop,Refer"')]
    [(sqref, rules)] = [(str(cf.sqref), cf.rules) for cf in ws.conditional_formatting]
    assert sqref == "P4:P30" and rules[0].formula == ['$Q4="Not achieved"']

    maple = wb["Year 4 Maple - Spring"]
    assert values(maple, 2, 2, 16)[0][:3] == ["Ruby Hall", None, "Lego therapy"]
    assert maple.cell(2, 15).value == 5                         # Post 5 -> Pre


def test_refuses_when_target_sheet_holds_data(tmp_path):
    path = B.build_workbook(tmp_path / "map.xlsx", sheets={
        "3O Autumn": {"provision": ROWS, "review": B.REVIEW_ROWS},
        "3O Spring": {"provision": [{"Pupil": "Leo Brown", "Provision": "Lego therapy"}],
                      "review": []}})
    digest = sha(path)
    with pytest.raises(RollForwardRefused, match="'3O Spring' already holds Spring data"):
        roll_forward(path, "Spring", today=NOW)
    assert sha(path) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.xlsx"]      # no backup either


def test_fills_an_existing_empty_sheet(tmp_path):
    path = B.build_workbook(tmp_path / "map.xlsx", sheets={
        "3O Autumn": {"provision": ROWS, "review": B.REVIEW_ROWS},
        "3O Spring": {"title": "3O Spring", "provision": [], "review": []}})
    result = roll_forward(path, "Spring", today=NOW)
    assert result.sheets_filled == ["3O Spring"] and result.sheets_added == []
    ws = openpyxl.load_workbook(path)["3O Spring"]
    assert [ws.cell(4, 1).value, ws.cell(4, 15).value] == ["Jonathan Smith", "7y 8m"]
    assert [ws.cell(5, 1).value, ws.cell(5, 15).value] == ["Leo Brown", 19]


@pytest.mark.parametrize("lock", ["~$map.xlsx", "~$p.xlsx", ".~lock.map.xlsx#"])
def test_refuses_when_open_in_excel(tmp_path, lock):
    path = B.build_workbook(tmp_path / "map.xlsx")
    (tmp_path / lock).write_bytes(b"owner")
    digest = sha(path)
    with pytest.raises(RollForwardRefused, match="is open in Excel"):
        roll_forward(path, "Spring", today=NOW)
    assert sha(path) == digest


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_refuses_a_workbook_with_a_picture(tmp_path):
    import xlsxwriter
    src = B.build_workbook(tmp_path / "plain.xlsx")
    path = tmp_path / "map.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for ws_src in openpyxl.load_workbook(src).worksheets:
        ws = wb.add_worksheet(ws_src.title)
        for row in ws_src.iter_rows():
            for c in row:
                if c.value is not None:
                    ws.write(c.row - 1, c.column - 1, c.value)
    wb.get_worksheet_by_name("Settings").insert_image(
        "D2", "logo.png", {"image_data": io.BytesIO(_png())})
    wb.close()
    digest = sha(path)
    with pytest.raises(RollForwardRefused, match="would lose pictures"):
        roll_forward(path, "Spring", today=NOW)
    assert sha(path) == digest


def _with_sheet_ext(src: Path, dst: Path, sheet_part: str, ext: str) -> Path:
    """Copy a workbook, adding an extension list to one worksheet (as Excel 2010+ writes)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == sheet_part:
                xml = body.decode()
                body = xml.replace("</worksheet>", f"<extLst>{ext}</extLst></worksheet>").encode()
            zout.writestr(info, body)
    return dst


X14_DV = ('<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
          'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
          '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
          '<x14:dataValidation type="list" allowBlank="1" showErrorMessage="1">'
          '<x14:formula1><xm:f>Provisions!$A$2:$A$40</xm:f></x14:formula1>'
          '<xm:sqref>C2:C5</xm:sqref></x14:dataValidation></x14:dataValidations></ext>')


@pytest.mark.filterwarnings("ignore:Data Validation extension")
def test_excel_2010_dropdowns_are_kept_and_copied(tmp_path):
    src = B.build_workbook(tmp_path / "plain.xlsx", sheets={
        "3O Autumn": {"provision": ROWS, "review": B.REVIEW_ROWS}})
    path = _with_sheet_ext(src, tmp_path / "map.xlsx", "xl/worksheets/sheet5.xml", X14_DV)
    result = roll_forward(path, "Spring", today=NOW)
    assert result.kept_extensions == ["3O Autumn: dropdowns (Excel 2010 data validations)"]
    with zipfile.ZipFile(path) as z:
        assert "<xm:sqref>C2:C5</xm:sqref>" in z.read("xl/worksheets/sheet5.xml").decode()
    wb = openpyxl.load_workbook(path)                   # still a valid workbook
    [dv] = wb["3O Spring"].data_validations.dataValidation
    assert (str(dv.sqref), dv.formula1) == ("C2:C5", "Provisions!$A$2:$A$40")


def test_refuses_unknown_excel_extensions(tmp_path):
    src = B.build_workbook(tmp_path / "plain.xlsx")
    slicer = ('<ext uri="{A8765BA9-456A-4dab-B4F3-ACF838C121DE}" '
              'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
              '<x14:slicerList/></ext>')
    path = _with_sheet_ext(src, tmp_path / "map.xlsx", "xl/worksheets/sheet5.xml", slicer)
    digest = sha(path)
    with pytest.raises(RollForwardRefused, match="slicers"):
        roll_forward(path, "Spring", today=NOW)
    assert sha(path) == digest


def test_refuses_first_term_and_unknown_term(tmp_path):
    path = B.build_workbook(tmp_path / "map.xlsx")
    with pytest.raises(RollForwardRefused, match="first term"):
        roll_forward(path, "Autumn")
    with pytest.raises(RollForwardRefused, match="not one of the terms"):
        roll_forward(path, "Winter")


def test_template_workbook_fills_next_terms_sheet(tmp_path):
    from provmap.workbook.standard import ExampleData, new_workbook
    data = ExampleData(pupils=B.PUPILS, staff=B.STAFF, provisions=B.PROVISIONS,
                       provision_rows={"3O Autumn": ROWS[:3]},
                       review_rows={"3O Autumn": B.REVIEW_ROWS})
    path = new_workbook(tmp_path / "map.xlsx", "Oak Tree", "2025-26", data=data)
    result = roll_forward(path, "Spring", today=NOW)
    assert result.sheets_filled == ["3O Spring"] and result.rows_carried == {"3O Spring": 2}
    ws = openpyxl.load_workbook(path)["3O Spring"]
    pupils = [ws.cell(r, 1).value for r in range(5, 8)]
    assert pupils == ["Jonathan Smith", "Leo Brown", None]
    with pytest.raises(RollForwardRefused, match="already holds"):
        roll_forward(path, "Spring", today=NOW)


@pytest.mark.usefixtures("soffice")
def test_libreoffice_saved_copy_survives(tmp_path):
    (tmp_path / "orig").mkdir()
    orig = staff_edited(tmp_path / "orig" / "map.xlsx")
    out = tmp_path / "lo"
    subprocess.run(["soffice", "-env:UserInstallation=file:///tmp/lo-rollforward-test",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(orig)],
                   check=True, capture_output=True, timeout=120)
    path = out / "map.xlsx"
    before = snapshot(path)
    result = roll_forward(path, "Spring", today=NOW)
    after = snapshot(path)
    for name in before["order"]:
        assert after[name] == before[name], name
    assert result.rows_carried == {"3O Spring": 2, "Year 4 Maple - Spring": 1}
    ws = openpyxl.load_workbook(path)["3O Spring"]
    assert ws.cell(4, 15).value == "7y 8m" and ws.cell(5, 15).value == 19
