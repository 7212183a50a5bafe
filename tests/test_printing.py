"""Every output of the example, printed on A4 by LibreOffice and measured (tests/printing.py).

A document fails when any page has text under its least size (9 pt; 10 pt where parents
or governors read it), a word off the paper, a number shown as ``###`` or text cut.  The
outputs are made by the commands a SENCo runs, on the example school's two years and a
trust of three example schools, and printed in one LibreOffice run.

Adding a document is one line in ``DOCUMENTS``: its name, the command (``{this}`` and
``{last}`` are the example's 2025-26 and 2024-25 workbooks, ``{trust}`` the trust's folder,
``{pupil}`` an EHC-plan pupil, ``{class}`` the class with the most POPs, ``{out}`` its own
folder), the files it writes and its least size.  Every document must pass: none is
expected to fail.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

import printing
import provmap
from provmap.cli import main as provmap_cli
from provmap.dev.example import write_trust
from provmap.dev.example_years import history_file, write_history

pytestmark = pytest.mark.libreoffice

PARENTS_AND_GOVERNORS = 10.0
EVERYONE = 9.0


@dataclass(frozen=True)
class Document:
    name: str
    command: str                      # provmap's arguments, with {placeholders}
    files: str                        # a glob under {out}: what the command writes
    least_pt: float = EVERYONE

    def param(self):
        return pytest.param(self, id=self.name)


DOCUMENTS = (
    Document("SENCo rollup", "rollup {this} --out {out}", "* - SENCo rollup.xlsx"),
    Document("new-year workbook", "new-year {this} {out}/next.xlsx", "next.xlsx"),
    Document("governors' report", "governors {this} --out {out}", "* - Governors report.xlsx",
             PARENTS_AND_GOVERNORS),
    Document("a class's POPs", "pop {this} --class {class} --out {out}", "**/*.xlsx",
             PARENTS_AND_GOVERNORS),
    Document("an evidence pack", "evidence {last} {this} --pupil {pupil} --out {out}",
             "**/*.xlsx"),
    Document("transition packs", "transition {last} {this} --out {out}", "**/*.xlsx"),
    Document("3-school trust report", "trust {trust} --name Hollins-Trust --out {out}",
             "* - Trust report.xlsx"),
    Document("group plans", "groups {this} --out {out}", "**/*.xlsx"),
)


def _tools() -> tuple[str, str]:
    missing = printing.missing_tools()
    if missing:
        if os.environ.get("PROVMAP_REQUIRE_LIBREOFFICE"):
            pytest.fail(f"the print test needs {', '.join(missing)} "
                        "(PROVMAP_REQUIRE_LIBREOFFICE is set); .ci/run installs them")
        pytest.skip(f"{', '.join(missing)} not installed")
    return printing.tools_or_none()


@pytest.fixture(scope="module")
def tools() -> tuple[str, str]:
    return _tools()


@pytest.fixture(scope="module")
def calibration(tools, tmp_path_factory) -> printing.Calibration:
    return printing.calibrate(tmp_path_factory.mktemp("calibration"), *tools)


def _places(root: Path) -> dict[str, str]:
    """The example's files and the choices the commands need."""
    years = root / "years"
    write_history(years)
    this, last = history_file(years, "2025-26"), history_file(years, "2024-25")
    write_trust(root / "trust", 3, pupils=200, workers=1)
    m = provmap.load(this)
    kept = [p for p in m.pupils.values() if p.sen_status in ("K", "E")]
    classes = Counter(p.class_name for p in kept)
    pupil = min(p.upn for p in kept if p.sen_status == "E")
    return {"this": str(this), "last": str(last), "trust": str(root / "trust"),
            "pupil": pupil, "class": classes.most_common(1)[0][0]}


def print_all(root: Path, calibration: printing.Calibration, tools: tuple[str, str]
              ) -> dict[str, list[printing.Printed] | str]:
    """Document name -> its measured files (or why it could not be made): every document
    made by its command on the example, then printed in one LibreOffice run."""
    places = _places(root)
    made: dict[str, list[Path] | str] = {}
    for doc in DOCUMENTS:
        out = root / "out" / doc.name.replace("'", "")
        out.mkdir(parents=True)
        argv = [part.format(**places, out=out) for part in doc.command.split()]
        try:
            code = provmap_cli(argv)
        except Exception as exc:               # another branch's half-built writer
            made[doc.name] = f"provmap {doc.command} raised {exc!r}"
            continue
        files = sorted(out.glob(doc.files))
        made[doc.name] = files if code == 0 and files else \
            f"provmap {doc.command} exited {code} and wrote {len(files)} files"
    everything = [f for v in made.values() if isinstance(v, list) for f in v]
    measured = printing.measure(everything, root / "measure", calibration, *tools)
    return {name: ([measured[f] for f in v] if isinstance(v, list) else v)
            for name, v in made.items()}


