"""The governors' report: its tables, its disclosure control and the file it writes."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from builders import PROVISIONS, STAFF, build_workbook
from governors_fakes import fake_rollup, pupil, school_of
from provmap.numbers import disclosure as dc
from provmap.upn import check_letter
from provmap.reports.governors import (ALL_SEN, REGISTER, T_AREA, T_HEADLINE, T_IMPACT, T_STATUS,
                                     T_TREND, T_TYPE, T_YEAR, TOTAL, WITH_PROVISION,
                                     governors_tables, write_governors)

COUNT_COLUMNS = {"Pupils", "SEN support", "EHC plan", ALL_SEN, WITH_PROVISION,
                 "Pupils this term", "Pupils with provision", "Pupils assessed"}


def all_strings(tables) -> str:
    return "\n".join(str(v) for df in tables.values() for v in
                     [*df.index, *df.columns, *df.to_numpy().ravel()])


# --- tables ------------------------------------------------------------------------------

def test_costs_add_up_to_the_rows_and_split_by_type_and_term():
    pupils, rows = school_of(40)
    r = fake_rollup(pupils, rows, term="Spring")
    t = governors_tables(r)
    total = sum(x["share"] for x in rows)
    spring = sum(x["share"] for x in rows if x["term"] == "Spring")
    by_type = t[T_TYPE]
    assert by_type.at[TOTAL, "Year so far"] == pytest.approx(total)
    assert by_type.at[TOTAL, "Spring"] == pytest.approx(spring)
    group = sum(x["share"] for x in rows if x["term"] == "Spring" and x["type"] == "Group")
    assert by_type.at["Group interventions", "Spring"] == pytest.approx(group)
    assert t[T_IMPACT]["Cost"].sum() == pytest.approx(spring)
    assert t[T_TREND].loc["Autumn", "Cost"] == pytest.approx(total - spring)


def test_front_sentence_gives_cost_group_share_and_impact():
    pupils, rows = school_of(40)
    t = governors_tables(fake_rollup(pupils, rows, term="Spring"))
    spring = [x for x in rows if x["term"] == "Spring"]
    cost = sum(x["share"] for x in spring)
    pct = 100 * sum(x["share"] for x in spring if x["type"] == "Group") / cost
    text = t[T_HEADLINE]["Text"].dropna().tolist()
    assert text[0].startswith(f"Provision cost £{cost:,.0f} this term, {pct:.0f}% of it on "
                              "group interventions; ")
    assert re.search(r"\d+ of \d+ provisions whose impact could be judged", text[0])
    assert any("less than Autumn" in s or "more than Autumn" in s for s in text)


def test_first_term_says_there_is_nothing_to_compare_with():
    pupils, rows = school_of(40)
    t = governors_tables(fake_rollup(pupils, [x for x in rows if x["term"] == "Autumn"]))
    assert any("no earlier term" in s for s in t[T_HEADLINE]["Text"].dropna())


def test_provisions_with_few_pupils_are_pooled_into_other():
    pupils, rows = school_of(40)         # pupil 5 alone has "Hearing support"
    t = governors_tables(fake_rollup(pupils, rows, term="Spring"))
    imp = t[T_IMPACT]
    assert "Hearing support" not in imp["Provision"].tolist()
    other = imp[imp["Provision"].str.startswith("Other provision")].iloc[0]
    assert other["Pupils"] == "<5" and other["Cost per pupil"] is None   # cost ÷ count hidden
    hearing = sum(x["share"] for x in rows if x["term"] == "Spring"
                  and x["provision"] == "Hearing support")
    assert other["Cost"] == pytest.approx(hearing)
    assert all(isinstance(n, int) and n >= 5 for n in imp["Pupils"][:-1])


def test_impact_band_and_ratio_gain_for_months_measures():
    ps = [pupil(i, f"F{i}", f"S{i}") for i in range(6)]
    rows = [{"upn": p.upn, "provision": "Precision teaching", "type": "1:1",
             "area_of_need": "Cognition and learning", "share": 100.0, "gain": g,
             "months_elapsed": 3.0, "measure": "Reading age", "measure_kind": "months"}
            for p, g in zip(ps, [9, 9, 12, 6, 0, -3])]
    imp = governors_tables(fake_rollup(ps, rows))[T_IMPACT]
    line = imp.iloc[0]
    assert line["Ratio gain"] == pytest.approx(5.5 / 3.0)
    assert line["Impact"] == "modest"
    assert line["Making progress"] == pytest.approx(4 / 6)
    assert line["Measure"] == "Reading age (months)"


def test_too_few_assessed_hides_gain_and_progress():
    ps = [pupil(i, f"F{i}", f"S{i}") for i in range(6)]
    rows = [{"upn": p.upn, "provision": "Lego therapy", "type": "Group",
             "area_of_need": "Communication and interaction", "share": 50.0,
             "gain": 4.0 if i < 3 else None, "measure": "Boxall", "measure_kind": "score"}
            for i, p in enumerate(ps)]
    line = governors_tables(fake_rollup(ps, rows))[T_IMPACT].iloc[0]
    assert line["Pupils assessed"] == "<5" and line["Mean gain"] is None
    assert line["Making progress"] is None and line["Impact"] == "too few assessed"


def test_register_counts_are_suppressed_consistently_across_tables():
    # 9 on SEN support, 2 EHC plans, 0 no SEN: the EHC count is small everywhere, and the
    # SEN support count must go too (else 11 - 9 = 2).
    ps = [pupil(i, f"F{i}", f"S{i}", "E" if i < 2 else "K", "SPLD", "3") for i in range(11)]
    t = governors_tables(fake_rollup(ps, [{"upn": ps[0].upn, "provision": "X", "type": "1:1",
                                           "area_of_need": "Cognition and learning",
                                           "share": 10.0}]))
    status, area, year = t[T_STATUS], t[T_AREA], t[T_YEAR]
    assert status.at["EHC plan", REGISTER] == "<5"
    assert status.at["SEN support", REGISTER] == dc.HIDDEN
    for tab in (area, year):
        assert tab.at[TOTAL, "EHC plan"] == "<5"
        assert tab.at[TOTAL, "SEN support"] == dc.HIDDEN
    assert status.at[ALL_SEN, REGISTER] == 11 and year.at[TOTAL, ALL_SEN] == 11


def test_a_hidden_total_in_one_table_is_hidden_in_the_others():
    # Two pupils in a year group of their own make the area/year tables hide more; whatever
    # the SEN support total shows, it is the same everywhere.
    ps = [pupil(i, f"F{i}", f"S{i}", "K", "SPLD" if i % 2 else "SEMH", "3" if i > 1 else "6")
          for i in range(12)] + [pupil(20, "F20", "S20", "E", "ASD", "4")]
    t = governors_tables(fake_rollup(ps, [{"upn": ps[0].upn, "provision": "X", "type": "1:1",
                                           "area_of_need": "Cognition and learning",
                                           "share": 10.0}]))
    for label in ("SEN support", "EHC plan", ALL_SEN):
        shown = {t[T_STATUS].at[label, REGISTER], t[T_AREA].at[TOTAL, label],
                 t[T_YEAR].at[TOTAL, label]}
        assert len(shown) == 1, (label, shown)


def test_no_identifier_class_or_staff_in_any_table():
    pupils, rows = school_of(40)
    text = all_strings(governors_tables(fake_rollup(pupils, rows, term="Spring")))
    for p in pupils:
        assert p.upn not in text and p.surname not in text
        assert p.class_name not in text.split()
    assert "Mrs Patel" not in text


def test_a_provision_named_after_a_pupil_is_withheld():
    ps = [pupil(i, f"Fore{i}", f"Sur{i}") for i in range(6)]
    rows = [{"upn": p.upn, "provision": "Fore0 Sur0 reading", "type": "Group",
             "area_of_need": "Cognition and learning", "share": 20.0} for p in ps]
    imp = governors_tables(fake_rollup(ps, rows))[T_IMPACT]
    assert imp["Provision"].tolist() == ["Provision 1 (name withheld)"]


# --- the file ------------------------------------------------------------------------------

def test_writes_a_print_ready_workbook_with_charts(tmp_path):
    pupils, rows = school_of(40)
    path = write_governors(fake_rollup(pupils, rows, term="Spring"), tmp_path)
    assert path.name == "Oak Tree Primary 2025-26 Spring - Governors report.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Register", "Costs", "Impact", "Charts", "Notes"]
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None)
        header = ws.oddHeader
        assert header.left.text == "Oak Tree Primary" and "Spring 2025-26" in header.center.text
        assert header.right.text == "Summary for governors"
    assert wb.properties.creator == "provmap" and "Spring 2025-26" in wb.properties.title
    assert wb.properties.subject
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 4


def test_an_existing_report_is_replaced_and_a_disclosing_one_never_written(tmp_path):
    pupils, rows = school_of(40)
    first = write_governors(fake_rollup(pupils, rows, term="Spring"), tmp_path)
    first.write_bytes(b"old")
    again = write_governors(fake_rollup(pupils, rows, term="Spring"), tmp_path)
    assert again == first and zipfile.is_zipfile(again)
    # a school name that is a pupil's full name would put the name in every header
    bad = fake_rollup(pupils, rows, term="Autumn", school=pupils[0].name)
    with pytest.raises(dc.DisclosureError):
        write_governors(bad, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name]


# --- end to end: a built workbook, read and rolled up for real -----------------------------

FORENAMES = ["Jonathan", "Aisha", "Leopold", "Mariam", "Oluwaseun", "Amelie", "Nikolai",
             "Isadora", "Arlo", "Freya", "Thaddeus", "Zara", "Kaito", "Esme", "Rowan", "Ivy",
             "Ezra", "Niamh", "Otis", "Lyra", "Felix", "Mabel", "Idris", "Wren", "Cosmo",
             "Delphine", "Eamon", "Fenella"]
SURNAMES = ["Smithers", "Khanani", "Brownlee", "Jonesworth", "Okafor", "Nowakowska",
            "Pritchard", "Fairweather", "Quigley", "Abernathy", "Lindqvist", "Marchetti",
            "Oyelaran", "Thistlewood", "Vasquez", "Kowalczyk", "Achterberg", "Blackwood",
            "Castellano", "Dunmore", "Ellingham", "Featherstone", "Gallacher", "Hargreaves",
            "Ignatiev", "Jaramillo", "Kettleborough", "Llewellyn"]


def _upn(i: int) -> str:
    body = f"{823400200000 + i:012d}"
    return check_letter(body) + body


def build_school(path: Path) -> tuple[Path, list[dict]]:
    """28 pupils in classes Maple and Hazel, two terms of provision; one provision has two
    pupils only (pooled), one has none assessed."""
    pupils = []
    for i in range(28):
        pupils.append({
            "UPN": _upn(i), "Forename": FORENAMES[i], "Surname": SURNAMES[i],
            "Date of birth": date(2016 + i % 3, 1 + i % 12, 1 + (3 * i) % 28),
            "Year group": str(3 + i % 3), "Class": "Maple" if i < 14 else "Hazel",
            "SEN status": "E" if i % 9 == 0 else "N" if i % 6 == 5 else "K",
            "Primary need": None if i % 6 == 5 else ["SPLD", "ASD", "SEMH", "SLCN", "MLD"][i % 5]})
    provisions = PROVISIONS + [
        {"Provision": "Sensory circuits", "Type": "Group", "Area of need": "S/P",
         "Delivered by": "TA", "Sessions per week": 5, "Minutes per session": 15,
         "Weeks": 12, "Resource cost": 20, "Measure kind": "score"}]
    sheets = {}
    for term, bump in (("Autumn", 0), ("Spring", 2)):
        for cls, members in (("Maple", range(14)), ("Hazel", range(14, 28))):
            rows = []
            for i in members:
                name = f"{FORENAMES[i]} {SURNAMES[i]}"
                if i % 2 == 0:
                    pre = 80 + i
                    rows.append({"Pupil": name, "Provision": "Precision teaching",
                                 "Pre": pre, "Post": pre + (i % 5) * 2 + bump - 1,
                                 "Comments": f"{name} tried hard"})
                if i % 3 != 2:
                    rows.append({"Pupil": name, "Provision": "Lego therapy",
                                 "Group": "G1" if i < 14 else "G2",
                                 "Pre": 20 + i % 4, "Post": 20 + (i * 7) % 9})
                rows.append({"Pupil": name, "Provision": "Visual timetable"})
                if i in (3, 17):
                    rows.append({"Pupil": name, "Provision": "Sensory circuits"})
            sheets[f"{cls} {term}"] = {"provision": rows}
    return build_workbook(path, pupils=pupils, provisions=provisions, staff=STAFF,
                          sheets=sheets), pupils


def _excel_serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


def _count_cells(path: Path):
    """(sheet, cell, header, value) for every number in a count column of the report."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        headers: dict[int, str] = {}
        for row in ws.iter_rows():
            texts = [c for c in row if isinstance(c.value, str)]
            if sum(1 for c in texts if c.value in COUNT_COLUMNS) and \
                    all(isinstance(c.value, str) or c.value is None for c in row):
                headers = {c.column: c.value for c in texts}
                continue
            for c in row:
                if isinstance(c.value, (int, float)) and headers.get(c.column) in COUNT_COLUMNS:
                    yield ws.title, c.coordinate, headers[c.column], c.value


