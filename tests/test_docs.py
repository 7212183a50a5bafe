from pathlib import Path

from provmap.problems import CATALOGUE, Code, codes_markdown


def test_every_code_is_documented_and_the_docs_are_current():
    assert set(CATALOGUE) == set(Code)
    docs = Path(__file__).parent.parent / "docs" / "problem-codes.md"
    assert docs.read_text() == codes_markdown(), "run: python -m provmap.problems > docs/problem-codes.md"
