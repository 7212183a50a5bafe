"""The rules the published reports share: "useful or better" and "making progress" (defined
once, beside band()), and what the two reports draw with."""

from __future__ import annotations

from types import SimpleNamespace

import openpyxl
import pytest

from provmap.model import (Settings, making_progress, most_made_no_progress, useful_from,
                           useful_or_better)
from provmap.reports.published import (Cells, bands_sentence, fit_only_if_readable, height,
                                       lines, needs_landscape)
from provmap.reports.pupil_years import useful_or_better as pupil_useful
from provmap.schema import DEFAULT_IMPACT_BANDS, FIRST_BAND
from provmap.write.book import open_book


def settings(bands) -> Settings:
    return Settings("S", "2025-26", ("Autumn",), {}, 6000.0, bands, 5)


@pytest.mark.parametrize("bands, ratio, expected", [
    (DEFAULT_IMPACT_BANDS, 1.99, False), (DEFAULT_IMPACT_BANDS, 2.0, True),
    (DEFAULT_IMPACT_BANDS, 4.5, True),
    # bands that start below 2: the useful band is useful (version 2's governors' report
    # wanted 3 here, the packs 1.5: they parted)
    (((1.5, "useful"), (3.0, "substantial")), 1.6, True),
    # a school that names a band below useful: useful is where it says
    (((1.5, "good"), (2.5, "useful"), (4.0, "remarkable")), 2.0, False),
    (((1.5, "good"), (2.5, "useful"), (4.0, "remarkable")), 2.5, True),
    # no band called useful: every band above the first
    (((1.8, "fair"), (3.0, "strong")), 1.9, True),
    (DEFAULT_IMPACT_BANDS, None, False), ((), 5.0, False),
])
def test_useful_or_better_is_one_rule_for_every_report(bands, ratio, expected):
    assert useful_or_better(ratio, bands) is expected
    assert settings(bands).useful_or_better(ratio) is expected
    assert pupil_useful(SimpleNamespace(ratio_gain=ratio), bands) is expected
    if expected:                 # and it agrees with the band printed beside the figure
        assert settings(bands).band(ratio) != FIRST_BAND


def test_useful_from():
    assert useful_from(DEFAULT_IMPACT_BANDS) == 2.0
    assert useful_from(((1.8, "fair"), (3.0, "strong"))) == 1.8 and useful_from(()) is None


def test_making_progress_counts_pupils():
    # Lego therapy: A in X (+6) and Y (0), B (0), C (+2): 3 assessed, 2 with no progress
    assert making_progress(3, 2) == pytest.approx(1 / 3)
    assert most_made_no_progress(3, 2) and not most_made_no_progress(2, 1)
    assert making_progress(0, 0) is None and not most_made_no_progress(0, 0)


def test_text_is_measured_by_the_one_engine():
    # provmap.write.fit measures the text (erring wide): a long area of need wraps in a
    # column of 14, takes fewer lines across two merged, one in a column of 40
    narrow = lines("Social, emotional and mental health", [14])
    assert narrow >= 2 and lines("Social, emotional and mental health", [14, 14]) < narrow
    assert lines("Social, emotional and mental health", [40]) == 1
    assert height(2) > height(1) >= 11
    assert not needs_landscape([27, 27, 17, 17]) and needs_landscape([30] * 6)


def test_bands_in_words():
    assert bands_sentence(DEFAULT_IMPACT_BANDS, "modest") == (
        "below 2 modest, from 2 useful, from 3 substantial, from 4 remarkable")


def test_cells_write_hidden_figures_as_text_and_fit_only_while_readable(tmp_path):
    path = tmp_path / "x.xlsx"
    wb = open_book(path)
    ws = wb.add_worksheet("A")
    wide = wb.add_worksheet("B")
    ws.fit_to_pages(1, 0)
    wide.fit_to_pages(1, 0)
    w = Cells(wb, 5)
    w.cell(ws, 0, 0, "*")
    w.cell(ws, 0, 1, "<5")
    w.cell(ws, 0, 2, 12.345, "money")
    w.cell(ws, 0, 3, float("nan"), "pct")
    w.cell(ws, 0, 4, 1.96, "dec2")
    fit_only_if_readable(ws, [30, 10, 10], landscape=False)
    fit_only_if_readable(wide, [11] * 20, landscape=True)
    wb.close()
    book = openpyxl.load_workbook(path)
    cells = [c for c in book["A"][1]]
    assert [c.value for c in cells[:3]] == ["*", "<5", 12.35] and cells[3].value is None
    assert cells[4].value == 1.96 and cells[4].number_format == "0.00"
    assert book["A"].sheet_properties.pageSetUpPr.fitToPage
    assert not book["B"].sheet_properties.pageSetUpPr.fitToPage
