"""The school's words: one way to say each thing, used by every report and check."""

from __future__ import annotations

from datetime import date

from hypothesis import given, strategies as st

from provmap import words


def test_statuses_and_the_register():
    assert words.ON_REGISTER == ("K", "E")
    assert [words.on_register(s) for s in ("K", "E", "N", None, "")] == \
        [True, True, False, False, False]
    assert words.status_words("E") == "Education, health and care plan (E)"
    assert words.status_words("X") == "X"
    assert words.status_words(None) == "Not recorded"


def test_year_groups_needs_and_dates():
    assert [words.year_group_words(y) for y in ("R", "N", "3", "Y7?", None)] == \
        ["Reception", "Nursery", "Year 3", "Y7?", "Not recorded"]
    assert words.need_words("SPLD") == "Specific learning difficulty (SPLD)"
    assert words.need_words("ZZZ") == "ZZZ" and words.need_words(None) is None
    assert words.need_and_area("SPLD") == \
        "Specific learning difficulty (SPLD), in cognition and learning"
    assert words.need_and_area("SEMH") == "Social, emotional and mental health (SEMH)"
    assert words.date_words(date(2025, 9, 3)) == "3 Sep 2025"
    assert words.date_words(None) == "Not recorded"


def test_numbers():
    assert [words.attendance_words(v) for v in (0.96, 0.955, 1.0, None)] == \
        ["96%", "95.5%", "100%", None]
    assert [words.number_words(v) for v in (7.0, 7.5, 1234.567, 86, None)] == \
        ["7", "7.5", "1,234.57", "86", None]
    assert words.number_words(120, digits=0) == "120"          # no digits to strip
    assert [words.count_words(v) for v in (3.0, 2.5, 1_200_000.0)] == ["3", "2.5", "1,200,000"]


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 \t", max_size=20))
def test_tidy_upn_has_no_spaces_and_capitals(text):
    tidy = words.tidy_upn(text)
    assert tidy == tidy.upper() and not any(c.isspace() for c in tidy)
    assert words.tidy_upn(tidy) == tidy


def test_find_upn_ignores_spaces_and_case():
    register = {"A123456789012": object(), "b123456789012": object()}
    assert words.find_upn(register, " a123 4567 89012 ") == "A123456789012"
    assert words.find_upn(register, "B123456789012") == "b123456789012"
    assert words.find_upn(register, "C123456789012") is None


def test_year_groups_in_school_order():
    typed = ["6", "R", "Year 13?", "10", "N", "1"]
    assert sorted(typed, key=words.year_group_order) == ["N", "R", "1", "6", "10", "Year 13?"]


def test_names_match_whatever_their_case_and_spacing():
    assert words.match_key("  Lego   THERAPY ") == words.match_key("lego therapy") == "lego therapy"
    assert words.match_key(None) == ""
    assert words.match_key("3O") != words.match_key("3 O")
