"""Random edits of the example school, as careless staff or a broken export might make them,
through every command: nothing a user types may break provmap.

Each example takes the example school over two years (a small one; the later year two
terms in, so roll-forward has a term to add), makes a handful of edits with openpyxl to one
of the years (usually the later): numbers of every size and sign, 1e308, NaN, error values,
far dates, very long text, formulas, booleans, class names Excel cannot use in a sheet
name (often in the register's Class column), deleted rows and sheets, overwritten headers.
Then it runs `check --json`, `rollup`, `governors`, `pop`, `roll-forward` (on a copy),
`new-year`, `groups`, `evidence` and `transition` (with the other year beside the edited
one) and `trust` (with another school of that year), and `import` of the example's
interventions table (workbooks/examples) with the same edits made to it.  Every run must end in exit 0, 1 or 2 with no
traceback (2 with one `provmap:` sentence), leave every input unchanged, give valid JSON,
write outputs that open, and locate every row it leaves out.  The budget is small and the
seed fixed so CI stays quick and repeatable; `PROVMAP_RANDOM_EDITS=500` runs 500 edited
workbooks, and `PROVMAP_RANDOM_EDITS_TALLY=FILE` appends each command's exit code (and a
refusal's sentence) to FILE, to see what was tried.
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
from provmap.dev.example_years import write_history

EXAMPLES = int(os.environ.get("PROVMAP_RANDOM_EDITS", "6"))
TALLY = os.environ.get("PROVMAP_RANDOM_EDITS_TALLY")   # a file: each command's exit code

VALUES = st.one_of(
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 0, -1, 0.5, 1_000_001, 240, 9999, -30]),
    st.sampled_from(["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "=1/0", "=A1+B2", "=SUM(1,2)",
                     "+44 7700", "-cmd", "@SUM(A1)", "nan", "inf", "1e308", "£-5", "(12.50)",
                     "7y 14m", "  ", "TRUE", "N/A", "Achieved", "Continue", "K", "E", "1:1",
                     "31/02/2026", "12/09/2025", "99/99/99", "Year 13", "Nursery",
                     "Year 3/4", "[]:*?/\\", "'3O", "Reception class Mrs Smith-Jones",
                     "../../../../elsewhere/Oak", "Autumn, Spring/1", "CON"]),
    st.text(max_size=40),
    st.text(min_size=3000, max_size=3000, alphabet="abc =\n"),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31)),
)


@st.composite
def edits(draw):
    """A list of (what, sheet index, row, column, value) edits."""
    kinds = st.sampled_from(["cell"] * 8 + ["header", "delete-row", "delete-sheet", "class"])
    return draw(st.lists(st.tuples(kinds, st.integers(0, 60), st.integers(1, 80),
                                   st.integers(1, 22), VALUES), min_size=1, max_size=6))


YEARS = ("2024-25", "2025-26")
EXAMPLES_FOLDER = Path(__file__).parent.parent / "workbooks" / "examples"   # import's example


def apply(edits_, source: Path, target: Path) -> None:
    wb = openpyxl.load_workbook(source)
    for kind, s, row, col, value in edits_:
        if not wb.sheetnames:
            break
        ws = wb[wb.sheetnames[s % len(wb.sheetnames)]]
        if kind == "class" and "Pupils" in wb.sheetnames:    # a register class, retyped
            ws = wb["Pupils"]
            col = next((c.column for c in ws[1] if c.value == "Class"), col)
            row = 2 + row % max(ws.max_row - 1, 1)
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
    """The command in this process; its exit code must be 0, 1 or 2 with no traceback, and
    a refusal (2) must say why in one `provmap:` sentence."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    said = err.getvalue()
    assert code in (0, 1, 2), (argv, code, said)
    assert "Traceback" not in said, (argv, said)
    if code == 2:
        last = said.strip().splitlines()[-1] if said.strip() else ""
        assert last.startswith("provmap: ") and len(last) > 20, (argv, said)
    if TALLY:
        with open(TALLY, "a", encoding="utf-8") as tally:
            why = said.strip().splitlines()[-1][:160] if code == 2 and said.strip() else ""
            tally.write(json.dumps([argv[0], code, why]) + "\n")
    return code, out.getvalue(), said


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> dict[str, Path]:
    """The example school's two years (2025-26 is exactly write_example's), and another
    school of each year for the trust."""
    folder = tmp_path_factory.mktemp("school")
    years = dict(zip(YEARS, write_history(folder, pupils=40, seed=7, years=2, terms=2)))
    for year in YEARS:                      # the trust's other school, in each year
        years[f"other {year}"] = write_example(
            folder / f"Birch Lane {year}.xlsx", pupils=30, seed=8, terms=2,
            school="Birch Lane Primary", year=year)
    return years


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],     # no shrinking: each example is seconds
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(edits(), st.sampled_from([YEARS[1]] * 3 + [YEARS[0]]))
def test_random_edits_never_break_a_command(school, tmp_path_factory, edits, year):
    work = tmp_path_factory.mktemp("edit")
    path = work / f"Provision map {year}.xlsx"
    apply(edits, school[year], path)
    beside = work / f"Provision map {YEARS[YEARS.index(year) - 1]}.xlsx"   # the other year
    shutil.copy(school[YEARS[YEARS.index(year) - 1]], beside)
    other = work / "Birch Lane.xlsx"
    shutil.copy(school[f"other {year}"], other)
    table = work / "Interventions.xlsx"                 # another layout, edited the same way
    apply(edits, EXAMPLES_FOLDER / "Interventions 2025-26.xlsx", table)
    roster = EXAMPLES_FOLDER / "SIMS student list 2025-26.csv"
    inputs = {p: digest(p) for p in (path, beside, other, table, roster)}

    code, out, err = run(["check", "--json", str(path)])
    if code != 2:
        problems = json.loads(out)
        assert all(set(p) == {"severity", "code", "sheet", "cell", "message", "hint"}
                   for p in problems)
        assert not unlocated_exclusions(path)

    outputs = work / "out"
    both = sorted([str(path), str(beside)])
    for argv in (["rollup", str(path), "--out", str(outputs)],
                 ["governors", str(path), "--out", str(outputs)],
                 ["pop", str(path), "--out", str(outputs / "POPs")],
                 ["new-year", str(path), str(outputs / "next year.xlsx")],
                 ["groups", str(path), "--out", str(outputs / "Groups")],
                 ["import", str(table), "--pupils", str(roster), str(outputs / "imported.xlsx")],
                 ["evidence", *both, "--all", "--out", str(outputs / "Evidence")],
                 ["transition", *both, "--out", str(outputs)],
                 ["trust", str(path), str(other), "--out", str(outputs / "Trust")]):
        run(argv)
    assert {p: digest(p) for p in inputs} == inputs
    imported = outputs / "imported.xlsx"
    if imported.exists():                               # what import wrote, checked in turn
        run(["check", "--json", str(imported)])

    copy = work / "copy.xlsx"
    shutil.copy(path, copy)
    run(["roll-forward", str(copy), "--to", "Summer"])
    assert {p: digest(p) for p in inputs} == inputs

    for written in [*outputs.rglob("*.xlsx"), copy]:
        openpyxl.load_workbook(written, read_only=True).close()
    assert all(work in p.parents for p in outputs.rglob("*"))
