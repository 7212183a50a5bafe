from pathlib import Path

from provmap.problems import CATALOGUE, Code, codes_markdown


def test_every_code_is_documented_and_the_docs_are_current():
    assert set(CATALOGUE) == set(Code)
    docs = Path(__file__).parent.parent / "docs" / "problem-codes.md"
    assert docs.read_text() == codes_markdown(), "run: python -m provmap.problems > docs/problem-codes.md"


# --- docs/workbook-format.md: the staff guide's tables come from the schema ----------------

import re  # noqa: E402

from provmap import schema  # noqa: E402
from provmap.dev import schema_doc  # noqa: E402

DOCS = Path(__file__).parent.parent / "docs"


def test_the_workbook_guide_tables_are_current():
    text = (DOCS / "workbook-format.md").read_text()
    assert schema_doc.refresh(text) == text, "run: python -m provmap.dev.schema_doc"


def test_the_workbook_guide_has_every_table_and_choice_list():
    text = (DOCS / "workbook-format.md").read_text()
    names = schema_doc.block_names(text)
    assert sorted(names) == sorted([*schema_doc.TABLES, "settings", "choices", "ranges"])
    tables = [*schema.SHEET_TABLES.values(), schema.PROVISION_ROWS, schema.REVIEW_ROWS]
    assert {t.name for t in tables} == set(schema_doc.TABLES)
    used = {c.choices.name for t in tables for c in t.columns if c.choices is not None}
    assert used == {c.name for c in schema_doc.CHOICES}
    for t in tables:                             # every header, every accepted word, once
        for c in t.columns:
            assert f"| **{c.name}** |" in text
    for choices in schema_doc.CHOICES:
        for value, words in choices.words.items():
            assert all(f"`{w}`" in text for w in (value, *words))
    limited = {c.name for t in tables for c in t.columns if c.limits is not None}
    ranges = text[text.index("<!-- generated: ranges -->"):]
    assert limited and all(f"| **{name}** |" in ranges for name in limited)


def test_a_changed_column_makes_the_guide_stale(monkeypatch):
    text = (DOCS / "workbook-format.md").read_text()
    pupils = schema.PUPILS
    changed = schema.Table(pupils.name, (*pupils.columns, schema.Column("Shoe size")),
                           pupils.markers)
    monkeypatch.setitem(schema_doc.TABLES, "Pupils", changed)
    assert schema_doc.refresh(text) != text


def test_the_guides_links_lead_somewhere():
    for name in ("workbook-format.md", "senco-year.md", "import.md"):
        text = (DOCS / name).read_text()
        headings = {schema_doc.anchor(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}
        for target in re.findall(r"\]\(([^)]+)\)", text):
            page, _, fragment = target.partition("#")
            if page.startswith("http"):
                continue
            if page:
                assert (DOCS / page).exists(), f"{name} links to a missing {page}"
            if fragment and not page:
                assert fragment in headings, f"{name} links to a missing #{fragment}"
