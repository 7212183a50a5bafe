"""POP privacy: a POP names no other pupil anywhere in the file, and staff text stays text."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

import provmap
from provmap.schema import GROUP
from provmap.write import pdf as pdf_module
from provmap.reports import pop, pop_data
from provmap.reports.pop import PdfUnavailable, convert_to_pdf, render_pop, write_pops
from test_pop import JONATHAN, build_school, pop_data_stub
import two_years
from provmap.numbers.history import history
from provmap.reports.evidence import write_evidence
from provmap.reports.transition import write_transitions


def file_text(path: Path) -> str:
    """All text in every part of the .xlsx: cells, shared strings, sheet names, header and
    footer, defined names, document properties; XML entities decoded, case folded."""
    with zipfile.ZipFile(path) as z:
        parts = [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    return html.unescape("\n".join(parts)).casefold()


def assert_names_no_one_else(paths: list[Path], register: dict) -> None:
    """`register`: UPN -> pupil record, or -> a list of records (one per year)."""
    checked = 0
    for path in paths:
        upn = re.search(r"\b[A-Z]\d{11}[0-9A-Z]\b", path.stem).group(0)
        mine = register[upn]
        me = mine[-1] if isinstance(mine, list) else mine
        text = re.sub(r"\s+", " ", file_text(path))
        for other, records in register.items():
            for p in records if isinstance(records, list) else [records]:
                if other == upn or (p.forename, p.surname) == (me.forename, me.surname):
                    continue
                for name in (f"{p.forename} {p.surname}", f"{p.surname}, {p.forename}",
                             f"{p.surname} {p.forename}"):
                    assert name.casefold() not in text, f"{path.name} names {name}"
                assert other.casefold() not in text, f"{path.name} holds {other}'s UPN"
        assert me.forename.casefold() in text           # the scan really reads the file
        checked += 1
    assert checked == len(paths) > 0


def test_built_school_pops_name_no_other_pupil(tmp_path):
    r = provmap.rollup(provmap.load(build_school(tmp_path / "map.xlsx")))
    paths = write_pops(r, tmp_path / "pops", progress=False)
    assert len(paths) == 4
    assert_names_no_one_else(paths, r.map.pupils)
    # the group's other members are not there even by first name
    jonathan = file_text(next(p for p in paths if JONATHAN in p.name))
    assert "aisha" not in jonathan and "leo" not in jonathan
    assert "another pupil" in jonathan                   # Leo named in a staff view


def test_example_school_pops_name_no_other_pupil(tmp_path):
    example = pytest.importorskip("provmap.dev.example")
    path = example.write_example(tmp_path / "example.xlsx", pupils=200)
    r = provmap.rollup(provmap.load(path))
    paths = write_pops(r, tmp_path / "pops", progress=False)
    assert len(paths) >= 20
    assert_names_no_one_else(paths, r.map.pupils)


def test_two_year_evidence_and_transition_packs_name_no_other_pupil(tmp_path):
    """Every evidence pack (every pupil of either year with provision) and every transition
    pack (with costs) of the two-year school, against both years' registers: a pupil who
    left in 2024-25 and is named in 2025-26's staff text is hidden too."""
    hist = history(two_years.build_two_years(tmp_path / "maps"))
    register: dict[str, list] = {}
    for p in hist.register():
        register.setdefault(p.upn, []).append(p)
    everyone = sorted(register)
    paths = write_evidence(hist, tmp_path / "evidence", everyone, progress=False,
                           say=lambda _: None)
    paths += write_transitions(hist, tmp_path / "transition", costs=True, progress=False,
                               say=lambda _: None)
    assert len(paths) == 6 + 4       # Zara has no provision: no evidence pack
    assert_names_no_one_else(paths, register)
    jonathan = file_text(next(p for p in paths if "evidence" in p.name and JONATHAN in p.name))
    assert "priya" not in jonathan and "leo brown" not in jonathan
    assert "misses another pupil since she left." in jonathan
    for path in paths:
        with zipfile.ZipFile(path) as z:
            props = (z.read("docProps/core.xml") + z.read("docProps/app.xml")).decode()
        for p in hist.register():
            assert p.surname not in props and p.upn not in props


def test_two_year_example_school_packs_name_no_other_pupil(tmp_path):
    """Every evidence and transition pack of the shipped two-year example school."""
    root = Path(__file__).parent.parent / "workbooks"
    hist = history([root / "Provision map 2024-25.xlsx", root / "Provision map 2025-26.xlsx"])
    register: dict[str, list] = {}
    for p in hist.register():
        register.setdefault(p.upn, []).append(p)
    paths = write_evidence(hist, tmp_path / "evidence", progress=False, say=lambda _: None)
    paths += write_transitions(hist, tmp_path, costs=True, progress=False, say=lambda _: None)
    assert len(paths) >= 40
    assert_names_no_one_else(paths, register)


