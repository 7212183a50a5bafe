"""Numbers out of range, and every row left out located (workbook-format.md, version 2)."""

from __future__ import annotations

from datetime import date

import pytest

import provmap
from builders import PROVISION_ROWS, PROVISIONS, PUPILS, REVIEW_ROWS, STAFF
from invariants import unlocated_exclusions
from provmap.cli import main
from provmap.upn import with_check_letter


def _problems(path, code):
    return [p for p in provmap.check(provmap.load(path)) if p.code == code]


def _with(rows, i, **cells):
    rows = [dict(r) for r in rows]
    rows[i].update(cells)
    return rows


def test_negative_minutes_is_an_error_at_the_cell_and_the_row_is_left_out(make_workbook):
    path = make_workbook(sheets={"3O Autumn": {
        "provision": _with(PROVISION_ROWS, 0, **{"Minutes per session": -30}),
        "review": REVIEW_ROWS}})
    [p] = _problems(path, "negative-number")
    # Minutes per session is the 8th provision-table column (H); the header is row 1.
    assert (p.severity, p.sheet, p.cell) == ("error", "3O Autumn", "H2")
    assert p.message == ("Minutes per session is -30: a session cannot last less than "
                         "nothing.")
    assert p.hint == "type the minutes per session as a positive number"
    r = provmap.rollup(provmap.load(path))
    assert list(zip(r.excluded["sheet"], r.excluded["row"])) == [("3O Autumn", 2)]
    assert (r.rows["minutes_per_session"].fillna(0) >= 0).all()


def test_resource_cost_1e308_is_refused_and_every_row_using_it_is_located(make_workbook,
                                                                          tmp_path):
    provisions = _with(PROVISIONS, 1, **{"Resource cost": 1e308})      # Lego therapy
    path = make_workbook(provisions=provisions)
    problems = provmap.check(provmap.load(path))
    [big] = [p for p in problems if p.code == "number-too-large"]
    assert (big.sheet, big.cell) == ("Provisions", "H3")
    relies = [(p.sheet, p.cell) for p in problems if p.code == "relies-on-error"]
    # Aisha Khan and Leo Brown are on Lego therapy on rows 3 and 4 (Provision is column C).
    assert relies == [("3O Autumn", "C3"), ("3O Autumn", "C4")]
    assert main(["check", str(path)]) == 1
    out = tmp_path / "out"
    assert main(["rollup", str(path), "--out", str(out)]) == 0
    assert main(["governors", str(path), "--out", str(out)]) == 0
    r = provmap.rollup(provmap.load(path))
    assert set(r.excluded["row"]) == {3, 4}
    assert r.summary["cost_term"] < 1e6


def test_two_pupils_of_one_name_are_reported_at_every_row_that_uses_the_name(make_workbook):
    pupils = _with(PUPILS, 3, Forename="Grace", Surname="Jones", Class="4B")
    pupils.append({"UPN": with_check_letter("823400100005"), "Forename": "Grace",
                   "Surname": "Jones", "Year group": "4", "Class": "4B", "SEN status": "N"})
    rows = PROVISION_ROWS + [{"Pupil": "Grace Jones", "Provision": "Lego therapy"},
                             {"Pupil": "grace  jones", "Provision": "Visual timetable"}]
    path = make_workbook(pupils=pupils, sheets={
        "3O Autumn": {"provision": rows, "review": REVIEW_ROWS},
        "4B Autumn": {"provision": [], "review": []}},
        extra={"Professionals": [["Pupil", "Name", "Role or service"],
                                 ["Grace Jones", "Dr Ahmed", "Educational psychologist"]]})
    places = [(p.sheet, p.cell) for p in _problems(path, "ambiguous-pupil")]
    assert ("3O Autumn", "A6") in places and ("3O Autumn", "A7") in places
    assert ("Professionals", "A2") in places
    assert not unlocated_exclusions(path)


def test_a_pupil_with_a_wrong_upn_check_letter_is_located_at_each_of_their_rows(make_workbook):
    pupils = _with(PUPILS, 0, UPN="A" + PUPILS[0]["UPN"][1:])          # wrong check letter
    rows = _with(PROVISION_ROWS, 0, UPN=None)
    path = make_workbook(pupils=pupils, sheets={"3O Autumn": {"provision": rows,
                                                              "review": REVIEW_ROWS}})
    relies = _problems(path, "relies-on-error")
    assert [(p.sheet, p.cell) for p in relies] == [("3O Autumn", "A2")]
    assert "check letter" in relies[0].message and relies[0].hint.startswith("fix Pupils A2")
    assert not unlocated_exclusions(path)


def test_the_invariant_can_fail(make_workbook, monkeypatch):
    """Without the check that says at each row that its staff member has no hourly cost, the
    rollup still leaves those rows out (it cannot cost them) and the invariant finds them
    unlocated: the invariant is not a test that cannot fail."""
    from provmap import checks
    from provmap.checks import references
    path = make_workbook(staff=_with(STAFF, 1, **{"Hourly cost": None}))     # Mrs Patel
    monkeypatch.setattr(checks, "CHECKS", tuple(c for c in checks.CHECKS
                                                if c is not references.staff_known))
    assert len(unlocated_exclusions(path)) == 2                 # the two Lego therapy rows
    monkeypatch.undo()
    assert not unlocated_exclusions(path)


