"""Print setup shared by every workbook provmap writes: A4, one page wide, header, footer.

LibreOffice prints on US Letter unless a sheet says A4, and a SENCo prints on A4.  Header
and footer texts use Excel's codes (`&P` page, `&N` pages, `&A` sheet name); text that
came from the workbook (a school's name) goes through :func:`escape` first, since `&` is
the code character.
"""

from __future__ import annotations

from typing import Sequence

A4 = 9                                # Excel's paper size code
Sections = tuple[str, str, str]       # left, centre, right
PAGE_NUMBERS: Sections = ("", "Page &P of &N", "")


LONGEST = 255                         # Excel drops a longer header or footer altogether


def escape(text: str, limit: int = 60) -> str:
    """Text from the workbook, safe in a header or footer (and short enough to fit)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return text.replace("&", "&&")


def _sections(parts: Sections) -> str:
    joined = "".join(f"&{code}{text}" for code, text in zip("LCR", parts) if text)
    return joined if len(joined) <= LONGEST else joined[:LONGEST].rstrip("&")


def a4(ws, *, landscape: bool, header: Sections, footer: Sections = PAGE_NUMBERS,
       margins: dict[str, float] | None = None, header_margin: float | None = None) -> None:
    """A4 in the given orientation, fitted to one page wide, with a header and footer."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    if margins:
        ws.set_margins(**margins)
    options = {"margin": header_margin} if header_margin is not None else {}
    ws.set_header(_sections(header), options)
    ws.set_footer(_sections(footer), options)


A4_PT = (297 / 25.4 * 72, 210 / 25.4 * 72)     # long side, short side, in points
DEFAULT_ROW_PT = 15.0
SLACK_PT = 6.0                                  # a page is planned this much short (rounding)


def room_pt(*, landscape: bool, margins: dict[str, float], scale: float = 1.0) -> tuple[float, float]:
    """The width and height a sheet's columns and rows may take on one A4 page inside
    `margins` (inches), in the sheet's own points at print `scale` (1.0 is 100%)."""
    page_w, page_h = A4_PT if landscape else A4_PT[::-1]
    return ((page_w - (margins["left"] + margins["right"]) * 72) / scale,
            (page_h - (margins["top"] + margins["bottom"]) * 72) / scale)


def paginate(units: Sequence[float], room: float, *, used: float = 0.0,
             again: Sequence[float] | None = None) -> list[int]:
    """Where pages break: the indices of the `units` (heights of rows that stay on one page,
    top to bottom) that start a new page, each page `room` tall, the first already holding
    `used`.  ``again[k]``: the height repeated atop the page unit k starts (a table's
    heading row).  A unit taller than a page still splits, where the page ends.

    The one pagination: the page engine's documents, the SENCo rollup and the staff
    workbook all break their pages here."""
    starts: list[int] = []
    for k, h in enumerate(units):
        if used + h > room and used > 0:
            starts.append(k)
            used = again[k] if again is not None else 0.0
        used += h
        while used > room:
            used -= room
    return starts


def keep_together(heights: dict[int, float], units: list[int], end: int, *, width_pt: float,
                  title_rows: tuple[int, ...], margins: dict[str, float],
                  landscape: bool) -> list[int]:
    """Rows to break before so that no unit (rows from one entry of `units` to the next)
    straddles two printed pages, at the fit-to-one-page-wide scale.

    XlsxWriter knows every row's height (writers set them), so the writer can place manual
    breaks; LibreOffice honours them.  `title_rows` repeat on every page; rows above the
    first unit that are not title rows (a sheet's title) take room on the first page only.
    A unit taller than a page splits anyway.
    """
    page_w, _ = room_pt(landscape=landscape, margins=margins)
    _, page_h = room_pt(landscape=landscape, margins=margins,
                        scale=min(1.0, page_w / width_pt))
    height = lambda r: heights.get(r, DEFAULT_ROW_PT)  # noqa: E731
    room = page_h - sum(height(r) for r in title_rows) - SLACK_PT
    bounds = sorted(set(u for u in units if u > title_rows[-1])) + [end]
    first = sum(height(r) for r in range(bounds[0]) if r not in title_rows)
    spans = list(zip(bounds, bounds[1:]))
    starts = paginate([sum(height(r) for r in range(a, b)) for a, b in spans], room,
                      used=first)
    return [spans[k][0] for k in starts]
