"""Every command end to end, as a user runs it: `python -m provmap ...` in a fresh process.

The staff workbook is never changed by any command but roll-forward (checksums compared).
"""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from builders import PROVISION_ROWS, REVIEW_ROWS, UPNS

EXAMPLE = Path(__file__).parent.parent / "workbooks" / "Provision map 2025-26.xlsx"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "provmap", *map(str, args)], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def example(tmp_path):
    path = tmp_path / "Provision map 2025-26.xlsx"
    shutil.copy(EXAMPLE, path)
    return path


def test_check_the_example_school(example):
    before = digest(example)
    result = run("check", example)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("0 errors,")
    assert digest(example) == before


def test_rollup_writes_both_workbooks_and_leaves_the_input_alone(example, tmp_path):
    before = digest(example)
    out = tmp_path / "out"
    result = run("rollup", example, "--out", out)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "Hollins Park Primary School 2025-26 Summer - Governors report.xlsx",
        "Hollins Park Primary School 2025-26 Summer - SENCo rollup.xlsx"]
    wb = openpyxl.load_workbook(out / names[1], read_only=True)
    assert {"Summary", "By pupil", "By provision", "By class", "By area of need", "Flags",
            "Issues"} <= set(wb.sheetnames)
    assert digest(example) == before
    again = run("rollup", example, "--term", "autumn", "--out", out)
    assert again.returncode == 0, again.stderr
    assert (out / "Hollins Park Primary School 2025-26 Autumn - SENCo rollup.xlsx").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".provmap-")]


def test_rollup_unknown_term_is_one_clear_line(example, tmp_path):
    result = run("rollup", example, "--term", "Winter", "--out", tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Winter" in result.stderr


def test_governors_alone(example, tmp_path):
    before = digest(example)
    result = run("governors", example, "--term", "Spring", "--out", tmp_path / "g")
    assert result.returncode == 0, result.stderr
    [path] = list((tmp_path / "g").iterdir())
    assert path.name == "Hollins Park Primary School 2025-26 Spring - Governors report.xlsx"
    assert digest(example) == before


def test_pop_for_one_pupil_and_a_class(example, tmp_path):
    import provmap
    m = provmap.load(example)
    pupil = next(p for p in m.pupils.values() if p.sen_status == "E")
    before = digest(example)
    result = run("pop", example, "--pupil", pupil.upn, "--out", tmp_path / "pops", "--no-costs")
    assert result.returncode == 0, result.stderr
    [path] = list((tmp_path / "pops").rglob("*.xlsx"))
    assert path.relative_to(tmp_path / "pops").as_posix() == (
        f"{pupil.class_name}/{pupil.surname} {pupil.forename} {pupil.upn}.xlsx")
    result = run("pop", example, "--class", pupil.class_name, "--out", tmp_path / "cls")
    assert result.returncode == 0, result.stderr
    expected = [p for p in m.pupils.values()
                if p.class_name == pupil.class_name and p.sen_status in ("K", "E")]
    assert len(list((tmp_path / "cls").rglob("*.xlsx"))) == len(expected)
    bad = run("pop", example, "--pupil", "A000000000000", "--out", tmp_path / "x")
    assert bad.returncode == 2 and "A000000000000" in bad.stderr
    bad = run("pop", example, "--class", "9Z", "--out", tmp_path / "x")
    assert bad.returncode == 2 and "no class '9Z'" in bad.stderr and "3O" in bad.stderr
    assert digest(example) == before


def test_new_from_a_roster_then_check(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "UPN,Legal Surname,Preferred Forename,Reg Group,Year,SEN Status,Primary Need,DOB\n"
        f"{UPNS[0]},Smith,Jonathan,3O,Year 3,K,SPLD,04/05/2017\n"
        f"{UPNS[1]},Khan,Aisha,3O,Year 3,E,ASD,20/11/2017\n"
        f"{UPNS[2]},Brown,Leo,4M,Year 4,N,,02/01/2017\n")
    out = tmp_path / "Provision map 2025-26.xlsx"
    result = run("new", out, "--school", "Oak Tree Primary", "--year", "2025-26",
                 "--pupils", roster)
    assert result.returncode == 0, result.stderr
    checked = run("check", out)
    assert checked.returncode == 0, checked.stdout
    wb = openpyxl.load_workbook(out)
    assert {"3O Autumn", "4M Summer", "Pupils", "Settings", "Instructions"} <= set(wb.sheetnames)
    again = run("new", out, "--school", "X", "--year", "2025-26")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_roll_forward_then_check(tmp_path, make_workbook):
    rows = [dict(PROVISION_ROWS[0], **{"Next step": "Continue"}), *PROVISION_ROWS[1:]]
    path = make_workbook(sheets={"3O Autumn": {"provision": rows, "review": REVIEW_ROWS}})
    result = run("roll-forward", path, "--to", "Spring")
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(path)
    assert "3O Spring" in wb.sheetnames
    assert list(path.parent.glob("*backup*"))
    import provmap
    spring = [r for r in provmap.load(path).provision_rows("Spring")]
    assert [(r.upn, r.provision, r.pre) for r in spring] == [(UPNS[0], "Precision teaching", 92.0)]
    refused = run("roll-forward", path, "--to", "Spring")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr


def test_termly_rollup_script_is_the_readme_command(example, tmp_path):
    before = digest(example)
    script = Path(__file__).parent.parent / "scripts" / "termly_rollup.py"
    result = subprocess.run([sys.executable, str(script), str(example), "--out",
                             str(tmp_path / "out")], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Cost this term" in result.stdout
    assert len(list((tmp_path / "out").rglob("*.xlsx"))) > 10
    assert digest(example) == before


def test_help_and_no_command():
    assert run("--help").returncode == 0
    assert run().returncode == 2
