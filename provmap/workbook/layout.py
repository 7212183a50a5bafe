"""Where things sit on the standard sheets: row counts and column positions.

Column letters are worked out from a table's column order in :mod:`provmap.schema` and
never typed by hand.  Shared by the workbook writer, the Cost formula and roll-forward
(which uses the template's formula only when a sheet keeps the template's columns).
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from ..schema import Table

# How many empty rows carry dropdowns and formulas, so staff can add rows without copying.
PROVISION_ROWS_PER_SHEET = 60      # at least; more when a sheet already holds more
SPARE_PROVISION_ROWS = 15          # empty rows kept below the last filled one
SPARE_REVIEW_ROWS = 8
SPARE_REGISTER_ROWS = 200          # pupils added to the register later still reach dropdowns
REFERENCE_ROWS = 300               # rows of Staff / Provisions covered by names and dropdowns
TITLE_ROWS = 3                     # title, guidance, blank: the provision header is row 4
GAP_ROWS = 2                       # blank rows between the provision and review tables

FULL_NAME_HEADER = "Full name (for dropdowns)"
NOTES_HEADER = "Notes"

_COLS: dict[tuple[int, str], int] = {}


def col(table: Table, key: str) -> int:
    """0-based column index of a field in a table's standard layout."""
    found = _COLS.get((id(table), key))
    if found is None:
        for i, c in enumerate(table.columns):
            if c.key == key or c.name == key:
                found = _COLS[(id(table), key)] = i
                break
        else:
            raise KeyError(key)
    return found


def letter(table: Table, key: str) -> str:
    """The column letter of a field in a table's standard layout: `A`, `B` ..."""
    return xl_col_to_name(col(table, key))


def sheet_range(sheet: str, table: Table, key: str, first: int, last: int) -> str:
    """An absolute reference to one column's rows, for a defined name."""
    c = letter(table, key)
    return f"='{sheet}'!${c}${first}:${c}${last}"

