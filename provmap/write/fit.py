"""What fits on paper: how wide text is, how many lines it wraps to in a column, how tall a
row must be, and where a table too wide for one page splits into page-wide parts.

XlsxWriter cannot measure text, and neither Excel nor LibreOffice grows a row that a file
gives a height (nor, in LibreOffice's case, one it does not), so a writer that wraps text
sets each row's height itself.  Widths here are Arial's (Helvetica's metrics, which Arial
and Liberation Sans share, in thousandths of an em); Calibri and Carlito are about a tenth
narrower.  Estimates err on the wide side, so that text is never hidden by a short row: at
worst a row keeps a little space.  The print test (tests/printing.py) checks the result
on LibreOffice's pages.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Sequence

# Helvetica / Arial advance widths, 1/1000 em, for the printable ASCII characters.
_ARIAL = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~",
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
     *[556] * 10, 278, 278, 584, 584, 584, 556, 1015,
     667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778,
     722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333,
     556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556,
     333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)))
_OTHER = 600                  # £, €, …, →, accented letters: about a digit's width, or more
_BOLD = 1.09                  # Arial Bold is about 8% wider than Arial (measured: 0.98-1.05)
_NARROWER = {"Calibri": 0.92, "Carlito": 0.92}

PX_PER_PT = 4 / 3             # 96 pixels to 72 points
LIBREOFFICE_WIDER = 1.06      # LibreOffice's columns against Excel's pixel widths
CELL_PADDING_PX = 7           # space Excel and LibreOffice keep inside a cell, both sides
LINE_HEIGHT = {"Arial": 1.17, "Calibri": 1.24}     # a line of text, in ems (with leading)


def text_pt(text: str, size: float = 10, font: str = "Arial", bold: bool = False) -> float:
    """The width of one line of ``text`` in points."""
    return _ems(text) * size * (_BOLD if bold else 1.0) * _NARROWER.get(font, 1.0)


@lru_cache(maxsize=1 << 16)
def _ems(text: str) -> float:
    """Arial's width of ``text`` in ems (words recur: names, provisions, targets)."""
    return sum(_ARIAL.get(ch, _OTHER) for ch in text) / 1000


def column_px(width: float) -> int:
    """A column ``width`` (Excel's character units) in pixels, as XlsxWriter writes it."""
    return int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5


def column_pt(width: float) -> float:
    """A column's width in points as Excel prints it: the room wrapped text has (LibreOffice
    gives a little more)."""
    return column_px(width) / PX_PER_PT


def columns_pt(widths: Iterable[float]) -> float:
    """How much paper columns side by side take at 100%: LibreOffice's width, which is the
    wider (measured 5.7% over Excel's pixels with Carlito as the default font)."""
    return sum(column_px(w) for w in widths) / PX_PER_PT * LIBREOFFICE_WIDER


@lru_cache(maxsize=1 << 16)      # a school's targets and views recur on many rows
def lines(text: str, width_pt: float, size: float = 10, font: str = "Arial",
          bold: bool = False) -> int:
    """How many lines ``text`` wraps to in a cell ``width_pt`` wide (greedy, at spaces; a
    word too long for the line is broken, as Excel and LibreOffice do)."""
    room = max(width_pt - CELL_PADDING_PX / PX_PER_PT, size)
    space = text_pt(" ", size, font, bold)
    count = 0
    for para in str(text).split("\n"):
        n, used = 1, 0.0
        for word in para.split():
            w = text_pt(word, size, font, bold)
            if used and used + space + w <= room:
                used += space + w
                continue
            if used:
                n, used = n + 1, 0.0
            while w > room:
                n, w = n + 1, w - room
            used = w
        count += n
    return max(1, count)


def row_pt(n_lines: int, size: float = 10, font: str = "Arial") -> float:
    """The height a row needs for ``n_lines`` lines of text, in points."""
    return round(n_lines * size * LINE_HEIGHT.get(font, 1.24) + 3, 1)


def column_breaks(widths: Sequence[float], room_pt: float, *, repeat: int = 0,
                  starts: Iterable[int] = ()) -> list[int]:
    """Where a table too wide for one page is split into page-wide parts: the first column
    of each part after the first (for ``set_v_pagebreaks``), or ``[]`` when it fits.

    The first ``repeat`` columns (the row's name) print again on every part.  A part ends
    before one of ``starts`` (columns that begin a group: the impact figures) when that
    fills at least half the page, otherwise as late as the page allows.
    """
    if columns_pt(widths) <= room_pt:
        return []
    each = [columns_pt([w]) for w in widths]
    keep = sum(each[:repeat])                 # on every part: the first holds them anyway
    starts = set(starts)
    breaks: list[int] = []
    c = repeat
    while c < len(widths):
        used = keep
        end, last_start = c, None
        while end < len(widths) and used + each[end] <= room_pt:
            used += each[end]
            end += 1
            if end in starts and used >= room_pt / 2:
                last_start = end
        if end == c:                             # a column wider than a page: alone
            end = c + 1
        if end < len(widths) and last_start is not None:
            end = last_start
        if end >= len(widths):
            break
        breaks.append(end)
        c = end
    return breaks


def print_scale(widths: Sequence[float], room_pt: float, *, repeat: int = 0,
                starts: Iterable[int] = (), least: int = 100) -> tuple[int, list[int]]:
    """The print scale (%) and column breaks that print ``widths`` in the fewest page-wide
    parts without going below ``least`` per cent; of scales giving as few parts, the largest.
    """
    starts = list(starts)
    best: tuple[int, list[int]] | None = None
    for scale in range(100, least - 1, -1):
        breaks = column_breaks(widths, room_pt * 100 / scale, repeat=repeat, starts=starts)
        if best is None or len(breaks) < len(best[1]):
            best = (scale, breaks)
        if not breaks:
            break
    assert best is not None
    return best
