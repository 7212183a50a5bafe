"""File names from typed text (write/names.py), and every writer that builds paths from them.

The rule: whatever staff type as a School, Academic year, term, class or pupil, provmap's
output is a file (or folder) inside the folder it was given, with a name of at most 255
bytes that every file system accepts.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import two_years as ty
from provmap.cli import main
from provmap.write.names import (NAME_BYTES, OutsideFolder, file_name, inside, pupil_file,
                                 report_filename, safe_part)

HOSTILE = ["../../../../elsewhere/Oak", "/etc/passwd", "..", ".", "...", "C:\\Windows\\x",
           "a\x00b", "a\nb\tc", "CON", "nul.txt", "Oak\u202egpj.exe", " . ", "",
           "🌳" * 300, "ŵ" * 300, "Oak " * 75, "a/" * 200, "\\\\server\\share"]


@given(st.lists(st.one_of(st.text(), st.sampled_from(HOSTILE)), max_size=4),
       st.sampled_from(["", ".xlsx", " - SENCo rollup.xlsx", " - everything.zip"]))
@settings(max_examples=300, deadline=None)
def test_every_name_is_one_short_safe_name(parts, suffix):
    name = file_name(*parts, suffix=suffix)
    assert len(name.encode()) <= NAME_BYTES
    assert name.endswith(suffix) and name != suffix
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in (".", "..") and ".." not in name
    assert not any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in name)
    assert name.strip(" .") and name[0] not in " ." and name[-1] not in " ."
    assert Path(name).name == name
    assert inside("/some/folder", name) == Path("/some/folder", name)


def test_names_of_ordinary_text_are_as_before():
    assert report_filename("Oak Tree Primary", "2025-26", "Summer", "SENCo rollup") == \
        "Oak Tree Primary 2025-26 Summer - SENCo rollup.xlsx"
    assert report_filename("", "2025-26", "Summer", "Governors report") == \
        "School 2025-26 Summer - Governors report.xlsx"
    assert pupil_file("O'Neil", "Siân", "K823410015042", ".xlsx") == \
        "O'Neil Siân K823410015042.xlsx"
    assert pupil_file(None, None, "K823410015042", " - Transition.xlsx") == \
        "Pupil K823410015042 - Transition.xlsx"
    assert safe_part("../Oak/Class") == "Oak-Class"
    assert file_name("  Year 3   Oak ") == "Year 3 Oak"


def test_a_long_name_keeps_every_part_and_the_suffix():
    name = report_filename("🌳" * 300, "2025-26", "Summer", "Governors report")
    assert len(name.encode()) <= 255
    assert name.endswith(" 2025-26 Summer - Governors report.xlsx") and name.startswith("🌳")
    name = pupil_file("ŵ" * 300, "ŵ" * 300, "K823410015042", " - SEN support evidence.xlsx")
    assert len(name.encode()) <= 255 and " K823410015042 - SEN support evidence.xlsx" in name


def test_windows_device_names_are_not_used():
    assert file_name("CON") == "CON_" and file_name("nul", suffix=".xlsx") == "nul_.xlsx"
    assert file_name("Conway") == "Conway"


@pytest.mark.parametrize("names", [("..",), ("../x",), ("/etc/passwd",), ("a", "../../b"),
                                   (".",), ("",)])
def test_inside_refuses_a_path_outside_its_folder(tmp_path, names):
    with pytest.raises(OutsideFolder):
        inside(tmp_path / "out", *names)


def test_inside_keeps_a_relative_folder_relative():
    assert inside("POPs", Path("3O") / "Smith Jo K1.xlsx") == Path("POPs/3O/Smith Jo K1.xlsx")
    assert inside(".", "a.xlsx") == Path("a.xlsx")


# --- every writer, end to end ------------------------------------------------------------------


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue() + err.getvalue()


def everything_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def test_hostile_school_class_and_pupil_text_never_writes_outside_the_out_folder(
        tmp_path, make_workbook):
    """A School, Academic year, term, class and a pupil's names and UPN that are paths, through
    every command that writes: `rollup`, `governors`, `pop`, `evidence`, `transition` and the
    termly script's default folder."""
    import builders as b
    pupils = [dict(p) for p in b.PUPILS]
    pupils[0].update(Surname="../../../../../Zedd", Forename="/etc/Jon", UPN="../../../../Q9Z")
    pupils[0]["Year group"] = "6"
    path = make_workbook(settings={"School": "../../../../elsewhere/Oak",
                                   "Academic year": "2025-26"},
                         pupils=pupils,
                         sheets={"3O Autumn": {"provision": [
                             {"Pupil": "Aisha Khan", "Provision": "Lego therapy"},
                             {"Pupil": "/etc/Jon ../../../../../Zedd", "UPN": "../../../../Q9Z",
                              "Provision": "Precision teaching"}]}})
    out = tmp_path / "deep" / "a" / "b" / "c" / "out"
    out.mkdir(parents=True)
    before = everything_under(tmp_path) - everything_under(out)
    for argv in (["rollup", str(path), "--out", str(out)],
                 ["governors", str(path), "--out", str(out)],
                 ["pop", str(path), "--out", str(out / "POPs")],
                 ["pop", str(path), "--pupil", "../../../../Q9Z", "--out", str(out / "One")],
                 ["evidence", str(path), "--all", "--out", str(out / "Evidence")],
                 ["transition", str(path), "--out", str(out)]):
        code, said = run(argv)
        assert code in (0, 1) and "Traceback" not in said, (argv, said)
    made = everything_under(out)
    assert everything_under(tmp_path) - made == before
    assert any(p.suffix == ".xlsx" for p in made)
    assert any("Q9Z" in p.name for p in (out / "POPs").rglob("*.xlsx"))
    assert any("Q9Z" in p.name for p in (out / "One").rglob("*.xlsx"))
    assert all(len(p.name.encode()) <= 255 for p in made)


def test_the_termly_folder_is_named_by_the_one_function(tmp_path):
    from provmap.termly import default_out
    book = tmp_path / "map.xlsx"
    assert default_out(book, "Summer") == tmp_path.resolve() / "Summer rollup"
    assert default_out(book, "../../Summer") == tmp_path.resolve() / "Summer rollup"


def test_the_transition_folder_is_named_by_the_one_function(tmp_path):
    from provmap.numbers.history import history
    from provmap.reports.transition import transition_folder
    assert transition_folder(history(ty.build_two_years(tmp_path))) == "Transition 2025-26"


def test_a_group_plan_is_named_provision_dash_group_and_keeps_both_when_long():
    from provmap.write.names import group_plan_file
    assert group_plan_file("Lego therapy", "Lego A") == "Lego therapy - Lego A.xlsx"
    assert group_plan_file("../Lego", "..") == "Lego - Group.xlsx"
    long = group_plan_file("é" * 300, "ü" * 300)
    assert len(long.encode()) <= NAME_BYTES and " - ü" in long and long.endswith("ü.xlsx")
    with pytest.raises(ValueError):
        file_name("a", "b", sep="/")
