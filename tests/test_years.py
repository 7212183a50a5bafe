"""Several years together: history(), the evidence pack and the transition pack, checked
against the numbers worked by hand in tests/two_years.py."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import provmap
import two_years as ty
from provmap.cli import main
from provmap.numbers.history import HistoryRefused, history
from provmap.reports.evidence import write_evidence
from provmap.reports.pupil_years import pupil_years
from provmap.reports.transition import leavers, what_works, write_transitions

JONATHAN_PACK = f"Smith Jonathan {ty.JONATHAN} - SEN support evidence.xlsx"


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    return ty.build_two_years(tmp_path_factory.mktemp("two-years"))


@pytest.fixture(scope="module")
def hist(school):
    return history(list(reversed(school)))


@pytest.fixture(scope="module")
def packs(hist, tmp_path_factory):
    """Evidence packs for every K/E pupil of 2025-26 and for Priya (2024-25 only)."""
    out = tmp_path_factory.mktemp("evidence")
    said: list[str] = []
    paths = write_evidence(hist, out, progress=False, say=said.append)
    paths += write_evidence(hist, out, [ty.PRIYA.lower()], progress=False, say=said.append)
    return {p.name: p for p in paths}, said


def rows(path: Path, sheet: str) -> list[list]:
    """Every row of a sheet as its non-empty values."""
    ws = openpyxl.load_workbook(path)[sheet]
    return [[c.value for c in r if c.value not in (None, "")] for r in ws.iter_rows()]


def row_after(path: Path, sheet: str, first) -> list:
    return next(r for r in rows(path, sheet) if r and r[0] == first)


def all_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets for r in ws.iter_rows() for c in r
                     if c.value is not None)


# --------------------------------------------------------------------------- history

def test_history_orders_years_and_each_is_the_single_year_rollup(school, hist):
    assert [y.academic_year for y in hist.years] == ["2024-25", "2025-26"]
    assert hist.school == "Oak Tree Primary"
    assert hist.skipped == []
    for path, y in zip(school, hist.years):
        alone = provmap.rollup(provmap.load(path))
        assert y.rollup.term == alone.term == "Spring"
        pd.testing.assert_frame_equal(y.rollup.by_pupil, alone.by_pupil)
        pd.testing.assert_frame_equal(y.rollup.rows, alone.rows)
    assert [y.rows_excluded for y in hist.years] == [1, 0]      # Minutes 'lots' in 2024-25
    assert [y.academic_year for y, _ in hist.pupil_years(ty.PRIYA)] == ["2024-25"]
    assert len(list(hist.pupil_years(ty.JONATHAN))) == 2


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_order_given_does_not_matter(school, order):
    h = history([school[i] for i in order])
    assert [y.path for y in h.years] == list(school)


def test_same_year_twice_is_refused(school, tmp_path):
    again = shutil.copy(school[1], tmp_path / "copy.xlsx")
    with pytest.raises(HistoryRefused, match="both for 2025-26; give one workbook per"):
        history([school[0], school[1], again])


def test_different_schools_are_refused_but_spelling_is_not(school, tmp_path, capsys):
    elm = ty.build_year1(tmp_path / "elm.xlsx", settings={"School": "Elm Primary"})
    with pytest.raises(HistoryRefused, match="is for Elm Primary but .* is for Oak Tree"):
        history([elm, school[1]])
    assert main(["evidence", str(elm), str(school[1]), "--all", "--out",
                 str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "one school only" in err[0]
    assert not (tmp_path / "x").exists()


def test_an_unusable_year_is_one_line_and_the_rest_goes_on(school, tmp_path, capsys):
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    no_year = ty.build_year1(tmp_path / "no year.xlsx", settings={"Academic year": None})
    h = history([broken, school[0], no_year, school[1]])
    assert [y.academic_year for y in h.years] == ["2024-25", "2025-26"]
    assert len(h.skipped) == 2
    assert "broken.xlsx" in h.skipped[0]
    assert "no year.xlsx: its Settings sheet has no Academic year" in h.skipped[1]
    code = main(["evidence", str(broken), *map(str, school), "--pupil", ty.JONATHAN,
                 "--out", str(tmp_path / "out")])
    out = capsys.readouterr()
    assert code == 1
    assert [l for l in out.err.splitlines() if "skipped" in l] == [
        f"provmap: {h.skipped[0].replace(str(broken), 'skipped ' + str(broken), 1)}"]
    assert "Traceback" not in out.err
    assert (tmp_path / "out" / JONATHAN_PACK).exists()
    text = all_text(tmp_path / "out" / JONATHAN_PACK)
    assert "Not included (the workbook could not be used): broken.xlsx." in text
    with pytest.raises(HistoryRefused, match="none of the workbooks could be used"):
        history([broken])


# --------------------------------------------------------------------------- evidence

def test_evidence_pack_figures_by_hand(packs):
    paths, _ = packs
    path = paths[JONATHAN_PACK]
    assert openpyxl.load_workbook(path).sheetnames == [
        "Summary", "Cycles", "Progress", "Costs", "Professionals"]
    s = rows(path, "Summary")
    assert ["2024-25", 337.0, 6000.0, "No"] in s
    assert ["2025-26", 512.0, 400.0, "Yes"] in s
    assert ["Total, all years", 849.0] in s
    assert row_after(path, "Summary", "Assess, plan, do, review cycles")[1].startswith("3 (")
    assert row_after(path, "Summary", "First term on the SEN register (in the years given)") \
        == ["First term on the SEN register (in the years given)", "Autumn 2024-25"]
    # no error column on a page a panel reads: the row left out is said in words
    assert ["2024-25", "Year 5", "5O", "SEN support (K)",
            "Specific learning difficulty (SPLD)", "Cognition and learning"] in s
    text = all_text(path)
    assert "Rows left out" not in text and "(errors)" not in text and "provmap" not in text
    assert ("1 of this pupil's provision rows is not costed yet: the provision maps have a "
            "problem to fix on that row, so these costs leave it out (the Cycles sheet shows "
            "which).") in text
    # Cycles: four term blocks, three of them cycles
    heads = [r[0] for r in rows(path, "Cycles") if r and "·" in str(r[0])]
    assert heads == ["Autumn 2024-25  ·  Year 5, class 5O  ·  cycle 1",
                     "Spring 2024-25  ·  Year 5, class 5O  ·  cycle 2",
                     "Autumn 2025-26  ·  Year 6, class 6O  ·  cycle 3",
                     "Spring 2025-26  ·  Year 6, class 6O  ·  not a full cycle (no provision, "
                     "or no targets, recorded)"]
    precision = row_after(path, "Cycles", "Precision teaching")
    assert precision == ["Precision teaching", "1:1", "TA", "3 a week × 10 min × 12 weeks",
                         108.0, "Reading age: 7y 2m → 7y 10m",
                         "8 months; ratio gain 2.28 (useful)", "Achieved", "Continue"]
    assert ["Lego therapy", "Group of 3", "Mrs Patel", "1 a week × 45 min × 10 weeks", 80.0,
            "Boxall profile: 20 → 24", "4", "Partly achieved"] in rows(path, "Cycles")
    assert ["Visual timetable", "Quality first teaching", "Teacher", "In class, every day",
            5.0] in rows(path, "Cycles")
    assert ["Lego therapy", "Group", "Mrs Patel", "1 a week × 45 min × 10 weeks",
            "not costed yet"] in rows(path, "Cycles")
    assert any("Lego therapy: not costed yet: the provision map has a problem to fix on that "
               "row (5O Spring row 3)." in str(r[0]) for r in rows(path, "Cycles") if r)
    assert ["+I like maths"] == [v for r in rows(path, "Cycles") for v in r
                                 if v == "+I like maths"]
    # Costs: by term and type, and by year against the threshold
    c = rows(path, "Costs")
    assert ["2024-25", "Autumn", 5.0, 80.0, 108.0, 193.0] in c
    assert ["2024-25", "Spring", 0.0, 0.0, 144.0, 144.0] in c
    assert ["2025-26", "Spring", 0.0, 0.0, 324.0, 324.0] in c
    assert ["2024-25", 5.0, 80.0, 252.0, 337.0, 6000.0, "No"] in c
    assert ["2025-26", 0.0, 80.0, 432.0, 512.0, 400.0, "Yes"] in c
    # Professionals: Dr A Green once across both years
    p = rows(path, "Professionals")
    assert ["Dr A Green", "Educational psychologist", datetime(2024, 10, 1),
            datetime(2025, 11, 3), "Review before transfer.", "2024-25, 2025-26"] in p
    assert ["Ms C Black", "Speech and language therapist", datetime(2025, 9, 15),
            "2025-26"] in p
    assert sum(1 for r in p if r and str(r[0]).casefold() == "dr a green") == 1


def test_every_pack_equals_the_single_year_rollups_to_the_penny(hist, packs):
    paths, _ = packs
    by_year = {y.academic_year: y.rollup.by_pupil.set_index("UPN")["Year cost"]
               for y in hist.years}
    checked = 0
    for name, path in paths.items():
        upn = re.search(r"[A-Z]\d{11}[0-9A-Z]", name).group(0)
        summary = rows(path, "Summary")
        total = 0.0
        for year, costs in by_year.items():
            if upn in hist.years[[y.academic_year for y in hist.years].index(year)].map.pupils:
                row = next(r for r in summary if r[:1] == [year] and len(r) == 4)
                assert round(row[1], 2) == round(float(costs.get(upn, 0.0)), 2)
                total += float(costs.get(upn, 0.0))
                checked += 1
        assert round(row_after(path, "Summary", "Total, all years")[1], 2) == round(total, 2)
    assert checked == 6        # Jonathan 2, Aisha 2, Sam 1, Priya 1


def test_who_gets_an_evidence_pack(packs):
    paths, said = packs
    assert sorted(paths) == sorted([
        JONATHAN_PACK, f"Khan Aisha {ty.AISHA} - SEN support evidence.xlsx",
        f"Green Sam {ty.SAM} - SEN support evidence.xlsx",
        f"Shah Priya {ty.PRIYA} - SEN support evidence.xlsx"])
    assert said == [f"Zara Ali ({ty.ZARA}) has no provision recorded in any year given; no "
                    "evidence pack written for them."]
    priya = paths[f"Shah Priya {ty.PRIYA} - SEN support evidence.xlsx"]
    assert ["2024-25", 108.0, 6000.0, "No"] in rows(priya, "Summary")
    assert not any(r[:1] == ["2025-26"] for r in rows(priya, "Summary"))


def test_progress_charts_read_the_table(packs):
    path = packs[0][JONATHAN_PACK]
    charts = chart_series(path)
    reading = charts["Reading age (months)"]
    assert [s["name"] for s in reading] == ["Pre", "Post"]
    assert [s["values"] for s in reading] == [[86, 94, 98, 105], [94, 98, 105, 111]]
    assert reading[0]["ref"].startswith("Progress!$H$")
    assert charts["Boxall profile"][0]["values"] == [20, 24]
    assert charts["Boxall profile"][1]["values"] == [24, 27]
    costs = charts["Cost of provision by year and type, and the notional threshold"]
    assert [s["values"] for s in costs] == [[5, 0], [80, 80], [252, 432], [6000, 400]]
    table = rows(path, "Progress")
    assert ["Autumn 2024-25", "Precision teaching", "7y 2m", "7y 10m", "8 months",
            "ratio gain 2.28 (useful)", "Achieved", 86, 94] in table
    assert ["Autumn 2025-26", "Lego therapy", 24, 27, 3] in table


def chart_series(path: Path) -> dict[str, list[dict]]:
    """Each chart's title -> its series: name, values reference and cached values."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.startswith("xl/charts/chart"):
                continue
            xml = z.read(name).decode()
            title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("<c:plotArea>")[0]))
            series = []
            for ser in re.findall(r"<c:ser>(.*?)</c:ser>", xml, re.S):
                sname = re.search(r"<c:tx>.*?<c:v>([^<]*)</c:v>", ser, re.S)
                val = ser.split("<c:val>")[1]
                series.append({
                    "name": sname.group(1) if sname else None,
                    "ref": re.search(r"<c:f>([^<]*)</c:f>", val).group(1),
                    "values": [float(v) for v in re.findall(r"<c:v>([^<]*)</c:v>", val)]})
            out.setdefault(title, []).extend(series)
    return out