def test_document_properties_name_nobody(tmp_path):
    r = provmap.rollup(provmap.load(build_school(tmp_path / "map.xlsx")))
    path = pop.write_pop(r, JONATHAN, tmp_path)
    with zipfile.ZipFile(path) as z:
        props = (z.read("docProps/core.xml") + z.read("docProps/app.xml")).decode()
    assert "Jonathan" not in props and "Smith" not in props
    assert openpyxl.load_workbook(path).sheetnames == ["POP"]


def test_redactor_hides_other_pupils_but_not_me():
    class P:
        def __init__(self, upn, forename, surname):
            self.upn, self.forename, self.surname = upn, forename, surname

    red = pop_data._Redactor([P("A1", "Leo", "Brown"), P("B2", "Mary Ann", "O'Neill"),
                         P("C3", "Jonathan", "Smith")])
    assert red("Works with Leo Brown and BROWN, Leo.", "C3") == \
        "Works with another pupil and another pupil."
    assert red("Sits by Mary Ann O'Neill; Leo is kind", "C3") == \
        "Sits by another pupil; Leo is kind"
    assert red("Jonathan Smith read well", "C3") == "Jonathan Smith read well"


def test_redactor_cache_never_skips_a_text_that_names_someone():
    """Texts naming no one are remembered as clean; a text naming the pupil themself is not,
    so the same text in another pupil's pack is still redacted."""
    class P:
        def __init__(self, upn, forename, surname):
            self.upn, self.forename, self.surname = upn, forename, surname

    red = pop_data._Redactor([P("A1", "Leo", "Brown"), P("C3", "Jonathan", "Smith")])
    assert red("Works well with Leo Brown", "A1") == "Works well with Leo Brown"
    assert red("Works well with Leo Brown", "C3") == "Works well with another pupil"
    assert red("Good progress", "A1") == "Good progress" and "Good progress" in red.clean
    assert "Works well with Leo Brown" not in red.clean
    assert red("see A1 notes", "C3") == "see A1 notes"             # not a UPN-shaped word


HOSTILE = ["=SUM(1,2)", "+44 7700 900123", "-3 points", "@home", "=HYPERLINK(\"x\")"]


def test_staff_text_starting_with_formula_characters_is_text(tmp_path):
    entry = pop_data.SupportEntry(provision="=Lego", kind=GROUP, how="-weekly",
                             details=("=1+1", "@mention"), cost=10.0)
    term = pop_data.TermData(term="Autumn", support=(entry,), reviewed=True,
                        targets=tuple((t, None) for t in HOSTILE[:3]), attendance=0.9,
                        reading="=A1", writing=HOSTILE[4], maths="-1", staff_views=HOSTILE[0],
                        parent_views=HOSTILE[1], pupil_views=HOSTILE[3])
    d = pop_data_stub(parent_carer="=cmd|' /C calc'!A0", language_at_home="+English",
                      profiles=(("Communication and interaction", "=strong", "-weak"),),
                      professionals=(("@Dr X", "=EP", None, None, "+notes"),),
                      terms=(term,))
    path = render_pop(d, tmp_path / "hostile.xlsx")
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = openpyxl.load_workbook(path).active
    written = {c.value: c.data_type for row in ws.iter_rows() for c in row
               if isinstance(c.value, str)}
    for text in [*HOSTILE, "=A1", "-1", "=strong", "-weak", "@Dr X", "=EP", "+notes",
                 "=cmd|' /C calc'!A0", "+English"]:
        assert written.get(text) == "s", text
    assert any(v.startswith("=Lego\n-weekly\n=1+1\n@mention") for v in written)


def test_pdf_unavailable_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    with pytest.raises(PdfUnavailable, match="apt-get install libreoffice-calc"):
        convert_to_pdf([tmp_path / "x.xlsx"])


@pytest.mark.libreoffice
@pytest.mark.usefixtures("soffice")
def test_pdfs_with_one_libreoffice_run(tmp_path):
    r = provmap.rollup(provmap.load(build_school(tmp_path / "map.xlsx")))
    paths = write_pops(r, tmp_path / "pops", upns=[JONATHAN, "K823400100003"], pdf=True,
                       progress=False)
    xlsx, pdfs = paths[:2], paths[2:]
    assert [p.with_suffix(".pdf") for p in xlsx] == pdfs
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        # A4 landscape: 842 x 595 points
        assert re.search(rb"/MediaBox\s*\[\s*0 0 841\.8\d* 595\.3\d*\s*\]", data)
    assert not list((tmp_path / "pops").rglob(".provmap-*"))
