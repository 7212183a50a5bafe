"""The trust report: three schools worked by hand, disclosure, refusals, the file, the CLI.

The schools are in tests/trust_schools.py (costs worked out in its docstring).  The trust's
threshold is 3 (the largest Suppress counts below: Ash 2, Birch 3, Cedar 2).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from decimal import ROUND_HALF_UP, Decimal

from published_audit import assert_nothing_pinned, money_beside_small_counts, trust_page
from test_governors import assert_identifies_no_one
from trust_schools import SPRING_MONTHS, ash, birch, cedar, trust_folder

import provmap
from provmap.numbers import disclosure as dc
from provmap.cli import main
from provmap.numbers.trust import ALL, TOTAL, TrustRefused, trust
from provmap.reports.trust import write_trust

M = SPRING_MONTHS          # months elapsed of every Spring row (term dates, no row dates)


def report_band(ratio: float) -> str:
    from provmap.model import Settings
    from provmap.schema import DEFAULT_IMPACT_BANDS
    return Settings("", "", (), {}, 0.0, DEFAULT_IMPACT_BANDS, 3).band(ratio)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return trust_folder(tmp_path_factory.mktemp("trust") / "maps")


@pytest.fixture(scope="module")
def report(folder):
    return trust([folder])


def line(df, col: str, key: str):
    return df[df[col] == key].iloc[0]


# --- which schools, which term --------------------------------------------------------------

def test_the_library_call_is_provmap_trust(folder, report):
    again = provmap.trust([folder], term="Spring")
    assert again.schools.equals(report.schools) and again.by_provision.equals(report.by_provision)


def test_term_threshold_and_who_is_included(report):
    assert report.term == "Spring"             # latest with provision in any school
    assert report.threshold == 3 and report.year == "2025-26"
    assert report.schools["School"].tolist() == ["Ash Primary", "Birch Primary",
                                                 "Cedar Primary", TOTAL]
    # the text file is listed with why; Excel's lock file is not read at all
    assert report.not_included["File"].tolist() == ["oak.xlsx"]
    assert "CSV or text file" in report.not_included["Reason"].iloc[0]
    # Cedar's row naming 'Nobody Known' is an error: left out, as Cedar's rollup leaves it
    assert report.left_out.to_dict("records") == [
        {"School": "Cedar Primary", "File": "cedar.xlsx", "Rows left out this term": 1,
         "Rows left out, year so far": 1}]


# --- the Schools sheet, every figure by hand ---------------------------------------------------

def test_schools_sheet_figures_worked_by_hand(report):
    s = report.schools.set_index("School")
    # Ash: 5 on roll, K K E N K -> 4 on SEN register; Spring: A1-A4 have provision.
    # Spring cost: Precision teaching 2 x 108 + Reading catch-up 180 (one group of 3)
    #   + Visual timetable 5 = 401; Autumn: Precision teaching 108 -> year 509.
    # Group share 180 / 401; assessed rows 6, 3 (PT), 4, 0, 5 (RC): 4 of 5 gained.
    # Useful or better: Reading catch-up, 3 assessed, ratio 3 / M = 1.13 (modest) -> 0 of 1
    # (Precision teaching has only 2 assessed at Ash, fewer than 3: not judged).
    # Means and shares are kept as printed: £100 a pupil, 45% on groups.
    assert s.loc["Ash Primary"].tolist() == pytest.approx([
        5, 4, 0.8, 4, 401.0, 509.0, 100, 0.45, 0.8, "0 of 1"])
    # Birch: 4 on roll, all K, all with provision.  Reading catch-up 180 (group of 3)
    # + Lego therapy 240 (group of 1) = 420, all group.  Gains 6, 0, 9, 4: 3 of 4.
    assert s.loc["Birch Primary"].tolist() == pytest.approx([
        4, 4, 1.0, 4, 420.0, 420.0, 105.0, 1.0, 0.75, "none could be judged"])
    # Cedar: 6 on roll (5 K, 1 E), all with provision.  Lego therapy 240 (group of 4)
    # + Precision teaching 108 + Visual timetable 5 = 353; group 240 / 353.
    # Gains 6, 0, 3 (Lego; C4 has no scores), 0 (PT): 2 of 4.
    assert s.loc["Cedar Primary"].tolist() == pytest.approx([
        6, 6, 1.0, 6, 353.0, 353.0, 59, 0.68, 0.5, "none could be judged"])
    # Trust: 15 on roll, 14 on SEN registers, 14 with provision, 401 + 420 + 353 = 1174 this
    # term, 509 + 420 + 353 = 1282 the year; group 180 + 420 + 240 = 840; 9 of 13 gained.
    # Pooled ratios shown: Precision teaching 3 / M and Reading catch-up (months) 3 / M.
    assert s.loc[TOTAL].tolist() == pytest.approx([
        15, 14, 0.93, 14, 1174.0, 1282.0, 84, 0.72, 0.69, "0 of 2"])


def test_each_school_is_its_own_rollup(report, folder):
    s = report.schools.set_index("School")
    for file, school in (("ash.xlsx", "Ash Primary"), ("birch.xlsx", "Birch Primary"),
                         ("cedar.xlsx", "Cedar Primary")):
        r = provmap.rollup(provmap.load(folder / file), term="Spring")
        figures = r.summary
        by = figures["pupils_on_register_by_status"]
        assert s.at[school, "Pupils on register"] == figures["pupils_on_register"]
        assert s.at[school, "On SEN register"] == by["K"] + by["E"]
        assert s.at[school, "Pupils with provision"] == figures["pupils_with_provision"]
        assert s.at[school, "Cost this term"] == figures["cost_term"]
        assert s.at[school, "Year cost"] == figures["cost_year"]


# --- By provision and by area, every figure by hand -------------------------------------------

def test_by_provision_pools_by_name_and_keeps_kinds_apart(report):
    p = report.by_provision
    lines = p.to_dict("records")
    notes = [x.pop("Note") for x in lines]
    c_and_i, c_and_l = "Communication and interaction", "Cognition and learning"
    two = lambda x: float(Decimal(repr(x)).quantize(Decimal("0.01"), ROUND_HALF_UP))  # noqa: E731
    assert lines == [
        # Lego therapy (Birch 'Lego therapy', Cedar 'LEGO  Therapy', the spelling of most
        # rows): B4 alone 240, C1-C4 240 -> 5 pupils, 480; assessed B4 4, C1 6, C2 0, C3 3
        # -> mean 13 / 4 = 3.25, printed 3.3; one with no progress (<3); a score: no band.
        # Its 5 and its £480 are hidden: they are the complements of Visual timetable's
        # (below), which the area of need would otherwise give back (C&I: 7 pupils, £490).
        {"Provision": "LEGO Therapy", "Type": "Group", "Area of need": c_and_i,
         "Measure": "Boxall profile (points)", "Schools": 2, "Pupils": dc.HIDDEN,
         "Cost": dc.HIDDEN, "Cost per pupil": None, "Mean gain": 3.3, "Ratio gain": None,
         "Effect size": None, "Pupils with no progress": "<3", "Impact": None,
         "Pupils assessed": 4},
        # Precision teaching: Ash A1 (gain 6), A2 (3), Cedar C5 (0): 3 pupils, 3 x 108.
        # Mean (6 + 3 + 0) / 3 = 3, ratio 3 / M = 1.127, printed 1.13: modest.
        {"Provision": "Precision teaching", "Type": "1:1", "Area of need": c_and_l,
         "Measure": "Reading age (months)", "Schools": 2, "Pupils": 3, "Cost": 324.0,
         "Cost per pupil": 108.0, "Mean gain": 3.0, "Ratio gain": two(3 / M),
         "Effect size": None, "Pupils with no progress": "<3", "Impact": "modest",
         "Pupils assessed": 3},
        # Reading catch-up in months (Ash, one group of 3, 180): gains 4, 0, 5 -> 3, 3 / M.
        {"Provision": "Reading catch-up", "Type": "Group", "Area of need": c_and_l,
         "Measure": "Reading age (months)", "Schools": 1, "Pupils": 3, "Cost": 180.0,
         "Cost per pupil": 60.0, "Mean gain": 3.0, "Ratio gain": two(3 / M),
         "Effect size": None, "Pupils with no progress": "<3", "Impact": "modest",
         "Pupils assessed": 3},
        # ... and standardised (Birch, 180 for 3): gains 6, 0, 9 -> 5, effect size 5 / 15.
        {"Provision": "Reading catch-up", "Type": "Group", "Area of need": c_and_l,
         "Measure": "Reading standardised score (points)", "Schools": 1, "Pupils": 3,
         "Cost": 180.0, "Cost per pupil": 60.0, "Mean gain": 5.0, "Ratio gain": None,
         "Effect size": 0.33, "Pupils with no progress": "<3", "Impact": None,
         "Pupils assessed": 3},
        # Visual timetable: A4 and C6, 2 pupils (<3), 2 x 5: £10 over two pupils at a
        # known £5 each would tell the count, so it is hidden with it.
        {"Provision": "Visual timetable", "Type": "Quality first teaching",
         "Area of need": c_and_i,
         "Measure": "none", "Schools": 2, "Pupils": "<3", "Cost": dc.HIDDEN,
         "Cost per pupil": None, "Mean gain": None, "Ratio gain": None, "Effect size": None,
         "Pupils with no progress": None, "Impact": "not measured", "Pupils assessed": 0},
        # Total: 14 distinct pupils of the three schools, 401 + 420 + 353 = 1174.
        {"Provision": ALL, "Type": None, "Area of need": None, "Measure": None, "Schools": 3,
         "Pupils": 14, "Cost": 1174.0, "Cost per pupil": None, "Mean gain": None,
         "Ratio gain": None, "Effect size": None, "Pupils with no progress": None,
         "Impact": None, "Pupils assessed": None}]
    # The two Reading catch-up lines say why they are apart, naming the other schools.
    assert notes[2].startswith("Not pooled: measured as months") and "Birch Primary" in notes[2]
    assert notes[3].startswith("Not pooled: measured as standardised") and \
        "Ash Primary" in notes[3]
    assert notes[:2] == [None, None] and notes[4:] == [None, None]


def test_nothing_the_trust_report_shows_can_be_solved(report):
    assert_nothing_pinned(trust_page(report))
    assert not money_beside_small_counts(report.by_provision, "Pupils",
                                          ["Cost", "Cost per pupil"])
    assert not money_beside_small_counts(report.by_area, "Pupils", ["Cost"])
    assert not money_beside_small_counts(report.schools, "Pupils with provision",
                                          ["Cost this term", "Cost per pupil with provision"])


def test_by_area_of_need(report):
    a = report.by_area
    # C&I: Lego (B4, C1-C4) + Visual timetable (A4, C6) = 7 pupils, 480 + 10 = 490.
    # C&L: Precision teaching (A1, A2, C5) + Reading catch-up (A1-A3, B1-B3) = 7, 324 + 360.
    assert a.to_dict("records") == [
        {"Area of need": "Communication and interaction", "Schools": 3, "Pupils": 7,
         "Cost": 490.0},
        {"Area of need": "Cognition and learning", "Schools": 3, "Pupils": 7, "Cost": 684.0},
        {"Area of need": ALL, "Schools": 3, "Pupils": 14, "Cost": 1174.0}]


def test_summary_gives_the_trust_totals(report):
    s = dict(zip(report.summary["Item"], report.summary["Value"]))
    assert s["Schools included"] == 3 and s["Schools not included"] == 1
    assert s["Pupils on registers"] == 15 and s["Pupils on SEN registers"] == 14
    assert s["Pupils with provision in Spring"] == 14
    assert s["Cost of provision in Spring"] == 1174.0
    assert s["Cost of provision, year so far"] == 1282.0


def test_a_trust_of_small_example_schools_cannot_be_solved(tmp_path):
    # scripts/make_example.py --trust 4 --pupils 45: version 2 printed nine provisions'
    # costs beside a <5 count here.
    from provmap.dev.example import write_trust
    r = trust(write_trust(tmp_path, 4, pupils=45))
    assert_nothing_pinned(trust_page(r))
    for table, pupils, money in ((r.by_provision, "Pupils", ["Cost", "Cost per pupil"]),
                                 (r.by_area, "Pupils", ["Cost"]),
                                 (r.schools, "Pupils with provision",
                                  ["Cost this term", "Cost per pupil with provision"])):
        assert not money_beside_small_counts(table, pupils, money)
    assert "<5" in r.by_provision["Pupils"].tolist()      # there were small counts to hide


def test_a_small_schools_counts_and_money_are_hidden_with_their_complements(tmp_path):
    # Ash says Suppress counts below 5, so the trust's threshold is 5.  Ash's 4 on the SEN
    # register and 4 with provision are <5, and its costs, over 4 pupils, are hidden with
    # them.  Cedar's 6 on the register bounds its 6 on the SEN register, so hiding that
    # would not do (<5 + at most 6 = 10 makes Ash's 4): the trust's totals go instead.
    # Cedar's costs are hidden too, else the trust's total gives Ash's back.
    r = trust([ash(tmp_path, **{"Suppress counts below": 5}), cedar(tmp_path)])
    s = r.schools.set_index("School")
    assert r.threshold == 5
    assert s["Pupils on register"].tolist() == [5, 6, 11]
    assert s["On SEN register"].tolist() == ["<5", 6, dc.HIDDEN]
    assert s["Pupils with provision"].tolist() == ["<5", 6, dc.HIDDEN]
    assert s["Cost this term"].tolist() == [dc.HIDDEN, dc.HIDDEN, 754.0]
    assert s["Year cost"].tolist() == [dc.HIDDEN, dc.HIDDEN, 862.0]
    # what would give a hidden figure away is blank: SEN %, cost per pupil, group share
    assert s["SEN %"].tolist() == [None, 1.0, None]
    assert s["Cost per pupil with provision"].tolist() == [None, None, None]
    assert s["Share on group interventions"].tolist()[:2] == [None, None]
    summary = dict(zip(r.summary["Item"], r.summary["Value"]))
    assert summary["Pupils on SEN registers"] == dc.HIDDEN
    assert summary["Cost of provision in Spring"] == 754.0
    assert_nothing_pinned(trust_page(r))


# --- refusals and trouble ---------------------------------------------------------------------

def test_two_workbooks_of_one_school_are_refused(tmp_path):
    a = ash(tmp_path)
    (tmp_path / "copy").mkdir()
    b = ash(tmp_path / "copy", School="  ASH   primary ")
    with pytest.raises(TrustRefused, match="both workbooks of"):
        trust([a, b])
    with pytest.raises(TrustRefused, match="given twice"):
        trust([a, a])


def test_workbooks_of_different_years_are_refused(tmp_path):
    a = ash(tmp_path, **{"Academic year": "2024-25"})
    b = birch(tmp_path)
    with pytest.raises(TrustRefused, match="different academic years"):
        trust([a, b])


def test_no_usable_workbook_is_refused(tmp_path):
    (tmp_path / "x.xlsx").write_text("nothing")
    with pytest.raises(TrustRefused, match="the workbook could not be used"):
        trust([tmp_path])
    (tmp_path / "y.xlsx").write_text("nothing either")
    with pytest.raises(TrustRefused, match="none of the 2 workbooks could be used"):
        trust([tmp_path])
    (tmp_path / "empty").mkdir()
    with pytest.raises(TrustRefused, match="no workbooks"):
        trust([tmp_path / "empty"])


def test_a_term_one_school_lacks_leaves_that_school_out(tmp_path):
    a = ash(tmp_path, Terms="Autumn, Spring")
    b = birch(tmp_path)
    r = trust([a, b], term="summer")
    assert r.term == "Summer"
    assert r.schools["School"].tolist() == ["Birch Primary", TOTAL]
    left = r.not_included.iloc[0]
    assert left["School"] == "Ash Primary" and "'summer' is not a term" in left["Reason"]


# --- the file ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def written(report, tmp_path_factory):
    return write_trust(report, tmp_path_factory.mktemp("out"))


def test_the_workbook_has_the_sheets_charts_and_a4(written, report):
    assert written.name == "Trust 2025-26 Spring - Trust report.xlsx"
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames == ["Summary", "Schools", "By provision", "By area of need", "Charts"]
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddHeader.right.text == "Trust report"
    with zipfile.ZipFile(written) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 2
    # the sheets hold the tables' figures (money to the penny)
    ws = wb["Schools"]
    cells = {row[0].value: [c.value for c in row] for row in ws.iter_rows()}
    assert cells["Ash Primary"][1:8] == [5, 4, 0.8, 4, 401, 509, 100]
    assert cells[TOTAL][5] == 1174
    texts = [c.value for row in wb["By provision"].iter_rows() for c in row]
    assert "<3" in texts and dc.HIDDEN in texts
    # a ratio gain prints with two decimals, and its band is the band of what is printed
    ws = wb["By provision"]
    head = [c.value for c in ws[3]]
    ratio, impact = head.index("Ratio gain"), head.index("Impact")
    banded = [(row[ratio], row[impact].value) for row in ws.iter_rows(min_row=4)
              if isinstance(row[ratio].value, float)]
    assert banded
    for cell, band in banded:
        assert cell.number_format == "0.00" and band == report_band(cell.value)
    assert "Note" not in head                   # the notes are under the table, numbered
    summary = [c.value for row in wb["Summary"].iter_rows() for c in row]
    assert "oak.xlsx" in summary and "Cedar Primary" in summary
    assert "(not known)" in summary and "nan" not in summary     # oak.xlsx names no school


def test_no_pupil_identifier_anywhere_in_the_file(written, folder):
    pupils = [p for f in ("ash", "birch", "cedar")
              for p in provmap.load(folder / f"{f}.xlsx").pupils.values()]
    assert_identifies_no_one(written, pupils, ["Nobody Known", "3A", "4B", "5C", "Mrs Patel"])


def test_a_report_naming_a_pupil_is_never_written(report, tmp_path):
    # The trust named like a pupil: the name would be in every header; the scan refuses.
    named = type(report)(**{**report.__dict__, "name": "Ashling Pupilone"})
    with pytest.raises(dc.DisclosureError, match="trust report was not written"):
        write_trust(named, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_provision_named_after_a_pupil_is_withheld(tmp_path):
    from builders import STAFF, build_workbook
    from trust_schools import PT, VT, name, register
    ps = register("Ash", 0, "KKK", "3A")
    build_workbook(tmp_path / "a.xlsx", settings={"School": "Ash Primary"}, pupils=ps,
                   staff=STAFF, provisions=[{**PT, "Provision": f"PT for {name(ps, 0)}"}, VT],
                   sheets={"3A Spring": {"provision": [
                       {"Pupil": name(ps, 0), "Provision": f"PT for {name(ps, 0)}"}]}})
    birch(tmp_path)
    cedar(tmp_path)
    r = trust([tmp_path])
    assert "Provision 1 (name withheld)" in r.by_provision["Provision"].tolist()
    pupils = provmap.load(tmp_path / "a.xlsx").pupils.values()
    assert_identifies_no_one(write_trust(r, tmp_path / "out"), pupils, [])


# --- the command --------------------------------------------------------------------------------

def test_cli_writes_the_report_and_names_what_was_left_out(folder, tmp_path, capsys):
    code = main(["trust", str(folder), "--out", str(tmp_path), "--name", "Northern Lights"])
    err = capsys.readouterr().err
    assert code == 0
    assert (tmp_path / "Northern Lights 2025-26 Spring - Trust report.xlsx").exists()
    assert "Not included: oak.xlsx" in err and "Cedar Primary: 1 row of Spring left out" in err


def test_cli_refusals_are_one_sentence_exit_2(folder, tmp_path, capsys):
    code = main(["trust", str(folder / "ash.xlsx"), str(folder / "ash.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "given twice" in err
    code = main(["trust", str(folder / "ash.xlsx"), "--term", "Winter",
                 "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "Winter" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_cli_in_a_real_process(folder, tmp_path):
    done = subprocess.run([sys.executable, "-m", "provmap", "trust", str(folder / "ash.xlsx"),
                           str(folder / "birch.xlsx"), "--term", "spring", "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "Trust 2025-26 Spring - Trust report.xlsx").exists()


@pytest.mark.libreoffice
def test_every_sheet_prints_on_a4(written, soffice, tmp_path):
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(written)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / (written.stem + ".pdf")
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    sizes = [ln.split(":", 1)[1] for ln in info.splitlines()
             if ln.startswith("Page") and "size" in ln]
    assert sizes and all(s.strip().endswith("(A4)") for s in sizes), sizes
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for title in ("SEN provision across the trust's schools", "The schools, Spring",
                  "Each provision across the schools", "By area of need, Spring",
                  "The figures as pictures"):
        assert title in text, title
    # the Summary at 100% takes two pages; each other sheet one
    assert text.count("\f") == len(sizes) == 6


@pytest.mark.libreoffice
def test_the_report_prints_at_9_points_or_more(written, soffice, tmp_path):
    """A trust board reads it on paper: the text at 9 pt or more as printed (it is laid out
    to print at 100%, so 11 pt), nothing beyond the paper's edge; and a band agrees with
    the figure printed beside it (1.96 is never printed 2.0 beside "modest")."""
    from printed import pages, ratio, to_pdf

    pdf, calibration = to_pdf(soffice, [written], tmp_path)
    for page in pages(pdf, ratio(calibration)):
        assert page.smallest >= 9, (page.number, [w for s, w in page.sizes if s < 9][:5])
        assert not page.off, (page.number, page.off[:5])


def test_the_pool_and_one_process_give_the_same_report(folder, report):
    alone = trust([folder], workers=1)
    pooled = trust([folder], workers=2)
    for name in ("summary", "schools", "by_provision", "by_area", "not_included", "left_out"):
        assert getattr(alone, name).equals(getattr(pooled, name)), name
        assert getattr(report, name).equals(getattr(pooled, name)), name