def test_pack_states_facts_and_never_judges_eligibility(packs):
    for path in packs[0].values():
        assert "eligib" not in all_text(path).casefold()
    text = all_text(packs[0][JONATHAN_PACK])
    assert "It was above the notional SEN threshold in 2025-26." in text
    assert "The school recorded 3 assess, plan, do, review cycles" in text


def test_print_setup_and_header(packs):
    wb = openpyxl.load_workbook(packs[0][JONATHAN_PACK])
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
        # a fixed scale (Excel keeps manual breaks only then), every sheet at 100%
        assert not ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.scale in (None, 100), ws.title
        assert ws.oddHeader.left.text == "Oak Tree Primary"
        assert ws.oddHeader.right.text == "Confidential"
        assert ws.print_title_rows == "$1:$2"


def test_no_formulas_anywhere(hist, packs, tmp_path):
    paths = list(packs[0].values())
    paths += write_transitions(hist, tmp_path, costs=True, progress=False, say=lambda _: None)
    for path in paths:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    xml = z.read(name).decode()
                    assert "<f>" not in xml and "<f " not in xml, (path.name, name)


def test_a_packs_title_fits_the_pupils_status(packs):
    """An EHC-plan pupil's pack is not "SEN support" evidence (the file keeps its name)."""
    paths, _ = packs
    aisha = paths[f"Khan Aisha {ty.AISHA} - SEN support evidence.xlsx"]     # E both years
    summary = rows(aisha, "Summary")
    assert summary[1] == ["EHC plan evidence: Aisha Khan"]
    assert "SEN support evidence" not in all_text(aisha)
    assert openpyxl.load_workbook(aisha)["Cycles"].oddFooter.left.text == \
        "Aisha Khan: EHC plan evidence"
    assert rows(paths[JONATHAN_PACK], "Summary")[1] == ["SEN support evidence: Jonathan Smith"]


