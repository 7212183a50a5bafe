"""Outside professionals across years are matched by name AND role: each involvement is kept.

The example school's Ronnie Osei saw Mr D. Hale as a community paediatrician in 2024-25 and
as a speech and language therapist in 2025-26.  Matching by name alone printed one speech
and language therapist "involved since 2022" in the evidence and transition packs, and the
paediatrician disappeared from what an LA panel reads.  Now each role is its own row with
its own dates; the POP, one year's document, lists that year's rows as typed.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

import builders as b
import two_years as ty
from provmap.dev.example_years import generate_history, write_history
from provmap.numbers.history import history
from provmap.reports.evidence import write_evidence
from provmap.reports.pupil_years import Extractor, chosen
from provmap.reports.transition import render_transition

RONNIE = "K823410015042"           # the example's pupil who saw Mr D. Hale in two roles
PAEDIATRICIAN = ["Mr D. Hale", "Community paediatrician", datetime(2022, 1, 1)]
THERAPIST = ["Mr D. Hale", "Speech and language therapist (NHS)", datetime(2025, 4, 1)]


def sheet_rows(path: Path, sheet: str) -> list[list]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return [[v for v in r if v not in (None, "")] for r in ws.iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return history(write_history(tmp_path_factory.mktemp("years"), pupils=200, seed=2025,
                                 years=2))


def test_the_example_records_mr_hale_in_two_roles():
    seen = {(y, r["Role or service"]) for y, d in generate_history().items()
            for r in d.professionals if r["UPN"] == RONNIE and r["Name"] == "Mr D. Hale"}
    assert seen == {("2024-25", "Community paediatrician"),
                    ("2025-26", "Speech and language therapist (NHS)")}


def test_each_role_is_its_own_involvement_with_its_own_dates(example):
    d = Extractor(example).pupil(RONNIE)
    hale = [(x.role, x.since, x.years) for x in d.professionals if x.name == "Mr D. Hale"]
    assert d.people == len({x.name for x in d.professionals}) == 1     # one person, two roles
    assert hale == [("Community paediatrician", date(2022, 1, 1), ("2024-25",)),
                    ("Speech and language therapist (NHS)", date(2025, 4, 1), ("2025-26",))]


def test_the_evidence_and_transition_packs_show_both(example, tmp_path):
    [evidence] = write_evidence(example, tmp_path / "Evidence", [RONNIE], progress=False,
                                say=lambda _: None)
    [d] = chosen(example, [RONNIE], lambda _: None, without_provision="",
                 keep_without_provision=True)
    transition = render_transition(d, tmp_path / "transition.xlsx")
    for path in (evidence, transition):
        rows = sheet_rows(path, "Professionals")
        hale = [r for r in rows if r and r[0] == "Mr D. Hale"]
        assert len(hale) == 2, path.name
        assert hale[0][:3] == PAEDIATRICIAN and hale[0][-1] == "2024-25"
        assert hale[1][:3] == THERAPIST and hale[1][-1] == "2025-26"
    summary = " ".join(str(v) for r in sheet_rows(evidence, "Summary") for v in r)
    assert "1 outside professional is recorded." in summary


def test_the_pop_lists_the_years_own_rows(example):
    from provmap.reports.pop_data import pop_data
    latest = pop_data(example.latest.rollup, RONNIE)
    assert [(n, r) for n, r, *_ in latest.professionals if n == "Mr D. Hale"] == [
        ("Mr D. Hale", "Speech and language therapist (NHS)")]


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
