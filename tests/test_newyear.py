"""`provmap new-year`: a small two-year school built in code, numbers worked by hand.

Last year (2025-26) has eight pupils in five classes:

    Amy Ash     Y5  Year 5 Oak     K SPLD   -> Y6, Year 6 Oak
    Ben Birch   Y6  Year 6 Oak     E ASD    -> leaves (a K/E leaver)
    Cara Cole   Y6  Year 6 Oak     N        -> leaves
    Dev Dean    R   Reception Oak  K SLCN   -> Y1, Year 1 Oak
    Eve Elm     N   Nursery Oak    N        -> R, Reception Oak
    Finn Fox    3   Willow Class   K SEMH   -> Y4, Willow Class (mixed age: keeps its name)
    Gus Gray    4   Willow Class   N        -> Y5, Willow Class
    Hana Hill   5   Year 5 Oak     K MLD    -> Y6, Year 6 Oak

and seven Summer provision rows: four Continue rows of pupils who stay (Amy's precision
teaching, Hana's Lego, Dev's speech group, Finn's ELSA), Ben's Continue (he leaves), Amy's
Lego marked Stop and Gus's maths marked Refer.  A Spring Continue row of Amy's is not the
last term's and must not be carried.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from libreoffice import recalculated

import provmap
from provmap.cli import main
from provmap.workbook.newyear import NewYearRefused, new_year, next_class
from provmap.schema import PROVISION_ROWS
from provmap.upn import with_check_letter
from provmap.workbook.layout import letter
from provmap.workbook.standard import WorkbookData, new_workbook

U = {k: with_check_letter(f"82340010{i:04d}") for i, k in enumerate("ABCDEFGHI", start=1)}

PUPILS = [
    {"UPN": U["A"], "Forename": "Amy", "Surname": "Ash", "Date of birth": date(2015, 3, 1),
     "Year group": "5", "Class": "Year 5 Oak", "SEN status": "K", "Primary need": "SPLD",
     "Parent/carer": "Mrs Ash", "Pupil premium": "Y"},
    {"UPN": U["B"], "Forename": "Ben", "Surname": "Birch", "Year group": "6",
     "Class": "Year 6 Oak", "SEN status": "E", "Primary need": "ASD"},
    {"UPN": U["C"], "Forename": "Cara", "Surname": "Cole", "Year group": "6",
     "Class": "Year 6 Oak", "SEN status": "N"},
    {"UPN": U["D"], "Forename": "Dev", "Surname": "Dean", "Year group": "R",
     "Class": "Reception Oak", "SEN status": "K", "Primary need": "SLCN"},
    {"UPN": U["E"], "Forename": "Eve", "Surname": "Elm", "Year group": "N",
     "Class": "Nursery Oak", "SEN status": "N"},
    {"UPN": U["F"], "Forename": "Finn", "Surname": "Fox", "Year group": "3",
     "Class": "Willow Class", "SEN status": "K", "Primary need": "SEMH",
     "Language at home": "Polish"},
    {"UPN": U["G"], "Forename": "Gus", "Surname": "Gray", "Year group": "4",
     "Class": "Willow Class", "SEN status": "N"},
    {"UPN": U["H"], "Forename": "Hana", "Surname": "Hill", "Year group": "5",
     "Class": "Year 5 Oak", "SEN status": "K", "Primary need": "MLD"},
]

STAFF = [{"Name": "TA", "Role": "Teaching assistant", "Hourly cost": 19.5},
         {"Name": "Mrs Patel", "Role": "HLTA", "Hourly cost": 24},
         {"Name": "ELSA", "Role": "ELSA", "Hourly cost": 21}]


def _prov(name, type_, area, by, sessions, minutes, weeks, resource, measure, kind, higher="Y"):
    return {"Provision": name, "Type": type_, "Area of need": area, "Delivered by": by,
            "Sessions per week": sessions, "Minutes per session": minutes, "Weeks": weeks,
            "Resource cost": resource, "Measure": measure, "Measure kind": kind,
            "Higher is better": higher}


PROVISIONS = [
    _prov("Precision teaching", "1:1", "C&L", "TA", 3, 10, 12, 0, "Reading age", "months"),
    _prov("Lego therapy", "Group", "C&I", "Mrs Patel", 1, 45, 10, 60, "Social score", "score"),
    _prov("Speech group", "Group", "C&I", "TA", 2, 30, 10, 20, "Language score", "standardised"),
    _prov("ELSA sessions", "1:1", "SEMH", "ELSA", 1, 30, 8, 10, "SDQ", "score", "N"),
    _prov("Maths catch-up", "Group", "C&L", "TA", 3, 30, 12, 25, "Maths score", "standardised"),
]

DONE = {"Start date": date(2026, 4, 20), "End date": date(2026, 7, 10)}
SUMMER = {
    "Year 5 Oak Summer": [
        {"Pupil": "Amy Ash", "Provision": "Precision teaching", "Weeks": 10,
         "Target": "Read 20 high-frequency words", "Pre": 86, "Post": 92,
         "Outcome": "Partly achieved", "Next step": "Continue", "Comments": "keen", **DONE},
        {"Pupil": "Amy Ash", "Provision": "Lego therapy", "Group": "Lego A", "Pre": 10,
         "Post": 14, "Outcome": "Achieved", "Next step": "Stop", **DONE},
        {"Pupil": "Hana Hill", "Provision": "Lego therapy", "Group": "Lego A", "Pre": 20,
         "Post": 24, "Outcome": "Achieved", "Next step": "continue ", "Cost": 100, **DONE},
    ],
    "Year 6 Oak Summer": [
        {"Pupil": "Ben Birch", "Provision": "Precision teaching", "Pre": 100, "Post": 104,
         "Outcome": "Achieved", "Next step": "Continue", **DONE},
    ],
    "Reception Oak Summer": [
        {"Pupil": "Dev Dean", "Provision": "Speech group", "Sessions per week": 3, "Pre": 80,
         "Post": 85, "Outcome": "Partly achieved", "Next step": "Continue", **DONE},
    ],
    "Willow Class Summer": [
        {"Pupil": "Finn Fox", "Provision": "ELSA sessions", "Delivered by": "TA",
         "Target": "Names feelings", "Pre": 20, "Post": 15, "Outcome": "Achieved",
         "Next step": "Continue", **DONE},
        {"Pupil": "Gus Gray", "Provision": "Maths catch-up", "Pre": 85, "Post": 86,
         "Outcome": "Not achieved", "Next step": "Refer", **DONE},
    ],
}
SPRING = {"Year 5 Oak Spring": [
    {"Pupil": "Amy Ash", "Provision": "Speech group", "Pre": 88, "Post": 90,
     "Outcome": "Achieved", "Next step": "Continue"}]}

PROFILES = [
    {"Pupil": "Amy Ash", "Area": "Cognition and learning", "Strengths": "Stories",
     "Challenges": "Decoding"},
    {"Pupil": "Ben Birch", "Area": "Communication and interaction", "Strengths": "Lego",
     "Challenges": "Change"},
]
PROFESSIONALS = [
    {"Pupil": "Dev Dean", "Name": "Sam Lee", "Role or service": "SALT",
     "Involved since": date(2025, 10, 1), "Latest report": date(2026, 5, 2)},
    {"Pupil": "Ben Birch", "Name": "Dr Rao", "Role or service": "EP"},
]


def make_last(path: Path, **changes) -> Path:
    data = WorkbookData(
        pupils=PUPILS, staff=STAFF, provisions=PROVISIONS,
        settings={"Notional SEN threshold": 5500, "Suppress counts below": 3},
        profiles=PROFILES, professionals=PROFESSIONALS,
        provision_rows={**SPRING, **SUMMER})
    for k, v in changes.items():
        setattr(data, k, v)
    return new_workbook(path, "Oak Tree Primary", "2025-26", data=data)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def last(tmp_path_factory) -> Path:
    return make_last(tmp_path_factory.mktemp("last") / "Provision map 2025-26.xlsx")


@pytest.fixture(scope="module")
def made(last, tmp_path_factory):
    before = digest(last)
    out = tmp_path_factory.mktemp("out") / "Provision map 2026-27.xlsx"
    result = new_year(last, out)
    assert digest(last) == before                       # LAST is never changed
    return result, provmap.load(out)


def sheet(m, name):
    return next(s for s in m.sheets if s.name == name)


# -- the register --------------------------------------------------------------------------


def test_pupils_move_up_and_the_leaving_year_leaves(made):
    result, m = made
    years = {p.name: (p.year_group, p.class_name) for p in m.pupils.values()}
    assert years == {"Amy Ash": ("6", "Year 6 Oak"), "Dev Dean": ("1", "Year 1 Oak"),
                     "Eve Elm": ("R", "Reception Oak"), "Finn Fox": ("4", "Willow Class"),
                     "Gus Gray": ("5", "Willow Class"), "Hana Hill": ("6", "Year 6 Oak")}
    assert (result.carried_pupils, result.new_starters, result.leavers,
            result.leavers_supported) == (6, 0, 2, 1)
    amy = m.pupils[U["A"]]
    assert (amy.sen_status, amy.primary_need, amy.parent_carer, amy.pupil_premium,
            amy.date_of_birth) == ("K", "SPLD", "Mrs Ash", True, date(2015, 3, 1))


def test_classes_are_named_for_next_year_and_get_a_sheet_per_term(made):
    result, m = made
    assert result.classes == ["Year 6 Oak", "Year 1 Oak", "Reception Oak", "Willow Class"]
    assert [s.name for s in m.sheets] == [f"{c} {t}" for c in result.classes
                                          for t in ("Autumn", "Spring", "Summer")]


@pytest.mark.parametrize("old, new", [
    ("Year 3 Oak", "Year 4 Oak"), ("Reception Oak", "Year 1 Oak"),
    ("Nursery Oak", "Reception Oak"), ("Y2 Ash", "Y3 Ash"), ("3O", "4O"), ("RM", "1M"),
    ("3O2", "4O2"), ("Oak Class", "Oak Class"), ("Year 3/4 Oak", "Year 3/4 Oak"),
    ("Rowan", "Rowan"), ("RECEPTION ASH", "YEAR 1 ASH")])
def test_class_names(old, new):
    assert next_class(old) == new


# -- what is carried -----------------------------------------------------------------------


def test_settings_staff_and_provisions_are_carried(made, last):
    _, m = made
    old = provmap.load(last)
    s = m.settings
    assert (s.school, s.academic_year, s.threshold, s.suppress_below, s.leaving_year_group) == \
        ("Oak Tree Primary", "2026-27", 5500, 3, "6")
    assert s.term_dates["Autumn"][0] == date(2026, 9, 3)          # the new year's defaults
    assert s.term_dates["Summer"][1] == date(2027, 7, 22)
    assert {k: v.hourly_cost for k, v in m.staff.items()} == \
        {k: v.hourly_cost for k, v in old.staff.items()}
    strip = ("layout", "row")
    assert [{k: getattr(p, k) for k in p.__slots__ if k not in strip}
            for p in m.provisions.values()] == \
        [{k: getattr(p, k) for k in p.__slots__ if k not in strip}
         for p in old.provisions.values()]


def test_profiles_and_professionals_of_pupils_on_roll_are_carried(made):
    result, m = made
    assert [(r.upn, r.area, r.strengths) for r in m.profiles] == \
        [(U["A"], "Cognition and learning", "Stories")]
    assert [(r.upn, r.name, r.involved_since, r.latest_report) for r in m.professionals] == \
        [(U["D"], "Sam Lee", date(2025, 10, 1), date(2026, 5, 2))]
    assert (result.profiles_carried, result.professionals_carried) == (1, 1)


def test_continue_rows_go_to_the_autumn_sheet_of_the_new_class_with_pre_from_post(made):
    result, m = made
    rows = {(r.sheet, r.pupil_text, r.provision): r for r in m.provision_rows()}
    assert set(rows) == {("Year 6 Oak Autumn", "Amy Ash", "Precision teaching"),
                         ("Year 6 Oak Autumn", "Hana Hill", "Lego therapy"),
                         ("Year 1 Oak Autumn", "Dev Dean", "Speech group"),
                         ("Willow Class Autumn", "Finn Fox", "ELSA sessions")}
    amy = rows[("Year 6 Oak Autumn", "Amy Ash", "Precision teaching")]
    assert (amy.pre, amy.weeks, amy.target, amy.upn) == \
        (92, 10, "Read 20 high-frequency words", U["A"])
    hana = rows[("Year 6 Oak Autumn", "Hana Hill", "Lego therapy")]
    assert (hana.pre, hana.group, hana.cost) == (24, "Lego A", None)   # typed Cost not carried
    assert rows[("Year 1 Oak Autumn", "Dev Dean", "Speech group")].sessions_per_week == 3
    finn = rows[("Willow Class Autumn", "Finn Fox", "ELSA sessions")]
    assert (finn.pre, finn.delivered_by) == (15, "TA")
    for r in rows.values():                       # nothing else carried
        assert (r.post, r.outcome, r.next_step, r.start_date, r.end_date, r.comments) == \
            (None,) * 6
    assert result.rows_carried == 4
    assert dict(result.not_carried) == {"marked Stop": 1, "marked Refer": 1,
                                        "for pupils who have left (Continue)": 1}


def test_a_reading_age_is_carried_as_staff_write_it(made, tmp_path):
    _, m = made
    ws = openpyxl.load_workbook(m.path)["Year 6 Oak Autumn"]
    amy = next(r for r in m.provision_rows() if r.pupil_text == "Amy Ash")
    assert ws[amy.at("pre")].value == "7y 8m"


def test_autumn_review_lists_each_classes_k_and_e_pupils(made):
    _, m = made
    assert [r.pupil_text for r in sheet(m, "Year 6 Oak Autumn").review_rows] == \
        ["Amy Ash", "Hana Hill"]
    assert [r.pupil_text for r in sheet(m, "Willow Class Autumn").review_rows] == ["Finn Fox"]
    assert [r.pupil_text for r in sheet(m, "Reception Oak Autumn").review_rows] == []
    assert all(t == (None, None) for r in sheet(m, "Year 6 Oak Autumn").review_rows
               for t in r.targets)


def test_out_checks_with_no_errors_and_costs_the_carried_rows(made):
    _, m = made
    assert [p for p in provmap.check(m, today=date(2026, 10, 1)) if p.is_error] == []
    shares = {(r.pupil, r.provision): r.share
              for r in provmap.rollup(m, term="Autumn").rows.itertuples()}
    # Hana's Lego is now a group of one: Mrs Patel £24 x 45/60 x 1 x 10 + £60.
    assert shares[("Hana Hill", "Lego therapy")] == pytest.approx(24 * 45 / 60 * 10 + 60)
    # Finn's ELSA, delivered by the TA as typed: £19.50 x 30/60 x 1 x 8 + £10.
    assert shares[("Finn Fox", "ELSA sessions")] == pytest.approx(19.5 * 30 / 60 * 8 + 10)
    cost = letter(PROVISION_ROWS, "cost")
    wb = openpyxl.load_workbook(m.path, data_only=True)
    for r in m.provision_rows():
        assert wb[r.sheet][f"{cost}{r.row}"].value == pytest.approx(shares[(r.pupil_text,
                                                                            r.provision)])


# -- a roster, a classes file ----------------------------------------------------------------


ROSTER = f"""\
UPN,Surname,Forename,Year,Reg Group,SEN Status,Primary Need,Parent/carer
{U["A"]},Ash,Amy,6,Year 6 Oak,,,
{U["D"]},Dean,Dev,1,Year 1 Oak,N,,Mr Dean
{U["F"]},Fox,Finn,4,Year 4 Oak,,,
{U["I"]},Ivy,Isla,R,Reception Oak,,,
"""


def test_a_roster_decides_who_is_on_roll_and_in_which_class(last, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    result = new_year(last, tmp_path / "out.xlsx", roster=roster)
    m = provmap.load(tmp_path / "out.xlsx")
    got = {p.name: (p.year_group, p.class_name, p.sen_status, p.primary_need, p.parent_carer,
                    p.language_at_home) for p in m.pupils.values()}
    assert got == {
        "Amy Ash": ("6", "Year 6 Oak", "K", "SPLD", "Mrs Ash", None),     # SEN from LAST
        "Dev Dean": ("1", "Year 1 Oak", "N", None, "Mr Dean", None),      # the roster's N
        "Finn Fox": ("4", "Year 4 Oak", "K", "SEMH", None, "Polish"),
        "Isla Ivy": ("R", "Reception Oak", "N", None, None, None),        # a new starter
    }
    # Hana, Ben, Cara, Eve and Gus are not on the roster: they have left.
    assert (result.carried_pupils, result.new_starters, result.leavers,
            result.leavers_supported) == (3, 1, 5, 2)
    rows = {(r.sheet, r.pupil_text) for r in m.provision_rows()}
    assert rows == {("Year 6 Oak Autumn", "Amy Ash"), ("Year 1 Oak Autumn", "Dev Dean"),
                    ("Year 4 Oak Autumn", "Finn Fox")}
    assert result.not_carried["for pupils who have left (Continue)"] == 2     # Ben and Hana
    assert "1 new starter" in result.summary()


def test_a_classes_file_overrides_the_names(last, tmp_path):
    classes = tmp_path / "classes.csv"
    classes.write_text("Old class,New class\nwillow class,Rowan Class\nYear 5 Oak,Year 6 Maple\n",
                       encoding="utf-8")
    result = new_year(last, tmp_path / "out.xlsx", classes=classes)
    m = provmap.load(tmp_path / "out.xlsx")
    assert {p.name: p.class_name for p in m.pupils.values()} == {
        "Amy Ash": "Year 6 Maple", "Hana Hill": "Year 6 Maple", "Dev Dean": "Year 1 Oak",
        "Eve Elm": "Reception Oak", "Finn Fox": "Rowan Class", "Gus Gray": "Rowan Class"}
    assert {(r.sheet, r.pupil_text) for r in m.provision_rows()} >= {
        ("Year 6 Maple Autumn", "Amy Ash"), ("Rowan Class Autumn", "Finn Fox")}
    assert "Year 6 Maple" in result.classes


# -- refusals ------------------------------------------------------------------------------


def _refused(capsys, last: Path, out: Path, *args: str) -> str:
    before = digest(last) if last.exists() else None
    assert main(["new-year", str(last), str(out), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert not out.exists() or args == ("exists",)
    if before is not None:
        assert digest(last) == before
    assert not list(out.parent.glob("*.tmp*"))
    return err


def test_refusals(last, tmp_path, capsys):
    out = tmp_path / "next.xlsx"
    assert "not after" in _refused(capsys, last, out, "--year", "2025-26")
    assert "should look like 2025-26" in _refused(capsys, last, out, "--year", "next")
    bad = tmp_path / "classes.csv"
    bad.write_text("Old class,New class\nYear 9 Oak,Year 10 Oak\n", encoding="utf-8")
    err = _refused(capsys, last, out, "--classes", str(bad))
    assert "classes.csv, row 2" in err and "no class 'Year 9 Oak'" in err
    bad.write_text("From,To\nYear 5 Oak,Year 6 Oak\n", encoding="utf-8")
    assert "'Old class' and 'New class'" in _refused(capsys, last, out, "--classes", str(bad))
    roster = tmp_path / "roster.csv"
    roster.write_text("Surname,Forename,Year,Class\nAsh,Amy,6,Year 6 Oak\n", encoding="utf-8")
    assert "roster.csv" in _refused(capsys, last, out, "--pupils", str(roster))
    assert "does not exist" in _refused(capsys, last, out, "--pupils", str(tmp_path / "no.csv"))
    not_a_workbook = tmp_path / "broken.xlsx"
    not_a_workbook.write_text("not a workbook", encoding="utf-8")
    assert "broken.xlsx" in _refused(capsys, not_a_workbook, out)
    no_register = make_last(tmp_path / "empty.xlsx", pupils=[], provision_rows={},
                            profiles=[], professionals=[])
    assert "no pupils could be read" in _refused(capsys, no_register, out)


def test_an_existing_out_is_refused_and_kept(last, tmp_path, capsys):
    out = tmp_path / "next.xlsx"
    out.write_bytes(b"staff's work")
    assert main(["new-year", str(last), str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"staff's work"
    with pytest.raises(NewYearRefused):
        new_year(last, out)


def test_errors_in_last_are_reported_and_the_year_goes_on(tmp_path, capsys):
    rows = {**SUMMER, "Willow Class Summer": [
        *SUMMER["Willow Class Summer"],
        {"Pupil": "Finn Fox", "Provision": "Juggling", "Next step": "Stop"}]}
    last = make_last(tmp_path / "last.xlsx", provision_rows=rows)
    out = tmp_path / "next.xlsx"
    assert main(["new-year", str(last), str(out)]) == 0
    captured = capsys.readouterr()
    assert "Juggling" in captured.err
    assert "Warning: last.xlsx has 1 error (listed above)" in captured.err
    assert "4 Continue rows" in captured.out
    assert out.exists()


def test_the_command_runs_as_a_program(last, tmp_path):
    out = tmp_path / "next.xlsx"
    done = subprocess.run([sys.executable, "-m", "provmap", "new-year", str(last), str(out),
                           "--year", "2026-27"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "6 carried from last year" in done.stdout and "2 left (1 of them K or E" in \
        done.stdout
    assert "Not carried: 1 marked Stop, 1 for pupils who have left (Continue), 1 marked " \
        "Refer." in done.stdout


@pytest.mark.libreoffice
def test_out_recalculates_in_libreoffice_to_provmaps_shares(made, tmp_path, soffice):
    _, m = made
    copy = recalculated(Path(m.path), soffice, tmp_path / "lo")
    wb = openpyxl.load_workbook(copy, data_only=True)
    cost = letter(PROVISION_ROWS, "cost")
    shares = provmap.rollup(m, term="Autumn").rows
    assert len(shares) == 4
    for r in shares.itertuples():
        assert wb[r.sheet][f"{cost}{r.row}"].value == pytest.approx(r.share, abs=1e-9)
    assert [p for p in provmap.check(provmap.load(copy), today=date(2026, 10, 1))
            if p.is_error] == []


def test_new_year_on_the_example_agrees_with_the_examples_next_year(tmp_path):
    """The example generator moves its school up by the spec on its own (example_years);
    new-year from its 2024-25 workbook must reach the same register and Autumn rows as its
    2025-26 workbook (which also has new Reception starters, not on the 2024-25 map)."""
    books = Path(__file__).parent.parent / "workbooks"
    out = tmp_path / "next.xlsx"
    new_year(books / "Provision map 2024-25.xlsx", out)
    ours, theirs = provmap.load(out), provmap.load(books / "Provision map 2025-26.xlsx")
    assert ours.pupils and set(ours.pupils) <= set(theirs.pupils)
    assert {u: (p.year_group, p.class_name) for u, p in ours.pupils.items()} == \
        {u: (theirs.pupils[u].year_group, theirs.pupils[u].class_name) for u in ours.pupils}
    carried = {(r.upn, r.provision): r.pre for r in ours.provision_rows("Autumn")}
    autumn = {(r.upn, r.provision): r.pre for r in theirs.provision_rows("Autumn")}
    assert carried and all(autumn.get(k) == pre for k, pre in carried.items())


@given(n=st.integers(1, 12), name=st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True),
       word=st.sampled_from(["Year ", "Year", "Yr ", "Y"]))
def test_a_year_in_a_class_name_goes_up_by_one_and_nothing_else_changes(n, name, word):
    assert next_class(f"{word}{n} {name}") == f"{word}{n + 1} {name}"
    assert next_class(f"{name} {word}{n}") == f"{name} {word}{n + 1}"


@given(name=st.from_regex(r"[A-Za-z][a-z]{2,10}( [A-Z][a-z]{2,10})?", fullmatch=True))
def test_a_name_without_a_year_group_keeps_its_name(name):
    words = {w.casefold() for w in name.split()}
    assume(not words & {"reception", "nursery"})
    assert next_class(name) == name
