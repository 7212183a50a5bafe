"""Numbers as staff type them (import.md, section 2): `3 x weekly`, `20 mins`, `£1.2k`.

Properties of the one parser (provmap.values.parse_amount), the reader's information said
once per sheet and column, what stays an error, and the example school with a third of its
number cells in words checking clean and rolling up to exactly the same figures.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import provmap
from builders import PROVISION_ROWS, PROVISIONS, STAFF
from figures import TODAY, differences
from provmap.dev.example import SCHOOL, YEAR, generate_school
from provmap.dev.staff_words import in_words, rewrite
from provmap.problems import Code
from provmap.schema import Unit
from provmap.values import BadValue, parse_amount, parse_number
from provmap.workbook.standard import new_workbook

EXAMPLE = Path(__file__).parent.parent / "workbooks" / "Provision map 2025-26.xlsx"
MONEY_UNITS = (Unit.MONEY, Unit.MONEY_PER_HOUR, Unit.MONEY_PER_TERM)
counts = st.integers(0, 400).map(float) | st.decimals(0, 400, places=2).map(float)


# --- the parser ----------------------------------------------------------------------------

@pytest.mark.parametrize("typed, unit, number", [
    ("3 x weekly", Unit.SESSIONS, 3), ("3x a week", Unit.SESSIONS, 3),
    ("3 per week", Unit.SESSIONS, 3), ("3 times a week", Unit.SESSIONS, 3),
    ("3/wk", Unit.SESSIONS, 3), ("daily", Unit.SESSIONS, 5), ("Weekly", Unit.SESSIONS, 1),
    ("once a week", Unit.SESSIONS, 1), ("twice a week", Unit.SESSIONS, 2),
    ("twice weekly", Unit.SESSIONS, 2), ("fortnightly", Unit.SESSIONS, 0.5),
    ("20 mins", Unit.MINUTES, 20), ("20 minutes", Unit.MINUTES, 20), ("20m", Unit.MINUTES, 20),
    ("20 min", Unit.MINUTES, 20), ("1 hour", Unit.MINUTES, 60), ("1 hr", Unit.MINUTES, 60),
    ("1h", Unit.MINUTES, 60), ("1h30", Unit.MINUTES, 90), ("1 hour 30", Unit.MINUTES, 90),
    ("1.5 hours", Unit.MINUTES, 90), ("90 mins", Unit.MINUTES, 90),
    ("half an hour", Unit.MINUTES, 30), ("12 weeks", Unit.WEEKS, 12),
    ("12 wks", Unit.WEEKS, 12), ("12w", Unit.WEEKS, 12), ("£12.50", Unit.MONEY, 12.5),
    ("12.50 GBP", Unit.MONEY, 12.5), ("£1.2k", Unit.MONEY, 1200),
    ("£18.50 per hour", Unit.MONEY_PER_HOUR, 18.5), ("£60 per term", Unit.MONEY_PER_TERM, 60),
    ("3 x 20 mins", Unit.SESSIONS, 3), ("3 x 20 mins pw", Unit.MINUTES, 20),
    ("3x20", Unit.MINUTES, 20),
])
def test_the_spec_s_words(typed, unit, number):
    assert parse_amount(typed, unit)[0] == number


@pytest.mark.parametrize("typed, unit, words", [
    ("2-3", Unit.SESSIONS, "is a range"), ("15/20 minutes", Unit.MINUTES, "is a range"),
    ("2 or 3", Unit.SESSIONS, "is a range"), ("as needed", Unit.SESSIONS, "not one certain"),
    ("half term", Unit.WEEKS, "not one certain"), ("a term", Unit.WEEKS, "not one certain"),
    ("weekly as required", Unit.SESSIONS, "not one certain"),
    ("20 mins", Unit.SESSIONS, "is not a number"), ("3 weeks", Unit.SESSIONS, "not a number"),
    ("twelve", Unit.WEEKS, "is not a number"), ("£5 each", Unit.MONEY, "is not a number"),
    ("£18 per hour", Unit.MONEY_PER_TERM, "is not a number"),
])
def test_what_is_not_certain_stays_an_error_that_says_what_is_accepted(typed, unit, words):
    with pytest.raises(BadValue) as exc:
        parse_amount(typed, unit)
    assert words in str(exc.value)
    assert exc.value.hint.startswith("type one ")


@settings(max_examples=300, derandomize=True)
@given(n=counts, unit=st.sampled_from(list(Unit)), seed=st.integers(0, 10_000))
def test_every_form_the_example_writes_reads_back_exactly(n, unit, seed):
    typed = in_words(n, unit, random.Random(seed))
    assert parse_amount(typed, unit)[0] == n


@settings(max_examples=300, derandomize=True)
@given(s=counts, m=counts, per=st.sampled_from(["", " pw", " a week", " weekly"]),
       sep=st.sampled_from([" x ", "x", " times "]), unit=st.sampled_from(["mins", "m",
                                                                          "minutes"]))
def test_sessions_and_minutes_together_fill_both(s, m, per, sep, unit):
    typed = f"{s:g}{sep}{m:g} {unit}{per}"
    for column in (Unit.SESSIONS, Unit.MINUTES):
        n, amount = parse_amount(typed, column)
        assert (amount.sessions, amount.minutes) == (s, m)
        assert n == (s if column is Unit.SESSIONS else m)


@settings(max_examples=300, derandomize=True)
@given(a=st.integers(0, 99), b=st.integers(0, 99), sep=st.sampled_from(["-", " - ", " to ",
                                                                        "/", " or ", "–"]),
       unit=st.sampled_from(list(Unit)), tail=st.sampled_from(["", " mins", " weeks", " x"]))
def test_ranges_are_never_read(a, b, sep, unit, tail):
    with pytest.raises(BadValue):
        parse_amount(f"{a}{sep}{b}{tail}", unit)


@settings(max_examples=500, derandomize=True)
@given(text=st.text(max_size=40), unit=st.sampled_from(list(Unit)))
def test_any_text_is_a_number_or_a_bad_value_never_a_crash(text, unit):
    try:
        n, _ = parse_amount(text, unit)
    except BadValue as exc:
        assert exc.hint
    else:
        assert n is None or (n == n and n >= 0 or text.strip().startswith(("-", "(")))


@settings(max_examples=300, derandomize=True)
@given(n=st.floats(allow_nan=False, allow_infinity=False) | st.integers(), unit=st.sampled_from(
    list(Unit)))
def test_plain_numbers_read_as_before(n, unit):
    for typed in (n, str(n)):
        try:
            before = parse_number(typed)
        except BadValue:
            with pytest.raises(BadValue):
                parse_amount(typed, unit)
        else:
            assert parse_amount(typed, unit) == (before, None)


@settings(max_examples=200, derandomize=True)
@given(h=st.integers(0, 9), m=st.integers(0, 59), style=st.sampled_from(
    ["{h}h{m:02d}", "{h} hour {m}", "{h} hr {m} mins", "{h}h {m}m", "{h} hours and {m} minutes",
     "{h}:{m:02d}"]))
def test_hours_and_minutes(h, m, style):
    assert parse_amount(style.format(h=h, m=m), Unit.MINUTES)[0] == 60 * h + m


@settings(max_examples=200, derandomize=True)
@given(k=st.decimals(0, 999, places=3), unit=st.sampled_from(MONEY_UNITS))
def test_thousands_in_k_are_exact(k, unit):
    assert parse_amount(f"£{k}k", unit)[0] == float(k * 1000)


def _plain(typed: str) -> bool:
    """Read as a number before words were (`£1,200.50`): nothing to say about it."""
    try:
        parse_number(typed)
    except BadValue:
        return False
    return True


# --- in the workbook -----------------------------------------------------------------------

def test_said_once_per_sheet_and_column(make_workbook):
    rows = [dict(PROVISION_ROWS[0], **{"Sessions per week": "3 x weekly", "Weeks": "12 weeks"}),
            dict(PROVISION_ROWS[1], **{"Sessions per week": "daily", "Minutes per session":
                                       "20 mins"}),
            dict(PROVISION_ROWS[2], **{"Sessions per week": "twice a week"})]
    provisions = [dict(p) for p in PROVISIONS]
    provisions[0]["Minutes per session"] = "10 mins"
    staff = [dict(s) for s in STAFF]
    staff[0]["Hourly cost"] = "£18 per hour"
    m = provmap.load(make_workbook(sheets={"3O Autumn": {"provision": rows}},
                                   provisions=provisions, staff=staff))
    said = [(p.sheet, p.cell, p.message) for p in m.problems if p.code is Code.READ_FROM_WORDS]
    assert said == [
        ("Staff", "C2", "Hourly cost: 1 cell written in words was read as a number, e.g. C2 "
                        "'£18 per hour' = £18.00."),
        ("Provisions", "F2", "Minutes per session: 1 cell written in words was read as a "
                             "number, e.g. F2 '10 mins' = 10."),
        ("3O Autumn", "G2", "Sessions per week: 3 cells written in words were read as "
                            "numbers, e.g. G2 '3 x weekly' = 3."),
        ("3O Autumn", "I2", "Weeks: 1 cell written in words was read as a number, e.g. I2 "
                            "'12 weeks' = 12."),
        ("3O Autumn", "H3", "Minutes per session: 1 cell written in words was read as a "
                            "number, e.g. H3 '20 mins' = 20."),
    ]
    [r0, r1, r2] = m.sheets[0].provision_rows
    assert (r0.sessions_per_week, r0.weeks, r1.sessions_per_week, r1.minutes_per_session,
            r2.sessions_per_week) == (3, 12, 5, 20, 2)
    assert m.staff["ta"].hourly_cost == 18 and m.provision("Precision teaching"). \
        minutes_per_session == 10
    assert not [p for p in m.problems if p.is_error]


def test_sessions_and_minutes_in_one_cell(make_workbook):
    rows = [dict(PROVISION_ROWS[1], **{"Sessions per week": "3 x 20 mins"}),
            dict(PROVISION_ROWS[2], **{"Minutes per session": "2 x 30 mins",
                                       "Sessions per week": 4})]
    m = provmap.load(make_workbook(sheets={"3O Autumn": {"provision": rows}}))
    [a, b] = m.sheets[0].provision_rows
    assert (a.sessions_per_week, a.minutes_per_session) == (3, 20)
    assert (b.sessions_per_week, b.minutes_per_session) == (4, 30)
    [p] = [p for p in m.problems if p.is_error]
    assert (p.code, p.cell) == (Code.CONFLICTING_VALUES, "G3")
    assert p.message == ("Minutes per session says '2 x 30 mins' (2 sessions per week) but "
                         "Sessions per week is 4.")


def test_uncertain_words_are_errors_with_what_is_accepted(make_workbook):
    rows = [dict(PROVISION_ROWS[1], **{"Sessions per week": "2-3", "Weeks": "half term"})]
    m = provmap.load(make_workbook(sheets={"3O Autumn": {"provision": rows}}))
    got = {p.cell: (p.code, p.message, p.hint) for p in m.problems}
    assert got["G2"][:2] == (Code.NOT_A_NUMBER, "Sessions per week '2-3' is a range; provmap "
                                                "needs one number.")
    assert "'3 x weekly'" in got["G2"][2] and "'daily' (5)" in got["G2"][2]
    assert got["I2"][1] == "Weeks 'half term' is not one certain number."
    assert got["I2"][2].startswith("type one number of weeks: 12 or '12 weeks'")


def test_an_unreadable_pre_or_post_is_one_error(make_workbook):
    rows = [dict(PROVISION_ROWS[0], Pre="seven", Post="7y 8m"),
            dict(PROVISION_ROWS[1], Pre=20, Post="about 26")]
    m = provmap.load(make_workbook(sheets={"3O Autumn": {"provision": rows}}))
    problems = provmap.check(m, today=TODAY)
    assert not [p for p in problems if p.code in (Code.MISSING_PRE, Code.MISSING_POST)]
    [pre, post] = [p for p in problems if p.is_error and p.code is Code.NOT_A_NUMBER]
    assert pre.message == ("Pre 'seven' is not a number: Reading age is an age, typed as "
                           "7y 2m, 7:02 or a number of months (86).")
    assert post.message == ("Post 'about 26' is not a number: Boxall profile is a score, "
                            "typed as a number (e.g. 92).")


def test_the_example_in_staff_words_checks_clean_and_rolls_up_the_same(tmp_path):
    data = generate_school()
    rewritten = rewrite(data, share=1 / 3, seed=19)
    assert len(rewritten) >= 15
    worded = [t for t in rewritten if not _plain(t)]
    path = new_workbook(tmp_path / "words.xlsx", SCHOOL, YEAR, data=data)
    problems = provmap.check(provmap.load(path), today=TODAY)
    assert [p for p in problems if p.is_error] == []
    said = [p for p in problems if p.code is Code.READ_FROM_WORDS]
    assert sum(int(p.message.split(": ")[1].split()[0]) for p in said) == len(worded)
    assert len(said) == len({(p.sheet, p.message.split(":")[0]) for p in said})
    original = Counter(p.code for p in provmap.check(provmap.load(EXAMPLE), today=TODAY))
    now = Counter(p.code for p in problems if p.code is not Code.READ_FROM_WORDS)
    assert now == original
    assert differences(EXAMPLE, path) == []
