"""Do two workbooks roll up to the same figures?  For the tests that rewrite or re-import the
example school and require every figure to come out as before.

Compared, for every term with provision: the headline summary (problem counts aside: they
count warnings, not money), the by-pupil, by-provision (every term), by-class and by-area
tables, the flags, and every used row's cost and progress (by pupil, provision, term and
group, not by where the row sits; a row's dates count through the months they give).  ``penny=True`` compares money to the penny, other numbers
to nine places; otherwise everything must be exactly equal.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

import provmap
from provmap.numbers.rollup import rollup

TODAY = date(2026, 7, 1)            # Summer under way, as the example school is
NOT_FIGURES = {"errors", "warnings", "infos", "today"}
ROW_FIGURES = ["term", "class_name", "upn", "provision", "type", "area_of_need",
               "delivered_by", "sessions_per_week", "minutes_per_session", "weeks", "group",
               "group_size", "group_cost", "computed_share", "share", "cost_override",
               "hourly_cost", "resource_cost", "measure", "measure_kind", "higher_is_better",
               "pre", "post", "gain", "months_elapsed", "ratio_gain", "no_progress", "impact",
               "target", "outcome", "next_step", "comments"]
MONEY = ("cost", "share", "Cost", "Cost per pupil", "Year cost", "group_cost")


def rollups(path) -> dict[str, provmap.numbers.rollup.Rollup]:
    m = provmap.load(path)
    problems = provmap.check(m, today=TODAY)
    return {t: rollup(m, term=t, problems=problems, today=TODAY)
            for t in m.terms_with_provision}


def _rounded(df: pd.DataFrame, penny: bool) -> pd.DataFrame:
    if not penny:
        return df
    df = df.copy()
    for c in df.columns:
        if pd.api.types.is_float_dtype(df[c]):
            df[c] = df[c].round(2 if any(w in str(c) for w in MONEY) else 9)
    return df


def _rows(r) -> pd.DataFrame:
    rows = r.rows[ROW_FIGURES].copy()
    key = ["term", "upn", "provision", "group", "pre", "post", "share"]
    return rows.sort_values(key, na_position="first", kind="stable").reset_index(drop=True)


def differences(a_path, b_path, penny: bool = False, flags_by_position: bool = True
                ) -> list[str]:
    """Where the two workbooks' figures differ (empty when they roll up the same)."""
    a, b = rollups(a_path), rollups(b_path)
    if list(a) != list(b):
        return [f"terms with provision: {list(a)} against {list(b)}"]
    out = []
    for term in a:
        ra, rb = a[term], b[term]
        for k in ra.summary:
            if k in NOT_FIGURES:
                continue
            va, vb = ra.summary[k], rb.summary[k]
            if penny and isinstance(va, float):
                va, vb = round(va, 2), round(vb, 2)
            if penny and isinstance(va, dict):
                va = {x: round(y, 2) if isinstance(y, float) else y for x, y in va.items()}
                vb = {x: round(y, 2) if isinstance(y, float) else y for x, y in vb.items()}
            if va != vb:
                out.append(f"{term} summary {k}: {va!r} against {vb!r}")
        tables = ["by_pupil", "by_provision", "provision_terms", "by_class", "by_area"]
        frames = [(t, getattr(ra, t), getattr(rb, t)) for t in tables]
        flags_a, flags_b = ra.flags, rb.flags
        if not flags_by_position:
            flags_a = flags_a.assign(Detail=flags_a["Detail"].str.replace(
                r" \(.* row \d+\)$", "", regex=True))
            flags_b = flags_b.assign(Detail=flags_b["Detail"].str.replace(
                r" \(.* row \d+\)$", "", regex=True))
        frames += [("flags", flags_a, flags_b), ("rows", _rows(ra), _rows(rb))]
        for name, fa, fb in frames:
            try:
                pd.testing.assert_frame_equal(_rounded(fa, penny), _rounded(fb, penny),
                                              check_exact=True, check_dtype=False)
            except AssertionError as exc:
                out.append(f"{term} {name}: {str(exc)[:600]}")
    return out
