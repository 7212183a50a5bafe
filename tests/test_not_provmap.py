"""A workbook that is not provmap's gets one sentence from every command, exit 2, pointing at
`provmap import` (import.md, last paragraph); a long table on a sheet named Provisions is not
taken for the menu."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import provmap
from provmap.problems import Code, UnreadableWorkbook

SCRIPT = Path(__file__).parent.parent / "scripts" / "termly_rollup.py"


def _book(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


LONG = [["Pupil name", "Intervention", "Frequency"], ["Jon Smith", "Lego therapy", "weekly"]]


@pytest.fixture(params=["Sheet1", "Provisions"])
def other(request, tmp_path):
    return _book(tmp_path / "Interventions 2025.xlsx", {request.param: LONG})


def test_load_refuses_with_one_sentence(other):
    with pytest.raises(UnreadableWorkbook) as exc:
        provmap.load(other)
    assert exc.value.code is Code.NOT_PROVMAP_WORKBOOK
    message = exc.value.message
    assert message.startswith("this is not a provmap workbook (")
    assert message.endswith('run: provmap import "Interventions 2025.xlsx" OUT.xlsx --pupils '
                            "ROSTER (docs/import.md).")
    assert message.count(". ") == 0                     # one sentence


def test_the_menu_alone_is_still_provmap_s(tmp_path):
    path = _book(tmp_path / "menu.xlsx", {"Provisions": [["Provision", "Type"],
                                                         ["Lego therapy", "Group"]]})
    m = provmap.load(path)
    assert {p.code for p in m.problems} == {Code.MISSING_SHEET}


@pytest.mark.parametrize("command", [
    ["check"], ["rollup", "--out", "{tmp}"], ["governors", "--out", "{tmp}"],
    ["pop", "--out", "{tmp}"], ["roll-forward", "--to", "Spring"],
    ["new-year", "{tmp}/next.xlsx"], ["evidence", "--all", "--out", "{tmp}"],
    ["transition", "--out", "{tmp}"], ["trust", "--out", "{tmp}"]])
def test_every_command_says_one_sentence_and_exits_2(other, tmp_path, command):
    args = [a.format(tmp=tmp_path) for a in command]
    result = subprocess.run([sys.executable, "-m", "provmap", args[0], str(other), *args[1:]],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "this is not a provmap workbook" in line and "provmap import" in line
    assert "Traceback" not in result.stderr


def test_the_termly_script(other, tmp_path):
    result = subprocess.run([sys.executable, str(SCRIPT), str(other), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "this is not a provmap workbook" in result.stderr