def test_a_pack_says_when_and_by_whom_and_keys_its_codes(hist, packs):
    """Produced on ... by the school (and its SENCo when the Settings name one), on the first
    page; a key at the back to the codes the pack prints, and only those."""
    path = packs[0][JONATHAN_PACK]
    summary = rows(path, "Summary")
    today = hist.latest.rollup.today
    assert summary[3] == [f"Produced on {today.day} {today.strftime('%B %Y')} by Oak Tree "
                          "Primary."]
    last = rows(path, "Professionals")
    at = last.index(["Key to the codes in this pack"])
    key = {str(v).split(": ", 1)[0] for r in last[at + 1:] for v in r}     # "SPLD: spec..."
    text = all_text(path)
    assert "SPLD" in text and "SPLD" in key and "TA" in key
    assert "WTS" not in key and "HLTA" not in key           # codes the pack never prints
    assert key <= {code for code in provmap.glossary.COMMON} | {"SENCo"}


# --------------------------------------------------------------------------- transition

def test_transition_leavers_and_content(hist, tmp_path):
    assert sorted(leavers(hist)) == sorted([ty.JONATHAN, ty.AISHA, ty.MAYA, ty.ZARA])
    said: list[str] = []
    paths = write_transitions(hist, tmp_path, progress=False, say=said.append)
    folder = tmp_path / "Transition 2025-26"
    assert sorted(p.name for p in paths) == sorted([
        f"Smith Jonathan {ty.JONATHAN}.xlsx", f"Khan Aisha {ty.AISHA}.xlsx",
        f"Jones Maya {ty.MAYA}.xlsx", f"Ali Zara {ty.ZARA}.xlsx"])
    assert all(p.parent == folder for p in paths)
    assert said == [f"Zara Ali ({ty.ZARA}) has no provision recorded in any year given; "
                    "their pack holds their details, needs and professionals only."]
    j = folder / f"Smith Jonathan {ty.JONATHAN}.xlsx"
    assert openpyxl.load_workbook(j).sheetnames == ["Profile", "Provision", "Professionals",
                                                    "Attendance"]
    profile = rows(j, "Profile")
    # what works: Achieved, or a ratio gain of 2 or more (useful or better)
    works = [r for r in profile if r and r[0] == "Precision teaching"]
    assert [(r[1], r[2]) for r in works] == [
        ("Autumn 2024-25", "Outcome: Achieved; Ratio gain 2.28 (useful)"),
        ("Spring 2024-25", "Outcome: Achieved"),
        ("Spring 2025-26", "Ratio gain 2.25 (useful)")]          # 6 months over 81 days
    assert ["Cognition and learning", "Decoding unfamiliar words.", "Good number sense."] \
        in profile
    assert ["Social, emotional and mental health", "Upset when work looks hard; another "
            "pupil helps.", "Kind and caring."] in profile
    assert ["Read a chapter book", "Partly achieved"] in profile      # Autumn 2025-26
    provision = rows(j, "Provision")
    assert ["2024-25", "Autumn", "Lego therapy", "Group",
            "1 × 45 min a week for 10 weeks, with Mrs Patel, in a group of 3",
            "Partly achieved"] in provision
    assert ["1 of these rows has an error in the 2024-25 provision map, so it is left out of "
            "the school's numbers."] in provision
    assert ["Autumn", "93%", "Expected", "Working towards", "Expected"] in rows(j, "Attendance")
    assert sum(1 for r in rows(j, "Professionals") if r and r[0] == "Dr A Green") == 1
    for p in paths:
        text = all_text(p)
        assert "£" not in text and "Cost" not in text, p.name
    with_costs = write_transitions(hist, tmp_path / "c", costs=True, progress=False,
                                   say=lambda _: None)
    text = all_text(next(p for p in with_costs if ty.JONATHAN in p.name))
    assert "Cost of provision in 2025-26: £512.00 (notional SEN threshold £400.00)." in text


