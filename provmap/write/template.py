"""The names `provmap.write.template` has always offered, now kept in their own modules.

The standard workbook's writer is :mod:`provmap.write.standard`; its parts are the calendar
(:mod:`provmap.calendar`), the starter menu (:mod:`.defaults`), the Cost formula
(:mod:`.cost_formula`), the Instructions text (:mod:`.instructions`), the layout
(:mod:`.layout`) and the XlsxWriter backend (:mod:`.xlsx`).  Kept so that code written
against the old module (the example generator) keeps working.
"""

from ..calendar import default_term_dates, start_year
from .cost_formula import cost_formula, sheet_costs
from .defaults import DEFAULT_PROVISIONS, DEFAULT_STAFF
from .layout import PROVISION_ROWS_PER_SHEET, TITLE_ROWS, col, letter
from .standard import ExampleData, WorkbookData, new_workbook

__all__ = ["DEFAULT_PROVISIONS", "DEFAULT_STAFF", "ExampleData", "PROVISION_ROWS_PER_SHEET",
           "TITLE_ROWS", "WorkbookData", "col", "cost_formula", "default_term_dates", "letter",
           "new_workbook", "sheet_costs", "start_year"]
