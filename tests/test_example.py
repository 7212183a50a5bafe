"""The seeded example school: realistic, deterministic, error-free, and quick at scale."""

from __future__ import annotations

import importlib.util
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

import provmap
from provmap import schema
from provmap.dev.example import (DELIBERATE, MOST_SCHOOLS, YEARS, class_names, generate_school,
                             school_names, trust_file, write_example, write_trust)
from provmap.dev.example_years import generate_history, write_history
from provmap.problems import Severity
from provmap.upn import has_valid_check_letter

MID_SUMMER = date(2026, 6, 20)
MAKE_EXAMPLE = Path(__file__).resolve().parent.parent / "scripts" / "make_example.py"


@pytest.fixture(scope="module")
def school():
    return generate_school()


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    path = write_example(tmp_path_factory.mktemp("ex") / "Provision map 2025-26.xlsx")
    return path, provmap.load(path)


def test_same_seed_same_school_other_seed_other_school():
    a, b, c = generate_school(seed=7), generate_school(seed=7), generate_school(seed=8)
    assert a == b
    assert a.pupils != c.pupils and a.provision_rows != c.provision_rows


def test_the_example_file_is_reproducible(tmp_path):
    a = write_example(tmp_path / "a.xlsx", pupils=40, seed=3)
    b = write_example(tmp_path / "b.xlsx", pupils=40, seed=3)
    assert a.read_bytes() == b.read_bytes()


def test_a_realistic_primary_school(school):
    pupils = school.pupils
    assert len(pupils) == 200
    assert len(school.classes) == 14 and school.classes[:4] == ["RO", "RM", "1O", "1M"]
    status = Counter(p["SEN status"] for p in pupils)
    assert 0.15 <= status["K"] / 200 <= 0.20 and 0.02 <= status["E"] / 200 <= 0.04
    assert len({(p["Forename"], p["Surname"]) for p in pupils}) == 200      # no namesakes
    assert len({p["UPN"] for p in pupils}) == 200
    assert all(has_valid_check_letter(p["UPN"]) for p in pupils)
    assert all(p["Primary need"] for p in pupils if p["SEN status"] != "N")
    sizes = Counter(p["Class"] for p in pupils)
    assert min(sizes.values()) >= 12


def test_rows_look_like_what_staff_type(school):
    rows = [r for rs in school.provision_rows.values() for r in rs]
    reviews = [r for rs in school.review_rows.values() for r in rs]
    text = [str(v) for r in rows for v in r.values()]
    assert any(v.endswith("m") and "y " in v for v in text)                 # `7y 2m`
    assert any(v.count(":") == 1 and v.replace(":", "").isdigit() for v in text)   # `7:02`
    assert "£1,200.50" in text                                               # money as text
    assert any(isinstance(r.get("Start date"), str) and r["Start date"][2] == "/" for r in rows)
    attendance = [r["Attendance"] for r in reviews if "Attendance" in r]
    assert any(isinstance(a, str) and a.endswith("%") for a in attendance)
    assert any(isinstance(a, float) and a < 1 for a in attendance)
    types = {r["Provision"] for r in rows}
    assert {"Visual timetable", "Precision teaching", "Nurture group", "ELSA sessions"} <= types
    # groups that mix classes: one label on several class sheets in the same term
    sheets_by_group = {}
    for sheet, rs in school.provision_rows.items():
        for r in rs:
            if r.get("Group"):
                sheets_by_group.setdefault((sheet.split()[-1], r["Group"]), set()).add(sheet)
    assert any(len(s) > 1 for s in sheets_by_group.values())
    assert school.profiles and school.professionals and "SENCo notes" in school.extra_sheets


def test_the_example_has_no_errors_and_only_its_deliberate_warnings(example):
    _, m = example
    for today in (MID_SUMMER, None):           # mid-Summer, and today (after the year)
        problems = provmap.check(m, today=today)
        assert [p for p in problems if p.severity is Severity.ERROR] == []
        warnings = Counter(str(p.code) for p in problems if p.severity is Severity.WARNING)
        expected = {k: v for k, v in DELIBERATE.items() if k != "unknown-sheet"}
        assert warnings == expected
        infos = Counter(str(p.code) for p in problems if p.severity is Severity.INFO)
        assert infos["unknown-sheet"] == 2      # Instructions and 'SENCo notes'
        assert infos["cost-override"] == 3


