"""The example school's data as a school brings it, for `provmap new --pupils` and
`provmap import` on files that ship (``workbooks/examples/``):

- ``SIMS student list 2025-26.csv``: the 2025-26 register as SIMS's Student List report,
  saved by Excel as CSV UTF-8 (:mod:`provmap.dev.mis_roster`);
- ``Interventions 2025-26.xlsx``: the same year's provision kept as one long table, the way
  a home-made sheet or another product's export has it: a title row, its own headings
  (`Pupil name`, `Intervention`, `Wave`, `Frequency`, `Session length`, `Entry`, `Exit`
  ...), terms written `Autumn 2025`, a third of the numbers in staff's words (`3 x weekly`,
  `20 mins`), no measure kind and no higher-is-better column (provmap works them out).

Importing the table with the roster gives a workbook that rolls up to exactly the example
school's figures (tests/test_example_files.py).  Both files come out the same every time.
"""

from __future__ import annotations

import random
import tempfile
from datetime import datetime
from pathlib import Path

from ..read.workbook import load
from ..schema import LONG_TABLE, QFT, GROUP, ONE_TO_ONE
from ..workbook.totable import EXPORTED, long_table_rows, write_long_table
from .example import write_example
from .mis_roster import write_sims_roster
from .staff_words import in_words
from .this_year import SCHOOL, YEAR

ROSTER = f"SIMS student list {YEAR}.csv"
TABLE = f"Interventions {YEAR}.xlsx"
CREATED = datetime(2026, 7, 24, 16, 0, 0)
HEADINGS = {
    "pupil": "Pupil name", "upn": "UPN", "class": "Reg group", "term": "Term",
    "provision": "Intervention", "type": "Wave", "area_of_need": "Area of concern",
    "delivered_by": "Staff", "sessions_per_week": "Frequency",
    "minutes_per_session": "Session length", "weeks": "No. of weeks", "start_date": "Start",
    "end_date": "End", "group": "Group name", "group_size": "Number in group",
    "hourly_cost": "Rate", "resource_cost": "Resources", "cost": "Cost",
    "measure": "Assessment", "pre": "Entry", "post": "Exit", "target": "Intended outcome",
    "outcome": "Outcome", "next_step": "Action", "comments": "Notes"}
WAVES = {QFT: "Wave 1", GROUP: "Wave 2", ONE_TO_ONE: "Wave 3"}
TERM_YEARS = {"Autumn": YEAR[:4], "Spring": str(int(YEAR[:4]) + 1),
              "Summer": str(int(YEAR[:4]) + 1)}


def write_example_files(folder: Path | str, seed: int = 19) -> list[Path]:
    """Write the roster and the long table of the example school's year into ``folder``."""
    folder = Path(folder)
    with tempfile.TemporaryDirectory() as tmp:
        m = load(write_example(Path(tmp) / "example.xlsx"))
    roster = write_sims_roster(m.pupils.values(), folder / ROSTER, SCHOOL)
    rng = random.Random(seed)
    rows = long_table_rows(m)
    for r in rows:
        r["term"] = f"{r['term']} {TERM_YEARS[r['term']]}"
        if r["type"] in WAVES and not (r["type"] == ONE_TO_ONE and (r["group_size"] or 0) > 1):
            r["type"] = WAVES[r["type"]]
        for key, v in r.items():
            unit = LONG_TABLE.by_key[key].unit
            if unit is not None and v is not None and rng.random() < 1 / 3:
                r[key] = in_words(v, unit, rng)
    columns = [k for k in EXPORTED if k not in ("measure_kind", "higher_is_better")]
    table = write_long_table(rows, folder / TABLE, columns, HEADINGS,
                             title=f"{SCHOOL}: interventions {YEAR} (exported 24/07/2026)",
                             created=CREATED)
    return [roster, table]