@pytest.fixture(scope="module")
def built_report(tmp_path_factory):
    import provmap

    tmp = tmp_path_factory.mktemp("gov")
    path, pupils = build_school(tmp / "map.xlsx")
    m = provmap.load(path)
    r = provmap.rollup(m, term="Spring")
    return write_governors(r, tmp / "out"), pupils, r


def assert_identifies_no_one(path: Path, pupils, others: list[str]) -> None:
    """Search every XML part for each pupil's full name, surname, UPN and date of birth (ISO,
    UK, day-month-year text and Excel serial), and for ``others`` (classes, staff, free text)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n).decode("utf-8") for n in z.namelist()}
    assert any(n.startswith("xl/charts/") for n in parts) and "docProps/core.xml" in parts
    words, serials = [], []
    for p in pupils:
        words += [f"{p.forename} {p.surname}", f"{p.surname}, {p.forename}", p.surname, p.upn]
        dob = p.date_of_birth
        if dob:
            words += [dob.isoformat(), dob.strftime("%d/%m/%Y"), f"{dob.day}/{dob.month}/{dob.year}",
                      dob.strftime("%d %b %Y"), dob.strftime("%d-%m-%Y")]
            serials.append(str(_excel_serial(dob)))
    assert words
    anyone = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, words)) +
                        r")(?![A-Za-z0-9])", re.I)
    serial = re.compile(r"(?<![\d.])(?:" + "|".join(serials) + r")(?![\d.])") if serials else None
    for name, xml in parts.items():
        found = anyone.search(xml) or (serial and serial.search(xml))
        assert not found, (found.group(0), name)
    for word in others:
        pat = re.compile(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])")
        for name, xml in parts.items():
            assert not pat.search(xml), (word, name)


def test_built_report_has_no_name_upn_birth_date_class_or_staff(built_report):
    path, _, r = built_report
    assert_identifies_no_one(path, r.map.pupils.values(),
                             ["Maple", "Hazel", "Mrs Patel", "tried hard", "Delivered by"])


def test_built_report_shows_no_small_count(built_report):
    path, _, r = built_report
    cells = list(_count_cells(path))
    assert len(cells) > 10                          # the scan really looked at counts
    small = [c for c in cells if 1 <= c[3] < r.map.settings.suppress_below]
    assert small == []
    wb = openpyxl.load_workbook(path)
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert "<5" in texts                            # and small counts were there to hide
    assert any(t.startswith("Other provision") for t in texts)   # Sensory circuits pooled


def test_built_report_matches_the_rollup(built_report):
    path, _, r = built_report
    wb = openpyxl.load_workbook(path)
    ws = wb["Impact"]
    found = {row[0].value: row for row in ws.iter_rows() if row[0].value}
    for _, line in r.by_provision.iterrows():
        if line["Pupils"] >= 5:
            cells = found[line["Provision"]]
            assert cells[5].value == pytest.approx(round(line["Cost"], 2))
            if isinstance(cells[9].value, float):
                assert cells[9].value == pytest.approx(line["Ratio gain (months measures)"])
    front = wb["Summary"]
    labels = {row[0].value: row[1].value for row in front.iter_rows(max_col=2)}
    now = r.rows[r.rows["term"] == "Spring"]
    assert labels["Provision cost this term"] == pytest.approx(round(now["share"].sum(), 2))
    assert labels["Provision cost, year so far"] == pytest.approx(round(r.rows["share"].sum(), 2))


@pytest.mark.libreoffice
def test_report_renders_in_libreoffice(built_report, tmp_path):
    import subprocess

    from conftest import soffice_or_skip

    exe = soffice_or_skip()
    path = built_report[0]
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    pdf = tmp_path / (path.stem + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Summary for governors" in text and "Oak Tree Primary" in text
    assert "Provision cost £" in text
    pages = text.count("\f")
    assert 5 <= pages <= 8, pages


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    import provmap

    example = pytest.importorskip("provmap.dev.example")
    tmp = tmp_path_factory.mktemp("example")
    m = provmap.load(example.write_example(tmp / "example.xlsx"))
    r = provmap.rollup(m)
    return write_governors(r, tmp / "out"), r


def test_example_school_report_identifies_no_one(example_report):
    path, r = example_report
    m = r.map
    people = [s.name for s in m.staff.values() if " " in s.name and "(" not in s.name]
    texts = [t for t in r.rows["comments"].dropna().unique() if len(str(t)) > 12]
    assert people                                   # the example has named staff to leak
    assert_identifies_no_one(path, m.pupils.values(), [*m.classes, *people, *texts[:50]])
    cells = list(_count_cells(path))
    assert cells and not [c for c in cells if 1 <= c[3] < m.settings.suppress_below]
