"""Properties of the rollup over random provision maps built as real workbooks.

* the computed shares of a group add up to its cost (scaled by counted / typed size when a
  larger Group size is typed);
* a pupil's year cost is the sum of their term costs, and of their rows' shares;
* nothing changes when rows, sheets or columns are reordered or headers re-cased;
* every flagged pupil has a reason.
"""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
import pytest
from builders import PROVISION_HEADERS, PROVISIONS, PUPILS, build_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import provmap
from provmap.numbers.rollup import rollup
from provmap.upn import with_check_letter

TODAY = date(2026, 4, 1)          # Autumn and Spring are over
TERMS = ("Autumn", "Spring")
PUPIL_LIST = PUPILS + [
    {"UPN": with_check_letter("823400100005"), "Forename": "Sam", "Surname": "Lee",
     "Year group": "4", "Class": "4P", "SEN status": "K", "Primary need": "MLD"},
    {"UPN": with_check_letter("823400100006"), "Forename": "Zoe", "Surname": "Reed",
     "Year group": "4", "Class": "4P", "SEN status": "E", "Primary need": "SEMH"},
]
PROVISION_LIST = PROVISIONS + [
    {"Provision": "Reading catch-up", "Type": "Group", "Area of need": "C&L",
     "Delivered by": "Teacher", "Sessions per week": 3, "Minutes per session": 20,
     "Weeks": 10, "Resource cost": 90.5, "Measure": "Standardised score",
     "Measure kind": "standardised"},
    {"Provision": "Worry group", "Type": "Group", "Area of need": "SEMH",
     "Delivered by": "TA", "Sessions per week": 2, "Minutes per session": 25, "Weeks": 7,
     "Resource cost": 12.34, "Measure": "SDQ", "Measure kind": "score",
     "Higher is better": "N"},
]
NAMES = [p["Provision"] for p in PROVISION_LIST]
CLASSES = ("3O", "4P")

entry = st.fixed_dictionaries({
    "pupil": st.integers(0, len(PUPIL_LIST) - 1),
    "provision": st.sampled_from(NAMES),
    "group": st.sampled_from([None, "A", "b"]),
    "pre": st.one_of(st.none(), st.integers(0, 120)),
    "post": st.one_of(st.none(), st.integers(0, 120)),
    "cost": st.one_of(st.none(), st.none(), st.none(),
                      st.integers(0, 90000).map(lambda p: p / 100)),
})
term_entries = st.lists(entry, max_size=12, unique_by=lambda e: (e["pupil"], e["provision"]))
plan = st.fixed_dictionaries({
    "terms": st.tuples(term_entries, term_entries),
    "sizes": st.dictionaries(st.sampled_from(["A", "b"]), st.integers(1, 9), max_size=2),
})
SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def _sheets(p: dict) -> dict[str, dict]:
    """Class-term sheets from a plan: each row on its pupil's class sheet."""
    sheets: dict[str, dict] = {}
    for term, entries in zip(TERMS, p["terms"]):
        for cls in CLASSES:
            sheets[f"{cls} {term}"] = {"provision": []}
        for e in entries:
            pupil = PUPIL_LIST[e["pupil"]]
            row = {"Pupil": f"{pupil['Forename']} {pupil['Surname']}",
                   "Provision": e["provision"], "Group": e["group"], "Pre": e["pre"],
                   "Post": e["post"], "Cost": e["cost"]}
            if e["group"] in p["sizes"]:
                row["Group size"] = p["sizes"][e["group"]]
            sheets[f"{pupil['Class']} {term}"]["provision"].append(row)
    return {k: v for k, v in sheets.items() if v["provision"]}


def _roll(path):
    m = provmap.load(path)
    return rollup(m, problems=provmap.check(m, today=TODAY), today=TODAY)


def _build(tmp_path, name, sheets):
    return build_workbook(tmp_path / name, pupils=PUPIL_LIST, provisions=PROVISION_LIST,
                          sheets=sheets)


@SETTINGS
@given(p=plan)
def test_shares_of_a_group_add_up_to_its_cost(tmp_path, p):
    sheets = _sheets(p)
    if not sheets:
        return
    r = _roll(_build(tmp_path, "shares.xlsx", sheets))
    for _, g in r.rows.groupby("group_key"):
        counted = g["upn"].nunique()
        size = g["group_size"].iloc[0]
        assert size >= counted
        assert g["computed_share"].sum() == pytest.approx(
            g["group_cost"].iloc[0] * counted / size, rel=1e-12, abs=1e-9)
        assert (g["share"] == g["computed_share"]).all() or g["cost_override"].any()