def test_the_example_rolls_up_summer_by_default(example):
    _, m = example
    assert m.terms_with_provision == ["Autumn", "Spring", "Summer"]
    r = provmap.rollup(m)
    assert r.term == "Summer"
    assert r.rows["share"].sum() > 10_000
    assert r.rows["no_progress"].any()          # a few pupils made no progress
    months = r.rows[r.rows["measure_kind"] == "months"]
    assert months["ratio_gain"].notna().any()
    # Summer is under way: outcomes are in for KS2, not yet for R-Y2.
    summer = [row for s in m.sheets if s.term == "Summer" for row in s.provision_rows
              if row.pre is not None]
    assert any(row.outcome for row in summer) and not all(row.outcome for row in summer)


def test_the_shipped_example_stays_commit_sized(example):
    path, _ = example
    assert path.stat().st_size < 1_000_000


def test_class_names_scale():
    assert class_names(200)[3] == ["3O", "3M"]
    big = class_names(20_000)
    assert len(big[0]) > 13 and len(set(sum(big, []))) == sum(len(y) for y in big)
    assert all(len(f"{c} Summer") <= 31 for y in big for c in y)


def test_a_big_school_generates_quickly():
    start = time.perf_counter()
    data = generate_school(pupils=2_000, seed=1)
    assert time.perf_counter() - start < 10
    assert len(data.pupils) == 2_000 and len({p["UPN"] for p in data.pupils}) == 2_000
    assert len({(p["Forename"], p["Surname"]) for p in data.pupils}) == 2_000
    assert len(data.classes) == 70
    assert all(schema.SEN_STATUS.canonical(p["SEN status"]) for p in data.pupils)


def test_school_names_are_plausible_different_and_deterministic():
    names = school_names(40)
    assert names == school_names(40) and names != school_names(40, seed=1)
    assert len(set(names)) == 40
    assert all("Primary" in n for n in names)
    assert sum(" CE " in n or "Catholic" in n for n in names) >= 8     # church schools too
    assert len(set(school_names(MOST_SCHOOLS))) == MOST_SCHOOLS
    with pytest.raises(ValueError):
        school_names(MOST_SCHOOLS + 1)


def test_a_trust_of_schools_each_its_own_and_each_clean(tmp_path):
    paths = write_trust(tmp_path / "trust", 3, pupils=40, seed=11, workers=2)
    names = school_names(3, seed=11)
    assert paths == [trust_file(tmp_path / "trust", n) for n in names]
    maps = [provmap.load(p) for p in paths]
    assert [m.settings.school for m in maps] == names
    assert {m.settings.academic_year for m in maps} == {"2025-26"}
    assert all(len(m.pupils) == 40 for m in maps)
    upns = [set(m.pupils) for m in maps]
    assert not (upns[0] & upns[1] or upns[0] & upns[2] or upns[1] & upns[2])
    for m in maps:
        assert [p for p in provmap.check(m) if p.severity is Severity.ERROR] == []
    again = write_trust(tmp_path / "again", 3, pupils=40, seed=11, workers=1)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]


