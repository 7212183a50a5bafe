"""What printed documents owe their reader: the SENCo setting, Glossary rows and the key,
the "produced on" line; and the Provisions sheet's Highest score, which `check` holds
every Pre and Post to."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings, strategies as st

import openpyxl
from builders import PROVISION_ROWS, PROVISIONS, REVIEW_ROWS

import provmap
from provmap import glossary
from provmap.workbook.newyear import new_year
from provmap.workbook.standard import new_workbook

GLOSSARY_ROWS = {"SENCo": "Mrs A. Shah, 01632 960123",
                 "Glossary: WTS": "working towards (our words)",
                 "Glossary:  Nessy ": "a computer spelling programme",
                 "glossary: wts": "a second row for the same code",
                 "Glossary: ": "a row with no code",
                 "Glossary: PIVATS": None}


def test_the_senco_and_glossary_rows_are_read(make_workbook):
    settings = {**GLOSSARY_ROWS, "Glossary: PIVATS": " "}
    m = provmap.load(make_workbook(settings=settings))
    s = m.settings
    assert s.senco == "Mrs A. Shah, 01632 960123"
    assert s.glossary == {"WTS": "working towards (our words)",
                          "Nessy": "a computer spelling programme"}
    said = {(p.code, p.cell): p for p in m.problems if p.sheet == "Settings"}
    # Settings rows: School, Academic year, Terms, 6 dates, then the rows above (row 11 on)
    assert said[("missing-value", "A14")].message.endswith("given twice; the first (row 12) "
                                                           "is used.")
    assert "names no code" in said[("missing-value", "A15")].message
    assert said[("missing-value", "B16")].message == ("Glossary: PIVATS has no meaning, so "
                                                      "the key leaves it out.")
    assert all(p.severity == "warning" for p in said.values())


def test_without_the_rows_nothing_changes(make_workbook):
    m = provmap.load(make_workbook())
    assert m.settings.senco is None and m.settings.glossary == {}
    assert not [p for p in m.problems if p.sheet == "Settings"]


def test_the_glossary_merges_the_schools_rows_over_the_common_codes(make_workbook):
    s = provmap.load(make_workbook(settings={"Glossary: wts": "working towards (our words)",
                                             "Glossary: Nessy": "a spelling programme"})
                     ).settings
    g = glossary.glossary(s)
    assert g["wts"] == "working towards (our words)" and "WTS" not in g
    assert g["Nessy"] == "a spelling programme"
    assert g["EXS"] == "working at the expected standard"
    assert g["SLCN"] == "speech, language and communication needs"      # from the schema
    assert g["NSA"].startswith("SEN support")                           # capitals kept
    for code in ("WTS", "EXS", "GDS", "PKS", "HLTA", "ELSA", "SALT", "SDQ", "Boxall", "EHCP",
                 "SENCo", "QFT"):
        assert code in glossary.COMMON


def test_a_document_keys_only_the_codes_it_prints(make_workbook):
    s = provmap.load(make_workbook(settings={"Glossary: Nessy": "a spelling programme"})
                     ).settings
    key = glossary.codes_in(["Reading: WTS, Maths: EXS", "Delivered by the HLTA and SALT",
                             None, "Nessy twice a week; 1:1 with the TA",
                             "TALKING and SALTY and EXSTRA are not codes"], s)
    assert [code for code, _ in key] == ["WTS", "EXS", "TA", "HLTA", "SALT", "1:1", "Nessy"]


def test_the_produced_on_line(make_workbook):
    s = provmap.load(make_workbook(settings={"SENCo": "Mrs A. Shah, 01632 960123"})).settings
    assert glossary.produced_by(s, date(2026, 7, 3)) == (
        "Produced on 3 July 2026 by Oak Tree Primary (SENCo: Mrs A. Shah, 01632 960123).")
    s = provmap.load(make_workbook()).settings
    assert glossary.produced_by(s, date(2026, 7, 3)) == ("Produced on 3 July 2026 by Oak Tree "
                                                         "Primary.")


def test_new_writes_the_senco_row_and_the_highest_score_column(tmp_path):
    path = new_workbook(tmp_path / "new.xlsx", "Oak Tree Primary", "2025-26")
    wb = openpyxl.load_workbook(path)
    settings = [row[0] for row in wb["Settings"].iter_rows(values_only=True)]
    assert "SENCo" in settings
    header = [c.value for c in wb["Provisions"][1]]
    assert header[-2:] == ["Highest score", "Why chosen"]      # optional columns at the end
    m = provmap.load(path)
    assert m.provision("Phonics catch-up group").highest_score == 40
    assert m.provision("Speech and language therapy").highest_score == 10
    assert m.provision("Precision teaching").highest_score is None


def test_new_year_carries_the_senco_the_glossary_and_highest_scores(make_workbook, tmp_path):
    provisions = [dict(p) for p in PROVISIONS]
    provisions[1]["Highest score"] = 50
    last = make_workbook(settings={"SENCo": "Mrs A. Shah", "Glossary: Nessy": "a programme"},
                         provisions=provisions)
    new_year(last, tmp_path / "next.xlsx")
    m = provmap.load(tmp_path / "next.xlsx")
    assert m.settings.senco == "Mrs A. Shah"
    assert m.settings.glossary == {"Nessy": "a programme"}
    assert m.provision("Lego therapy").highest_score == 50
    assert not [p for p in m.problems if p.sheet == "Settings"]


def test_check_warns_at_a_score_above_the_highest(make_workbook):
    provisions = [dict(p) for p in PROVISIONS]
    provisions[1]["Highest score"] = 25          # Lego therapy, Boxall profile
    rows = [dict(r) for r in PROVISION_ROWS]
    rows[1].update({"Pre": 20, "Post": 26})      # Aisha: Post above 25
    rows[2].update({"Pre": 25, "Post": 25})      # Leo: at the highest, fine
    path = make_workbook(provisions=provisions,
                         sheets={"3O Autumn": {"provision": rows, "review": REVIEW_ROWS}})
    found = [p for p in provmap.check(provmap.load(path)) if p.code == "score-above-highest"]
    assert [(p.severity, p.sheet, p.cell) for p in found] == [("warning", "3O Autumn", "P3")]
    assert found[0].message == ("Post for Lego therapy is 26, above the highest score of "
                                "Boxall profile (25, on the Provisions sheet): is this right?")
    # a warning, not an error: the row stays in the numbers
    r = provmap.rollup(provmap.load(path))
    assert r.excluded.empty


@settings(max_examples=400)
@given(st.text(alphabet="SENCo1:_ éx\n-", max_size=30),
       st.sampled_from(["SEN", "SENCo", "1:1", "EHC plan", "é", "_x"]))
def test_a_whole_word_is_what_the_pattern_finds(text, code):
    import re
    from provmap.glossary import whole_word_in
    assert whole_word_in(code, text) == bool(re.search(rf"(?<!\w){re.escape(code)}(?!\w)", text))
