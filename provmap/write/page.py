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
