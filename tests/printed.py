"""How big the text of a printed output is: convert with LibreOffice to PDF, and measure each
word's height with ``pdftotext -bbox``, calibrated on a page of known sizes converted in the
same run (so the measure follows whatever fonts this machine has for Calibri and Arial).

A word's box is a fixed multiple of its font size (about 1.3 for Carlito, measured here,
not assumed); the printed size is its height over that multiple.  A one-letter word wider
than tall is rotated (a chart's axis name) and is left out.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" '
                  r'yMax="([\d.-]+)">(.*?)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
KNOWN = 10                              # the calibration page's font size


@dataclass
class Page:
    number: int
    width: float
    height: float
    sizes: list[tuple[float, str]]      # (printed size in points, word)
    off: list[str]                      # words beyond the paper's edge

    @property
    def smallest(self) -> float:
        return min((s for s, _ in self.sizes), default=float("inf"))


def _calibration(folder: Path) -> Path:
    path = folder / "calibration.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.set_paper(9)
    ws.write_string(0, 0, "Calibration Hypothesis gyp", wb.add_format({"font_size": KNOWN}))
    wb.close()
    return path


def to_pdf(soffice: str, paths: list[Path], folder: Path) -> list[Path]:
    """Each workbook as a PDF (one LibreOffice run, its own profile), and the calibration
    page's PDF last."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [*paths, _calibration(folder)]
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'lo').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    *map(str, files)], check=True, capture_output=True, timeout=600)
    return [folder / (p.stem + ".pdf") for p in files]


def _words(pdf: Path) -> list[tuple[float, float, list]]:
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    out = []
    for chunk in xml.split("<page ")[1:]:
        w, h = map(float, PAGE.match("<page " + chunk).groups())
        out.append((w, h, [(float(a), float(b), float(c), float(d), t)
                           for a, b, c, d, t in WORD.findall(chunk)]))
    return out


def ratio(calibration_pdf: Path) -> float:
    """Word-box height per point of font size, on this machine."""
    [(_, _, words)] = _words(calibration_pdf)
    heights = [d - b for _, b, _, d, _ in words]
    return max(heights) / KNOWN


def pages(pdf: Path, box_per_point: float) -> list[Page]:
    out = []
    for i, (w, h, words) in enumerate(_words(pdf), 1):
        sizes, off = [], []
        for a, b, c, d, t in words:
            if len(t) == 1 and (c - a) > (d - b):
                continue                    # rotated: a chart's axis name
            sizes.append((round((d - b) / box_per_point, 1), t))
            if a < -0.5 or c > w + 0.5 or b < -0.5 or d > h + 0.5:
                off.append(t)
        out.append(Page(i, w, h, sizes, off))
    return out
