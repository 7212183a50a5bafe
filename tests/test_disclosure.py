"""Disclosure control: small counts, the audit, protection, money, pooling, identifiers."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from published_audit import Page, assert_nothing_pinned
from published_audit import grid as read_table

from provmap.numbers import disclosure as dc


def grid(rows: dict[str, list[int]], cols: list[str], threshold: int = 5):
    """A release of a count table with row and column totals (``Total``), as the reports
    build them: each cell one figure, rows and columns adding up."""
    r = dc.Release(threshold)
    df = pd.DataFrame.from_dict(rows, orient="index", columns=cols).astype(int)
    df["Total"] = df.sum(axis=1)
    df.loc["Total"] = df.sum(axis=0)
    for i in df.index:
        for c in df.columns:
            r.count((i, c), int(df.at[i, c]))
    for i in df.index:
        r.add_sum([(i, c) for c in cols], (i, "Total"))
    for c in df.columns:
        r.add_sum([(i, c) for i in df.index if i != "Total"], ("Total", c))
    return r, df


def shown(r: dc.Release, df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: [r.shown((i, c)) for i in df.index] for c in df.columns},
                        index=df.index)


def test_small_counts_show_as_less_than_threshold():
    assert [dc.show_count(n, 5) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]
    assert dc.show_count(9, 10) == "<10" and dc.show_count(10, 10) == 10
    assert not dc.is_small(None, 5) and not dc.is_small(float("nan"), 5)


# --- the audit --------------------------------------------------------------------------------

def test_the_audit_gives_each_hidden_cell_its_interval():
    # a: <5 and * with a total of 13: the small one is 1..4, the other 9..12.
    r, _ = grid({"a": [3, 10], "b": [6, 7]}, ["x", "y"])
    r.figures[("a", "x")].state = dc.SMALL
    r.figures[("a", "y")].state = dc.SECRET
    r.figures[("b", "x")].state = dc.SECRET
    r.figures[("b", "y")].state = dc.SECRET
    found = {i.key: (i.least, i.greatest) for i in dc.audit(r)}
    assert found[("a", "x")] == pytest.approx((1, 4))
    assert found[("a", "y")] == pytest.approx((9, 12))
    assert not dc.pinned(r)


V2 = {"a": [1, 9], "b": [1, 8], "c": [7, 7]}


def test_a_single_complement_can_be_solved_and_the_audit_sees_it():
    # Version 2 hid each small count and then one more in each line that had one hidden:
    # a.x, b.x (<5) and a.y, b.y (*).  Every line has two hidden cells, yet column x says
    # <5 + <5 = 9 - 7 = 2: both are 1, and then a.y = 9 and b.y = 8.
    r, df = grid(V2, ["x", "y"])
    for i in "ab":
        r.figures[(i, "x")].state = dc.SMALL
        r.figures[(i, "y")].state = dc.SECRET
    pinned = {i.key[0] + i.key[1]: i.least for i in dc.pinned(r)}
    assert pinned == pytest.approx({"ax": 1, "bx": 1, "ay": 9, "by": 8})


def test_protect_hides_until_nothing_can_be_worked_out():
    r, df = grid(V2, ["x", "y"])
    assert dc.protect(r) == []
    assert dc.pinned(r) == []
    out = shown(r, df)
    assert out.loc[["a", "b"], "x"].tolist() == ["<5", "<5"]
    hidden = [(i, c) for i in df.index for c in df.columns if out.at[i, c] == dc.HIDDEN]
    assert len(hidden) >= 3 and ("c", "x") in hidden     # column x needs a third hidden cell


def test_money_follows_its_count_with_a_complement_in_its_column():
    # Writing slopes for 3 pupils at £12 each: £36 would tell the count.
    r = dc.Release(5)
    lines = {"Writing slope": (3, 36.0), "Lego therapy": (8, 240.0), "Phonics": (12, 960.0)}
    for name, (n, cost) in lines.items():
        r.count((name, "Pupils"), n)
        r.money((name, "Cost"), cost, n)
    r.count(("Total", "Pupils"), 23)
    r.money(("Total", "Cost"), 1236.0, 23)
    r.add_distinct([(k, "Pupils") for k in lines], ("Total", "Pupils"))
    r.add_sum([(k, "Cost") for k in lines], ("Total", "Cost"))
    assert dc.protect(r) == []
    assert r.shown(("Writing slope", "Cost")) == dc.HIDDEN
    assert r.shown(("Lego therapy", "Cost")) == dc.HIDDEN       # the complement
    assert r.shown(("Phonics", "Cost")) == 960.0 and r.shown(("Total", "Cost")) == 1236.0
    [i] = dc.audit(r, [("Writing slope", "Cost")])
    assert i.least == pytest.approx(0, abs=0.02) and i.greatest == pytest.approx(276, abs=0.02)


def test_money_over_few_pupils_known_within_a_factor_of_two_is_pinned():
    r = dc.Release(5)
    r.money("a", 100.0, 2)
    r.money("b", 30.0, 9)
    r.money("t", 130.0, 11)
    r.money("c", 30.0, 9)                       # shown, and known to be at least b
    r.add_sum(["a", "b"], "t")
    r.add_at_most("b", "c")
    r.figures["a"].state = r.figures["b"].state = dc.SECRET
    # a is 100..130: known within a factor of two, so pinned (a sum over 2 pupils); b is
    # 0..30, wider than a pound, and over 9 pupils: free
    assert [i.key for i in dc.pinned(r)] == ["a"]


def test_nothing_spent_is_not_hidden():
    r = dc.Release(5)
    r.money("qft", 0.0, 2)
    dc.primary(r)
    assert r.shown("qft") == 0.0


def test_small_counts_that_say_too_much_as_less_than_n_are_printed_hidden():
    # <3 + <3 = <3: both are 1, whatever else is hidden; printed * they could be anything.
    r, df = grid({"a": [0, 0], "b": [1, 1]}, ["x", "y"], threshold=3)
    assert dc.protect(r) == []
    out = shown(r, df)
    assert out.loc["b"].tolist() == out.loc["Total"].tolist() == [dc.HIDDEN] * 3
    assert out.loc["a"].tolist() == [0, 0, 0]


def test_a_threshold_of_two_says_one_and_is_left_alone():
    r, _ = grid({"a": [1, 9]}, ["x", "y"], threshold=2)
    assert dc.protect(r) == []                  # <2 is 1 by what it says; nothing to do


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=4), min_size=2, max_size=5)
       .filter(lambda rows: len({len(r) for r in rows}) == 1),
       st.integers(3, 6))
def test_protected_tables_are_true_and_cannot_be_solved(rows, threshold):
    r, df = grid({f"r{i}": x for i, x in enumerate(rows)},
                 [f"c{j}" for j in range(len(rows[0]))], threshold)
    assert dc.protect(r) == []
    out = shown(r, df)
    for i in df.index:
        for c in df.columns:
            v = int(df.at[i, c])
            if 1 <= v < threshold:       # <N, or * where <N would say too much
                assert out.at[i, c] in (f"<{threshold}", dc.HIDDEN)
            elif out.at[i, c] != dc.HIDDEN:
                assert out.at[i, c] == v            # what is shown is true
            else:
                assert v > 0                        # zeros are never hidden
    # and a reader working only from the printed table cannot pin a hidden cell
    page = Page(threshold)
    read_table(page, "t", out, total_row="Total", total_col="Total")
    assert_nothing_pinned(page)


# --- the example school's 2025-26 Summer register by year group ---------------------------------

VERSION_2 = pd.DataFrame(    # what version 2 printed for it
    [[6, 0, 6], ["<5", 0, "<5"], ["*", "<5", 6], ["<5", "<5", 6], ["*", "<5", 6],
     ["<5", "<5", "*"], ["*", "<5", 7], [34, 6, 40]],
    index=["Reception", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6", "Total"],
    columns=["SEN support", "EHC plan", "All on SEN register"], dtype=object)


@pytest.fixture(scope="module")
def example_summer(tmp_path_factory):
    import provmap

    example = pytest.importorskip("provmap.dev.example")
    path = example.write_example(tmp_path_factory.mktemp("ex") / "example.xlsx")
    return provmap.rollup(provmap.load(path), term="Summer")


def _true_year_table(r) -> pd.DataFrame:
    from provmap.numbers.governors import year_label
    sen = [p for p in r.map.pupils.values() if p.sen_status in ("K", "E")]
    out = pd.DataFrame(0, index=VERSION_2.index, columns=VERSION_2.columns)
    for p in sen:
        for row in (year_label(p.year_group), "Total"):
            out.at[row, "SEN support" if p.sen_status == "K" else "EHC plan"] += 1
            out.at[row, "All on SEN register"] += 1
    return out


def test_the_audit_catches_version_2s_register_by_year_group(example_summer):
    truth = _true_year_table(example_summer)
    # version 2's table was true: every shown number is right, every <5 is 1 to 4
    for i in VERSION_2.index:
        for c in VERSION_2.columns:
            v = VERSION_2.at[i, c]
            assert (1 <= truth.at[i, c] <= 4) if v == "<5" else (
                v == "*" or v == truth.at[i, c])
    page = Page(5)
    read_table(page, "year", VERSION_2, total_row="Total", total_col="All on SEN register")
    pinned = page.pinned()
    # ... yet every hidden cell of it can be worked out, to its true value: "Year 6 has
    # exactly one pupil with an EHC plan", in a two-class year
    hidden = [(i, c) for i in VERSION_2.index for c in VERSION_2.columns
              if isinstance(VERSION_2.at[i, c], str)]
    assert len(pinned) == len(hidden) == 13
    for interval in pinned:
        _, row, col = interval.key
        assert interval.least == pytest.approx(truth.at[row, col])
    assert ("year", "Year 6", "EHC plan") in {i.key for i in pinned}
    assert truth.at["Year 6", "EHC plan"] == 1


def test_the_governors_report_of_the_same_term_cannot_be_solved(example_summer):
    from published_audit import governors_page

    from provmap.numbers.governors import T_YEAR, governors
    g = governors(example_summer)
    assert_nothing_pinned(governors_page(g.tables, 5))
    # here year groups would hide most of the table: it is given by key stage
    assert g.tables[T_YEAR].index.name == "Key stage"


# --- pooling and means ---------------------------------------------------------------------------

def test_small_provisions_are_pooled_even_one_alone():
    merged = dc.merge_small_provisions({"Lego": 8, "Sensory circuits": 2, "Phonics": 5}, 5)
    assert merged.named == ["Lego", "Phonics"] and merged.other == ["Sensory circuits"]


def test_a_pool_about_few_pupils_takes_in_the_smallest_named_provision():
    pupils = {"Lego": 8, "Phonics": 5, "Sensory circuits": 2, "Hearing": 1}
    together = {("Sensory circuits", "Hearing"): 3, ("Phonics", "Sensory circuits", "Hearing"): 7}
    merged = dc.merge_small_provisions(pupils, 5, lambda names: together[tuple(names)])
    assert merged.named == ["Lego"] and merged.other == ["Phonics", "Sensory circuits",
                                                         "Hearing"]
    # one provision always stays named
    merged = dc.merge_small_provisions({"Lego": 6, "Hearing": 1}, 5, lambda names: 1)
    assert merged.named == ["Lego"] and merged.other == ["Hearing"]


def test_means_are_kept_as_printed():
    assert dc.printed_share(0.625) == 0.63 and dc.printed_share(2 / 3) == 0.67
    assert dc.printed_gain(2.25) == 2.3 and dc.printed_money_mean(100.5) == 101
    # a ratio gain is rounded to two decimals, but never up to the start of a band, so that
    # its band is the band of the figure printed
    bands = ((2.0, "useful"), (3.0, "substantial"))
    assert dc.printed_ratio(1.9597, bands) == 1.96 and dc.printed_ratio(1.996, bands) == 1.99
    assert dc.printed_ratio(2.996, bands) == 2.99 and dc.printed_ratio(2.004, bands) == 2.0
    assert dc.printed_ratio(1.996) == 2.0 and dc.printed_ratio(2.01) == 2.01
    assert dc.printed_ratio(None) is None and dc.printed_share(float("nan")) is None


# --- identifiers ---------------------------------------------------------------------------------

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
