"""Small golden workbooks built in code, for tests.

``build_workbook(path, ...)`` writes a valid standard workbook with openpyxl: a register of
four pupils in class 3O, two staff, three provisions and one `3O Autumn` sheet.  Each part
can be replaced, and rows are dicts keyed by header, so a test states only what it is about.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

# Valid UPNs (check letters computed by provmap.upn)
UPNS = ["G823400100001", "W823400100002", "K823400100003", "Z823400100004"]

SETTINGS = {
    "School": "Oak Tree Primary",
    "Academic year": "2025-26",
    "Terms": "Autumn, Spring, Summer",
    "Autumn start": date(2025, 9, 3),
    "Autumn end": date(2025, 12, 19),
    "Spring start": date(2026, 1, 5),
    "Spring end": date(2026, 3, 27),
    "Summer start": date(2026, 4, 13),
    "Summer end": date(2026, 7, 22),
}

PUPILS = [
    {"UPN": UPNS[0], "Forename": "Jonathan", "Surname": "Smith", "Date of birth": date(2017, 5, 4),
     "Year group": "Y3", "Class": "3O", "SEN status": "K", "Primary need": "SPLD",
     "Parent/carer": "Mrs Smith"},
    {"UPN": UPNS[1], "Forename": "Aisha", "Surname": "Khan", "Date of birth": date(2017, 11, 20),
     "Year group": "3", "Class": "3O", "SEN status": "E", "Primary need": "ASD"},
    {"UPN": UPNS[2], "Forename": "Leo", "Surname": "Brown", "Date of birth": date(2018, 1, 2),
     "Year group": "Year 3", "Class": "3O", "SEN status": "K", "Primary need": "SLCN"},
    {"UPN": UPNS[3], "Forename": "Maya", "Surname": "Jones", "Date of birth": date(2017, 9, 9),
     "Year group": "3", "Class": "3O", "SEN status": "N"},
]

STAFF = [
    {"Name": "TA", "Role": "Teaching assistant", "Hourly cost": 18},
    {"Name": "Mrs Patel", "Role": "HLTA", "Hourly cost": 24},
    {"Name": "Teacher", "Role": "Class teacher", "Hourly cost": 40},
]

PROVISIONS = [
    {"Provision": "Precision teaching", "Type": "1:1", "Area of need": "C&L",
     "Delivered by": "TA", "Sessions per week": 3, "Minutes per session": 10, "Weeks": 12,
     "Resource cost": 0, "Measure": "Reading age", "Measure kind": "months",
     "Higher is better": "Y"},
    {"Provision": "Lego therapy", "Type": "Group", "Area of need": "C&I",
     "Delivered by": "Mrs Patel", "Sessions per week": 1, "Minutes per session": 45, "Weeks": 10,
     "Resource cost": 60, "Measure": "Boxall profile", "Measure kind": "score",
     "Higher is better": "Y"},
    {"Provision": "Visual timetable", "Type": "QFT", "Area of need": "C&I",
     "Delivered by": "Teacher", "Resource cost": 5, "Measure kind": "score"},
]

PROVISION_ROWS = [
    {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": "7y 2m", "Post": "7y 8m",
     "Outcome": "Achieved", "Next step": "Continue"},
    {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Pre": 20, "Post": 26},
    {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Pre": 18, "Post": 18},
    {"Pupil": "Aisha Khan", "Provision": "Visual timetable"},
]

REVIEW_ROWS = [
    {"Pupil": "Jonathan Smith", "Target 1": "Read 20 tricky words", "Target 1 outcome": "Achieved",
     "Target 2": "Write a sentence", "Target 2 outcome": "Partly achieved", "Attendance": "96%",
     "Staff views": "Good progress", "Parent views": "Happy", "Pupil views": "I like reading"},
    {"Pupil": "Aisha Khan", "Target 1": "Take turns", "Target 2": "Ask for help",
     "Attendance": 0.91, "Parent views": "Settled", "Pupil views": "Lego is fun"},
    {"Pupil": "Leo Brown", "Target 1": "Use 3-word sentences", "Target 2": "Listen in group",
     "Attendance": 97, "Parent views": "OK", "Pupil views": "Fine"},
]

PROVISION_HEADERS = ["Pupil", "UPN", "Provision", "Type", "Area of need", "Delivered by",
                     "Sessions per week", "Minutes per session", "Weeks", "Group", "Group size",
                     "Start date", "End date", "Target", "Pre", "Post", "Outcome", "Next step",
                     "Cost", "Comments"]
REVIEW_HEADERS = ["Pupil", "UPN", "Target 1", "Target 1 outcome", "Target 2", "Target 2 outcome",
                  "Target 3", "Target 3 outcome", "Attendance", "Reading", "Writing", "Maths",
                  "Staff views", "Parent views", "Pupil views"]

_MISSING = object()


def _table(ws, rows: list[dict], headers: list[str] | None, start_row: int) -> int:
    """Write a header row and dict rows; return the next free row."""
    if headers is None:
        headers = []
        for r in rows:
            for k in r:
                if k not in headers:
                    headers.append(k)
    for c, h in enumerate(headers, 1):
        ws.cell(start_row, c, h)
    for i, r in enumerate(rows, 1):
        for c, h in enumerate(headers, 1):
            if h in r and r[h] is not None:
                ws.cell(start_row + i, c, r[h])
    return start_row + len(rows) + 1


def build_workbook(path: Path, *, settings: dict | None = None, pupils: list[dict] | None = None,
                   staff: list[dict] | None = None, provisions: list[dict] | None = None,
                   sheets: dict[str, dict[str, Any]] | None = None,
                   extra: dict[str, list[list[Any]]] | None = None,
                   drop_sheets: tuple[str, ...] = ()) -> Path:
    """Write a standard workbook.  ``sheets`` maps a class-term sheet name to
    ``{"provision": rows, "review": rows, "title": text, "review_first": bool}``."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    parts = [
        ("Settings", None, None),
        ("Pupils", pupils if pupils is not None else PUPILS, None),
        ("Staff", staff if staff is not None else STAFF, None),
        ("Provisions", provisions if provisions is not None else PROVISIONS, None),
    ]
    for name, rows, headers in parts:
        if name in drop_sheets:
            continue
        ws = wb.create_sheet(name)
        if name == "Settings":
            s = dict(SETTINGS)
            s.update(settings or {})
            ws.append(["Setting", "Value"])
            for k, v in s.items():
                if v is not None:
                    ws.append([k, v])
        else:
            _table(ws, rows, headers, 1)
    if sheets is None:
        sheets = {"3O Autumn": {"provision": PROVISION_ROWS, "review": REVIEW_ROWS}}
    for name, spec in sheets.items():
        ws = wb.create_sheet(name)
        row = 1
        if spec.get("title"):
            ws.cell(1, 1, spec["title"])
            row = 3
        tables = [("provision", PROVISION_HEADERS), ("review", REVIEW_HEADERS)]
        if spec.get("review_first"):
            tables.reverse()
        for key, headers in tables:
            rows = spec.get(key)
            if rows is None:
                continue
            row = _table(ws, rows, spec.get(key + "_headers", headers), row) + 2
    for name, rows in (extra or {}).items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path