def test_transition_pages_hold_what_there_is(hist, tmp_path):
    """No page for "no professionals" (a line on the Profile instead), no empty "What staff
    noted" column, and the Profile on one page (a little smaller when it must)."""
    paths = write_transitions(hist, tmp_path, progress=False, say=lambda _: None)
    for path in paths:
        wb = openpyxl.load_workbook(path)
        d = pupil_years(hist, re.search(r"[A-Z]\d{11}[0-9A-Z]", path.name).group(0))
        profile = rows(path, "Profile")
        if d.professionals:
            assert "Professionals" in wb.sheetnames
        else:
            assert "Professionals" not in wb.sheetnames
            assert any(r[-2:] == ["Outside professionals", "None recorded in the years given"]
                       for r in profile if len(r) >= 2), path.name
        works = what_works(d)
        if works:                                  # its heading row, just under the section
            heads = profile[profile.index(["What works for me"]) + 1]
            assert ("What staff noted" in heads) == any(r[4] for r in works), path.name
        ws = wb["Profile"]
        assert not ws.row_breaks.brk, path.name                    # one page
        assert (ws.page_setup.scale or 100) >= 86
    zara = next(p for p in paths if ty.ZARA in p.name)
    assert "Professionals" not in openpyxl.load_workbook(zara).sheetnames


