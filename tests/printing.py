"""The print test's instrument: what a workbook looks like on A4 paper, measured.

An output is printed the way a school prints it: LibreOffice (with Carlito and Liberation,
the fonts with Calibri's and Arial's metrics) converts it to PDF, and poppler's
``pdftotext -bbox`` gives every printed word with its box on its page.  From the boxes:

- **text size**: a word's box is as tall as its font's em box times a constant, so its
  height divided by that constant is its size in points as printed (after LibreOffice
  has scaled the sheet to fit the page).  The constant is not assumed: :func:`calibrate`
  prints a workbook with text at 6, 8, 9, 10 and 12 pt in both fonts and fits it, and
  ``test_printing`` checks that every known size comes back;
- **off the page**: a word whose box crosses the paper's edge;
- **cut**: a number shown as ``###`` (its column too narrow), and text of a cell that
  never reaches the paper whole: a label cut off by the next column, wrapped lines hidden
  by a row too short, words run together with the next cell's (``£1,675.50Speech``).  Each
  visible text cell's words are looked for among the printed words (see :func:`cut_text`).

Many files go through one LibreOffice run (:func:`to_pdf`); staged under numbered names, so
two outputs with the same file name (a pupil's POP and transition pack) do not collide.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string, range_boundaries

from provmap.write.fit import text_pt

#: The sizes the calibration page prints, in both of the fonts provmap's outputs use.
CALIBRATION_SIZES = (6, 8, 9, 10, 12)
CALIBRATION_FONTS = ("Arial", "Calibri")
EDGE_SLACK_PT = 0.5                  # a box may touch the paper's edge by rounding

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" '
                   r'yMax="([-\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Page:
    number: int                      # from 1
    width: float
    height: float
    words: tuple[Word, ...]

    def off_edge(self) -> list[Word]:
        s = EDGE_SLACK_PT
        return [w for w in self.words if w.x0 < -s or w.y0 < -s or w.x1 > self.width + s
                or w.y1 > self.height + s]


@dataclass(frozen=True)
class Calibration:
    """Printed point size = word height / ``factor`` (fitted on a page of known sizes)."""

    factor: float
    known: tuple[tuple[str, float, float], ...] = ()   # (font, true pt, measured pt)

    def points(self, word: Word) -> float:
        return word.height / self.factor

    def upright(self, word: Word) -> bool:
        """Whether a word runs left to right.  A chart's rotated axis title comes out of
        pdftotext as a box as wide as the line is tall, and as tall as the word is long:
        its width then implies a size far from its height's.  Such words are not body text
        and are left out of the size measure (they still count for the paper's edges)."""
        em = text_pt(word.text, 1.0)
        if em <= 0 or len(word.text) < 2:
            return True
        by_width = (word.x1 - word.x0) / em
        return by_width / 1.8 <= self.points(word) <= by_width * 1.8


@dataclass
class Printed:
    """One output as printed: its pages, and what the measures found."""

    source: Path                     # the .xlsx
    pdf: Path
    pages: list[Page]
    calibration: Calibration
    cut: list[str] = field(default_factory=list)     # "Sheet!B7: text", from cut_text

    def text(self, page: Page) -> list[Word]:
        """A page's body text: its upright words."""
        return [w for w in page.words if self.calibration.upright(w)]

    def smallest(self) -> float | None:
        """The smallest text size on any page, in points as printed."""
        sizes = [self.calibration.points(w) for p in self.pages for w in self.text(p)]
        return min(sizes) if sizes else None

    def page_sizes(self) -> list[float | None]:
        """Each page's smallest text size (None: a page without words)."""
        return [min((self.calibration.points(w) for w in self.text(p)), default=None)
                for p in self.pages]

    def problems(self, least_pt: float) -> list[str]:
        """Every way this output fails on paper, one line each, for a test's message."""
        out = []
        for p in self.pages:
            small = [w for w in self.text(p) if self.calibration.points(w) < least_pt - 0.05]
            if small:
                size = min(self.calibration.points(w) for w in small)
                sample = " ".join(w.text for w in small[:8])
                out.append(f"{self.source.name} page {p.number}: {len(small)} words under "
                           f"{least_pt:g} pt, smallest {size:.1f} pt ({sample} ...)")
            for w in p.off_edge():
                out.append(f"{self.source.name} page {p.number}: '{w.text}' runs off the "
                           f"paper (x {w.x0:.0f}-{w.x1:.0f} of {p.width:.0f}, "
                           f"y {w.y0:.0f}-{w.y1:.0f} of {p.height:.0f})")
            for w in p.words:
                if set(w.text) == {"#"}:
                    out.append(f"{self.source.name} page {p.number}: a number shown as "
                               f"'{w.text}' (its column is too narrow)")
        out += [f"{self.source.name}: cut on paper: {c}" for c in self.cut]
        return out


# -- LibreOffice and poppler -------------------------------------------------------------------


def missing_tools() -> list[str]:
    """What the print test needs and this machine lacks: LibreOffice, poppler, and the two
    metric-compatible fonts (without them LibreOffice substitutes wider ones and the pages
    are not Excel's)."""
    missing = [name for name, found in (
        ("LibreOffice (soffice)", shutil.which("soffice") or shutil.which("libreoffice")),
        ("poppler (pdftotext)", shutil.which("pdftotext"))) if not found]
    fc_list = shutil.which("fc-list")
    fonts = subprocess.run([fc_list], capture_output=True, text=True).stdout if fc_list else ""
    missing += [package for family, package in (("Carlito", "fonts-crosextra-carlito"),
                                                ("Liberation Sans", "fonts-liberation2"))
                if family not in fonts]
    return missing


def tools_or_none() -> tuple[str, str] | None:
    """(soffice, pdftotext), or None when anything the print test needs is missing."""
    if missing_tools():
        return None
    return (shutil.which("soffice") or shutil.which("libreoffice"), shutil.which("pdftotext"))


def to_pdf(files: list[Path], work: Path, soffice: str) -> dict[Path, Path]:
    """Each .xlsx as LibreOffice prints it, in one run; returns source -> PDF."""
    stage, out = work / "stage", work / "pdf"
    for d in (stage, out):
        d.mkdir(parents=True, exist_ok=True)
    staged: dict[Path, Path] = {}
    for i, f in enumerate(files):
        copy = stage / f"{i:04d}.xlsx"
        shutil.copyfile(f, copy)
        staged[Path(f)] = copy
    profile = work / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, staged.values())],
                   check=True, capture_output=True, timeout=900,
                   env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    result = {}
    for src, copy in staged.items():
        pdf = out / (copy.stem + ".pdf")
        if not pdf.exists():
            raise RuntimeError(f"LibreOffice made no PDF of {src.name}")
        result[src] = pdf
    return result


