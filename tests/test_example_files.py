"""The files that ship in workbooks/examples/ (an MIS roster and a long table of the example
school's year) are what the generator makes, and `new --pupils` and `import` on them give the
example school: its register exactly, its figures exactly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import provmap
from figures import TODAY, differences
from provmap.dev.example_files import ROSTER, TABLE, write_example_files

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "workbooks" / "examples"
EXAMPLE = ROOT / "workbooks" / "Provision map 2025-26.xlsx"
SCHOOL = "Hollins Park Primary School"


def test_the_shipped_files_are_the_generator_s(tmp_path):
    for path in write_example_files(tmp_path):
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes(), \
            f"run: python scripts/make_example.py --examples ({path.name} differs)"


def run(*args):
    return subprocess.run([sys.executable, "-m", "provmap", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_import_the_shipped_table_gives_the_example_school(tmp_path):
    out = tmp_path / "Provision map 2025-26.xlsx"
    result = run("import", EXAMPLES / TABLE, out, "--pupils", EXAMPLES / ROSTER, "--school",
                 SCHOOL)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = sum(len(s.provision_rows) for s in provmap.load(EXAMPLE).sheets)
    assert f"  Placed: {rows} rows of {rows}." in result.stdout
    assert "  Not imported: none." in result.stdout
    assert not [p for p in provmap.check(provmap.load(out), today=TODAY) if p.is_error]
    assert differences(EXAMPLE, out) == []


def test_new_from_the_shipped_roster_has_the_example_register(tmp_path):
    out = tmp_path / "new.xlsx"
    result = run("new", out, "--school", SCHOOL, "--year", "2025-26", "--pupils",
                 EXAMPLES / ROSTER)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Read {ROSTER}: 200 pupils in 14 classes (SEN support "
                                    "34, EHC plan 6, no SEN 160).\n  Headings ignored: "
                                    "'Gender' (E), 'Ethnicity' (O).\n")
    fields = ("upn", "forename", "surname", "date_of_birth", "year_group", "class_name",
              "sen_status", "primary_need", "secondary_need", "pupil_premium",
              "looked_after", "language_at_home")
    got = [[getattr(p, f) for f in fields] for p in provmap.load(out).pupils.values()]
    want = [[getattr(p, f) for f in fields] for p in provmap.load(EXAMPLE).pupils.values()]
    assert got == want