def test_leaving_year_group_setting_is_used(school, tmp_path):
    y2 = ty.build_year2(tmp_path / "y2.xlsx", settings={"Leaving year group": "5"})
    h = history([school[0], y2])
    assert leavers(h) == [ty.SAM]


# --------------------------------------------------------------------------- command line

def test_cli_bad_input_lines(school, tmp_path, capsys):
    # a UPN that matches no pupil is a mistake in the command: nothing written, exit 2 (as pop)
    code = main(["evidence", *map(str, school), "--pupil", ty.JONATHAN, "A999",
                 ty.ZARA, "--out", str(tmp_path / "none")])
    out = capsys.readouterr()
    assert code == 2 and not (tmp_path / "none").exists()
    assert out.err.strip().splitlines()[-1] == (
        "provmap: no pupil with UPN A999 is on the register of any workbook given (2024-25, "
        "2025-26); nothing was written. Check the UPN and run the command again.")
    code = main(["evidence", *map(str, school), "--pupil", ty.JONATHAN, ty.ZARA, "--out",
                 str(tmp_path)])
    out = capsys.readouterr()
    assert code == 1
    err = out.err.strip().splitlines()
    assert err == [
        f"provmap: Zara Ali ({ty.ZARA}) has no provision recorded in any year given; no "
        "evidence pack written for them."]
    assert "2024-25 (Provision map 2024-25.xlsx): 1 provision row with errors left out" \
        in out.out
    assert f"Wrote 1 pack to {tmp_path}" in out.out
    assert main(["transition", *map(str, school), "--out", str(tmp_path)]) == 0
    assert "Wrote 4 packs to" in capsys.readouterr().out


