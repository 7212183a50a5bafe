"""Random edits of the example school, as careless staff or a broken export might make them,
through every command: nothing a user types may break provmap.

Each example takes the example school (a small one, two terms in, so roll-forward has a term
to add), makes a handful of edits with openpyxl (numbers of every size and sign, 1e308, NaN,
error values, far dates, very long text, formulas, booleans, deleted rows and sheets,
overwritten headers) and runs `check --json`, `rollup`, `governors`, `pop` and
`roll-forward` (on a copy).  Every run must end in exit 0, 1 or 2 with no traceback, leave
the input unchanged, give valid JSON, write outputs that open, and locate every row it
leaves out.  The budget is small and the seed fixed so CI stays quick and repeatable;
`PROVMAP_RANDOM_EDITS=500` runs 500 edited workbooks.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from invariants import unlocated_exclusions
from provmap.cli import main
from provmap.dev.example import write_example

EXAMPLES = int(os.environ.get("PROVMAP_RANDOM_EDITS", "6"))

VALUES = st.one_of(
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 0, -1, 0.5, 1_000_001, 240, 9999, -30]),
    st.sampled_from(["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "=1/0", "=A1+B2", "=SUM(1,2)",
                     "+44 7700", "-cmd", "@SUM(A1)", "nan", "inf", "1e308", "£-5", "(12.50)",
                     "7y 14m", "  ", "TRUE", "N/A", "Achieved", "Continue", "K", "E", "1:1",
                     "31/02/2026", "12/09/2025", "99/99/99", "Year 13", "Nursery"]),
    st.text(max_size=40),
    st.text(min_size=3000, max_size=3000, alphabet="abc =\n"),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31)),
)


@st.composite
def edits(draw):
    """A list of (what, sheet index, row, column, value) edits."""
    kinds = st.sampled_from(["cell"] * 8 + ["header", "delete-row", "delete-sheet"])
    return draw(st.lists(st.tuples(kinds, st.integers(0, 60), st.integers(1, 80),
                                   st.integers(1, 22), VALUES), min_size=1, max_size=6))


def apply(edits_, source: Path, target: Path) -> None:
    wb = openpyxl.load_workbook(source)
    for kind, s, row, col, value in edits_:
        if not wb.sheetnames:
            break
        ws = wb[wb.sheetnames[s % len(wb.sheetnames)]]
        if kind == "delete-sheet" and len(wb.sheetnames) > 1:
            wb.remove(ws)
        elif kind == "delete-row":
            ws.delete_rows(row)
        else:
            if kind == "header":                         # overwrite a header cell
                row = next((c.row for r in ws.iter_rows(max_row=12) for c in r
                            if isinstance(c.value, str) and c.value in ("Pupil", "Setting",
                                                                          "UPN", "Provision",
                                                                          "Name")), 1)
            if isinstance(value, str) and len(value) > 32_000:
                value = value[:32_000]
            if isinstance(value, str):                   # control characters: no xlsx holds them
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            ws.cell(row, col).value = value
    wb.save(target)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> Path:
    return write_example(tmp_path_factory.mktemp("school") / "Provision map 2025-26.xlsx",
                         pupils=40, seed=7, terms=2)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],     # no shrinking: each example is seconds
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(edits())
def test_random_edits_never_break_a_command(school, tmp_path_factory, edits):
    work = tmp_path_factory.mktemp("edit")
    path = work / "Provision map 2025-26.xlsx"
    apply(edits, school, path)
    before = digest(path)

    code, out, err = run(["check", "--json", str(path)])
    assert code in (0, 1, 2) and "Traceback" not in err
    if code != 2:
        problems = json.loads(out)
        assert all(set(p) == {"severity", "code", "sheet", "cell", "message", "hint"}
                   for p in problems)
        assert not unlocated_exclusions(path)

    outputs = work / "out"
    for argv in (["rollup", str(path), "--out", str(outputs)],
                 ["governors", str(path), "--out", str(outputs)],
                 ["pop", str(path), "--out", str(outputs / "POPs")]):
        code, _, err = run(argv)
        assert code in (0, 1, 2), argv
        assert "Traceback" not in err
    assert digest(path) == before

    copy = work / "copy.xlsx"
    shutil.copy(path, copy)
    code, _, err = run(["roll-forward", str(copy), "--to", "Summer"])
    assert code in (0, 1, 2) and "Traceback" not in err
    assert digest(path) == before

    for written in [*outputs.rglob("*.xlsx"), copy]:
        openpyxl.load_workbook(written, read_only=True).close()