def test_make_example_writes_a_trust(tmp_path):
    spec = importlib.util.spec_from_file_location("make_example", MAKE_EXAMPLE)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main(["--trust", "2", "--pupils", "30", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == sorted(
        trust_file(tmp_path, n).name for n in school_names(2))


# --- the example school over two years ------------------------------------------------------


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    paths = write_history(tmp_path_factory.mktemp("years"), pupils=200, seed=2025, years=2)
    return [provmap.load(p) for p in paths]


def _by_upn(rows):
    out = {}
    for r in rows:
        out.setdefault((r.upn, r.provision), []).append(r)
    return out


def test_both_years_check_with_no_errors_and_the_earlier_with_no_warnings(two_years):
    earlier, later = two_years
    assert (earlier.settings.academic_year, later.settings.academic_year) == ("2024-25", "2025-26")
    assert earlier.settings.school == later.settings.school
    for m in two_years:
        assert [p for p in provmap.check(m) if p.severity is Severity.ERROR] == []
    assert [p for p in provmap.check(earlier) if p.severity is Severity.WARNING] == []


def test_the_own_year_is_the_one_generate_school_makes(two_years, example):
    _, later = two_years
    _, alone = example
    assert later.pupils.keys() == alone.pupils.keys()
    assert [(r.sheet, r.upn, r.provision, r.pre, r.post) for r in later.provision_rows()] == \
        [(r.sheet, r.upn, r.provision, r.pre, r.post) for r in alone.provision_rows()]


def test_the_same_children_a_year_younger(two_years):
    earlier, later = two_years
    stay = earlier.pupils.keys() & later.pupils.keys()
    assert len(stay) == len(later.pupils) - 29            # the Reception children are new
    for upn in stay:
        a, b = earlier.pupils[upn], later.pupils[upn]
        assert (a.forename, a.surname, a.date_of_birth) == (b.forename, b.surname,
                                                            b.date_of_birth)
        younger = YEARS[YEARS.index(b.year_group) - 1]
        assert a.year_group == younger
        assert a.class_name == younger + b.class_name[len(b.year_group):]    # 4O -> 3O
    starters = later.pupils.keys() - earlier.pupils.keys()
    leavers = earlier.pupils.keys() - later.pupils.keys()
    assert {later.pupils[u].year_group for u in starters} == {"R"}
    assert {earlier.pupils[u].year_group for u in leavers} == {"6"}
    assert 20 <= len(leavers) <= 35
    assert all(has_valid_check_letter(u) for u in leavers)
    names = [(p.forename, p.surname) for m in two_years for p in m.pupils.values()]
    assert len(set(names)) == len(earlier.pupils.keys() | later.pupils.keys())


def test_the_sen_register_mostly_carries_over(two_years):
    earlier, later = two_years
    stay = earlier.pupils.keys() & later.pupils.keys()
    on = {u for u in stay if later.pupils[u].sen_status in ("K", "E")}
    already = {u for u in on if earlier.pupils[u].sen_status in ("K", "E")}
    assert 0.6 <= len(already) / len(on) < 1                  # some newly identified
    for u in already:
        assert earlier.pupils[u].primary_need == later.pupils[u].primary_need


def test_continue_in_the_summer_is_the_same_provision_in_the_next_autumn(two_years):
    earlier, later = two_years
    summer = [r for r in earlier.provision_rows("Summer")]
    autumn = _by_upn(r for r in later.provision_rows("Autumn"))
    carried = [r for r in summer if r.next_step == "Continue"]
    assert len(carried) > 20
    assert {r.next_step for r in summer} >= {"Continue", "Stop", "Change"}
    for r in carried:
        [then] = autumn[(r.upn, r.provision)]
        assert then.pre == r.post
        assert then.target == r.target


def test_the_earlier_year_is_finished(two_years):
    earlier, _ = two_years
    assert earlier.terms_with_provision == ["Autumn", "Spring", "Summer"]
    measured = [r for r in earlier.provision_rows()
                if earlier.provision(r.provision).type != schema.QFT]
    assert measured and all(r.pre is not None and r.post is not None and r.outcome
                            and r.next_step for r in measured)
    reviews = [r for r in earlier.review_rows("Summer")]
    assert reviews and all(r.attendance is not None for r in reviews)
    assert provmap.rollup(earlier).term == "Summer"


def test_history_is_deterministic_and_any_size_works(tmp_path):
    a = write_history(tmp_path / "a", pupils=60, seed=4, years=3)
    b = write_history(tmp_path / "b", pupils=60, seed=4, years=3)
    assert [p.name for p in a] == ["Provision map 2023-24.xlsx", "Provision map 2024-25.xlsx",
                                   "Provision map 2025-26.xlsx"]
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    one = write_example(tmp_path / "one.xlsx", pupils=60, seed=4, year="2024-25")
    assert one.read_bytes() == a[1].read_bytes()
    for p in a[:2]:
        m = provmap.load(p)
        assert [x for x in provmap.check(m) if x.severity is not Severity.INFO] == []
    with pytest.raises(ValueError):
        generate_school(year="2026-27")


def test_a_big_school_has_a_history_quickly():
    start = time.perf_counter()
    history = generate_history(pupils=2_000, seed=1, years=2)
    assert time.perf_counter() - start < 20
    earlier = history["2024-25"]
    upns = [p["UPN"] for p in earlier.pupils]
    assert len(set(upns)) == len(upns) and all(has_valid_check_letter(u) for u in upns)


def test_make_example_writes_both_years_by_default(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_example", MAKE_EXAMPLE)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "WORKBOOKS", tmp_path)
    assert script.main([]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Provision map 2024-25.xlsx",
                                                           "Provision map 2025-26.xlsx"]
    assert script.main(["--year", "2024-25", "--pupils", "30", "--out",
                        str(tmp_path / "x.xlsx")]) == 0
    assert provmap.load(tmp_path / "x.xlsx").settings.academic_year == "2024-25"


# --- nothing impossible on paper ------------------------------------------------------------


def test_no_score_passes_its_measures_highest(two_years):
    """What reaches parents is possible: no phonics check over 40, no 12 of 10 targets."""
    for m in two_years:
        highest = {p.name: p.highest_score for p in m.provisions.values()}
        assert highest["Phonics catch-up group"] == 40
        assert highest["Speech and language therapy"] == 10
        for r in m.provision_rows():
            top = highest.get(r.provision)
            if top is not None:
                assert r.pre is None or 0 <= r.pre <= top, (r.sheet, r.row)
                assert r.post is None or 0 <= r.post <= top, (r.sheet, r.row)
        assert not [p for p in provmap.check(m) if p.code == "score-above-highest"]


def test_a_pupils_text_calls_them_he_or_she_never_both(two_years):
    import re
    for m in two_years:
        words: dict[str, set[str]] = {}
        for r in m.review_rows():
            text = " ".join(t or "" for t in (*(t for t, _ in r.targets), r.staff_views,
                                               r.parent_views, r.pupil_views))
            words.setdefault(r.upn, set()).update(re.findall(r"\b(he|she)\b", text.lower()))
        assert any(words.values())
        assert all(len(w) <= 1 for w in words.values())


def test_each_professional_has_one_role_in_a_year(two_years):
    for m in two_years:
        roles: dict[str, set[str]] = {}
        for r in m.professionals:
            roles.setdefault(r.name, set()).add(r.role_or_service)
        assert len(roles) >= 4 and all(len(rs) == 1 for rs in roles.values())


def test_the_example_has_a_senco_and_a_glossary_row(two_years, tmp_path):
    for m in two_years:
        assert m.settings.senco and m.settings.senco.startswith("M")
        assert set(m.settings.glossary) == {"WTS"}
    schools = write_trust(tmp_path, 3, pupils=40, workers=1)
    assert len({provmap.load(p).settings.senco for p in schools}) == 3


def test_the_shipped_workbooks_are_what_make_example_writes(two_years):
    """workbooks/ is regenerated whenever the generator changes (python scripts/make_example.py)."""
    shipped = Path(__file__).resolve().parent.parent / "workbooks"
    for m in two_years:
        ship = provmap.load(shipped / f"Provision map {m.settings.academic_year}.xlsx")
        assert [(r.sheet, r.upn, r.provision, r.pre, r.post, r.outcome, r.next_step)
                for r in ship.provision_rows()] == \
            [(r.sheet, r.upn, r.provision, r.pre, r.post, r.outcome, r.next_step)
             for r in m.provision_rows()]
        assert ship.settings == m.settings
        assert ship.professionals and [(r.upn, r.name) for r in ship.professionals] == \
            [(r.upn, r.name) for r in m.professionals]
