"""Group Intervention Plans: one per intervention group of the term, its figures the rollup's.

A small school built in code, worked by hand (Mrs Patel costs £24 an hour, the TA £18):

- Lego therapy, 1 x 45 min a week for 10 weeks with Mrs Patel, £60 of resources:
  £24 x 0.75 x 10 + £60 = £240 a group.  Two groups on the 3O sheet: `Lego A` (Jonathan
  and Aisha: £120 each) and `Lego B` (Leo on 3O, Noah on 4B: a group across two classes,
  £120 each).
- Reading fluency group, 3 x 30 min a week for 12 weeks with the TA, £40 of resources:
  £18 x 0.5 x 3 x 12 + £40 = £364 a group.  Without a label, one group per sheet: 3O's
  (Jonathan and Maya, £182 each) and 4B's (Ella alone, with a typed Group size of 3, so her
  share is £364 / 3 = £121.33).
- Precision teaching (1:1) and a visual timetable (quality first teaching) have no plan.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import builders as b
import provmap
from provmap.cli import main as cli
from provmap.numbers.groups import term_groups
from provmap.reports import groups
from provmap.upn import with_check_letter
from provmap.workbook.newyear import new_year
from provmap.workbook.standard import new_workbook
from test_pop_privacy import file_text

NOAH, ELLA, OMAR = (with_check_letter(f"8234001000{n:02d}") for n in (5, 6, 7))
JONATHAN, AISHA, LEO, MAYA = b.UPNS

PUPILS = [*b.PUPILS,
          {"UPN": NOAH, "Forename": "Noah", "Surname": "Patel", "Year group": "4",
           "Class": "4B", "SEN status": "K", "Primary need": "SEMH"},
          {"UPN": ELLA, "Forename": "Ella", "Surname": "Wright", "Year group": "4",
           "Class": "4B", "SEN status": "K", "Primary need": "SPLD"},
          {"UPN": OMAR, "Forename": "Omar", "Surname": "Ali", "Year group": "4",
           "Class": "4B", "SEN status": "N"}]

READING = {"Provision": "Reading fluency group", "Type": "Group", "Area of need": "C&L",
           "Delivered by": "TA", "Sessions per week": 3, "Minutes per session": 30,
           "Weeks": 12, "Resource cost": 40, "Measure": "Reading age",
           "Measure kind": "months", "Higher is better": "Y",
           "Why chosen": "EEF: small-group tuition, moderate impact for moderate cost"}
PROVISIONS = [*b.PROVISIONS, READING]

O_ROWS = [
    {"Pupil": "Jonathan Smith", "Provision": "Lego therapy", "Group": "Lego A", "Pre": 10,
     "Post": 14, "Target": "Take turns in a game", "Outcome": "Achieved",
     "Next step": "Continue", "Start date": date(2025, 9, 22)},
    {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Group": "Lego A", "Pre": 20,
     "Post": 26, "Target": "Ask for help, as Jonathan Smith does", "Outcome": "Partly achieved",
     "Start date": date(2025, 9, 15)},
    {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Group": "Lego B", "Pre": 18,
     "Post": 18, "Target": "Share the bricks with Omar Ali", "Next step": "Stop"},
    {"Pupil": "Jonathan Smith", "Provision": "Reading fluency group", "Pre": "7y 2m",
     "Post": "7y 8m"},
    {"Pupil": "Maya Jones", "Provision": "Reading fluency group", "Pre": "7y 6m",
     "Post": "8y 4m"},
    {"Pupil": "Aisha Khan", "Provision": "Precision teaching", "Pre": "7y 0m"},
    {"Pupil": "Aisha Khan", "Provision": "Visual timetable"},
]
B_ROWS = [
    {"Pupil": "Noah Patel", "Provision": "Lego therapy", "Group": "Lego B", "Pre": 12,
     "Post": 15},
    {"Pupil": "Ella Wright", "Provision": "Reading fluency group", "Group size": 3,
     "Pre": "8y 0m", "Post": "8y 3m", "Target": "Read 90 words a minute"},
]


def build(path: Path, o_rows=O_ROWS, b_rows=B_ROWS, provisions=PROVISIONS) -> Path:
    return b.build_workbook(path, pupils=PUPILS, provisions=provisions, sheets={
        "3O Autumn": {"provision": o_rows}, "4B Autumn": {"provision": b_rows}})


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    path = build(tmp_path_factory.mktemp("school") / "map.xlsx")
    return provmap.rollup(provmap.load(path), today=date(2026, 1, 10))


@pytest.fixture(scope="module")
def written(school, tmp_path_factory):
    return groups.write_group_plans(school, tmp_path_factory.mktemp("plans"), progress=False)


def by_name(plans):
    return {(p.provision, p.label or p.class_name): p for p in plans}


def cells(path: Path) -> list[list[str]]:
    ws = openpyxl.load_workbook(path)["Group plan"]
    return [[str(c.value) for c in row if c.value not in (None, "")] for row in ws.iter_rows()]


def value_of(path: Path, label: str) -> str:
    """The text beside a label of the form."""
    row = next(r for r in cells(path) if label in r)
    return row[row.index(label) + 1]


# -- the groups, worked by hand ---------------------------------------------------------------


def test_one_plan_per_group_of_the_term_as_the_rollup_groups_them(school):
    plans = by_name(term_groups(school).plans)
    assert sorted(plans) == [("Lego therapy", "Lego A"), ("Lego therapy", "Lego B"),
                             ("Reading fluency group", "3O"), ("Reading fluency group", "4B")]
    # exactly the rollup's teaching groups of Group-type provision
    rows = school.rows[school.rows["type"] == "Group"]
    assert len(plans) == rows["group_key"].nunique()
    for p in plans.values():
        keys = {tuple(k) for k in rows[rows["upn"].isin([m.upn for m in p.members])]
                [["provision", "group_key"]].values if k[0] == p.provision}
        assert len(keys) == 1


def test_two_groups_of_one_provision_on_one_sheet(school):
    plans = by_name(term_groups(school).plans)
    a, lego_b = plans[("Lego therapy", "Lego A")], plans[("Lego therapy", "Lego B")]
    assert [m.name for m in a.members] == ["Jonathan Smith", "Aisha Khan"]
    assert (a.cost, a.group_size, a.cost_per_pupil) == (240.0, 2, 120.0)
    assert [m.share for m in a.members] == [120.0, 120.0]
    assert (a.assessed, a.making_progress, a.mean_gain) == (2, 2, 5.0)  # gains 4 and 6
    assert a.ratio_gain is None and a.band is None                       # not a months measure
    assert (a.start, a.end, a.review) == (date(2025, 9, 15), date(2025, 12, 19),
                                          date(2025, 12, 19))
    assert (a.delivered_by, a.sessions_per_week, a.minutes_per_session, a.weeks) == \
        ("Mrs Patel", 1, 45, 10)
    assert a.why_chosen is None                 # Lego therapy's row gives no reason
    assert [m.name for m in lego_b.members] == ["Leo Brown", "Noah Patel"]


def test_a_labelled_group_across_two_classes(school):
    p = by_name(term_groups(school).plans)[("Lego therapy", "Lego B")]
    assert p.classes == ("3O", "4B") and p.year_groups == ("3", "4")
    assert p.class_name == "3O"             # one pupil each: the first class in sheet order
    assert (p.cost, [m.share for m in p.members]) == (240.0, [120.0, 120.0])
    assert [(m.sheet, m.gain, m.no_progress) for m in p.members] == [
        ("3O Autumn", 0.0, True), ("4B Autumn", 3.0, False)]
    assert (p.assessed, p.making_progress, p.share_making_progress) == (2, 1, 0.5)
    assert (p.with_ratio, p.useful_or_better) == (0, 0)      # a score, not an age
    assert groups._year_or_class(p) == "Years 3 and 4 (3O, 4B)"


def test_a_group_without_a_label_is_the_provision_on_one_sheet(school):
    p = by_name(term_groups(school).plans)[("Reading fluency group", "3O")]
    assert p.label is None and p.classes == ("3O",)
    assert [m.name for m in p.members] == ["Jonathan Smith", "Maya Jones"]
    assert (p.cost, p.cost_per_pupil) == (364.0, 182.0)
    assert p.why_chosen == "EEF: small-group tuition, moderate impact for moderate cost"
    # months measure: 6 and 10 months' gain over the Autumn term (3 Sep to 19 Dec 2025:
    # 107 days, 3.515 months); the group's ratio gain is the mean gain over the months
    months = 107 * 12 / 365.25
    assert [m.gain for m in p.members] == [6.0, 10.0]
    assert [m.ratio_gain for m in p.members] == pytest.approx([6 / months, 10 / months])
    assert p.ratio_gain == pytest.approx(8 / months) and p.band == "useful"
    assert [m.impact for m in p.members] == ["modest", "useful"]
    # the one definition beside the bands: Maya's 2.84 is useful or better, Jonathan's 1.71 not
    assert (p.with_ratio, p.useful_or_better, p.share_making_progress) == (2, 1, 1.0)


def test_a_typed_group_size_above_the_count_makes_the_shares_smaller(school):
    p = by_name(term_groups(school).plans)[("Reading fluency group", "4B")]
    assert [m.name for m in p.members] == ["Ella Wright"]
    assert p.group_size == 3
    assert p.cost == pytest.approx(364 / 3) and round(p.cost, 2) == 121.33
    shares = school.rows.loc[school.rows["upn"] == ELLA, "share"]
    assert p.cost == shares.sum()                         # the rollup's own figure


def test_every_plan_costs_the_sum_of_its_members_shares(school):
    rows = school.rows[(school.rows["term"] == school.term)]
    for p in term_groups(school).plans:
        mine = rows[rows.apply(lambda r: (r["sheet"], r["row"]) in
                               {(m.sheet, m.row) for m in p.members}, axis=1)]
        assert p.cost == mine["share"].sum()
        assert [m.gain for m in p.members] == [None if g != g else g for g in mine["gain"]]


# -- the plan on paper ------------------------------------------------------------------------


def test_the_files_are_laid_out_by_class(written):
    folder = written.folder
    assert folder.name == "Group plans 2025-26 Autumn"
    assert sorted(p.relative_to(folder).as_posix() for p in written.paths) == [
        "3O/Lego therapy - Lego A.xlsx", "3O/Lego therapy - Lego B.xlsx",
        "3O/Reading fluency group - 3O.xlsx", "4B/Reading fluency group - 4B.xlsx"]
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "3O", "3O/Lego therapy - Lego A.xlsx", "3O/Lego therapy - Lego B.xlsx",
        "3O/Reading fluency group - 3O.xlsx", "4B", "4B/Reading fluency group - 4B.xlsx"]


def test_the_plan_reads_as_the_seed_form_in_its_order(written):
    path = next(p for p in written.paths if p.name == "Lego therapy - Lego A.xlsx")
    text = [c for row in cells(path) for c in row]
    order = ["Group Intervention Plan", "Year / class", "Pupils involved",
             "Reason the intervention is required", "Review date", "Intervention",
             "Delivered by", "Reason for", "Intervention review", "Pupil", "Pre",
             "Plan (target)", "Post", "Plan (outcome)", "Progress", "Further action?",
             "Intervention evaluation", "Cost of intervention", "Progress made",
             "Pupil feedback", "Any suggested changes", "Completed by", "Date"]
    at = [next(i for i, t in enumerate(text) if t == o or o.startswith("Intervention ")
               and t.startswith(o)) for o in order if o != "Review date"]
    assert at == sorted(at)
    assert value_of(path, "Year / class") == "3O (Year 3)"
    assert value_of(path, "Review date") == "19 Dec 2025"
    assert value_of(path, "Pupils involved") == "Jonathan Smith (Year 3), Aisha Khan (Year 3)"
    assert value_of(path, "Reason the intervention is required") == (
        "Jonathan Smith: cognition and learning (SPLD). Target: Take turns in a game\n"
        "Aisha Khan: communication and interaction (ASD). Target: Ask for help, as Jonathan "
        "Smith does")
    assert value_of(path, "Intervention") == ("Lego therapy: 1 session a week of 45 minutes, "
                                              "for 10 weeks; a group of 2")
    assert value_of(path, "Delivered by") == "Mrs Patel"
    assert value_of(path, "Dates") == "15 Sep 2025 to 19 Dec 2025"
    review = next(r for r in cells(path) if r and r[0] == "Jonathan Smith")
    assert review == ["Jonathan Smith", "10", "Take turns in a game", "14", "Achieved", "+4",
                      "Continue"]
    assert value_of(path, "Cost of intervention") == (
        "£240.00 this term (£120.00 per pupil): the 2 pupils' shares of the group's cost.")
    assert value_of(path, "Progress made") == (
        "2 of 2 pupils made progress (a gain above 0); mean gain +5.")
    # the Provisions sheet gives Lego therapy no reason: ruled lines to write on
    ws = openpyxl.load_workbook(path)["Group plan"]
    label = next(c for row in ws.iter_rows() for c in row if c.value == "Reason for")
    assert [ws.cell(label.row + i, 1).value for i in range(4)] == \
        ["Reason for", "choosing this", "particular", "intervention"]
    assert all(ws.cell(label.row + i, 2).border.bottom.style == "thin" for i in range(4))
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.paperSize == 9
    # the key to the codes it prints, and when it was produced
    assert any(c.startswith("Key: Boxall: the Boxall Profile") and "; SPLD: specific learning "
               "difficulty; ASD: autistic spectrum disorder." in c for c in text)
    assert any("Produced on 10 January 2026 by Oak Tree Primary." in c for c in text)


def test_the_evidence_typed_on_provisions_is_printed(written):
    path = next(p for p in written.paths if p.name == "Reading fluency group - 3O.xlsx")
    assert value_of(path, "Reason for choosing this particular intervention") == \
        "EEF: small-group tuition, moderate impact for moderate cost"
    assert value_of(path, "Progress made") == (
        "2 of 2 pupils made progress (a gain above 0); mean gain +8 months, ratio gain 2.28 "
        "(useful impact); useful or better for 1 of 2.")
    assert any(c.startswith("Key: ") and "EEF: Education Endowment Foundation" in c
               for row in cells(path) for c in row)
    maya = next(r for r in cells(path) if r and r[0] == "Maya Jones")
    assert maya[:3] == ["Maya Jones", "7y 6m", "8y 4m"] and "+10 months (2.84: useful)" in maya


def test_a_typed_group_size_is_explained_on_the_plan(written):
    path = next(p for p in written.paths if p.name == "Reading fluency group - 4B.xlsx")
    assert value_of(path, "Cost of intervention") == (
        "£121.33 this term (£121.33 per pupil): the pupil's share of the group's cost. The "
        "group is costed for 3 (its Group size on the sheet), so this plan carries 1 of 3 "
        "shares.")
    assert value_of(path, "Intervention").endswith("a group of 3 (1 on this plan)")


def test_a_plan_names_only_its_own_group(written, school):
    for path, plan in zip(written.paths, written.plans):
        text = re.sub(r"\s+", " ", file_text(path))
        mine = {m.upn for m in plan.members}
        for upn, p in school.map.pupils.items():
            named = p.name.casefold() in text or upn.casefold() in text
            assert named == (upn in mine), (path.name, p.name)
    lego_a = file_text(written.paths[0])
    assert "ask for help, as jonathan smith does" in lego_a        # a member: kept
    lego_b = file_text(next(p for p in written.paths if p.name == "Lego therapy - Lego B.xlsx"))
    assert "share the bricks with another pupil" in lego_b         # Omar is not in it


def test_rows_with_errors_are_left_out_and_named(make_workbook, tmp_path):
    rows = [*O_ROWS[:2], {"Pupil": "Nobody Known", "Provision": "Lego therapy",
                          "Group": "Lego A"}]
    path = build(tmp_path / "map.xlsx", o_rows=rows, b_rows=[])
    r = provmap.rollup(provmap.load(path))
    [plan] = term_groups(r).plans
    assert plan.left_out == ("3O Autumn row 4",)
    assert [m.name for m in plan.members] == ["Jonathan Smith", "Aisha Khan"]
    assert plan.group_size == 2 and plan.cost == 240.0      # the rollup's: usable rows only
    out = groups.write_group_plans(r, tmp_path / "out", progress=False)
    assert out.left_out == ["Lego therapy (Lego A): 3O Autumn row 4"]
    assert any("Left out of this plan: 3O Autumn row 4. This row has a problem" in c
               for row in cells(out.paths[0]) for c in row)


def test_a_group_whose_every_row_has_an_error_is_said(tmp_path):
    rows = [*O_ROWS[:2], {"Pupil": "Nobody Known", "Provision": "Reading fluency group"}]
    path = build(tmp_path / "map.xlsx", o_rows=rows, b_rows=[])
    tg = term_groups(provmap.rollup(provmap.load(path)))
    assert [p.label for p in tg.plans] == ["Lego A"]
    assert tg.without_usable_rows == ["Reading fluency group, 3O Autumn row 4"]


def test_a_rerun_leaves_only_this_runs_plans(school, tmp_path):
    stale = tmp_path / "Group plans 2025-26 Autumn" / "5X" / "Old group - 5X.xlsx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    notes = tmp_path / "Group plans 2025-26 Autumn" / "3O" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("the TA's own notes")
    groups.write_group_plans(school, tmp_path, progress=False)
    assert not stale.exists() and not stale.parent.exists()
    assert notes.exists()                      # not a plan: provmap leaves it alone
    # asking for one class writes that class's plans and removes nothing
    one = groups.write_group_plans(school, tmp_path, class_name="4b", progress=False)
    assert sorted(p.parent.name for p in one.paths) == ["3O", "4B"]   # Lego B lives in 3O


def test_names_from_typed_text_stay_inside_the_folder(tmp_path):
    provisions = [{**READING, "Provision": "../../Reading: fluency/group"}]
    rows = [{"Pupil": "Maya Jones", "Provision": "../../Reading: fluency/group",
             "Group": "..\\A/B"}]
    path = build(tmp_path / "map.xlsx", o_rows=rows, b_rows=[], provisions=provisions)
    out = groups.write_group_plans(provmap.rollup(provmap.load(path)), tmp_path / "out",
                                   progress=False)
    [plan] = out.paths
    assert plan.parent.parent == out.folder and plan.parent.name == "3O"
    assert "/" not in plan.name and "\\" not in plan.name


def test_a_label_that_is_also_a_class_does_not_overwrite(tmp_path):
    rows = [{"Pupil": "Maya Jones", "Provision": "Reading fluency group", "Group": "3O"},
            {"Pupil": "Leo Brown", "Provision": "Reading fluency group"}]
    path = build(tmp_path / "map.xlsx", o_rows=rows, b_rows=[])
    out = groups.write_group_plans(provmap.rollup(provmap.load(path)), tmp_path,
                                   progress=False)
    assert [p.name for p in out.paths] == ["Reading fluency group - 3O.xlsx",
                                           "Reading fluency group - 3O (2).xlsx"]


# -- the Provisions sheet's Why chosen ---------------------------------------------------------


def test_why_chosen_is_read_as_text_and_a_formula_is_an_error(tmp_path):
    provisions = [{**PROVISIONS[0], "Why chosen": 4}, {**PROVISIONS[1],
                                                       "Why chosen": "=HYPERLINK(\"x\")"},
                  *PROVISIONS[2:]]
    m = provmap.load(build(tmp_path / "map.xlsx", provisions=provisions))
    assert m.provision("Precision teaching").why_chosen == "4"
    assert m.provision("Lego therapy").why_chosen is None
    [p] = [p for p in m.problems if p.sheet == "Provisions"]
    assert (p.code, p.cell, p.is_error) == ("formula-not-trusted", "L3", True)   # Why chosen


def test_new_writes_evidence_and_new_year_carries_it(tmp_path):
    path = new_workbook(tmp_path / "new.xlsx", "Oak Tree Primary", "2025-26")
    m = provmap.load(path)
    assert m.provision("Phonics catch-up group").why_chosen.startswith("EEF: phonics")
    assert m.provision("Fine motor skills group").why_chosen is None
    last = build(tmp_path / "last.xlsx")
    new_year(last, tmp_path / "next.xlsx")
    assert provmap.load(tmp_path / "next.xlsx").provision("Reading fluency group").why_chosen \
        == READING["Why chosen"]


# -- the command ------------------------------------------------------------------------------


def test_the_command_writes_the_plans(tmp_path, capsys):
    path = build(tmp_path / "map.xlsx")
    assert cli(["groups", str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert out.strip() == (f"Wrote 4 group plans to {tmp_path / 'out'}"
                           f"/Group plans 2025-26 Autumn")
    assert provmap.group_plans(provmap.rollup(provmap.load(path)), tmp_path / "lib",
                               provision="lego therapy").paths[0].name == \
        "Lego therapy - Lego A.xlsx"


def test_a_term_without_groups_is_one_sentence_and_exit_1(tmp_path, capsys):
    path = build(tmp_path / "map.xlsx", o_rows=O_ROWS[5:], b_rows=[])
    assert cli(["groups", str(path), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (f"provmap: {path}: the Autumn term of 2025-26 has no intervention group, "
                   "so there is no group plan to make (a plan is made for each group of "
                   "Group-type provision).")
    assert not list(tmp_path.glob("Group plans*"))


def test_an_unknown_class_or_provision_lists_what_exists(tmp_path, capsys):
    path = build(tmp_path / "map.xlsx")
    assert cli(["groups", str(path), "--class", "5Z", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == (
        "provmap: there is no class '5Z' in the workbook; the classes with a group in the "
        "Autumn term are 3O, 4B. Nothing was written.")
    assert cli(["groups", str(path), "--provision", "Precision teaching"]) == 2
    assert capsys.readouterr().err.strip() == (
        "provmap: Precision teaching is 1:1 support, which has no group plan; the provisions "
        "with groups in the Autumn term are Lego therapy, Reading fluency group. Nothing was "
        "written.")
    assert cli(["groups", str(path), "--provision", "Lego therapy", "--class", "4b",
                "--out", str(tmp_path)]) == 0
    assert not list((tmp_path / "Group plans 2025-26 Autumn").glob("4B/*"))
    assert [p.name for p in (tmp_path / "Group plans 2025-26 Autumn").rglob("*.xlsx")] == \
        ["Lego therapy - Lego B.xlsx"]
    assert cli(["groups", str(path), "--term", "Winter"]) == 2
    assert "'Winter' is not a term of this workbook" in capsys.readouterr().err


# -- the example school ------------------------------------------------------------------------


EXAMPLE = Path(__file__).parent.parent / "workbooks" / "Provision map 2025-26.xlsx"


@pytest.mark.parametrize("term", ["Autumn", "Spring", "Summer"])
def test_every_plan_of_the_example_names_its_group_and_nobody_else(term, tmp_path):
    """A privacy scan of every plan of every term of the example: every part of each xlsx
    (cells, shared strings, header and footer, properties) searched for every other register
    pupil's name (either order) and UPN; every member named; the cost to the penny."""
    r = provmap.rollup(provmap.load(EXAMPLE), term=term)
    out = groups.write_group_plans(r, tmp_path, progress=False)
    assert len(out.paths) == len(term_groups(r).plans) == \
        r.rows[(r.rows["term"] == term) & (r.rows["type"] == "Group")]["group_key"].nunique()
    pupils = r.map.pupils
    for path, plan in zip(out.paths, out.plans):
        text = re.sub(r"\s+", " ", file_text(path))
        mine = {m.upn for m in plan.members}
        names = {(pupils[u].forename, pupils[u].surname) for u in mine}
        for m in plan.members:
            assert m.name.casefold() in text
        for upn, p in pupils.items():
            if upn in mine or (p.forename, p.surname) in names:
                continue
            for name in (f"{p.forename} {p.surname}", f"{p.surname}, {p.forename}",
                         f"{p.surname} {p.forename}"):
                assert name.casefold() not in text, f"{path.name} names {name}"
            assert upn.casefold() not in text, f"{path.name} holds {upn}"
        for u in mine:
            assert u.casefold() not in text            # a plan needs no UPN at all
        # the cost printed is the sum of its members' shares in Rollup.rows, to the penny
        rows = r.rows[r.rows.apply(lambda x: (x["sheet"], x["row"]) in
                                   {(m.sheet, m.row) for m in plan.members}, axis=1)]
        assert plan.cost == rows["share"].sum()
        assert value_of(path, "Cost of intervention").startswith(
            f"£{round(rows['share'].sum(), 2):,.2f} this term")
        with zipfile.ZipFile(path) as z:
            props = (z.read("docProps/core.xml") + z.read("docProps/app.xml")).decode()
        assert not any(pupils[u].surname in props for u in mine)


@pytest.mark.libreoffice
def test_pdf_beside_each_plan_through_the_batched_libreoffice_path(soffice, tmp_path, capsys):
    import printing
    path = build(tmp_path / "map.xlsx")
    assert cli(["groups", str(path), "--out", str(tmp_path), "--pdf"]) == 0
    assert "Wrote 4 group plans and 4 PDFs to" in capsys.readouterr().out
    folder = tmp_path / "Group plans 2025-26 Autumn"
    books = sorted(folder.rglob("*.xlsx"))
    pdfs = sorted(folder.rglob("*.pdf"))
    assert [p.with_suffix("") for p in pdfs] == [p.with_suffix("") for p in books]
    for pdf in pdfs:                                  # a group of two: one A4 page each
        [page] = printing.pages(pdf)
        assert (round(page.width), round(page.height)) == (595, 842)
        assert "Intervention" in {w.text for w in page.words}
