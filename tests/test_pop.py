"""The POP: each section's content, costs on and off, file names, whole-or-nothing writes."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import builders as b
import provmap
import provmap.progress
from provmap.upn import with_check_letter
from provmap.reports import pop
from provmap.write import batch, fit, page, pages
from provmap.reports import pop_data as pop_data_module
from provmap.reports.pop import pop_data, write_pop, write_pops

JONATHAN, AISHA, LEO, MAYA = b.UPNS
SAM = with_check_letter("823400100005")          # a K pupil with almost nothing recorded

PROFILES = [
    ["Pupil", "Area", "Strengths", "Challenges"],
    ["Jonathan Smith", "C&I", "Chats happily with adults and friends.",
     "Finds it hard to wait his turn in discussions."],
    ["Jonathan Smith", "C&L", "Good number sense.", "Decoding unfamiliar words."],
    ["Jonathan Smith", "SEMH", "Kind and caring.", "Upset when work looks hard."],
    ["Jonathan Smith", "Sensory and physical", "Enjoys PE.", None],
    ["Jonathan Smith", "Independence", "Organises his reading folder.", "Forgets his coat."],
    ["Aisha Khan", "C&I", "Loves Lego.", "Noisy rooms."],
]
PROFESSIONALS = [
    ["Pupil", "Name", "Role or service", "Involved since", "Latest report", "Notes"],
    ["Jonathan Smith", "Dr A Green", "Educational psychologist", date(2024, 10, 1),
     date(2025, 6, 12), "Recommended precision teaching."],
    ["Aisha Khan", "Ms B White", "Autism outreach", date(2023, 1, 9), None, None],
]
AUTUMN_PROVISION = [
    {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Target": "Read 20 words",
     "Pre": "7y 2m", "Post": "7y 8m", "Outcome": "Achieved", "Next step": "Continue",
     "Comments": "Best first thing in the morning."},
    {"Pupil": "Jonathan Smith", "Provision": "Lego therapy", "Group": "A", "Pre": 20, "Post": 24},
    {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Group": "A", "Pre": 20, "Post": 26,
     "Comments": "Sits next to Jonathan Smith"},
    {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Group": "A", "Pre": 18, "Post": 18},
    {"Pupil": "Jonathan Smith", "Provision": "Visual timetable"},
    {"Pupil": "Aisha Khan", "Provision": "Visual timetable"},
]
AUTUMN_REVIEW = [
    {"Pupil": "Jonathan Smith", "Target 1": "Read 20 tricky words", "Target 1 outcome": "Achieved",
     "Target 2": "Write two sentences", "Target 2 outcome": "Partly achieved",
     "Target 3": "Ask for help when stuck", "Target 3 outcome": "Not achieved",
     "Attendance": "96%", "Reading": "Working towards", "Writing": "Working towards",
     "Maths": "Expected", "Staff views": "Good progress; works well with Leo Brown.",
     "Parent views": "Happier coming to school.", "Pupil views": "I like reading."},
    {"Pupil": "Aisha Khan", "Target 1": "Take turns", "Target 2": "Ask for help",
     "Attendance": 0.91, "Parent views": "Settled", "Pupil views": "Lego is fun"},
    {"Pupil": "Leo Brown", "Target 1": "Use 3-word sentences", "Target 2": "Listen in group",
     "Attendance": 97, "Parent views": "OK", "Pupil views": "Fine"},
]
SPRING_PROVISION = [
    {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Sessions per week": 4,
     "Pre": "7y 8m"},
    {"Pupil": "Jonathan Smith", "Provision": "Visual timetable"},
    {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Pre": 26},
]
SPRING_REVIEW = [
    {"Pupil": "Jonathan Smith", "Target 1": "Read 40 tricky words", "Attendance": 0.94,
     "Staff views": "+ settled well", "Parent views": "-", "Pupil views": "@ school I like maths"},
]


def build_school(path: Path) -> Path:
    pupils = [{**b.PUPILS[0], "Language at home": "English and Polish",
               "Secondary need": "SLCN"}, *b.PUPILS[1:],
              {"UPN": SAM, "Forename": "Sam", "Surname": "Green", "Year group": "R",
               "Class": "3O", "SEN status": "K", "Primary need": "MLD"}]
    return b.build_workbook(path, pupils=pupils, sheets={
        "3O Autumn": {"provision": AUTUMN_PROVISION, "review": AUTUMN_REVIEW},
        "3O Spring": {"provision": SPRING_PROVISION, "review": SPRING_REVIEW}},
        extra={"Profiles": PROFILES, "Professionals": PROFESSIONALS})


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    path = build_school(tmp_path_factory.mktemp("school") / "map.xlsx")
    return provmap.rollup(provmap.load(path))


def cells(path: Path) -> list[list[str]]:
    """Every row of the POP as a list of its non-empty cell texts."""
    ws = openpyxl.load_workbook(path).active
    return [[str(c.value) for c in row if c.value not in (None, "")]
            for row in ws.iter_rows()]


def text_of(path: Path) -> str:
    return "\n".join(" | ".join(r) for r in cells(path))


def row_with(path: Path, first: str) -> list[str]:
    return next(r for r in cells(path) if r and r[0] == first)


def test_full_pupil_every_section(school, tmp_path):
    path = write_pop(school, JONATHAN, tmp_path)
    assert path == tmp_path / "3O" / f"Smith Jonathan {JONATHAN}.xlsx"
    text = text_of(path)
    # 1. the pupil
    assert "Oak Tree Primary" in text
    assert "Pupil Overview of Provision: Jonathan Smith" in text
    assert row_with(path, "Name") == ["Name", "Jonathan Smith", "Date of birth", "4 May 2017",
                                      "Year group", "Year 3"]
    assert row_with(path, "Primary need") == [
        "Primary need", "Specific learning difficulty (SPLD); also Speech, language and "
        "communication needs (SLCN)", "SEN status", "SEN support (K)", "Class", "3O"]
    assert row_with(path, "Parent/carer") == ["Parent/carer", "Mrs Smith", "Language at home",
                                              "English and Polish", "UPN", JONATHAN]
    # 2. strengths and challenges: all five areas, a gap said kindly
    assert row_with(path, "Communication and interaction")[1:] == [
        "Chats happily with adults and friends.", "Finds it hard to wait his turn in discussions."]
    assert row_with(path, "Sensory and/or physical")[1:] == ["Enjoys PE.", "Not recorded yet"]
    assert row_with(path, "Independence and self-help")[1:] == [
        "Organises his reading folder.", "Forgets his coat."]
    # 3. professionals, with when
    assert row_with(path, "Dr A Green") == ["Dr A Green", "Educational psychologist",
                                            "1 Oct 2024", "12 Jun 2025",
                                            "Recommended precision teaching."]
    # 4. support: three columns, how often/how long, cost
    ws = openpyxl.load_workbook(path).active
    head = next(r for r in ws.iter_rows() if r[1].value == "Quality first teaching")
    assert [head[i].value for i in (0, 1, 5, 9)] == [
        "Term", "Quality first teaching", "Group interventions", "1:1 support"]
    autumn = next(r for r in ws.iter_rows(min_row=head[0].row) if r[0].value == "Autumn")
    assert autumn[1].value.startswith("Visual timetable\nPart of everyday teaching in class")
    assert "Cost this term: £5.00" in autumn[1].value
    assert autumn[5].value.startswith("Lego therapy\n1 × 45 min a week for 10 weeks, "
                                      "with Mrs Patel, in a group of 3")
    assert "Boxall profile: 20 → 24 (up 4)" in autumn[5].value
    assert "Cost this term: £80.00" in autumn[5].value          # (24 × 45/60 × 10 + 60) / 3
    one = autumn[9].value
    assert one.startswith("Precision teaching\n3 × 10 min a week for 12 weeks, with TA")
    assert "Aim: Read 20 words" in one
    assert "Reading age: 7y 2m → 7y 8m (6 months' progress)" in one
    assert "Outcome: Achieved. Next step: Continue" in one
    assert "Notes: Best first thing in the morning." in one
    assert "Cost this term: £108.00" in one                      # 18 × 10/60 × 3 × 12
    assert "Cost of support in the Autumn term: £193.00" in text
    assert "4 × 10 min a week for 12 weeks, with TA" in text
    assert "Reading age at the start: 7y 8m" in text
    assert "Cost of support in the Spring term: £149.00" in text
    assert "Cost of support in 2025-26 so far: £342.00" in text
    # 5. targets and how far met
    assert ["Autumn", "Read 20 tricky words", "Achieved"] in cells(path)
    assert ["Write two sentences", "Partly achieved"] in cells(path)
    assert ["Ask for help when stuck", "Not achieved"] in cells(path)
    assert ["Spring", "Read 40 tricky words", "Not reviewed yet"] in cells(path)
    # 6. the termly review in three voices (staff text that names another pupil is redacted)
    rows = cells(path)
    assert ["Autumn", "Good progress; works well with another pupil.",
            "Happier coming to school.", "I like reading."] in rows
    assert ["Spring", "+ settled well", "-", "@ school I like maths"] in rows
    # 7. attendance and attainment
    assert ["Autumn", "96%", "Working towards", "Working towards", "Expected"] in rows
    assert ["Spring", "94%", "Not recorded yet", "Not recorded yet", "Not recorded yet"] in rows


def test_almost_nothing_recorded_is_said_kindly(school, tmp_path):
    path = write_pop(school, SAM, tmp_path)
    text = text_of(path)
    rows = cells(path)
    assert row_with(path, "Name")[3:] == ["Not recorded", "Year group", "Reception"]
    assert "No strengths or challenges recorded yet" in text
    assert "No professionals recorded yet" in text
    for term in ("Autumn", "Spring"):
        assert [term, "None this term", "None this term", "None this term"] in rows
        assert [term, "No targets recorded yet for this term."] in rows
        assert [term, "Not recorded yet", "Not recorded yet", "Not recorded yet"] in rows
    assert "Cost of support in 2025-26 so far: £0.00" in text


def test_no_costs_means_no_money_anywhere(school, tmp_path):
    text = text_of(write_pop(school, JONATHAN, tmp_path, costs=False))
    assert "£" not in text and "Cost" not in text and "Costed" not in text
    assert "3 × 10 min a week for 12 weeks, with TA" in text


def test_print_setup(school, tmp_path):
    ws = openpyxl.load_workbook(write_pop(school, JONATHAN, tmp_path)).active
    assert ws.title == "POP"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    # a fixed 100% (Excel drops manual page breaks on a sheet fitted to a page); its
    # columns fit A4 landscape as LibreOffice, the wider, prints them
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.scale in (None, 100)
    assert fit.columns_pt(pop.WIDTHS) <= page.room_pt(landscape=True,
                                                      margins=pages.MARGINS_IN)[0]
    assert ws.oddHeader.left.text == "Oak Tree Primary"
    assert ws.oddHeader.right.text == "Confidential"
    assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
    assert ws.print_title_rows == "$1:$2"
    # wrapped cells get room: every row holding a long text is taller than one line
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and "\n" in c.value:
                assert ws.row_dimensions[c.row].height >= 12.5 * (c.value.count("\n") + 1)


def test_header_escapes_ampersand(tmp_path):
    d = pop_data_stub(school="St Mary & St John")
    path = pop.render_pop(d, tmp_path / "x.xlsx")
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "&amp;LSt Mary &amp;&amp; St John&amp;RConfidential" in xml


def test_selection_class_and_file_names(school, tmp_path):
    paths = write_pops(school, tmp_path, progress=False)
    assert sorted(p.name for p in paths) == sorted([
        f"Smith Jonathan {JONATHAN}.xlsx", f"Khan Aisha {AISHA}.xlsx",
        f"Brown Leo {LEO}.xlsx", f"Green Sam {SAM}.xlsx"])          # K and E only, not Maya (N)
    assert all(p.parent == tmp_path / "3O" for p in paths)
    assert write_pops(school, tmp_path / "x", class_name="4P", progress=False) == []
    assert len(write_pops(school, tmp_path / "y", class_name=" 3o ", progress=False)) == 4
    [maya] = write_pops(school, tmp_path / "z", upns=[MAYA.lower()], progress=False)
    assert maya.name == f"Jones Maya {MAYA}.xlsx"
    with pytest.raises(KeyError, match="No pupil with UPN"):
        write_pops(school, tmp_path, upns=["A123"], progress=False)


def test_written_whole_or_not_at_all(school, tmp_path, monkeypatch):
    path = write_pop(school, JONATHAN, tmp_path)
    before = path.read_bytes()

    def broken(wb, formats, d, costs):
        wb.add_worksheet("POP").write_string(0, 0, "half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(pop, "_render", broken)
    with pytest.raises(RuntimeError):
        write_pop(school, JONATHAN, tmp_path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_progress_on_stderr(school, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(provmap.progress, "PROGRESS_FROM", 1)
    write_pops(school, tmp_path, progress=True)
    err = capsys.readouterr().err
    assert "Writing POPs: 4/4" in err
    write_pops(school, tmp_path, progress=False)
    assert capsys.readouterr().err == ""


def test_many_pupils_use_two_processes(tmp_path, monkeypatch):
    upns = [with_check_letter(f"8234001{i:05d}") for i in range(100, 145)]
    pupils = [{"UPN": u, "Forename": f"Pupil{chr(65 + i % 26)}{i}", "Surname": f"Family{i}",
               "Year group": "3", "Class": "3O", "SEN status": "K", "Primary need": "MLD"}
              for i, u in enumerate(upns)]
    rows = [{"Pupil": f"{p['Forename']} {p['Surname']}", "Provision": "Lego therapy"}
            for p in pupils]
    path = b.build_workbook(tmp_path / "big.xlsx", pupils=pupils,
                            sheets={"3O Autumn": {"provision": rows}})
    r = provmap.rollup(provmap.load(path))
    used = []
    real = batch.ProcessPoolExecutor

    def spy(*a, **k):
        used.append(k.get("max_workers"))
        return real(*a, **k)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", spy)
    paths = write_pops(r, tmp_path / "out", progress=False)
    assert used == [2]
    assert [p.name for p in paths] == [f"{p['Surname']} {p['Forename']} {p['UPN']}.xlsx"
                                       for p in pupils]              # register order kept
    assert all(p.exists() for p in paths)
    text = text_of(paths[7])
    assert "in a group of 45" in text and pupils[8]["Surname"] not in text


def pop_data_stub(**changes) -> pop_data_module.PopData:
    base = dict(school="Oak Tree Primary", academic_year="2025-26", term="Autumn",
                upn=JONATHAN, forename="Jonathan", surname="Smith", date_of_birth=None,
                year_group="3", class_name="3O", sen_status="K", primary_need="SPLD",
                secondary_need=None, parent_carer=None, language_at_home=None, profiles=(),
                professionals=(), terms=())
    base.update(changes)
    return pop_data_module.PopData(**base)


def test_pop_data_holds_only_this_pupil(school):
    d = pop_data(school, AISHA)
    blob = repr(d)
    for other in ("Jonathan", "Smith", "Leo", "Brown", JONATHAN, LEO):
        assert other not in blob
    assert "Sits next to another pupil" in blob
