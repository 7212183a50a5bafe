"""Schools for the governors' tests, built as real workbooks (tests/builders.py) so that
every figure the report shows can be compared with a real rollup's.

``school(path, n)``: n pupils over year groups 2 to 5, statuses and needs; a year's
provision in Autumn and Spring (months, score and QFT measures; one provision for one
pupil only, so it is pooled).  ``pupils(n)``: a register alone, for small cases.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from builders import STAFF, build_workbook

from provmap.upn import check_letter

FORENAMES = ["Jonathan", "Aisha", "Leopold", "Mariam", "Oluwaseun", "Amelie", "Nikolai",
             "Isadora", "Arlo", "Freya", "Thaddeus", "Zara", "Kaito", "Esme", "Rowan", "Ivy",
             "Ezra", "Niamh", "Otis", "Lyra", "Felix", "Mabel", "Idris", "Wren", "Cosmo",
             "Delphine", "Eamon", "Fenella", "Gideon", "Hester", "Ignatius", "Juno", "Kester",
             "Lavinia", "Magnus", "Noor", "Orla", "Peregrine", "Quinn", "Rosalind"]
SURNAMES = ["Smithers", "Khanani", "Brownlee", "Jonesworth", "Okafor", "Nowakowska",
            "Pritchard", "Fairweather", "Quigley", "Abernathy", "Lindqvist", "Marchetti",
            "Oyelaran", "Thistlewood", "Vasquez", "Kowalczyk", "Achterberg", "Blackwood",
            "Castellano", "Dunmore", "Ellingham", "Featherstone", "Gallacher", "Hargreaves",
            "Ignatiev", "Jaramillo", "Kettleborough", "Llewellyn", "Mountbatten", "Nightingale",
            "Ormerod", "Pemberton", "Quartermaine", "Rothwell", "Sotheby", "Tolliver",
            "Underwood", "Villiers", "Whitlock", "Yardley"]
NEEDS = ["SPLD", "MLD", "SEMH", "SLCN", "ASD", "HI", "OTH", None]

MENU = [
    {"Provision": "Precision teaching", "Type": "1:1", "Area of need": "C&L",
     "Delivered by": "TA", "Sessions per week": 3, "Minutes per session": 10, "Weeks": 12,
     "Resource cost": 0, "Measure": "Reading age", "Measure kind": "months"},
    {"Provision": "Lego therapy", "Type": "Group", "Area of need": "C&I",
     "Delivered by": "Mrs Patel", "Sessions per week": 1, "Minutes per session": 45,
     "Weeks": 10, "Resource cost": 60, "Measure": "Boxall profile", "Measure kind": "score"},
    {"Provision": "Reading catch-up", "Type": "Group", "Area of need": "C&L",
     "Delivered by": "TA", "Sessions per week": 2, "Minutes per session": 30, "Weeks": 10,
     "Resource cost": 0, "Measure": "Reading age", "Measure kind": "months"},
    {"Provision": "Zones of regulation", "Type": "Group", "Area of need": "SEMH",
     "Delivered by": "Mrs Patel", "Sessions per week": 1, "Minutes per session": 30,
     "Weeks": 10, "Resource cost": 20, "Measure": "SDQ", "Measure kind": "score",
     "Higher is better": "N"},
    {"Provision": "Visual timetable", "Type": "QFT", "Area of need": "C&I",
     "Delivered by": "Teacher", "Resource cost": 5},
    {"Provision": "Hearing support", "Type": "1:1", "Area of need": "S/P",
     "Delivered by": "TA", "Sessions per week": 2, "Minutes per session": 20, "Weeks": 10,
     "Resource cost": 0},
]


def upn(i: int) -> str:
    body = f"{823400500000 + i:012d}"
    return check_letter(body) + body


def name(i: int) -> str:
    return f"{FORENAMES[i % len(FORENAMES)]} {SURNAMES[i % len(SURNAMES)]}"


def pupils(n: int, status=lambda i: "E" if i % 7 == 0 else "N" if i % 5 == 4 else "K",
           year=lambda i: str(2 + i % 4), need=lambda i: NEEDS[i % len(NEEDS)] or "NSA"
           ) -> list[dict]:
    return [{"UPN": upn(i), "Forename": FORENAMES[i % len(FORENAMES)],
             "Surname": SURNAMES[i % len(SURNAMES)],
             "Date of birth": date(2016 + i % 4, 1 + i % 12, 1 + i % 28),
             "Year group": year(i), "Class": f"{year(i)}A", "SEN status": status(i),
             "Primary need": None if status(i) == "N" else need(i)} for i in range(n)]


def _age(months: int) -> str:
    return f"{months // 12}y {months % 12}m"


def school(path: Path, n: int = 40, seed: int = 0, settings: dict | None = None) -> Path:
    """n pupils, Autumn and Spring provision; pupil 5 alone has Hearing support."""
    rnd = random.Random(seed)
    register = pupils(n)
    sheets: dict[str, dict] = {}
    for term in ("Autumn", "Spring"):
        for i, p in enumerate(register):
            picks = [0, 2] if i % 3 == 0 else [1, 3] if i % 3 == 1 else [2, 4]
            if i == 5:
                picks.append(5)
            for k in picks:
                row = {"Pupil": name(i), "Provision": MENU[k]["Provision"]}
                kind = MENU[k].get("Measure kind")
                if kind == "months":
                    pre = 84 + i
                    row.update({"Pre": _age(pre),
                                "Post": _age(pre + rnd.choice([-1, 0, 4, 6, 9, 12]))})
                elif kind == "score":
                    pre = 20 + i % 5
                    row.update({"Pre": pre, "Post": pre + rnd.choice([-2, 0, 3, 5])})
                sheets.setdefault(f"{p['Class']} {term}", {"provision": []})[
                    "provision"].append(row)
    return build_workbook(path, pupils=register, staff=STAFF, provisions=MENU, sheets=sheets,
                          settings=settings)
