"""Disclosure control: small counts, complementary suppression, pooling, identifier scans."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from provmap.numbers import disclosure as dc


def table(rows: dict[str, list[int]], cols: list[str], *, row_total=True, col_total=True):
    """A count table with its totals worked out, as the report builds them."""
    df = pd.DataFrame.from_dict(rows, orient="index", columns=cols).astype(int)
    if col_total:
        df["Total"] = df.sum(axis=1)
    if row_total:
        df.loc["Total"] = df.sum(axis=0)
    return df


def hidden_cells(mask: pd.DataFrame) -> set:
    return {(r, c) for r in mask.index for c in mask.columns if mask.at[r, c]}


def lines_of(df: pd.DataFrame):
    inner_c = [c for c in df.columns if c != "Total"]
    inner_r = [r for r in df.index if r != "Total"]
    for r in df.index:
        yield [(r, c) for c in df.columns]
    for c in df.columns:
        yield [(r, c) for r in df.index]
    assert inner_c and inner_r


def test_small_counts_show_as_less_than_threshold():
    assert [dc.show_count(n, 5) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]
    assert dc.show_count(9, 10) == "<10" and dc.show_count(10, 10) == 10
    assert not dc.is_small(None, 5) and not dc.is_small(float("nan"), 5)


def test_without_totals_only_small_counts_are_hidden():
    df = pd.DataFrame({"Pupils": [3, 10, 0]}, index=["a", "b", "c"])
    out = dc.suppress_table(df, 5)
    assert out["Pupils"].tolist() == ["<5", 10, 0]


def test_a_row_total_would_give_away_the_small_count():
    # 3 + 10 = 13: showing 10 and 13 would reveal the 3, so the 10 is hidden too.
    df = table({"Reception": [3, 10]}, ["SEN support", "EHC plan"], row_total=False)
    out = dc.suppress_table(df, 5, total_col="Total")
    assert out.loc["Reception"].tolist() == ["<5", dc.HIDDEN, 13]


def test_the_next_smallest_cell_is_hidden_and_zeros_are_not_used():
    df = table({"a": [3, 20, 0, 8]}, ["w", "x", "y", "z"], row_total=False)
    out = dc.suppress_table(df, 5, total_col="Total")
    assert out.loc["a"].tolist() == ["<5", 20, 0, dc.HIDDEN, 31]


def test_when_only_zeros_are_left_the_total_is_hidden():
    df = table({"a": [0, 6]}, ["x", "y"], row_total=False)
    mask = dc.suppression_mask(df, 5, total_col="Total", force=[("a", "y")])
    assert hidden_cells(mask) == {("a", "y"), ("a", "Total")}


def test_suppression_iterates_across_rows_and_columns():
    #        x   y   Total
    #   A    2   9   11      A.x small -> hide A.y (row A)
    #   B    7   8   15      column y then has one hidden -> hide B.y; column x -> hide B.x
    df = table({"A": [2, 9], "B": [7, 8]}, ["x", "y"])
    mask = dc.suppression_mask(df, 5, total_row="Total", total_col="Total")
    assert hidden_cells(mask) == {("A", "x"), ("A", "y"), ("B", "x"), ("B", "y")}
    assert mask.at["A", "x"] == "small" and mask.at["B", "y"] == "hidden"
    out = dc.apply_mask(df, mask, 5)
    assert out.loc["Total"].tolist() == [9, 17, 26]


def test_a_small_total_is_hidden_and_protected_like_any_cell():
    df = table({"A": [1, 0], "B": [2, 0]}, ["x", "y"])
    mask = dc.suppression_mask(df, 5, total_row="Total", total_col="Total")
    # every non-zero count here is small, so all are hidden; zeros stay shown
    assert {c for c in hidden_cells(mask)} == {("A", "x"), ("B", "x"), ("Total", "x"),
                                               ("A", "Total"), ("B", "Total"),
                                               ("Total", "Total")}


def test_explicit_lines_protect_a_subtotal():
    # K + E = register (subtotal); register + N = total.  Only N is small: showing K, E,
    # the register and the total would give N away, so something else must go.
    df = pd.DataFrame({"n": [30, 8, 38, 2, 40]}, index=["K", "E", "SEN", "N", "Total"])
    lines = [([("K", "n"), ("E", "n")], ("SEN", "n")), ([("SEN", "n"), ("N", "n")], ("Total", "n"))]
    mask = dc.suppression_mask(df, 5, lines=lines)
    for cells, total in lines:
        assert sum(bool(mask.at[c]) for c in (*cells, total)) != 1
    assert mask.at["N", "n"] == "small"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=4), min_size=2, max_size=5)
       .filter(lambda rows: len({len(r) for r in rows}) == 1),
       st.integers(2, 6))
def test_no_line_ever_has_exactly_one_hidden_cell(rows, threshold):
    df = table({f"r{i}": r for i, r in enumerate(rows)}, [f"c{j}" for j in range(len(rows[0]))])
    mask = dc.suppression_mask(df, threshold, total_row="Total", total_col="Total")
    out = dc.apply_mask(df, mask, threshold)
    for line in lines_of(df):
        assert sum(bool(mask.at[c]) for c in line) != 1, (df, mask)
    for r in df.index:
        for c in df.columns:
            v = int(df.at[r, c])
            if 1 <= v < threshold:
                assert out.at[r, c] == f"<{threshold}"
            elif not mask.at[r, c]:
                assert out.at[r, c] == v            # what is shown is true


def test_small_provisions_are_pooled_even_one_alone():
    merged = dc.merge_small_provisions({"Lego": 8, "Sensory circuits": 2, "Phonics": 5}, 5)
    assert merged.named == ["Lego", "Phonics"] and merged.other == ["Sensory circuits"]


def pupil(forename, surname, upn, dob):
    return SimpleNamespace(forename=forename, surname=surname, upn=upn, date_of_birth=dob)


def test_identifying_texts_and_mentions():
    p = pupil("Leo", "Brown", "K823400100003", date(2018, 1, 2))
    texts = dc.identifying_texts([p])
    assert {"Leo Brown", "Brown, Leo", "K823400100003", "2018-01-02", "02/01/2018"} <= set(texts)
    assert dc.mentions_pupil("1:1 for leo brown", [p])
    assert not dc.mentions_pupil("Leo Brownlow's group", [p])
    assert not dc.mentions_pupil("Reading catch-up", [p])


def test_scan_finds_names_in_any_part_even_escaped(tmp_path):
    path = tmp_path / "x.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"comments": "about Aoife O'Neil"})
    ws = wb.add_worksheet("Fine")
    ws.write_string(0, 0, "nothing to see")
    wb.close()
    p = pupil("Aoife", "O'Neil", "G823400100001", None)
    hits = dc.scan_xlsx(path, dc.identifying_texts([p]))
    assert hits and hits[0][0] == "docProps/core.xml"
    assert dc.scan_xlsx(path, ["Jonathan Smith"]) == []


def test_identifiers_of_several_registers_are_one_set():
    a = dc.Identifiers(dc.identifying_texts([pupil("Leo", "Brown", "K823400100003", None)]))
    b = dc.Identifiers(dc.identifying_texts([pupil("Aisha", "Khan", "W823400100002", None)]))
    both = dc.Identifiers.union([a, b])
    assert both.find("Brown, Leo and aisha khan") == ["brown leo", "aisha khan"]
    assert both.lengths == [1, 2] and not a.find("Aisha Khan")
