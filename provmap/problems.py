"""One problem type for everything provmap finds wrong, with stable codes.

Every reader step and every check returns :class:`Problem` records; nothing prints or
raises for bad data.  The catalogue of codes lives here, once, so the docs' list of codes
(``docs/problem-codes.md``) is generated from it (``python -m provmap.problems``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Code(StrEnum):
    """Stable, lower-case, hyphenated problem codes.  Never rename one: scripts match them."""

    # The file as a whole (raised as UnreadableWorkbook, exit 2)
    FILE_NOT_FOUND = "file-not-found"
    EMPTY_FILE = "empty-file"
    NOT_A_WORKBOOK = "not-a-workbook"
    WRONG_FILE_TYPE = "wrong-file-type"
    ENCRYPTED_FILE = "encrypted-file"
    BROKEN_FILE = "broken-file"
    UNSAFE_FILE = "unsafe-file"
    NOT_PROVMAP_WORKBOOK = "not-a-provmap-workbook"
    LOCK_FILE = "lock-file"
    WORKBOOK_OPEN = "workbook-open"
    # Structure
    MISSING_SHEET = "missing-sheet"
    MISSING_TABLE = "missing-table"
    MISSING_COLUMN = "missing-column"
    DUPLICATE_COLUMN = "duplicate-column"
    MISSING_SETTING = "missing-setting"
    BAD_SETTING = "bad-setting"
    UNKNOWN_SHEET = "unknown-sheet"
    DUPLICATE_SHEET = "duplicate-class-term-sheet"
    # Cell values
    NOT_A_NUMBER = "not-a-number"
    NOT_A_DATE = "not-a-date"
    BAD_CHOICE = "bad-choice"
    FORMULA_ERROR = "formula-error"
    FORMULA_NOT_TRUSTED = "formula-not-trusted"
    MISSING_VALUE = "missing-value"
    NEGATIVE_NUMBER = "negative-number"
    NUMBER_TOO_LARGE = "number-too-large"
    UNLIKELY_NUMBER = "unlikely-number"
    READ_FROM_WORDS = "read-from-words"
    CONFLICTING_VALUES = "conflicting-values"
    # Register
    DUPLICATE_UPN = "duplicate-upn"
    BAD_UPN = "bad-upn"
    BAD_UPN_CHECK_LETTER = "bad-upn-check-letter"
    MISSING_PRIMARY_NEED = "missing-primary-need"
    CLASS_WITHOUT_SHEETS = "class-without-sheets"
    CLASS_NOT_A_SHEET_NAME = "class-not-a-sheet-name"
    # Pupils and references on class-term sheets
    UNKNOWN_PUPIL = "unknown-pupil"
    AMBIGUOUS_PUPIL = "ambiguous-pupil"
    UPN_NAME_MISMATCH = "upn-name-mismatch"
    ROW_WITHOUT_PUPIL = "row-without-pupil"
    UNKNOWN_PROVISION = "unknown-provision"
    UNKNOWN_STAFF = "unknown-staff"
    DUPLICATE_PROVISION_ROW = "duplicate-provision-row"
    DUPLICATE_REVIEW_ROW = "duplicate-review-row"
    DUPLICATE_PROVISION = "duplicate-provision"
    DUPLICATE_STAFF = "duplicate-staff"
    CLASS_MISMATCH = "class-mismatch"
    RELIES_ON_ERROR = "relies-on-error"
    # Groups and costs
    GROUP_SIZE_SMALLER = "group-size-smaller"
    GROUP_DELIVERY_DIFFERS = "group-delivery-differs"
    COST_OVERRIDE = "cost-override"
    # Progress and reviews
    NO_PROVISION = "no-provision"
    TARGET_COUNT = "target-count"
    MISSING_PRE = "missing-pre"
    MISSING_POST = "missing-post"
    MISSING_VIEWS = "missing-views"
    END_BEFORE_START = "end-before-start"
    UNLIKELY_SCORE = "unlikely-score"
    DATE_OUTSIDE_YEAR = "date-outside-year"
    SCORE_ABOVE_HIGHEST = "score-above-highest"
    # Bringing a long table in (provmap import): said about SOURCE
    MISSING_IN_TABLE = "missing-in-table"
    SPANS_TERMS = "spans-terms"
    TEMPLATE_HOURLY_COST = "template-hourly-cost"
    MEASURE_WORKED_OUT = "measure-worked-out"
    VALUES_DIFFER = "values-differ"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong (or worth knowing) in the workbook, with its place.

    ``cell`` is an A1 cell (``B7``), a whole row (``7``), or ``None`` for a problem of the
    whole sheet; ``sheet`` is ``None`` for a problem of the whole file.
    """

    severity: Severity
    code: Code
    sheet: str | None
    cell: str | None
    message: str
    hint: str | None = None

    @property
    def row(self) -> int | None:
        """The worksheet row the problem sits on, if it has one."""
        if self.cell is None:
            return None
        m = re.search(r"(\d+)$", self.cell)
        return int(m.group(1)) if m else None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_json(self) -> dict:
        d = asdict(self)
        d["severity"] = str(self.severity)
        d["code"] = str(self.code)
        return d

    def where(self) -> str:
        if self.sheet is None:
            return "workbook"
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet


def error(code: Code, sheet: str | None, cell: str | None, message: str,
          hint: str | None = None) -> Problem:
    return Problem(Severity.ERROR, code, sheet, cell, message, hint)


def warning(code: Code, sheet: str | None, cell: str | None, message: str,
            hint: str | None = None) -> Problem:
    return Problem(Severity.WARNING, code, sheet, cell, message, hint)


def info(code: Code, sheet: str | None, cell: str | None, message: str,
         hint: str | None = None) -> Problem:
    return Problem(Severity.INFO, code, sheet, cell, message, hint)


class UnreadableWorkbook(Exception):
    """The file cannot be read as a provision map at all (exit 2, one sentence)."""

    def __init__(self, code: Code, path: str, message: str):
        super().__init__(message)
        self.code = code
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


#: What each code means and its usual severity, for the generated docs.
CATALOGUE: dict[Code, tuple[str, str]] = {
    Code.FILE_NOT_FOUND: ("exit 2", "No file at the path given."),
    Code.EMPTY_FILE: ("exit 2", "The file has 0 bytes (often a copy that did not finish)."),
    Code.NOT_A_WORKBOOK: ("exit 2", "Not an Excel workbook (a folder, Word file, zip, ...)."),
    Code.WRONG_FILE_TYPE: ("exit 2", "A .xls, .xlsb, .ods or CSV file: save it as .xlsx."),
    Code.ENCRYPTED_FILE: ("exit 2", "Password-protected: remove the password, save a copy."),
    Code.BROKEN_FILE: ("exit 2", "Damaged or truncated: save it again in Excel."),
    Code.UNSAFE_FILE: ("exit 2", "A zip bomb or XML entity declarations: refused unread."),
    Code.NOT_PROVMAP_WORKBOOK: ("exit 2", "A workbook with none of provmap's sheets (a map kept "
                                          "another way): `provmap import` brings it in."),
    Code.LOCK_FILE: ("exit 2", "Excel's `~$` (or LibreOffice's `.~lock.`) lock file given instead "
                               "of the workbook beside it."),
    Code.WORKBOOK_OPEN: ("warning", "The workbook is open in Excel now (its lock file is beside "
                                    "it): changes not yet saved are not read."),
    Code.MISSING_SHEET: ("error", "A required sheet (Settings, Pupils, Staff, Provisions) is missing."),
    Code.MISSING_TABLE: ("error/warning", "No header row for a table (warning on a class-term sheet)."),
    Code.MISSING_COLUMN: ("error", "A required column is missing from a table's header row."),
    Code.DUPLICATE_COLUMN: ("warning", "Two columns with the same header: the first is read."),
    Code.MISSING_SETTING: ("error", "School or Academic year is missing from Settings."),
    Code.BAD_SETTING: ("error", "A setting cannot be read (a date, a number, the impact bands), "
                                "or a term Excel cannot use in a sheet name."),
    Code.UNKNOWN_SHEET: ("info", "A sheet that is neither a reference nor a class-term sheet."),
    Code.DUPLICATE_SHEET: ("error", "Two sheets for the same class and term."),
    Code.NOT_A_NUMBER: ("error", "A cell that must be a number is not."),
    Code.NOT_A_DATE: ("error", "A cell that must be a date is not (or is not a real date)."),
    Code.BAD_CHOICE: ("error", "A value not in the column's list (type, outcome, need, ...)."),
    Code.FORMULA_ERROR: ("error", "A cell shows #REF!, #DIV/0!, #N/A, #VALUE! or another error."),
    Code.FORMULA_NOT_TRUSTED: ("error", "A formula where provmap needs a typed value."),
    Code.MISSING_VALUE: ("error/warning", "A required value is blank, or a row cannot be costed."),
    Code.NEGATIVE_NUMBER: ("error", "A count, duration or amount of money below zero: the row is left out."),
    Code.NUMBER_TOO_LARGE: ("error", "A count, duration, amount or score over 1,000,000: the row is left out."),
    Code.UNLIKELY_NUMBER: ("warning", "Possible but unlikely (e.g. a 300-minute session, 45 weeks, "
                                      "attendance over 100%): is this right?"),
    Code.READ_FROM_WORDS: ("info", "Numbers written with their unit or in words (`3 x weekly`, "
                                   "`20 mins`, `£1.2k`) were read as numbers; said once per "
                                   "sheet and column."),
    Code.CONFLICTING_VALUES: ("error", "`3 x 20 mins` in one column and a different number in "
                                       "the other (Sessions per week, Minutes per session)."),
    Code.DUPLICATE_UPN: ("error", "Two register rows with the same UPN."),
    Code.BAD_UPN: ("error", "A UPN that is not 13 characters of the right shape."),
    Code.BAD_UPN_CHECK_LETTER: ("error", "A UPN whose DfE check letter is wrong."),
    Code.MISSING_PRIMARY_NEED: ("error", "A K or E pupil with no primary need."),
    Code.CLASS_WITHOUT_SHEETS: ("error", "A register class with no class-term sheet."),
    Code.CLASS_NOT_A_SHEET_NAME: ("error", "A register class Excel cannot use in a sheet name "
                                           "(`Year 3/4`, `1:1`, or too long with its term)."),
    Code.UNKNOWN_PUPIL: ("error", "A name or UPN not on the register (hint: the closest name)."),
    Code.AMBIGUOUS_PUPIL: ("error", "A name that matches two register pupils: add the UPN."),
    Code.UPN_NAME_MISMATCH: ("warning", "The UPN and the name disagree: the UPN wins."),
    Code.ROW_WITHOUT_PUPIL: ("warning", "A row with data but no pupil."),
    Code.UNKNOWN_PROVISION: ("error", "A provision not on the menu and not costable from the row."),
    Code.UNKNOWN_STAFF: ("error", "Delivered by is not on Staff, or has no hourly cost."),
    Code.DUPLICATE_PROVISION_ROW: ("error", "The same pupil twice on a provision and group in a term."),
    Code.DUPLICATE_REVIEW_ROW: ("warning", "Two reviews for one pupil in a term: the first is used."),
    Code.DUPLICATE_PROVISION: ("error", "A provision listed twice on the Provisions sheet."),
    Code.DUPLICATE_STAFF: ("error", "A staff member listed twice on the Staff sheet."),
    Code.CLASS_MISMATCH: ("warning", "A pupil on a class sheet that is not their register class."),
    Code.RELIES_ON_ERROR: ("error", "A row that uses a Pupils, Provisions or Staff row with an "
                                    "error: left out until that row is fixed."),
    Code.GROUP_SIZE_SMALLER: ("warning", "Group size is smaller than the pupils recorded."),
    Code.GROUP_DELIVERY_DIFFERS: ("warning", "A group's rows disagree on delivery; the first row wins."),
    Code.COST_OVERRIDE: ("info", "A cost typed by hand replaces the worked-out share."),
    Code.NO_PROVISION: ("warning", "A K or E pupil with no provision in a term that has begun."),
    Code.TARGET_COUNT: ("warning", "Fewer than 2 or more than 3 targets in a term's review."),
    Code.MISSING_PRE: ("warning", "No entry assessment where the provision has a measure."),
    Code.MISSING_POST: ("warning", "No exit assessment after the term has ended."),
    Code.MISSING_VIEWS: ("warning", "No parent or pupil views in a finished term's review."),
    Code.END_BEFORE_START: ("warning", "An End date before the Start date."),
    Code.UNLIKELY_SCORE: ("warning", "A standardised score outside 40-160, or an age outside "
                                     "2 to 20 years: is this right?"),
    Code.DATE_OUTSIDE_YEAR: ("warning", "A Start or End date more than a month outside the "
                                        "academic year's terms."),
    Code.SCORE_ABOVE_HIGHEST: ("warning", "A Pre or Post above its provision's Highest score "
                                          "(a phonics check score of 46 out of 40)."),
    Code.MISSING_IN_TABLE: ("warning", "`import`: the table has no column (or no value) for "
                                       "something the workbook needs: costs, UPNs, terms ..."),
    Code.SPANS_TERMS: ("warning", "`import`: a row whose dates span terms, placed in the term "
                                  "it starts in."),
    Code.TEMPLATE_HOURLY_COST: ("warning", "`import`: a role with no hourly cost in the table "
                                           "takes the standard template's."),
    Code.MEASURE_WORKED_OUT: ("warning", "`import`: a measure's kind or direction worked out "
                                         "from its scores or name: check it on Provisions."),
    Code.VALUES_DIFFER: ("warning", "`import`: rows of one provision or staff member disagree "
                                    "on what Provisions or Staff hold once: the most common "
                                    "is used."),
}


def codes_markdown() -> str:
    """The docs' list of problem codes, generated from the catalogue."""
    lines = ["# Problem codes", "",
             "Generated by `python -m provmap.problems`; codes are stable.", "",
             "| Code | Severity | Meaning |", "|---|---|---|"]
    for code in Code:
        severity, meaning = CATALOGUE[code]
        lines.append(f"| `{code}` | {severity} | {meaning} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(codes_markdown(), end="")
