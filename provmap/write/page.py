"""Print setup shared by every workbook provmap writes: A4, one page wide, header, footer.

LibreOffice prints on US Letter unless a sheet says A4, and a SENCo prints on A4.  Header
and footer texts use Excel's codes (`&P` page, `&N` pages, `&A` sheet name); text that
came from the workbook (a school's name) goes through :func:`escape` first, since `&` is
the code character.
"""

from __future__ import annotations

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
    page_w, page_h = A4_PT if landscape else A4_PT[::-1]
    page_w -= (margins["left"] + margins["right"]) * 72
    page_h -= (margins["top"] + margins["bottom"]) * 72
    scale = min(1.0, page_w / width_pt)
    height = lambda r: heights.get(r, DEFAULT_ROW_PT)  # noqa: E731
    titles = sum(height(r) for r in title_rows)
    room = page_h / scale - titles - 6      # a little slack for rounding
    bounds = sorted(set(u for u in units if u > title_rows[-1])) + [end]
    breaks: list[int] = []
    used = sum(height(r) for r in range(bounds[0]) if r not in title_rows)   # the first page
    for start, stop in zip(bounds, bounds[1:]):
        h = sum(height(r) for r in range(start, stop))
        if used + h > room and used > 0:
            breaks.append(start)
            used = 0
        used += h
        while used > room:
            used -= room
    return breaks
