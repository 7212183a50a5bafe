"""A Rollup-shaped stand-in built from the documented columns (docs/architecture.md), so the
governors' report can be tested without reading a workbook."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd

from provmap.model import Layout, Pupil, Settings
from provmap.schema import DEFAULT_IMPACT_BANDS
from provmap.upn import check_letter

_LAYOUT = Layout("Pupils", 1, {})


def upn(i: int) -> str:
    body = f"{823400100000 + i:012d}"
    return check_letter(body) + body


def pupil(i: int, forename: str, surname: str, status: str = "K", need: str | None = "SPLD",
          year: str = "3", dob: date | None = None, class_name: str = "3O") -> Pupil:
    return Pupil(_LAYOUT, i + 1, upn(i), forename, surname, dob or date(2017, 5, 4), year,
                 class_name, status, need if status != "N" else None, None, None, None, None,
                 None, None)


def settings(suppress_below: int = 5, school: str = "Oak Tree Primary") -> Settings:
    return Settings(school, "2025-26", ("Autumn", "Spring", "Summer"), {}, 6000.0,
                    DEFAULT_IMPACT_BANDS, suppress_below)


def fake_rollup(pupils: list[Pupil], rows: list[dict], term: str = "Autumn",
                suppress_below: int = 5, school: str = "Oak Tree Primary"):
    """rows: dicts with term, upn, provision, type, area_of_need, share, and optionally
    gain, months_elapsed, measure, measure_kind (the rest are filled like numbers.py)."""
    s = settings(suppress_below, school)
    by_upn = {p.upn: p for p in pupils}
    full = []
    for r in rows:
        p = by_upn[r["upn"]]
        d = {"term": term, "sheet": f"{p.class_name} {r.get('term', term)}", "row": 5,
             "class_name": p.class_name, "pupil": p.name, "sen_status": p.sen_status,
             "primary_need": p.primary_need, "delivered_by": "Mrs Patel", "gain": None,
             "months_elapsed": None, "measure": None, "measure_kind": None, **r}
        g, m = d["gain"], d["months_elapsed"]
        d["ratio_gain"] = g / m if g is not None and m and d["measure_kind"] == "months" else None
        d["no_progress"] = g is not None and g <= 0
        full.append(d)
    terms = list(s.terms[: s.term_index(term) + 1])
    m = SimpleNamespace(settings=s, pupils={p.upn: p for p in pupils}, path="fake.xlsx")
    return SimpleNamespace(map=m, term=term, terms=terms, rows=pd.DataFrame(full), problems=[])


FORENAMES = ["Jonathan", "Aisha", "Leo", "Maya", "Oliver", "Amelia", "Noah", "Isla", "Arlo",
             "Freya", "Theo", "Zara", "Kai", "Esme", "Rowan", "Ivy", "Ezra", "Nia", "Otis",
             "Lyra", "Felix", "Mabel", "Idris", "Wren"]
SURNAMES = ["Smith", "Khan", "Brown", "Jones", "Okafor", "Nowak", "Pritchard", "Fairweather",
            "Quigley", "Abernathy", "Lindqvist", "Marchetti", "Oyelaran", "Thistlewood",
            "Vasquez", "Kowalczyk", "Achterberg", "Blackwood", "Castellano", "Dunmore",
            "Ellingham", "Featherstone", "Gallacher", "Hargreaves"]


def school_of(n: int = 24, seed: int = 0):
    """n pupils over several year groups and statuses, and a year's provision for them."""
    import random

    rnd = random.Random(seed)
    needs = ["SPLD", "MLD", "SEMH", "SLCN", "ASD", "HI", "OTH", None]
    pupils = []
    for i in range(n):
        status = "E" if i % 7 == 0 else "N" if i % 5 == 4 else "K"
        pupils.append(pupil(i, FORENAMES[i % len(FORENAMES)], SURNAMES[i % len(SURNAMES)],
                            status, needs[i % len(needs)] or "NSA", str(2 + i % 4),
                            date(2016 + i % 4, 1 + i % 12, 1 + i % 28), f"{2 + i % 4}A"))
    menu = [("Precision teaching", "1:1", "Cognition and learning", "Reading age", "months"),
            ("Lego therapy", "Group", "Communication and interaction", "Boxall profile", "score"),
            ("Reading catch-up", "Group", "Cognition and learning", "Reading age", "months"),
            ("Zones of regulation", "Group", "Social, emotional and mental health", "SDQ",
             "score"),
            ("Visual timetable", "Quality first teaching", "Communication and interaction",
             None, None),
            ("Hearing support", "1:1", "Sensory and/or physical", None, None)]
    rows = []
    for term in ("Autumn", "Spring"):
        for i, p in enumerate(pupils):
            picks = [0, 2] if i % 3 == 0 else [1, 3] if i % 3 == 1 else [2, 4]
            if i == 5:
                picks.append(5)
            for k in picks:
                name, typ, area, measure, kind = menu[k]
                gain = None
                if kind == "months":
                    gain = float(rnd.choice([-1, 0, 4, 6, 9, 12]))
                elif kind == "score":
                    gain = float(rnd.choice([-2, 0, 3, 5]))
                rows.append({"term": term, "upn": p.upn, "provision": name, "type": typ,
                             "area_of_need": area, "share": round(rnd.uniform(40, 400), 2),
                             "gain": gain, "months_elapsed": 3.5 if kind == "months" else None,
                             "measure": measure, "measure_kind": kind})
    return pupils, rows
