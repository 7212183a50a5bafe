"""Three small schools of one trust, built in code, whose figures are worked by hand in
tests/test_trust.py.

Ash Primary (Suppress counts below 2), Birch Primary (3) and Cedar Primary (2): the trust's
threshold is 3.  Spring is the latest term with provision (Ash also has Autumn).

Costs (staff from builders.STAFF: TA £18 an hour, Mrs Patel £24):
  Precision teaching, 1:1, TA 3 x 10 min x 12 weeks  = 18 x 10/60 x 3 x 12 = £108 a pupil
  Reading catch-up, group, TA 2 x 30 min x 10 weeks  = 18 x 30/60 x 2 x 10 = £180 a group
  Lego therapy, group, Mrs Patel 1 x 45 min x 10 weeks + £60 = 24 x 0.75 x 10 + 60 = £240
  Visual timetable, QFT, £5 a pupil
Reading catch-up is measured in months (reading age) at Ash and as a standardised score at
Birch: it is not pooled.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from builders import STAFF, build_workbook

from provmap.upn import check_letter

PT = {"Provision": "Precision teaching", "Type": "1:1", "Area of need": "C&L",
      "Delivered by": "TA", "Sessions per week": 3, "Minutes per session": 10, "Weeks": 12,
      "Resource cost": 0, "Measure": "Reading age", "Measure kind": "months"}
RC_MONTHS = {"Provision": "Reading catch-up", "Type": "Group", "Area of need": "C&L",
             "Delivered by": "TA", "Sessions per week": 2, "Minutes per session": 30,
             "Weeks": 10, "Resource cost": 0, "Measure": "Reading age",
             "Measure kind": "months"}
RC_STANDARDISED = {**RC_MONTHS, "Measure": "Reading standardised score",
                   "Measure kind": "standardised"}
LEGO = {"Provision": "Lego therapy", "Type": "Group", "Area of need": "C&I",
        "Delivered by": "Mrs Patel", "Sessions per week": 1, "Minutes per session": 45,
        "Weeks": 10, "Resource cost": 60, "Measure": "Boxall profile", "Measure kind": "score"}
VT = {"Provision": "Visual timetable", "Type": "QFT", "Area of need": "C&I",
      "Delivered by": "Teacher", "Resource cost": 5}

SPRING_MONTHS = 81 * 12 / 365.25      # 5 Jan to 27 Mar 2026 is 81 days


def upn(n: int) -> str:
    body = f"{823400300000 + n:012d}"
    return check_letter(body) + body


def register(prefix: str, first: int, statuses: str, cls: str) -> list[dict]:
    """Pupils named e.g. Ashling Pupilone; distinct full names across the trust."""
    words = ["one", "two", "three", "four", "five", "six"]
    return [{"UPN": upn(first + i), "Forename": f"{prefix}ling", "Surname": f"Pupil{words[i]}",
             "Date of birth": date(2016, 1 + i, 3 + i), "Year group": "4", "Class": cls,
             "SEN status": s, "Primary need": None if s == "N" else "SPLD"}
            for i, s in enumerate(statuses)]


def name(pupils: list[dict], i: int) -> str:
    return f"{pupils[i]['Forename']} {pupils[i]['Surname']}"


def ash(folder: Path, **settings) -> Path:
    ps = register("Ash", 0, "KKENK", "3A")          # A4 (index 3) has no SEN
    spring = [
        {"Pupil": name(ps, 0), "Provision": "Precision teaching", "Pre": "7y 0m", "Post": "7y 6m"},
        {"Pupil": name(ps, 1), "Provision": "Precision teaching", "Pre": "6y 8m", "Post": "6y 11m"},
        {"Pupil": name(ps, 0), "Provision": "Reading catch-up", "Group": "G1", "Pre": "7y 0m",
         "Post": "7y 4m"},
        {"Pupil": name(ps, 1), "Provision": "Reading catch-up", "Group": "G1", "Pre": "6y 8m",
         "Post": "6y 8m"},
        {"Pupil": name(ps, 2), "Provision": "Reading catch-up", "Group": "G1", "Pre": "7y 6m",
         "Post": "7y 11m"},
        {"Pupil": name(ps, 3), "Provision": "Visual timetable"},
    ]
    autumn = [{"Pupil": name(ps, 0), "Provision": "Precision teaching"}]
    return build_workbook(
        folder / "ash.xlsx", settings={"School": "Ash Primary", "Suppress counts below": 2,
                                       **settings},
        pupils=ps, staff=STAFF, provisions=[PT, RC_MONTHS, VT],
        sheets={"3A Autumn": {"provision": autumn}, "3A Spring": {"provision": spring}})


def birch(folder: Path) -> Path:
    ps = register("Birch", 10, "KKKK", "4B")
    spring = [
        {"Pupil": name(ps, 0), "Provision": "Reading catch-up", "Pre": 85, "Post": 91},
        {"Pupil": name(ps, 1), "Provision": "reading  CATCH-UP", "Pre": 88, "Post": 88},
        {"Pupil": name(ps, 2), "Provision": "Reading catch-up", "Pre": 82, "Post": 91},
        {"Pupil": name(ps, 3), "Provision": "Lego therapy", "Pre": 20, "Post": 24},
    ]
    return build_workbook(
        folder / "birch.xlsx", settings={"School": "Birch Primary", "Suppress counts below": 3},
        pupils=ps, staff=STAFF, provisions=[RC_STANDARDISED, LEGO],
        sheets={"4B Spring": {"provision": spring}})


def cedar(folder: Path) -> Path:
    """Lego therapy is spelt 'LEGO  Therapy' here; one row names a pupil not on the
    register (an error: left out, as Cedar's own rollup leaves it out)."""
    ps = register("Cedar", 20, "KKKKKE", "5C")
    spring = [
        {"Pupil": name(ps, 0), "Provision": "LEGO  Therapy", "Pre": 20, "Post": 26},
        {"Pupil": name(ps, 1), "Provision": "LEGO  Therapy", "Pre": 18, "Post": 18},
        {"Pupil": name(ps, 2), "Provision": "LEGO  Therapy", "Pre": 22, "Post": 25},
        {"Pupil": name(ps, 3), "Provision": "LEGO  Therapy"},
        {"Pupil": name(ps, 4), "Provision": "Precision teaching", "Pre": "7y 0m",
         "Post": "7y 0m"},
        {"Pupil": name(ps, 5), "Provision": "Visual timetable"},
        {"Pupil": "Nobody Known", "Provision": "Precision teaching", "Pre": "7y 0m",
         "Post": "8y 0m"},
    ]
    return build_workbook(
        folder / "cedar.xlsx", settings={"School": "Cedar Primary", "Suppress counts below": 2},
        pupils=ps, staff=STAFF, provisions=[{**LEGO, "Provision": "LEGO  Therapy"}, PT, VT],
        sheets={"5C Spring": {"provision": spring}})


def trust_folder(folder: Path) -> Path:
    """The three schools and a file that is not a workbook at all."""
    folder.mkdir(parents=True, exist_ok=True)
    ash(folder)
    birch(folder)
    cedar(folder)
    (folder / "oak.xlsx").write_text("School,Pupils\nOak,200\n")
    (folder / "~$ash.xlsx").write_bytes(b"lock")          # Excel's lock file: skipped
    return folder
