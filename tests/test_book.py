"""Every workbook provmap writes is opened by write/book.py: typed text stays text."""

import openpyxl

from provmap.write.book import open_book


def test_text_that_looks_like_a_formula_a_number_or_a_link_stays_text(tmp_path):
    path = tmp_path / "book.xlsx"
    wb = open_book(path, {"title": "t", "company": "Oak Tree Primary"})
    ws = wb.add_worksheet()
    typed = ["=HYPERLINK(\"http://x\",\"click\")", "+44 7700 900", "007", "http://example.org",
             "@SUM(A1)", "-1"]
    for r, text in enumerate(typed):
        ws.write(r, 0, text)
    wb.close()
    cells = [c.value for c in openpyxl.load_workbook(path).active["A"]]
    assert cells == typed
    back = openpyxl.load_workbook(path).active
    assert all(c.data_type == "s" for c in back["A"])
    assert not back._hyperlinks