@SETTINGS
@given(p=plan)
def test_year_cost_is_the_sum_of_term_costs(tmp_path, p):
    sheets = _sheets(p)
    if not sheets:
        return
    r = _roll(_build(tmp_path, "year.xlsx", sheets))
    bp = r.by_pupil.set_index("UPN")
    terms = bp[[f"{t} cost" for t in r.terms]].sum(axis=1)
    assert bp["Year cost"].to_numpy() == pytest.approx(terms.to_numpy(), rel=1e-12)
    per_row = r.rows.groupby("upn")["share"].sum()
    assert bp.loc[per_row.index, "Year cost"].to_numpy() == pytest.approx(
        per_row.to_numpy(), rel=1e-12)
    assert r.summary["cost_year"] == pytest.approx(bp["Year cost"].sum(), rel=1e-12)


@SETTINGS
@given(p=plan, seed=st.integers(0, 2**32 - 1))
def test_results_do_not_depend_on_order_or_header_case(tmp_path, p, seed):
    sheets = _sheets(p)
    if not sheets:
        return
    rnd = random.Random(seed)
    headers = PROVISION_HEADERS[:]
    rnd.shuffle(headers)
    cased = {h: rnd.choice([h.upper(), h.lower(), f"  {h.title()}:", h]) for h in headers}
    shuffled = {}
    names = list(sheets)
    rnd.shuffle(names)
    for name in names:
        rows = [{cased[k]: v for k, v in row.items()} for row in sheets[name]["provision"]]
        rnd.shuffle(rows)
        shuffled[name] = {"provision": rows,
                          "provision_headers": [cased[h] for h in headers]}
    a = _roll(_build(tmp_path, "a.xlsx", sheets))
    b = _roll(_build(tmp_path, "b.xlsx", shuffled))
    # Every generated row is read (whatever the header case) and used.
    assert a.summary["rows_used"] == b.summary["rows_used"] == sum(map(len, p["terms"]))

    def same(x: pd.DataFrame, y: pd.DataFrame, by: list[str]):
        x = x.sort_values(by).reset_index(drop=True)
        y = y.sort_values(by).reset_index(drop=True)
        pd.testing.assert_frame_equal(x, y, check_exact=False, rtol=1e-12, check_dtype=False)

    same(a.by_pupil, b.by_pupil, ["UPN"])
    same(a.by_provision, b.by_provision, ["Provision"])
    same(a.by_class, b.by_class, ["Class"])
    same(a.by_area, b.by_area, ["Area of need"])
    cols = ["term", "upn", "provision", "share", "group_size", "group_cost", "gain",
            "months_elapsed", "ratio_gain", "no_progress"]
    same(a.rows[cols], b.rows[cols], ["term", "upn", "provision"])
    flag_cols = ["UPN", "Flag", "Term", "Provision"]
    same(a.flags.drop(columns="Detail").fillna(""), b.flags.drop(columns="Detail").fillna(""),
         flag_cols)
    for key in ("cost_term", "cost_year", "flags", "rows_used", "rows_excluded",
                "pupils_with_provision_by_status"):
        assert a.summary[key] == pytest.approx(b.summary[key], rel=1e-12)


@SETTINGS
@given(p=plan, threshold=st.integers(0, 600))
def test_every_flagged_pupil_has_a_reason(tmp_path, p, threshold):
    sheets = _sheets(p)
    if not sheets:
        return
    path = build_workbook(tmp_path / "flags.xlsx", pupils=PUPIL_LIST, provisions=PROVISION_LIST,
                          sheets=sheets, settings={"Notional SEN threshold": threshold})
    r = _roll(path)
    assert r.flags["Detail"].map(lambda d: isinstance(d, str) and len(d) > 10).all()
    assert r.flags["Flag"].notna().all()
    by_pupil = r.by_pupil.set_index("UPN")
    for upn, kinds in r.flags.dropna(subset=["UPN"]).groupby("UPN")["Flag"]:
        assert set(by_pupil.loc[upn, "Flags"].split("; ")) == set(kinds)
    for upn, row in by_pupil.iterrows():
        if row["Year cost"] > threshold:
            assert "Above notional SEN threshold" in row["Flags"]
    assert r.summary["flags"] == len(r.flags)
