"""The termly rollup worked out by hand: costs to the penny, gains, ratio gains, flags."""

from __future__ import annotations

from datetime import date

import pytest
from builders import PROVISIONS, PUPILS, UPNS

import provmap
from provmap.numbers.rollup import (FLAG_MISSING, FLAG_NO_PROGRESS, FLAG_NO_PROVISION, FLAG_PROVISION,
                             FLAG_THRESHOLD, rollup)
from provmap.upn import with_check_letter

AFTER_AUTUMN = date(2026, 1, 10)
MID_AUTUMN = date(2025, 11, 1)
JONATHAN, AISHA, LEO, MAYA = UPNS
SAM = with_check_letter("823400100005")          # a pupil of class 4P


def _roll(path, term=None, today=AFTER_AUTUMN):
    m = provmap.load(path)
    return rollup(m, term=term, problems=provmap.check(m, today=today), today=today)


def _row(r, upn, provision, term="Autumn"):
    rows = r.rows[(r.rows["upn"] == upn) & (r.rows["provision"] == provision)
                  & (r.rows["term"] == term)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def _pupil(r, upn):
    return r.by_pupil.set_index("UPN").loc[upn]


def test_the_standard_workbook_by_hand(make_workbook):
    r = _roll(make_workbook())
    assert r.term == "Autumn" and r.terms == ["Autumn"]

    # Jonathan: Precision teaching, 1:1 by a TA at £18/h, 3 x 10 min for 12 weeks, no
    # resource: 18 x 10/60 x 3 x 12 = 18 x 0.5 x 12 = £108.00.
    pt = _row(r, JONATHAN, "Precision teaching")
    assert pt["group_size"] == 1 and pt["share"] == pytest.approx(108.00, abs=0.005)
    # Reading age 7y 2m = 86 months, 7y 8m = 92: gain 6 months.  Autumn 3 Sep to 19 Dec
    # 2025 is 107 days = 107 x 12 / 365.25 = 3.5154 months; ratio gain 6 / 3.5154 = 1.7068.
    assert pt["gain"] == 6
    assert pt["months_elapsed"] == pytest.approx(107 * 12 / 365.25)
    assert pt["ratio_gain"] == pytest.approx(1.7068, abs=1e-4)
    assert pt["impact"] == "modest"

    # Lego therapy: one group (blank Group, same sheet) of Aisha and Leo.  Mrs Patel £24/h
    # x 45/60 x 1 x 10 weeks = £180 + £60 resource = £240; a share each = 240 / 2 = £120.
    lego = _row(r, AISHA, "Lego therapy")
    assert (lego["group_size"], lego["group_cost"]) == (2, pytest.approx(240.0))
    assert lego["share"] == pytest.approx(120.00, abs=0.005)
    # Aisha also has Visual timetable, QFT: no staff cost, £5 resource per pupil.
    # Year cost 120 + 5 = £125.00.
    assert _row(r, AISHA, "Visual timetable")["share"] == pytest.approx(5.0)
    assert _pupil(r, AISHA)["Year cost"] == pytest.approx(125.00, abs=0.005)
    assert _pupil(r, LEO)["Year cost"] == pytest.approx(120.00, abs=0.005)
    assert _pupil(r, JONATHAN)["Autumn cost"] == pytest.approx(108.00, abs=0.005)

    # Leo's Boxall 18 -> 18 is no progress; Aisha's 20 -> 26 is +6.
    assert bool(_row(r, LEO, "Lego therapy")["no_progress"])
    assert not bool(lego["no_progress"])
    flags = r.flags[r.flags["UPN"] == LEO]
    assert list(flags["Flag"]) == [FLAG_NO_PROGRESS]
    assert "18 then 18" in flags.iloc[0]["Detail"]
    # 1 of the 2 assessed pupils made none: not "most", so the provision is not flagged.
    byp = r.by_provision.set_index("Provision")
    assert byp.loc["Lego therapy", "Pupils with no progress"] == 1
    assert byp.loc["Lego therapy", "Share making progress"] == pytest.approx(0.5)
    assert byp.loc["Lego therapy", "Flag"] is None
    assert byp.loc["Lego therapy", "Mean gain"] == pytest.approx(3.0)
    assert byp.loc["Precision teaching", "Impact"] == "modest"

    # Totals: 108 + 240 + 5 = £353; all in class 3O; by area C&I 245, C&L 108.
    assert r.summary["cost_term"] == pytest.approx(353.0)
    assert r.by_class.set_index("Class").loc["3O", "Cost"] == pytest.approx(353.0)
    area = r.by_area.set_index("Area of need")["Cost"]
    assert area["Communication and interaction"] == pytest.approx(245.0)
    assert area["Cognition and learning"] == pytest.approx(108.0)
    assert r.summary["pupils_with_provision_by_status"] == {"K": 2, "E": 1, "N": 0}
    assert r.summary["flags_by_kind"][FLAG_NO_PROGRESS] == 1


def _second_school(make_workbook, settings=None, provision_3o=None, provision_4p=None):
    """Two classes, groups across sheets, a typed Group size, a cost override, a
    lower-is-better scale and a standardised test."""
    provisions = PROVISIONS + [
        {"Provision": "SDQ group", "Type": "Wave 2", "Area of need": "SEMH",
         "Delivered by": "TA", "Sessions per week": 2, "Minutes per session": 30, "Weeks": 6,
         "Resource cost": 30, "Measure": "SDQ difficulties", "Measure kind": "score",
         "Higher is better": "N"},
        {"Provision": "Reading catch-up", "Type": "Small group", "Area of need": "C&L",
         "Delivered by": "Teacher", "Sessions per week": 3, "Minutes per session": 20,
         "Weeks": 10, "Resource cost": "£90.00", "Measure": "Standardised score",
         "Measure kind": "standardised"},
    ]
    pupils = PUPILS + [{"UPN": SAM, "Forename": "Sam", "Surname": "Lee", "Year group": "4",
                        "Class": "4P", "SEN status": "K", "Primary need": "MLD"}]
    rows_3o = provision_3o if provision_3o is not None else [
        {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": "7y 2m",
         "Post": "7y 11m", "Start date": "1/10/2025", "End date": date(2025, 12, 10)},
        {"Pupil": "jonathan smith", "Provision": "Reading catch-up", "Group": "RC",
         "Group size": 4, "Pre": 80, "Post": 86},
        {"Pupil": "Khan, Aisha", "Provision": "Reading catch-up", "Group": "rc ", "Pre": 85,
         "Post": 85, "Cost": "£50"},
        {"Pupil": "Leo Brown", "Provision": "SDQ group", "Pre": 20, "Post": 14,
         "Start date": date(2025, 10, 1), "End date": date(2025, 11, 12)},
        {"Pupil": "Maya Jones", "Provision": "SDQ group", "Pre": 12, "Post": 15},
    ]
    rows_4p = provision_4p if provision_4p is not None else [
        {"Pupil": "Sam Lee", "Provision": "Reading catch-up", "Group": "RC", "Pre": 90,
         "Post": 99},
    ]
    return make_workbook(settings=settings, pupils=pupils, provisions=provisions,
                         sheets={"3O Autumn": {"provision": rows_3o},
                                 "4P Autumn": {"provision": rows_4p}})


def test_groups_across_sheets_overrides_and_directions_by_hand(make_workbook):
    r = _roll(_second_school(make_workbook, settings={"Notional SEN threshold": 200}))

    # Reading catch-up group RC spans 3O and 4P: Jonathan, Aisha, Sam = 3 counted, but
    # Group size 4 is typed (a pupil not on this map), so size 4.  Teacher £40/h x 20/60
    # x 3 x 10 = £400 + £90 resource = £490; share 490 / 4 = £122.50.
    rc = _row(r, JONATHAN, "Reading catch-up")
    assert (rc["group_size"], rc["group_cost"]) == (4, pytest.approx(490.0))
    assert rc["share"] == pytest.approx(122.50, abs=0.005)
    assert _row(r, SAM, "Reading catch-up")["share"] == pytest.approx(122.50, abs=0.005)
    # Aisha's hand-typed £50 replaces her share; the group's cost is unchanged.
    aisha = _row(r, AISHA, "Reading catch-up")
    assert bool(aisha["cost_override"]) and aisha["share"] == pytest.approx(50.0)
    assert aisha["computed_share"] == pytest.approx(122.50)
    assert aisha["group_cost"] == pytest.approx(490.0)
    # Standardised scores: gains 6, 0 and 9: mean 5, effect size 5 / 15 = 0.333.
    byp = r.by_provision.set_index("Provision")
    assert byp.loc["Reading catch-up", "Mean gain"] == pytest.approx(5.0)
    assert byp.loc["Reading catch-up", "Effect size (standardised)"] == pytest.approx(1 / 3)
    assert byp.loc["Reading catch-up", "Groups"] == 1
    # Cost = sum of shares on this map: 122.50 + 50 + 122.50 = £295.00; per pupil /3.
    assert byp.loc["Reading catch-up", "Cost"] == pytest.approx(295.0)
    assert byp.loc["Reading catch-up", "Cost per pupil"] == pytest.approx(295.0 / 3)

    # SDQ group (lower is better), blank Group on 3O: Leo and Maya.  TA £18 x 30/60 x 2
    # x 6 = £108 + £30 = £138; share £69.00 each.
    leo = _row(r, LEO, "SDQ group")
    assert leo["share"] == pytest.approx(69.00, abs=0.005)
    # Leo 20 -> 14 on a difficulties scale: gain 20 - 14 = +6.  Maya 12 -> 15: gain -3.
    assert leo["gain"] == 6 and not bool(leo["no_progress"])
    maya = _row(r, MAYA, "SDQ group")
    assert maya["gain"] == -3 and bool(maya["no_progress"])
    # Leo's own dates: 1 Oct to 12 Nov 2025 = 42 days = 42 x 12 / 365.25 months.
    assert leo["months_elapsed"] == pytest.approx(42 * 12 / 365.25)
    # Not a months measure: no ratio gain.
    assert leo["ratio_gain"] != leo["ratio_gain"]          # NaN

    # Precision teaching with dates 1 Oct to 10 Dec = 70 days = 2.2998 months; reading
    # age 86 -> 95, gain 9; ratio 9 / 2.2998 = 3.913: substantial.
    pt = _row(r, JONATHAN, "Precision teaching")
    assert pt["ratio_gain"] == pytest.approx(9 / (70 * 12 / 365.25))
    assert pt["impact"] == "substantial"
    assert r.by_provision.set_index("Provision").loc["Precision teaching", "Impact"] \
        == "substantial"

    # Jonathan's year: 108 + 122.50 = £230.50, above the £200 threshold.
    assert _pupil(r, JONATHAN)["Year cost"] == pytest.approx(230.50, abs=0.005)
    above = r.flags[r.flags["Flag"] == FLAG_THRESHOLD]
    assert list(above["UPN"]) == [JONATHAN]
    assert "£230.50" in above.iloc[0]["Detail"] and "£200.00" in above.iloc[0]["Detail"]
    # Class totals go by the sheet: 4P holds only Sam's £122.50.
    assert r.by_class.set_index("Class").loc["4P", "Cost"] == pytest.approx(122.50)
    assert r.summary["cost_overrides"] == 1


def test_group_size_smaller_than_counted_uses_the_count(make_workbook):
    rows = [{"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Group size": 1},
            {"Pupil": "Leo Brown", "Provision": "Lego therapy"}]
    r = _roll(make_workbook(sheets={"3O Autumn": {"provision": rows}}))
    # 240 / max(1, 2 counted) = 120 each: the group is never costed above its cost.
    assert list(r.rows["share"]) == [pytest.approx(120.0)] * 2
    assert any(p.code == provmap.Code.GROUP_SIZE_SMALLER for p in r.problems)


def test_months_elapsed_falls_back_to_weeks_without_term_dates(make_workbook):
    r = _roll(make_workbook(settings={"Autumn start": None, "Autumn end": None}))
    pt = _row(r, JONATHAN, "Precision teaching")
    # 12 weeks x 12 / 52 = 2.7692 months; 6 / 2.7692 = 2.1667: useful.
    assert pt["months_elapsed"] == pytest.approx(12 * 12 / 52)
    assert pt["ratio_gain"] == pytest.approx(6 / (144 / 52))
    assert pt["impact"] == "useful"


def test_impact_bands_follow_the_setting(make_workbook):
    r = _roll(make_workbook(settings={"Impact bands": "fair from 1, good from 1.5"}))
    assert _row(r, JONATHAN, "Precision teaching")["impact"] == "good"


def test_missing_post_only_once_the_term_is_over(make_workbook):
    rows = [{"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": 86},
            {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Post": 20},
            {"Pupil": "Aisha Khan", "Provision": "Visual timetable"}]
    path = make_workbook(sheets={"3O Autumn": {"provision": rows}})
    during = _roll(path, today=MID_AUTUMN)
    missing = during.flags[during.flags["Flag"] == FLAG_MISSING]
    assert list(missing["UPN"]) == [LEO] and "no Pre" in missing.iloc[0]["Detail"]
    after = _roll(path, today=AFTER_AUTUMN)
    missing = after.flags[after.flags["Flag"] == FLAG_MISSING]
    assert sorted(missing["UPN"]) == sorted([JONATHAN, LEO])
    assert after.summary["term_over"] and not during.summary["term_over"]


def test_error_rows_are_left_out_and_counted(make_workbook):
    rows = [{"Pupil": "Aisha Khan", "Provision": "Lego therapy"},
            {"Pupil": "Leo Brown", "Provision": "Lego therapy"},
            {"Pupil": "Nobody Known", "Provision": "Lego therapy"},
            {"Pupil": "Jonathan Smith", "Provision": "Lego thrapy"}]
    r = _roll(make_workbook(sheets={"3O Autumn": {"provision": rows}}))
    assert sorted(r.excluded["row"]) == [4, 5]
    assert r.excluded["reason"].str.len().min() > 0
    assert r.summary["rows_excluded"] == 2 and r.summary["rows_used"] == 2
    # The unknown pupil does not join the group: 240 / 2.
    assert list(r.rows["share"]) == [pytest.approx(120.0)] * 2
    # Jonathan's only row is left out, so he is a K pupil without provision... no: he has
    # a row this term (with an error), so he is not flagged as having none.
    assert JONATHAN not in set(r.flags.loc[r.flags["Flag"] == FLAG_NO_PROVISION, "UPN"])


def test_year_so_far_and_pupils_without_provision(make_workbook):
    spring = [{"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": 92,
               "Post": 99}]
    path = make_workbook(sheets={
        "3O Autumn": {"provision": [
            {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": 86,
             "Post": 92},
            {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Pre": 20, "Post": 19},
            {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Pre": 18, "Post": 18}]},
        "3O Spring": {"provision": spring}})
    r = _roll(path, today=date(2026, 4, 1))
    assert r.term == "Spring" and r.terms == ["Autumn", "Spring"]
    jon = _pupil(r, JONATHAN)
    # 108 in each term, year 216.
    assert (jon["Autumn cost"], jon["Spring cost"], jon["Year cost"]) == (
        pytest.approx(108), pytest.approx(108), pytest.approx(216))
    # Aisha (E) and Leo (K) have nothing in Spring.
    none = r.flags[r.flags["Flag"] == FLAG_NO_PROVISION]
    assert sorted(zip(none["UPN"], none["Term"])) == sorted([(AISHA, "Spring"), (LEO, "Spring")])
    # Lego therapy in Autumn: both assessed pupils made no progress: provision flagged.
    prov = r.flags[r.flags["Flag"] == FLAG_PROVISION]
    assert list(prov["Provision"]) == ["Lego therapy"] and list(prov["Term"]) == ["Autumn"]
    assert "2 of 2" in prov.iloc[0]["Detail"]
    # By provision covers the rollup term only.
    assert list(r.by_provision["Provision"]) == ["Precision teaching"]
    assert r.summary["cost_year"] == pytest.approx(108 + 240 + 108)
    assert r.summary["cost_term"] == pytest.approx(108)
    # An earlier term can be asked for, and its year so far stops there.
    autumn = rollup(provmap.load(path), term="autumn", today=date(2026, 4, 1))
    assert autumn.term == "Autumn" and autumn.terms == ["Autumn"]
    with pytest.raises(ValueError, match="Winter"):
        rollup(provmap.load(path), term="Winter")


def test_every_flagged_pupil_has_a_reason(make_workbook):
    r = _roll(_second_school(make_workbook, settings={"Notional SEN threshold": 100}))
    flagged = r.by_pupil[r.by_pupil["Flags"].notna()]
    assert len(flagged)
    for _, p in flagged.iterrows():
        mine = r.flags[r.flags["UPN"] == p["UPN"]]
        assert set(p["Flags"].split("; ")) == set(mine["Flag"])
        assert mine["Detail"].str.len().min() > 10