def pages(pdf: Path, pdftotext: str = "pdftotext") -> list[Page]:
    """Every page of a PDF with its words and their boxes, in points."""
    xml = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, timeout=120).stdout.decode("utf-8", "replace")
    out: list[Page] = []
    chunks = _PAGE.split(xml)[1:]
    for n, i in enumerate(range(0, len(chunks), 3), start=1):
        width, height, body = float(chunks[i]), float(chunks[i + 1]), chunks[i + 2]
        words = tuple(Word(html.unescape(m.group(5)), *(float(m.group(k)) for k in range(1, 5)))
                      for m in _WORD.finditer(body))
        out.append(Page(n, width, height, words))
    return out


# -- calibration ------------------------------------------------------------------------------


def calibration_workbook(path: Path) -> Path:
    """A page with one line per font and size, each word naming its own size."""
    import xlsxwriter
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sizes")
    ws.set_paper(9)
    ws.set_column(0, 0, 60)
    r = 0
    for font in CALIBRATION_FONTS:
        for size in CALIBRATION_SIZES:
            fmt = wb.add_format({"font_name": font, "font_size": size})
            ws.write_string(r, 0, f"cal-{font}-{size} Hgjy Qp", fmt)
            r += 1
    wb.close()
    return path


def fit(words: list[Word]) -> Calibration:
    """The height -> points factor from the calibration page's words (least squares through
    the origin over every known size in both fonts)."""
    known = []
    for w in words:
        m = re.fullmatch(r"cal-(\w+)-(\d+)", w.text)
        if m:
            known.append((m.group(1), float(m.group(2)), w.height))
    if len(known) < len(CALIBRATION_SIZES) * len(CALIBRATION_FONTS):
        raise RuntimeError(f"the calibration page printed {len(known)} of "
                           f"{len(CALIBRATION_SIZES) * len(CALIBRATION_FONTS)} sizes")
    factor = sum(pt * h for _, pt, h in known) / sum(pt * pt for _, pt, _ in known)
    return Calibration(factor, tuple((f, pt, h / factor) for f, pt, h in known))


