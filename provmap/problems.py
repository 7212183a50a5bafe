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
    # Register
    DUPLICATE_UPN = "duplicate-upn"
    BAD_UPN = "bad-upn"
    BAD_UPN_CHECK_LETTER = "bad-upn-check-letter"
    MISSING_PRIMARY_NEED = "missing-primary-need"
    CLASS_WITHOUT_SHEETS = "class-without-sheets"
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
