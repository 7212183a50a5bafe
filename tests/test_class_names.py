"""Classes (and terms) that cannot name an Excel sheet: a located problem, never a traceback.

Class-term sheets are named `<class> <term>`, so a class typed as `Year 3/4`, `1:1` or
`Reception class Mrs Smith-Jones` can never have one.  `check` says so at the register's
cell; `new-year`, `new --pupils` and roll-forward refuse with where to rename it and exit 2;
the standard writer refuses before XlsxWriter could raise.  The rule is the schema's, once.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings, strategies as st

import builders as b
from provmap import check, load
from provmap.cli import main
from provmap.problems import Code
from provmap.schema import (class_name_fault, class_rename, sheet_name_fault, sheet_safe,
                            term_name_fault)
from provmap.workbook.standard import ExampleData, SheetNameRefused, new_workbook

TERMS = ("Autumn", "Spring", "Summer")
BAD = {"1:1": ":", "Year 3/4": "/", "[]:*?/\\": "[", "Class ?": "?", "Back\\slash": "\\",
       "'Quoted": "apostrophe", "Reception class Mrs Smith-Jones": "38 characters"}


@pytest.mark.parametrize("name, said", BAD.items())
def test_the_rule_says_why(name, said):
    fault = class_name_fault(name, TERMS)
    assert fault and said in fault
    suggestion = class_rename(name, TERMS)
    assert class_name_fault(suggestion, TERMS) is None and suggestion


def test_good_classes_and_terms_pass():
    for name in ("3O", "Year 3 Oak", "Willow Class", "RM", "3O'", "Class 1 (Mrs O'Neil)"):
        assert class_name_fault(name, TERMS) is None, name
    assert class_rename("Year 3/4", TERMS) == "Year 3-4"
    assert term_name_fault("Autumn 1") is None and term_name_fault("Autumn/1")
    assert sheet_name_fault("History") and sheet_name_fault("") and sheet_name_fault("x" * 32)
    assert sheet_safe("[]:*?/\\") == "Class 1"


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=1, max_size=40), st.sampled_from([TERMS, ("Term 1", "Term 2"),
                                                          ("Autumn 1", "Autumn 2", "Summer")]))
def test_what_the_rule_accepts_xlsxwriter_accepts(tmp_path_factory, name, terms):
    """Every class the rule lets through makes sheets XlsxWriter writes; every suggestion
    the rule makes is one it lets through."""
    name = name.strip()
    if not name:
        return
    book = xlsxwriter.Workbook(str(tmp_path_factory.mktemp("x") / "x.xlsx"))
    if class_name_fault(name, terms) is None:
        for t in terms:
            book.add_worksheet(f"{name} {t}")
    assert class_name_fault(class_rename(name, terms), terms) is None
    book.close()


def register_with(tmp_path: Path, classes: list[str], **settings) -> Path:
    pupils = [dict(p) for p in b.PUPILS]
    for p, c in zip(pupils, classes):
        p["Class"] = c
    return b.build_workbook(tmp_path / "Provision map 2025-26.xlsx", pupils=pupils,
                            settings=settings or None)


@pytest.mark.parametrize("name", BAD)
def test_check_locates_the_class_in_the_register(tmp_path, name):
    m = load(register_with(tmp_path, [name]))
    problems = check(m)
    [p] = [p for p in problems if p.code is Code.CLASS_NOT_A_SHEET_NAME]
    assert (p.sheet, p.cell) == ("Pupils", m.pupils[b.UPNS[0]].at("class"))
    assert f"Class '{name}'" in p.message and "cannot name a sheet" in p.message
    assert f"e.g. '{class_rename(name, TERMS)}'" in p.hint
    assert not [q for q in problems if q.code is Code.CLASS_WITHOUT_SHEETS
                and name in q.message]                      # not "add a sheet named ..."


def test_check_locates_a_term_that_cannot_end_a_sheet_name(tmp_path):
    path = register_with(tmp_path, [], Terms="Autumn, Spring/1, Summer")
    [p] = [p for p in check(load(path)) if p.code is Code.BAD_SETTING]
    assert p.sheet == "Settings" and p.cell and "'Spring/1'" in p.message
    assert "e.g. 'Spring-1'" in p.hint


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


@pytest.mark.parametrize("name", BAD)
def test_new_year_refuses_with_the_cell_to_rename(tmp_path, name):
    last = register_with(tmp_path, [name])
    cell = load(last).pupils[b.UPNS[0]].at("class")
    out = tmp_path / "next.xlsx"
    code, err = run(["new-year", str(last), str(out)])
    assert code == 2 and "Traceback" not in err and not out.exists()
    assert f"Provision map 2025-26.xlsx, Pupils!{cell}: class '{name}'" in err
    assert "cannot name a sheet" in err and "InvalidWorksheetName" not in err
    assert f"e.g. '{class_rename(name, TERMS)}'" in err and "Nothing was written." in err


def test_new_year_names_the_class_a_class_becomes(tmp_path):
    """`Y3/` has a year group, so next year it is `Y4/`: the message says so."""
    last = register_with(tmp_path, ["Y3:Oak"])
    code, err = run(["new-year", str(last), str(tmp_path / "next.xlsx")])
    assert code == 2 and "class 'Y3:Oak' becomes 'Y4:Oak' next year" in err
    assert "--classes" in err


def test_new_year_locates_a_bad_new_name_in_the_classes_file(tmp_path):
    last = register_with(tmp_path, [])
    classes = tmp_path / "classes.csv"
    classes.write_text("Old class,New class\n3O,4O/4P\n", encoding="utf-8")
    code, err = run(["new-year", str(last), str(tmp_path / "n.xlsx"), "--classes", str(classes)])
    assert code == 2 and "classes.csv, row 2: New class '4O/4P' cannot name a sheet" in err
    assert "'4O-4P'" in err


def test_new_year_and_new_locate_a_bad_class_in_the_roster(tmp_path):
    last = register_with(tmp_path, [])
    roster = tmp_path / "roster.csv"
    roster.write_text(f"UPN,Forename,Surname,Year group,Class\n{b.UPNS[0]},Jonathan,Smith,4,"
                      "Year 4/5\n", encoding="utf-8")
    code, err = run(["new-year", str(last), str(tmp_path / "n.xlsx"), "--pupils", str(roster)])
    assert code == 2 and f"roster.csv: class 'Year 4/5' (pupil {b.UPNS[0]}) cannot" in err
    code, err = run(["new", str(tmp_path / "new.xlsx"), "--school", "Oak", "--year", "2026-27",
                     "--pupils", str(roster)])
    assert code == 2 and "Traceback" not in err and not (tmp_path / "new.xlsx").exists()
    assert "roster.csv: class 'Year 4/5' cannot name a sheet" in err and "'Year 4-5'" in err


def test_new_year_locates_a_term_that_cannot_end_a_sheet_name(tmp_path):
    last = register_with(tmp_path, [], Terms="Autumn, Spring:1, Summer")
    code, err = run(["new-year", str(last), str(tmp_path / "n.xlsx")])
    assert code == 2 and "Provision map 2025-26.xlsx, Settings!B" in err
    assert "the term 'Spring:1'" in err and "'Spring-1'" in err


def test_the_writer_refuses_before_xlsxwriter_would(tmp_path):
    for classes in (["Year 3/4"], ["1:1"], ["x" * 30]):
        with pytest.raises(SheetNameRefused, match="cannot name a sheet"):
            new_workbook(tmp_path / "a.xlsx", "Oak", "2025-26", data=ExampleData(classes=classes))
    with pytest.raises(SheetNameRefused, match="the term 'Spring/1'"):
        new_workbook(tmp_path / "a.xlsx", "Oak", "2025-26",
                     data=ExampleData(terms=("Autumn", "Spring/1")))
    assert not (tmp_path / "a.xlsx").exists()


def test_classes_that_differ_only_in_case_are_one_class(tmp_path):
    last = register_with(tmp_path, ["3O", "3o", "3O", "3O"])
    out = tmp_path / "next.xlsx"
    code, err = run(["new-year", str(last), str(out)])
    assert code in (0, 1), err
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert [n for n in names if n.lower().startswith("4o ")] == [
        "4O Autumn", "4O Spring", "4O Summer"]


def test_roll_forward_refuses_a_term_that_cannot_end_a_sheet_name(tmp_path):
    path = register_with(tmp_path, [], Terms="Autumn, Spring:1, Summer")
    code, err = run(["roll-forward", str(path), "--to", "Spring:1"])
    assert code == 2 and "Traceback" not in err and "cannot be made" in err