@pytest.mark.parametrize("column, value, code", [
    ("Sessions per week", -1, "negative-number"),
    ("Weeks", -12, "negative-number"),
    ("Group size", -3, "negative-number"),
    ("Cost", -10, "negative-number"),
    ("Weeks", 2_000_000, "number-too-large"),
    ("Cost", 1e308, "number-too-large"),
    ("Pre", 1e308, "number-too-large"),
    ("Sessions per week", "nan", "not-a-number"),
    ("Minutes per session", "9" * 400, "not-a-number"),
])
def test_errors_for_counts_durations_and_money(make_workbook, column, value, code):
    path = make_workbook(sheets={"3O Autumn": {
        "provision": _with(PROVISION_ROWS, 0, **{column: value}), "review": REVIEW_ROWS}})
    found = [p for p in provmap.check(provmap.load(path)) if p.code == code]
    assert found and found[0].severity == "error" and found[0].sheet == "3O Autumn"
    assert found[0].row == 2
    r = provmap.rollup(provmap.load(path))
    assert 2 in set(r.excluded["row"])


@pytest.mark.parametrize("column, value, words", [
    ("Minutes per session", 300, "Minutes per session is 300: is this right?"),
    ("Sessions per week", 30, "Sessions per week is 30: is this right?"),
    ("Weeks", 45, "Weeks is 45: is this right?"),
    ("Group size", 35, "Group size is 35: is this right?"),
])
def test_warnings_for_unlikely_values_keep_the_row(make_workbook, column, value, words):
    path = make_workbook(sheets={"3O Autumn": {
        "provision": _with(PROVISION_ROWS, 1, **{column: value}), "review": REVIEW_ROWS}})
    [p] = _problems(path, "unlikely-number")
    assert p.severity == "warning" and p.message.startswith(words) and p.row == 3
    r = provmap.rollup(provmap.load(path))
    assert r.excluded.empty


def test_staff_and_resource_warnings_and_attendance(make_workbook):
    staff = _with(STAFF, 0, **{"Hourly cost": 4})
    provisions = _with(PROVISIONS, 1, **{"Resource cost": 12_000})
    reviews = _with(REVIEW_ROWS, 0, Attendance="105%")
    reviews = _with(reviews, 1, Attendance=-3)
    path = make_workbook(staff=staff, provisions=provisions,
                         sheets={"3O Autumn": {"provision": PROVISION_ROWS, "review": reviews}})
    found = [(p.sheet, p.message.split(":")[0]) for p in _problems(path, "unlikely-number")]
    assert ("Staff", "Hourly cost is 4") in found
    assert ("Provisions", "Resource cost is 12,000") in found
    assert ("3O Autumn", "Attendance is 105%") in found
    assert ("3O Autumn", "Attendance is -3%") in found
    m = provmap.load(path)
    assert [r.attendance for r in m.review_rows()][:2] == [1.05, -0.03]


def test_scores_against_their_measure_and_dates_against_the_year(make_workbook):
    provisions = PROVISIONS + [{"Provision": "Reading recovery", "Type": "1:1",
                                "Area of need": "C&L", "Delivered by": "TA",
                                "Sessions per week": 3, "Minutes per session": 30, "Weeks": 10,
                                "Measure": "Standardised reading", "Measure kind": "standardised"}]
    rows = _with(PROVISION_ROWS, 0, Pre="1y 6m", **{"Start date": date(2027, 3, 1)})
    rows.append({"Pupil": "Leo Brown", "Provision": "Reading recovery", "Pre": 85, "Post": 170})
    path = make_workbook(provisions=provisions,
                         sheets={"3O Autumn": {"provision": rows, "review": REVIEW_ROWS}})
    scores = [(p.cell, p.message) for p in _problems(path, "unlikely-score")]
    assert [c for c, _ in scores] == ["O2", "P6"]
    assert "1y 6m" in scores[0][1] and "170" in scores[1][1]
    [d] = _problems(path, "date-outside-year")
    assert d.cell == "L2" and "01/03/2027" in d.message


def test_a_year_pandas_cannot_hold_does_not_stop_the_rollup(make_workbook, tmp_path):
    rows = _with(PROVISION_ROWS, 0, **{"Start date": "01/09/2300", "End date": "1/1/1901"})
    path = make_workbook(sheets={"3O Autumn": {"provision": rows, "review": REVIEW_ROWS}})
    assert main(["rollup", str(path), "--out", str(tmp_path)]) == 0


def test_settings_out_of_range_are_refused_with_the_default_used(make_workbook):
    path = make_workbook(settings={"Notional SEN threshold": -6000,
                                   "Suppress counts below": 1e308})
    m = provmap.load(path)
    bad = [p for p in m.problems if p.code == "bad-setting"]
    assert len(bad) == 2 and all(p.sheet == "Settings" and p.cell for p in bad)
    assert m.settings.threshold == 6000 and m.settings.suppress_below == 5


def test_names_typed_by_staff_never_make_a_path(make_workbook, tmp_path):
    """A surname like '../../x' or a 300-character school name still gives files inside
    the output folder, with names the file system accepts."""
    pupils = _with(PUPILS, 0, Surname="../../Smith", Forename="Jo/nathan")
    rows = _with(PROVISION_ROWS, 0, Pupil="Jo/nathan ../../Smith")
    path = make_workbook(pupils=pupils, settings={"School": "Oak " * 80},
                         sheets={"3O Autumn": {"provision": rows, "review": REVIEW_ROWS}})
    out = tmp_path / "out"
    assert main(["rollup", str(path), "--out", str(out)]) == 0
    assert main(["pop", str(path), "--out", str(out / "POPs")]) == 0
    written = sorted(p.relative_to(out) for p in out.rglob("*.xlsx"))
    assert len(written) == 5 and all(len(p.name) < 255 for p in written)
    assert out / "POPs" / "3O" / "Smith Jo-nathan G823400100001.xlsx" in \
        {out / p for p in written}
