"""Outside professionals across years are matched by name AND role: each involvement is kept.

In the example school as issue 18 found it, a pupil saw Mr D. Hale as a community
paediatrician in 2024-25 and as a speech and language therapist in 2025-26.  Matching by
name alone printed one speech and language therapist "involved since 2022" in the evidence
and transition packs, and the paediatrician disappeared from what an LA panel reads.  (The
example now gives each professional one role, so the case is built here on the two-year
school of tests/two_years.py.)  Each role is its own row with its own dates; the POP, one
year's document, lists that year's rows as typed.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

import builders as b
import two_years as ty
from provmap.numbers.history import history
from provmap.reports.evidence import write_evidence
from provmap.reports.pop_data import pop_data
from provmap.reports.pupil_years import Extractor
from provmap.reports.transition import write_transitions

PAEDIATRICIAN = ["Jonathan Smith", "Mr D. Hale", "Community paediatrician", date(2022, 1, 1),
                 date(2024, 12, 24), "Paediatrician report on file."]
THERAPIST = ["Jonathan Smith", "Mr D. Hale", "Speech and language therapist (NHS)",
             date(2025, 4, 1), date(2025, 9, 27), "SALT report on file."]


def sheet_rows(path: Path, sheet: str) -> list[list]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return [[v for v in r if v not in (None, "")] for r in ws.iter_rows(values_only=True)]


def two_years_with(tmp_path: Path, first: list[list], second: list[list]) -> list[Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    head = ["Pupil", "Name", "Role or service", "Involved since", "Latest report", "Notes"]
    y1 = b.build_workbook(tmp_path / "2024-25.xlsx", settings=ty.YEAR1,
                          pupils=ty.pupils_year1(), sheets=ty.YEAR1_SHEETS,
                          extra={"Professionals": [head, *first]})
    y2 = b.build_workbook(tmp_path / "2025-26.xlsx", settings=ty.YEAR2,
                          pupils=ty.pupils_year2(), sheets=ty.YEAR2_SHEETS,
                          extra={"Professionals": [head, *second]})
    return [y1, y2]


def test_mr_hale_in_two_roles_is_two_rows_in_both_packs_and_one_person(tmp_path):
    hist = history(two_years_with(tmp_path, [PAEDIATRICIAN], [THERAPIST]))
    d = Extractor(hist).pupil(ty.JONATHAN)
    assert [(x.name, x.role, x.since, x.latest_report, x.years) for x in d.professionals] == [
        ("Mr D. Hale", "Community paediatrician", date(2022, 1, 1), date(2024, 12, 24),
         ("2024-25",)),
        ("Mr D. Hale", "Speech and language therapist (NHS)", date(2025, 4, 1),
         date(2025, 9, 27), ("2025-26",))]
    assert d.people == 1                                   # one person, two involvements
    [evidence] = write_evidence(hist, tmp_path / "Evidence", [ty.JONATHAN], progress=False,
                                say=lambda _: None)
    packs = write_transitions(hist, tmp_path / "out", progress=False, say=lambda _: None)
    [transition] = [p for p in packs if ty.JONATHAN in p.name]
    for path in (evidence, transition):
        hale = [r for r in sheet_rows(path, "Professionals") if r and r[0] == "Mr D. Hale"]
        assert hale == [
            ["Mr D. Hale", "Community paediatrician", datetime(2022, 1, 1),
             datetime(2024, 12, 24), "Paediatrician report on file.", "2024-25"],
            ["Mr D. Hale", "Speech and language therapist (NHS)", datetime(2025, 4, 1),
             datetime(2025, 9, 27), "SALT report on file.", "2025-26"]], path.name
    summary = " ".join(str(v) for r in sheet_rows(evidence, "Summary") for v in r)
    assert "1 outside professional is recorded." in summary
    # the POP is one year's: the year's own row, as typed
    latest = pop_data(hist.latest.rollup, ty.JONATHAN)
    assert [(n, r) for n, r, *_ in latest.professionals] == [
        ("Mr D. Hale", "Speech and language therapist (NHS)")]


def involvements(tmp_path, first, second):
    d = Extractor(history(two_years_with(tmp_path, first, second))).pupil(ty.JONATHAN)
    return [(x.name, x.role, x.since, x.latest_report, x.years) for x in d.professionals]


def test_one_person_one_role_is_one_row_however_it_is_spelt(tmp_path):
    got = involvements(
        tmp_path,
        [["Jonathan Smith", "Dr A Green", "Educational psychologist", date(2024, 10, 1),
          date(2025, 1, 12)]],
        [["Jonathan Smith", "dr a  green", "educational  Psychologist", date(2023, 5, 1),
          date(2025, 11, 3)]])
    assert got == [("Dr A Green", "educational Psychologist", date(2023, 5, 1),
                    date(2025, 11, 3), ("2024-25", "2025-26"))]


def test_a_blank_role_joins_the_one_role_its_name_has_and_no_more(tmp_path):
    one = involvements(
        tmp_path / "one",
        [["Jonathan Smith", "Dr A Green", "Educational psychologist", date(2024, 10, 1)]],
        [["Jonathan Smith", "Dr A Green", None, None, date(2025, 11, 3)]])
    assert one == [("Dr A Green", "Educational psychologist", date(2024, 10, 1),
                    date(2025, 11, 3), ("2024-25", "2025-26"))]
    two = involvements(
        tmp_path / "two",
        [["Jonathan Smith", "Dr A Green", "Educational psychologist", date(2024, 10, 1)],
         ["Jonathan Smith", "Dr A Green", "Paediatrician", date(2021, 3, 1)]],
        [["Jonathan Smith", "Dr A Green", None, None, date(2025, 11, 3)]])
    assert [(n, r) for n, r, *_ in two] == [("Dr A Green", "Educational psychologist"),
                                            ("Dr A Green", "Paediatrician"),
                                            ("Dr A Green", None)]
    nameless = involvements(tmp_path / "nameless",
                            [["Jonathan Smith", None, "CAMHS", date(2024, 1, 1)]],
                            [["Jonathan Smith", None, "camhs", None, date(2025, 6, 1)]])
    assert [(r, y) for _, r, _, _, y in nameless] == [("camhs", ("2024-25", "2025-26"))]