def calibrate(work: Path, soffice: str, pdftotext: str = "pdftotext") -> Calibration:
    """Print the calibration page and fit it (one LibreOffice run of its own)."""
    work.mkdir(parents=True, exist_ok=True)
    source = calibration_workbook(work / "calibration.xlsx")
    pdf = to_pdf([source], work / "calibration", soffice)[source]
    return fit([w for p in pages(pdf, pdftotext) for w in p.words])


# -- text cut on paper -------------------------------------------------------------------------


def _hidden_columns(ws) -> set[int]:
    hidden = set()
    for key, dim in ws.column_dimensions.items():
        if dim.hidden:
            lo = dim.min or column_index_from_string(key)
            hi = dim.max or lo
            hidden.update(range(lo, hi + 1))
    return hidden


def printed_text(xlsx: Path) -> list[tuple[str, str, str]]:
    """(sheet, cell, text) of every text cell that should reach the paper: visible sheets,
    rows and columns, inside the print area where one is set."""
    wb = openpyxl.load_workbook(xlsx, read_only=False)
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        areas = []
        if ws.print_area:
            for a in ([ws.print_area] if isinstance(ws.print_area, str) else ws.print_area):
                for part in str(a).split(","):
                    areas.append(range_boundaries(part.split("!")[-1].replace("$", "")))
        hidden_cols = _hidden_columns(ws)
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value.strip() \
                        or cell.data_type == "f":          # a formula prints its result
                    continue
                if cell.column in hidden_cols:
                    continue
                if ws.row_dimensions[cell.row].hidden:
                    continue
                if areas and not any(c0 <= cell.column <= c1 and r0 <= cell.row <= r1
                                     for c0, r0, c1, r1 in areas):
                    continue
                out.append((ws.title, cell.coordinate, cell.value))
    return out


def cut_text(xlsx: Path, printed: list[Page], limit: int = 20) -> list[str]:
    """Text cells whose words do not all reach the paper.

    Every word of every visible text cell must be among the printed words (counted: a word
    typed five times must print five times; repeated heading rows and the page header only
    add).  A word not printed as a word of its own may still be whole on paper when a long
    word was broken over two lines: it counts if it appears in the printed words run
    together.  What is left was cut: clipped by the next column, hidden by a short row, or
    run into a neighbouring cell.  Up to ``limit`` are returned, each "Sheet!B7: text".
    """
    words = Counter(w.text for p in printed for w in p.words)
    joined = "".join(w.text for p in printed for w in p.words)
    cells = printed_text(xlsx)
    missing = []
    for sheet, cell, text in cells:
        lost = []
        for token in text.split():
            if words[token] > 0:
                words[token] -= 1
            elif token not in joined:
                lost.append(token)
        if lost:
            missing.append(f"{sheet}!{cell}: {text[:70]!r} (not printed: {' '.join(lost[:6])})")
    return missing[:limit]


def measure(sources: list[Path], work: Path, calibration: Calibration, soffice: str,
            pdftotext: str = "pdftotext") -> dict[Path, Printed]:
    """Print every source in one LibreOffice run and measure each."""
    pdfs = to_pdf(sources, work, soffice)
    out = {}
    for src, pdf in pdfs.items():
        ps = pages(pdf, pdftotext)
        out[src] = Printed(src, pdf, ps, calibration, cut_text(src, ps))
    return out
