"""Properties every workbook must keep, checked on every workbook the tests build."""

from __future__ import annotations

from pathlib import Path

import provmap
from provmap.problems import UnreadableWorkbook


def unlocated_exclusions(path: Path) -> list[str]:
    """Rows the rollup leaves out without an error at their own sheet and row, and any
    number the writers would be handed that they cannot write.

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
    breaches = [f"{x.sheet}!{x.row}: {x.reason}" for x in r.excluded.itertuples()
                if (x.sheet, x.row) not in located and x.sheet not in sheet_wide]
    return breaches + non_finite(r)


def non_finite(r) -> list[str]:
    """Infinite numbers in what the writers are handed (XlsxWriter cannot write them; a
    missing figure is NaN and written as a blank, which is fine)."""
    import numpy as np
    out = []
    for name in ("rows", "by_pupil", "by_provision", "by_class", "by_area"):
        frame = getattr(r, name).select_dtypes("number")
        if np.isinf(frame.to_numpy(dtype=float)).any():
            out.append(f"{name} holds an infinite number")
    out += [f"summary[{k!r}] is {v}" for k, v in r.summary.items()
            if isinstance(v, float) and np.isinf(v)]
    return out
