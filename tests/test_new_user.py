"""What a new user met on a fresh clone: plurals, the POP count with PDFs, Excel's lock file,
one rule for an unknown UPN, and the README's commands as written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import provmap
from builders import PROVISION_ROWS, REVIEW_ROWS
from provmap import cli
from provmap.problems import Code
from provmap.values import plural
from provmap.workbook.rollforward import roll_forward

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "workbooks" / "Provision map 2025-26.xlsx"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "provmap", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_plural():
    assert [plural(n, "pupil") for n in (0, 1, 2, 1200)] == [
        "0 pupils", "1 pupil", "2 pupils", "1,200 pupils"]
    assert plural(1, "class", "classes") == "1 class" and plural(3, "class", "classes") == \
        "3 classes"


def test_roll_forward_says_one_row_and_one_pupil(make_workbook):
    rows = [dict(PROVISION_ROWS[0], **{"Next step": "Continue"}), *PROVISION_ROWS[1:]]
    review = REVIEW_ROWS[:1]
    path = make_workbook(sheets={"3O Autumn": {"provision": rows, "review": review}})
    text = roll_forward(path, "Spring").summary()
    assert re.search(r"3O Spring \(added\): 1 provision row carried on, \d+ pupils? to review",
                     text), text
    assert "1 provision rows" not in text and " 1 pupils" not in text


def test_pop_with_pdfs_counts_pupils(monkeypatch, tmp_path, capsys):
    from provmap.reports import pop
    books = [tmp_path / f"p{i}.xlsx" for i in range(4)]

    def fake(*args, **kwargs):
        return books + [b.with_suffix(".pdf") for b in books]
    monkeypatch.setattr(pop, "write_pops", fake)
    assert cli.main(["pop", str(EXAMPLE), "--pdf", "--out", str(tmp_path)]) == 0
    assert f"Wrote 4 POPs and 4 PDFs to {tmp_path}" in capsys.readouterr().out


@pytest.fixture
def open_in_excel(tmp_path):
    path = tmp_path / "Provision map 2025-26.xlsx"
    shutil.copy(EXAMPLE, path)
    lock = tmp_path / "~$Provision map 2025-26.xlsx"
    lock.write_bytes(b"\x0bMrs Hughes" + b"\x20" * 40)
    return path, lock


def test_check_warns_when_the_workbook_is_open_in_excel(open_in_excel):
    path, lock = open_in_excel
    [p] = [p for p in provmap.load(path).problems if p.code is Code.WORKBOOK_OPEN]
    assert p.message.startswith(f"The workbook is open in Excel or LibreOffice now ({lock.name} "
                                "is beside it)")
    result = run("check", path)
    assert result.returncode == 0 and "is open in Excel" in result.stdout
    lock.unlink()
    assert not [p for p in provmap.load(path).problems if p.code is Code.WORKBOOK_OPEN]


def test_the_termly_job_warns_too(open_in_excel, tmp_path):
    path, _ = open_in_excel
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "termly_rollup.py"),
                             str(path), "--out", str(tmp_path / "out"), "--no-pops"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0
    assert "termly_rollup: warning: The workbook is open in Excel" in result.stderr


def test_a_lock_file_given_by_mistake_is_named(open_in_excel):
    _, lock = open_in_excel
    result = run("check", lock)
    assert result.returncode == 2
    assert "this is the lock file Excel (or LibreOffice) keeps beside 'Provision map " \
           "2025-26.xlsx' while it is open, not a workbook" in result.stderr


def test_an_unknown_upn_is_the_same_exit_from_pop_and_evidence(tmp_path):
    pop = run("pop", EXAMPLE, "--pupil", "A123456789012", "--out", tmp_path / "p")
    evidence = run("evidence", EXAMPLE, "--pupil", "A123456789012", "--out", tmp_path / "e")
    assert pop.returncode == evidence.returncode == 2
    for result in (pop, evidence):
        assert "no pupil with UPN A123456789012" in result.stderr
        assert "nothing was written" in result.stderr
    assert not (tmp_path / "p").exists() and not (tmp_path / "e").exists()


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = text.split("## The year on the example school")[1].split("## Commands")[0]
    return [line.strip() for line in block.splitlines()
            if line.startswith("    provmap ") and "serve" not in line]


def test_the_readme_s_example_commands_run_as_written(tmp_path):
    """Every `provmap ...` line of the README's example section, in a copy of the project's
    workbooks (the README writes to out/)."""
    shutil.copytree(ROOT / "workbooks", tmp_path / "workbooks")
    commands = _readme_commands()
    assert any(c.startswith("provmap import ") for c in commands)
    assert any(c.startswith("provmap new ") and "--pupils" in c for c in commands)
    for command in commands:
        result = subprocess.run(command.replace("provmap ", f'"{sys.executable}" -m provmap ',
                                                1),
                                shell=True, cwd=tmp_path, capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


def test_the_readme_s_python_runs_as_written(tmp_path):
    shutil.copytree(ROOT / "workbooks", tmp_path / "workbooks")
    text = (ROOT / "README.md").read_text()
    code = text.split("```python\n")[1].split("```")[0]
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "Imported.xlsx").exists()
