"""Properties every workbook must keep, checked on every workbook the tests build."""

from __future__ import annotations

from pathlib import Path

import provmap
from provmap.problems import UnreadableWorkbook


def unlocated_exclusions(path: Path) -> list[str]:
    """Rows the rollup leaves out without an error at their own sheet and row.

    workbook-format.md, "Where problems are reported": every row left out of the numbers
    has an error at its own sheet and row, so the SENCo can find what to fix.
    """
    try:
        m = provmap.load(path)
    except UnreadableWorkbook:
        return []
    problems = provmap.check(m)
    try:
        r = provmap.rollup(m, term=m.settings.terms[-1] if m.settings.terms else None,
                           problems=problems)
    except ValueError:                    # no terms at all: nothing is rolled up
        return []
    located = {(p.sheet, p.row) for p in problems if p.is_error and p.sheet}
    sheet_wide = {p.sheet for p in problems if p.is_error and p.sheet and p.row is None}
    return [f"{x.sheet}!{x.row}: {x.reason}" for x in r.excluded.itertuples()
            if (x.sheet, x.row) not in located and x.sheet not in sheet_wide]
