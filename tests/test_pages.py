"""The page engine: text heights, formats, and where printed pages break.

Pages are read back with openpyxl: a row's page is the number of manual breaks at or above
it, so these tests hold whatever the engine does inside.  The content is sized so that each
kept-together block fits on a page (a block taller than a page splits where it must)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter
from hypothesis import given, settings, strategies as st

from provmap.write import fit, page as print_setup, pages
from provmap.write.book import open_book
from provmap.write.pages import Formats, Look, Page, write_document

WIDTHS = [19.0] + [9.3] * 12                    # the POP's: A4 landscape at 100%


def test_a_rows_height_is_fit_pys_measure_of_its_text(tmp_path):
    """One measurement: a row is as tall as fit.py says its wrapped text needs, in the
    width Excel gives the merged columns (the narrower program)."""
    long = "Uses a visual timetable and a now-and-next board every morning " * 4

    def build(page):
        page.para(long)
        page.row().text(1, 4, long).text(5, 12, "Short")
        page.row().text(0, 0, "Communication and interaction", "label")
    ws, _, rows = read(draw(tmp_path / "h.xlsx", build))
    across = pages.span_pt(WIDTHS)
    four = pages.span_pt(WIDTHS[1:5])
    assert across == sum(fit.column_px(w) for w in WIDTHS) / fit.PX_PER_PT
    want = [fit.row_pt(fit.lines(long, across, 11, "Arial"), 11),
            fit.row_pt(fit.lines(long, four, 11, "Arial"), 11),
            fit.row_pt(fit.lines("Communication and interaction", pages.span_pt(WIDTHS[:1]),
                                 11, "Arial", bold=True), 11)]
    assert fit.lines(long, four, 11) > fit.lines(long, across, 11) > 1
    got = [h for _, _, _, h in rows]
    # XlsxWriter keeps a row's height in whole pixels (0.75 pt)
    assert [abs(g - w) <= 0.75 for g, w in zip(got, want)] == [True] * 3


def test_a_page_prints_at_a_fixed_scale_that_fits_libreoffice(tmp_path):
    """No fit-to-page (Excel would drop the page breaks): 100% when the columns fit A4 as
    LibreOffice prints them, else the largest scale that does."""
    assert pages.print_scale(WIDTHS) == 100
    assert pages.print_scale([30.0] * 8) < 100
    wide = pages.print_scale([30.0] * 8)
    room, _ = print_setup.room_pt(landscape=True, margins=pages.MARGINS_IN)
    assert fit.columns_pt([30.0] * 8) * wide / 100 <= room
    assert fit.columns_pt([30.0] * 8) * (wide + 1) / 100 > room - 2
    ws = openpyxl.load_workbook(draw(tmp_path / "s.xlsx", lambda page: page.para("x"))).active
    assert ws.page_setup.scale in (None, 100) and not ws.sheet_properties.pageSetUpPr.fitToPage


def test_a_term_that_goes_on_over_a_break_is_labelled_continued(tmp_path):
    """A label down several rows (the POP's term): the row that starts a new page says
    "<term> (continued)"; no other row shows it."""
    def build(page):
        page.heads([(0, 0, "Term"), (1, 12, "Support")])
        for term in ("Autumn", "Spring"):
            for i in range(8):
                row = page.row()
                if i == 0:
                    row.text(0, 0, term, "term:10")
                else:
                    row.blank(0, "term:00").continued(0, f"{term} (continued)", "term:10")
                row.text(1, 12, "\n".join(["A line of support"] * 5))
    ws, breaks, rows = read(draw(tmp_path / "c.xlsx", build))
    assert breaks
    labels = [(r, v) for r, v, _, _ in rows if isinstance(v, str) and v != "Term"]
    continued = [r for r, v in labels if v.endswith("(continued)")]
    assert continued and all(r - 2 in breaks for r in continued)   # after the heading copy
    for b in breaks:
        top = ws.cell(b + 2, 1).value
        assert top in ("Autumn", "Spring", "Autumn (continued)", "Spring (continued)")


def test_the_one_pagination():
    """Units that stay together: a break before a unit that would overflow, the heading a
    new page repeats counted, a unit taller than a page split where the page ends."""
    assert print_setup.paginate([40, 40, 40], 100) == [2]
    assert print_setup.paginate([40, 40, 40], 100, used=30) == [1]
    assert print_setup.paginate([60, 60, 60], 100, again=[0, 30, 30]) == [1, 2]
    assert print_setup.paginate([50, 250, 10], 100) == [1]          # 250 splits; 10 fits
    assert print_setup.paginate([], 100) == []


def draw(path: Path, build, look: Look = Look()) -> Path:
    """One page drawn by ``build(page)``; the workbook read back."""
    def part(wb, formats):
        page = Page(wb, formats, "Sheet", WIDTHS, school="Oak Tree Primary", title="A title",
                    footer="A footer", look=look)
        build(page)
        page.finish()
    return write_document(path, school="Oak Tree Primary", title="A title", parts=[part])


def read(path: Path):
    ws = openpyxl.load_workbook(path).worksheets[0]
    breaks = sorted(b.id for b in ws.row_breaks.brk)          # last row (1-based) of a page
    rows = []
    for r in range(3, ws.max_row + 1):
        rows.append((r, ws.cell(r, 1).value, ws.cell(r, 1).fill.fgColor.rgb,
                     ws.row_dimensions[r].height))
    return ws, breaks, rows


def page_of(row: int, breaks: list[int]) -> int:
    return sum(1 for b in breaks if b < row)


def test_a_long_table_repeats_its_heading_on_each_new_page(tmp_path):
    def build(page):
        page.para("A table of a hundred rows.", "intro")
        page.table(["Term", "Provision"], [[f"Row {i}", "Lego therapy"] for i in range(100)],
                   spans=[(0, 0), (1, 12)])
    ws, breaks, rows = read(draw(tmp_path / "t.xlsx", build))
    assert len(breaks) >= 2
    for b in breaks:
        assert ws.cell(b + 1, 1).value == "Term"                  # the heading, again
        assert ws.cell(b + 1, 2).value == "Provision"
    values = [v for _, v, _, _ in rows if isinstance(v, str) and v.startswith("Row ")]
    assert values == [f"Row {i}" for i in range(100)]             # nothing lost, in order
    assert ws.print_area == f"'Sheet'!$A$1:$M${ws.max_row}"


def test_a_whole_table_is_not_split_and_its_rows_are_known(tmp_path):
    seen = {}

    def build(page):
        for i in range(25):
            page.para(f"Filler paragraph {i}.")
        t = page.table(["Term", "Score"], [[f"T{i}", i] for i in range(8)], whole=True)
        page.chart(lambda: seen.update(first=t.first.at, last=t.last.at, head=t.head.at)
                   or _chart(page), 5)
    ws, breaks, _ = read(draw(tmp_path / "t.xlsx", build))
    first, last = seen["first"] + 1, seen["last"] + 1                # 1-based
    assert ws.cell(seen["head"] + 1, 1).value == "Term"
    assert [ws.cell(r, 1).value for r in range(first, last + 1)] == [f"T{i}" for i in range(8)]
    assert page_of(seen["head"] + 1, breaks) == page_of(last, breaks)


def _chart(page):
    chart = page.wb.add_chart({"type": "line"})
    chart.add_series({"values": ["Sheet", 3, 1, 5, 1]})
    return chart


@settings(max_examples=60, deadline=None)
@given(filler=st.lists(st.integers(1, 6), min_size=0, max_size=40),
       rows=st.integers(1, 60), lines=st.integers(1, 3), after=st.sampled_from(
           ["nothing", "sub", "section", "para"]))
def test_headings_never_end_a_page_and_no_page_holds_a_lone_table_row(tmp_path_factory,
                                                                      filler, rows, lines,
                                                                      after):
    """Whatever comes before or after, a section heading is never the last row of a page,
    and a table of two or more rows never has exactly one of its rows on a page."""
    path = tmp_path_factory.mktemp("p") / "t.xlsx"

    def build(page):
        for n in filler:
            page.para("\n".join(["Some words"] * n))
        page.section("The section")
        page.table(["Heading"], [["\n".join([f"Item {i}"] * lines)] for i in range(rows)],
                   spans=[(0, 12)])
        if after == "sub":
            page.sub("What follows")
        elif after == "section":
            page.section("What follows")
        elif after == "para":
            page.para("What follows")
    ws, breaks, table = read(draw(path, build))
    for b in breaks:
        assert ws.cell(b, 1).value != "The section"                # a heading never ends a page
        assert ws.cell(b, 1).value != "Heading"
    items = [r for r, v, _, _ in table if isinstance(v, str) and v.startswith("Item")]
    assert len(items) == rows
    if rows >= 2:
        per_page: dict[int, int] = {}
        for r in items:
            per_page[page_of(r, breaks)] = per_page.get(page_of(r, breaks), 0) + 1
        assert 1 not in per_page.values()


def test_kept_rows_stay_on_one_page(tmp_path):
    def build(page):
        for i in range(30):
            first = page.row()
            first.text(0, 12, f"Block {i} first")
            page.row(keep=True).text(0, 12, f"Block {i} second")
            page.row(keep=True).text(0, 12, f"Block {i} third")
    ws, breaks, rows = read(draw(tmp_path / "t.xlsx", build))
    assert breaks
    for b in breaks:
        assert str(ws.cell(b, 1).value).endswith("third")
        assert str(ws.cell(b + 1, 1).value).endswith("first")


def test_each_format_is_made_once_and_only_when_used(tmp_path):
    wb = open_book(tmp_path / "f.xlsx")
    formats = Formats(wb)
    made = len(wb.formats)
    assert formats["label"] is formats["label"]
    assert formats["bold"] is formats["text_bold"]                 # one format, two names
    assert len(wb.formats) == made + 2
    page = Page(wb, formats, "S", WIDTHS, school="S", title="T", footer="F")
    page.para("x")
    page.finish()
    wb.close()
    assert set(formats.made) == {"label", "bold", "text_bold", "school", "title", "para"}


def test_merged_look_writes_the_bands_across(tmp_path):
    def build(page):
        page.section("1. About me", "a note")
    ws = openpyxl.load_workbook(draw(tmp_path / "m.xlsx", build, Look(merged_bands=True))).active
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A1:M1", "A2:M2", "A3:M3"} <= merged        # no gap above a first heading
    ws = openpyxl.load_workbook(draw(tmp_path / "u.xlsx", build)).active
    assert not ws.merged_cells.ranges                              # the quicker look
    assert ws.cell(3, 13).fill.fgColor.rgb == ws.cell(3, 1).fill.fgColor.rgb


def test_text_stays_text(tmp_path):
    def build(page):
        page.para("=SUM(A1:A3)")
        page.row().value(0, 3, "+44 1234").value(4, 12, None)
    ws = openpyxl.load_workbook(draw(tmp_path / "t.xlsx", build)).active
    assert ws.cell(3, 1).value == "=SUM(A1:A3)" and ws.cell(3, 1).data_type == "s"
    assert ws.cell(4, 1).value == "+44 1234"


def test_opening_a_workbook_names_the_school_only(tmp_path):
    wb = pages.open_document(tmp_path / "d.xlsx", school="Oak Tree", title="Transition")
    assert isinstance(wb, xlsxwriter.Workbook)
    wb.add_worksheet()
    wb.close()
    props = openpyxl.load_workbook(tmp_path / "d.xlsx").properties
    assert (props.title, props.creator) == ("Transition", "Oak Tree")


def test_the_quicker_sheet_writes_the_bytes_xlsxwriter_writes(tmp_path, monkeypatch):
    """FastSheet only saves time: a POP and a pack written with it and with XlsxWriter's own
    worksheet are the same files (all but the creation time)."""
    import provmap
    from provmap.reports.pop import pop_data, render_pop
    from provmap.write import fastsheet
    from test_pop import JONATHAN, build_school

    assert fastsheet.USABLE                        # else the test below proves nothing
    data = pop_data(provmap.rollup(provmap.load(build_school(tmp_path / "school.xlsx"))),
                    JONATHAN)                      # every section filled in

    def build(page):
        page.section("A section", "with a note")
        page.pairs([("Name", "Jonathan Smith"), ("Date", None)])
        page.table(["Term", "Cost", "Note"], [["Autumn", 12.5, "=not a formula"],
                                               ["Spring", None, ""]],
                   spans=[(0, 0), (1, 2), (3, 12)], fmts=[None, "money", None])

    def files(sheet) -> dict[str, bytes]:
        monkeypatch.setattr(pages, "SHEET", sheet)
        folder = tmp_path / (sheet.__name__ if sheet else "xlsxwriter")
        paths = [render_pop(data, folder / "pop.xlsx"), draw(folder / "page.xlsx", build)]
        out = {}
        for p in paths:
            with zipfile.ZipFile(p) as z:
                out.update({f"{p.name}/{n}": z.read(n) for n in z.namelist()
                            if n != "docProps/core.xml"})
        return out

    fast, plain = files(fastsheet.FastSheet), files(None)
    assert fast.keys() == plain.keys()
    assert [n for n in fast if fast[n] != plain[n]] == []


def test_the_quicker_sheet_still_refuses_overlapping_merges(tmp_path):
    import pytest
    from xlsxwriter.exceptions import OverlappingRange
    from provmap.write.fastsheet import FastSheet

    wb = open_book(tmp_path / "o.xlsx")
    ws = wb.add_worksheet(worksheet_class=FastSheet)
    f = wb.add_format({"border": 1})
    ws.merge_range(0, 0, 0, 3, "one", f)
    with pytest.raises(OverlappingRange):
        ws.merge_range(0, 3, 0, 5, "two", f)
    ws.merge_range(1, 0, 2, 3, "two rows: XlsxWriter's own", f)
    wb.close()
    assert {str(m) for m in openpyxl.load_workbook(tmp_path / "o.xlsx").active.merged_cells.ranges} \
        == {"A1:D1", "A2:D3"}


def test_the_quicker_sheet_refuses_a_rich_string_as_xlsxwriter_does(tmp_path):
    # One run and a cell format is two tokens: XlsxWriter warns and writes nothing (-5);
    # the quicker sheet must not write what XlsxWriter would not.
    import warnings
    from provmap.write.fastsheet import FastSheet

    wb = open_book(tmp_path / "o.xlsx")
    fast = wb.add_worksheet("fast", worksheet_class=FastSheet)
    plain = wb.add_worksheet("plain")
    bold, cell = wb.add_format({"bold": True}), wb.add_format({"text_wrap": True})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert fast.write_rich_string(0, 0, bold, "only one run", cell) \
            == plain.write_rich_string(0, 0, bold, "only one run", cell) == -5
    assert fast.write_rich_string(1, 0, bold, "Lego", "\nweekly", cell) \
        == plain.write_rich_string(1, 0, bold, "Lego", "\nweekly", cell) == 0
    wb.close()
    book = openpyxl.load_workbook(tmp_path / "o.xlsx", rich_text=True)
    for name in ("fast", "plain"):
        assert book[name]["A1"].value is None
        assert str(book[name]["A2"].value) == "Lego\nweekly"
