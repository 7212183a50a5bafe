"""Every workbook provmap writes is opened here, so one rule holds for all of them: text that
staff typed stays text.  XlsxWriter would otherwise write `=SUM(A1)` as a formula, `007` as a
number and `http://...` as a link; a parent's comment beginning with `=` or `+` must print as
typed.  Document properties are set at the same time, naming the school and never a pupil.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

#: XlsxWriter options: never convert a string into a formula, a number or a URL.
TEXT_IS_TEXT = {"strings_to_formulas": False, "strings_to_numbers": False,
                "strings_to_urls": False}


def open_book(path: Path | str, properties: dict | None = None, *,
              in_memory: bool = True) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook that keeps text as text.  ``in_memory`` (the default) writes a
    small workbook in about half the time; a very large one passes False to spill to disk."""
    wb = xlsxwriter.Workbook(str(path), {"in_memory": in_memory, **TEXT_IS_TEXT})
    if properties:
        wb.set_properties(properties)
    return wb