@pytest.fixture(scope="module")
def printed(tools, calibration, tmp_path_factory) -> dict[str, list[printing.Printed] | str]:
    return print_all(tmp_path_factory.mktemp("print"), calibration, tools)


# -- the instrument --------------------------------------------------------------------------


def test_the_calibration_gives_back_every_known_size(calibration):
    """Word heights become points: each size of the calibration page, in Arial and Calibri,
    measured within 0.1 pt (both fonts share one factor)."""
    assert len(calibration.known) == len(printing.CALIBRATION_SIZES) * 2
    for font, true, measured in calibration.known:
        assert abs(measured - true) < 0.1, (font, true, measured)
    assert 1.2 < calibration.factor < 1.4


def test_the_instrument_sees_small_text_cut_text_and_hashes(tools, calibration, tmp_path):
    """A page made to fail every way: 7 pt text, a label cut by the next column, wrapped
    lines hidden by a short row, a number too wide for its column, a sheet too wide."""
    import xlsxwriter
    path = tmp_path / "bad.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Bad")
    ws.set_paper(9)
    ws.set_column(0, 0, 10)
    ws.write_string(0, 0, "Seven", wb.add_format({"font_name": "Arial", "font_size": 7}))
    ws.write_string(1, 0, "Averyverylonglabel cut off")
    ws.write_string(1, 1, "Neighbour")
    ws.write_string(2, 0, "wrapped words hidden because the row stays short",
                    wb.add_format({"text_wrap": True}))
    ws.write_number(3, 0, 123456789.5, wb.add_format({"num_format": "£#,##0.00"}))
    ok = tmp_path / "ok.xlsx"
    wb.close()
    wb = xlsxwriter.Workbook(str(ok))
    ws = wb.add_worksheet("Fine")
    ws.set_paper(9)
    ws.set_column(0, 0, 40)
    ws.write_string(0, 0, "Ten point text, whole", wb.add_format({"font_name": "Arial",
                                                                  "font_size": 10}))
    wb.close()
    measured = printing.measure([path, ok], tmp_path / "m", calibration, *tools)
    bad = measured[path]
    assert 6.9 < bad.smallest() < 7.1
    lines = bad.problems(9)
    assert any("under 9 pt" in line for line in lines)
    assert any("'###" in line or "shown as '#" in line for line in lines)
    cut = " ".join(bad.cut)
    assert "Bad!A2" in cut and "Bad!A3" in cut and "Bad!B2" not in cut
    assert measured[ok].problems(9) == [] and 9.9 < measured[ok].smallest() < 10.1


def test_a_word_off_the_paper_is_seen():
    page = printing.Page(1, 595.0, 842.0, (printing.Word("inside", 50, 50, 90, 62),
                                           printing.Word("outside", 580, 50, 640, 62)))
    assert [w.text for w in page.off_edge()] == ["outside"]


def test_a_rotated_chart_title_is_not_body_text(calibration):
    """A chart's vertical axis title: its box is as wide as the line is tall and as tall as
    the word is long; left out of the size measure, as the spec leaves a chart's labels."""
    from provmap.write.fit import text_pt
    k = calibration.factor
    across = printing.Word("better)", 0, 0, text_pt("better)", 10), 10 * k)
    rotated = printing.Word("better)", 0, 0, 10 * k, text_pt("better)", 10))
    short = printing.Word("is", 0, 0, text_pt("is", 10), 10 * k)
    assert calibration.upright(across) and calibration.upright(short)
    assert not calibration.upright(rotated)


# -- every document ------------------------------------------------------------------------


@pytest.mark.parametrize("doc", [d.param() for d in DOCUMENTS])
def test_every_page_prints_readably(doc: Document, printed):
    got = printed[doc.name]
    assert not isinstance(got, str), got
    problems = [line for p in got for line in p.problems(doc.least_pt)]
    assert problems == [], "\n".join(problems[:40])


def main() -> None:
    """``python tests/test_printing.py``: the table of docs/printing.md, measured now."""
    import tempfile
    import contextlib
    import io
    tools = printing.tools_or_none()
    if tools is None:
        raise SystemExit(f"missing: {', '.join(printing.missing_tools())}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        calibration = printing.calibrate(root / "calibration", *tools)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            result = print_all(root / "docs", calibration, tools)
        print("| Document | Files | Pages | Smallest text (pt) | Least allowed | Problems |")
        print("|---|---|---|---|---|---|")
        for doc in DOCUMENTS:
            got = result[doc.name]
            if isinstance(got, str):
                print(f"| {doc.name} | | | | {doc.least_pt:g} | {got} |")
                continue
            pages = sum(len(p.pages) for p in got)
            smallest = min(p.smallest() for p in got if p.smallest() is not None)
            problems = sum(len(p.problems(doc.least_pt)) for p in got)
            print(f"| {doc.name} | {len(got)} | {pages} | {smallest:.1f} | {doc.least_pt:g} | "
                  f"{problems or 'none'} |")


if __name__ == "__main__":
    main()