def test_cli_needs_pupil_or_all(school, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["evidence", str(school[0])])
    assert exc.value.code == 2


def test_real_subprocess(school, tmp_path):
    result = subprocess.run([sys.executable, "-m", "provmap", "evidence", *map(str, school),
                             "--all", "--out", str(tmp_path)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1, result.stderr        # Zara has no provision: one line
    assert "Traceback" not in result.stderr
    assert len(list(tmp_path.glob("*.xlsx"))) == 3


def test_pupil_years_for_one_pupil(hist):
    d = pupil_years(hist, ty.JONATHAN.lower())
    assert [y.year_cost for y in d.years] == [337.0, 512.0] and d.total_cost == 849.0
    assert len(d.cycles()) == 3
    assert [y.above_threshold for y in d.years] == [False, True]
    assert pupil_years(hist, "A999") is None


# --------------------------------------------------------------------------- LibreOffice

@pytest.mark.libreoffice
@pytest.mark.usefixtures("soffice")
def test_packs_print_on_a4_with_every_sheet(hist, tmp_path):
    """The batched LibreOffice path (as for POPs) makes a PDF of each pack; every page is A4
    landscape and every sheet is found, in order, on its own pages."""
    ev = write_evidence(hist, tmp_path / "ev", [ty.JONATHAN], pdf=True, progress=False)
    tr = write_transitions(hist, tmp_path / "tr", pdf=True, progress=False,
                           say=lambda _: None)
    evidence_pdf = ev[1]
    transition_pdf = next(p for p in tr if p.suffix == ".pdf" and ty.JONATHAN in p.name)
    for pdf, titles in (
            (evidence_pdf, ["SEN support evidence:", "Assess, plan, do, review:",
                            "Progress over time:", "Cost of provision:",
                            "Outside professionals:"]),
            (transition_pdf, ["Transition:", "Provision by year and term:",
                              "Outside professionals:", "Attendance and attainment 2025-26:"])):
        data = pdf.read_bytes()
        boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)\s*\]", data)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        pages = [p for p in text.split("\f") if p.strip()]
        assert len(boxes) >= len(pages) > 0
        for box in boxes:
            w, h = float(box[2]), float(box[3])
            assert (round(w), round(h)) == (842, 595), box          # A4 landscape
        found = []
        for page in pages:
            assert "Confidential" in page and "Oak Tree Primary" in page
            title = next(t for t in titles if t in page)             # the repeated title row
            if not found or found[-1] != title:
                found.append(title)
        assert found == titles, (pdf.name, found)
