"""The POP (Pupil Overview of Provision): one print-ready workbook per pupil.

Follows the school's POP leaflet: the pupil; strengths and challenges; professionals
involved; support term by term in three columns (Quality first teaching, Group
interventions, 1:1 support); targets; the termly review; attendance and attainment.

Privacy is by construction: :func:`pop_data` copies out of the rollup only this pupil's
details and rows (never a group's other members, never a group label) into a small
:class:`PopData`, and the renderer sees nothing else.  Staff text that names another pupil
on the register (full name or UPN) is replaced by "another pupil".  Every piece of staff
text is written as a string, never as a formula.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import xlsxwriter

from ..schema import NEED, QFT
from ..values import format_money
from ..write import page
from ..write.names import file_name, inside, pupil_file
from ..write.book import open_book
from ..write.atomic import atomic_write
from ..write.batch import write_many
from ..write.pdf import PdfUnavailable, convert_to_pdf
from .pop_data import (
    PROFILE_AREAS,
    SEN_WORDS,
    SUPPORT_COLUMNS,
    PopData,
    _find_upn,
    _Index,
    pop_data,
)

__all__ = ["PdfUnavailable", "PopData", "convert_to_pdf", "pop_data", "render_pop",
           "write_pop", "write_pops", "estimate_lines", "pop_filename"]

# --------------------------------------------------------------------------------------
# Rendering: PopData -> workbook
# --------------------------------------------------------------------------------------

FONT = "Arial"
SIZE = 11
COL_A = 22.0                                  # term / label column
GRID = 12                                     # columns B..M
COL_W = 10.5
WIDTHS = [COL_A] + [COL_W] * GRID
LAST_COL = GRID                               # 0-based index of column M
TEAL = "#1D5C63"
LIGHT = "#DDEEEF"
PALE = "#F3F8F8"
GREY_TEXT = "#555555"
OUTCOME_FILL = {"Achieved": "#E2F0D9", "Partly achieved": "#FFF2CC", "Not achieved": "#F2F2F2"}
LINE_PT = 13.0                                # height of one wrapped line at 11 pt
PAD_PT = 5.0
CHAR_PX = 7.2     # Arial 11's average character (letters, digits, spaces) is ~0.49 em, about
                  # 7.2 px at 96 dpi; measured on LibreOffice renders with Liberation Sans
MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.6}
TITLE_ROWS = (0, 1)                           # repeated at the top of every printed page


def _span_px(c0: int, c1: int) -> float:
    """Width in pixels of columns c0..c1 (Excel: 7 px per character unit + 5 px padding)."""
    return sum(WIDTHS[c] * 7 + 5 for c in range(c0, c1 + 1))


def estimate_lines(text: str, c0: int, c1: int, *, bold: bool = False,
                   size: float = SIZE) -> int:
    """How many lines `text` wraps to across columns c0..c1.

    XlsxWriter cannot autofit row heights for wrapped text, so the POP estimates them: a
    greedy word wrap at a conservative average character width for Arial (wider when bold
    or larger), so text is never cut off; at worst a row has a little spare space.
    """
    return lines_in(text, _span_px(c0, c1), bold=bold, size=size)


def lines_in(text: str, width_px: float, *, bold: bool = False, size: float = SIZE) -> int:
    """How many lines `text` wraps to in a cell `width_px` wide (see estimate_lines)."""
    char_px = CHAR_PX * (size / SIZE) * (1.08 if bold else 1.0)
    per_line = max(1, int((width_px - 8) / char_px))
    lines = 0
    for para in text.split("\n"):
        n, used = 1, 0
        for word in para.split():
            w = len(word)
            if used and used + 1 + w <= per_line:
                used += 1 + w
                continue
            if used:
                n, used = n + 1, 0
            while w > per_line:                 # a very long word is broken across lines
                n, w = n + 1, w - per_line
            used = w
        lines += n
    return max(1, lines)


class _Sheet:
    """Writes rows of (maybe merged) cells, sets each row's height from its text, and puts
    page breaks between whole units (a term's support, a section's heading and first row)."""

    def __init__(self, wb: xlsxwriter.Workbook, ws, fmt: dict):
        self.wb, self.ws, self.f = wb, ws, fmt
        self.row = 0
        self.heights: dict[int, float] = {}
        self.units: list[int] = []              # rows where a page may break
        self.glued = False

    def unit(self) -> None:
        """A new keep-together unit starts at the current row (unless glued to a heading)."""
        if self.glued:
            self.glued = False
        else:
            self.units.append(self.row)

    def need(self, row: int, points: float) -> None:
        self.heights[row] = max(self.heights.get(row, 0.0), min(409.0, points))

    def text(self, row: int, c0: int, c1: int, text: str, fmt: str, *,
             size: float = SIZE, bold: bool = False) -> None:
        """Staff or fixed text, always as a string (never a formula)."""
        f = self.f[fmt]
        if c1 > c0:
            self.ws.merge_range(row, c0, row, c1, "", f)
        self.ws.write_string(row, c0, text, f)
        lines = estimate_lines(text, c0, c1, bold=bold, size=size)
        self.need(row, lines * LINE_PT * size / SIZE + PAD_PT)

    def entry(self, row: int, c0: int, c1: int, title: str, body: str, fmt: str) -> None:
        """A provision: its name in bold, then how often/how long and the rest."""
        f = self.f[fmt]
        if c1 > c0:
            self.ws.merge_range(row, c0, row, c1, "", f)
        if body:
            self.ws.write_rich_string(row, c0, self.f["bold_font"], title,
                                      self.f["body_font"], "\n" + body, f)
        else:
            self.ws.write_string(row, c0, title, self.f[fmt + "_bold"])
        lines = estimate_lines(title, c0, c1, bold=True) + (
            estimate_lines(body, c0, c1) if body else 0)
        self.need(row, lines * LINE_PT + PAD_PT)

    def section(self, title: str, note: str | None = None) -> None:
        self.need(self.row, 10)                  # a small blank spacer row
        self.row += 1
        self.glued = False
        self.unit()
        self.glued = True                        # the heading stays with what follows
        self.ws.merge_range(self.row, 0, self.row, LAST_COL, "", self.f["section"])
        if note:
            self.ws.write_rich_string(self.row, 0, self.f["section_font"], title,
                                      self.f["section_note_font"], "   " + note,
                                      self.f["section"])
        else:
            self.ws.write_string(self.row, 0, title, self.f["section"])
        self.need(self.row, 24)
        self.row += 1

    def heads(self, spans: Sequence[tuple[int, int, str]]) -> None:
        for c0, c1, label in spans:
            self.text(self.row, c0, c1, label, "head", bold=True)
        self.row += 1

    def term_label(self, first: int, last: int, term: str) -> None:
        """The term's name at the top of rows first..last of the Term column."""
        for r in range(first, last + 1):
            f = self.f[f"term:{int(r == first)}{int(r == last)}"]
            if r == first:
                self.text(r, 0, 0, term, f"term:{int(r == first)}{int(r == last)}", size=12,
                          bold=True)
            else:
                self.ws.write_blank(r, 0, None, f)

    def kindly(self, message: str) -> None:
        self.unit()
        self.text(self.row, 0, LAST_COL, message, "muted")
        self.row += 1

    def finish(self) -> None:
        for r, h in self.heights.items():
            self.ws.set_row(r, h)
        self.ws.set_h_pagebreaks(self.page_breaks())

    def page_breaks(self) -> list[int]:
        """Rows to break before so no unit straddles two pages (at the fit-to-width scale)."""
        return page.keep_together(self.heights, self.units, self.row,
                                  width_pt=_span_px(0, LAST_COL) * 0.75, title_rows=TITLE_ROWS,
                                  margins=MARGINS_IN, landscape=True)


def _formats(wb: xlsxwriter.Workbook) -> dict:
    """Every format the POP uses, made once per workbook."""
    base = {"font_name": FONT, "font_size": SIZE, "valign": "top", "text_wrap": True}
    cell = {**base, "border": 1, "border_color": "#9FB7BA"}
    f = {
        "school": wb.add_format({**base, "font_size": 13, "bold": True, "font_color": TEAL,
                                 "text_wrap": False}),
        "title": wb.add_format({**base, "font_size": 18, "bold": True, "text_wrap": False,
                                "valign": "vcenter"}),
        "intro": wb.add_format({**base, "italic": True, "font_color": GREY_TEXT}),
        "section": wb.add_format({**base, "bold": True, "font_size": 13, "font_color": "white",
                                  "bg_color": TEAL, "valign": "vcenter", "text_wrap": False}),
        "section_font": wb.add_format({"font_name": FONT, "bold": True, "font_size": 13,
                                       "font_color": "white"}),
        "section_note_font": wb.add_format({"font_name": FONT, "italic": True, "font_size": 10,
                                            "font_color": "white"}),
        "head": wb.add_format({**cell, "bold": True, "bg_color": LIGHT}),
        "label": wb.add_format({**cell, "bold": True, "bg_color": PALE}),
        "text": wb.add_format(cell),
        "text_bold": wb.add_format({**cell, "bold": True}),
        "muted": wb.add_format({**cell, "italic": True, "font_color": GREY_TEXT}),
        "term": wb.add_format({**cell, "bold": True, "font_size": 12, "bg_color": PALE}),
        # a term's label down several rows that a page may break between: no merge, and no
        # inner borders, so it reads as one cell but can split cleanly
        **{f"term:{top}{bottom}": wb.add_format({
            **cell, "bold": True, "font_size": 12, "bg_color": PALE, "top": top,
            "bottom": bottom}) for top in (0, 1) for bottom in (0, 1)},
        "total": wb.add_format({**cell, "bold": True, "align": "right", "bg_color": PALE}),
        "bold_font": wb.add_format({"font_name": FONT, "font_size": SIZE, "bold": True,
                                    "font_color": TEAL}),
        "body_font": wb.add_format({"font_name": FONT, "font_size": SIZE}),
    }
    for outcome, colour in OUTCOME_FILL.items():
        f["outcome:" + outcome] = wb.add_format({**cell, "bg_color": colour})
    return f


def _date(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else "Not recorded"


def _year_group(y: str | None) -> str:
    if not y:
        return "Not recorded"
    return {"R": "Reception", "N": "Nursery"}.get(y, f"Year {y}" if y.isdigit() else y)


def _need(code: str | None) -> str | None:
    if not code:
        return None
    words = NEED.words.get(code)
    return f"{words[0]} ({code})" if words else code


def pop_filename(data: PopData) -> Path:
    """`<class>/<surname> <forename> <UPN>.xlsx`, made safe for any file system."""
    return Path(file_name(data.class_name, fallback="No class")) / \
        pupil_file(data.surname, data.forename, data.upn, ".xlsx")


def render_pop(data: PopData, path: Path, *, costs: bool = True) -> Path:
    """Write one POP workbook to `path`, whole or not at all."""
    path = Path(path)
    with atomic_write(path) as tmp:
        wb = open_book(tmp)
        try:
            _render(wb, data, costs)
        finally:
            wb.close()
    return path


def _render(wb: xlsxwriter.Workbook, d: PopData, costs: bool) -> None:
    f = _formats(wb)
    wb.set_properties({"title": "Pupil Overview of Provision", "subject": "",
                       "author": d.school, "company": d.school, "comments": "Confidential"})
    ws = wb.add_worksheet("POP")
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    ws.hide_gridlines(2)
    page.a4(ws, landscape=True, header=(page.escape(d.school), "", "Confidential"),
            footer=(page.escape(f"{d.name}: Pupil Overview of Provision {d.academic_year}"),
                    "", "Page &P of &N"),
            margins=MARGINS_IN, header_margin=0.3)
    ws.center_horizontally()
    ws.repeat_rows(0, 1)
    s = _Sheet(wb, ws, f)

    # Title block
    ws.merge_range(0, 0, 0, LAST_COL, "", f["school"])
    ws.write_string(0, 0, d.school, f["school"])
    s.need(0, 20)
    ws.merge_range(1, 0, 1, LAST_COL, "", f["title"])
    ws.write_string(1, 0, f"Pupil Overview of Provision: {d.name}", f["title"])
    s.need(1, 30)
    s.row = 2
    s.text(2, 0, LAST_COL,
           f"Academic year {d.academic_year}, up to the {d.term} term. This is a working "
           "document: it changes through the year. If you have any questions, please speak "
           "to your child's class teacher.", "intro")
    s.row = 3

    # 1. The pupil
    s.section("1. About me")
    sen = SEN_WORDS.get(d.sen_status or "", d.sen_status or "Not recorded")
    need = _need(d.primary_need) or "Not recorded"
    if d.secondary_need:
        need += f"; also {_need(d.secondary_need)}"
    rows = [
        [("Name", d.name), ("Date of birth", _date(d.date_of_birth)),
         ("Year group", _year_group(d.year_group))],
        [("Primary need", need), ("SEN status", sen), ("Class", d.class_name or "Not recorded")],
        [("Parent/carer", d.parent_carer or "Not recorded"),
         ("Language at home", d.language_at_home or "Not recorded"), ("UPN", d.upn)],
    ]
    spans = [((0, 0), (1, 4)), ((5, 6), (7, 8)), ((9, 10), (11, 12))]
    for row in rows:
        s.unit()
        for (label, value), ((l0, l1), (v0, v1)) in zip(row, spans):
            s.text(s.row, l0, l1, label, "label", bold=True)
            s.text(s.row, v0, v1, value, "muted" if value == "Not recorded" else "text")
        s.row += 1

    # 2. Strengths and challenges
    s.section("2. My strengths and challenges",
              "Across the four areas of need, and independence and self-help")
    if d.profiles:
        s.heads([(0, 0, "Area"), (1, 6, "Strengths: what I can do"),
                 (7, 12, "Challenges: what I find difficult")])
        have = {a: (st, ch) for a, st, ch in d.profiles}
        for area in [*PROFILE_AREAS, *[a for a in have if a not in PROFILE_AREAS]]:
            st, ch = have.get(area, (None, None))
            s.unit()
            s.text(s.row, 0, 0, area, "label", bold=True)
            s.text(s.row, 1, 6, st or "Not recorded yet", "text" if st else "muted")
            s.text(s.row, 7, 12, ch or "Not recorded yet", "text" if ch else "muted")
            s.row += 1
    else:
        s.kindly("No strengths or challenges recorded yet. You know your child best: please "
                 "share your thoughts with the class teacher.")

    # 3. Professionals
    s.section("3. Professionals who help me")
    if d.professionals:
        s.heads([(0, 1, "Who"), (2, 4, "Role or service"), (5, 6, "Involved since"),
                 (7, 8, "Latest report"), (9, 12, "Notes")])
        for name, role, since, latest, notes in d.professionals:
            s.unit()
            s.text(s.row, 0, 1, name or "Not recorded", "text_bold" if name else "muted",
                   bold=True)
            s.text(s.row, 2, 4, role or "", "text")
            s.text(s.row, 5, 6, _date(since) if since else "", "text")
            s.text(s.row, 7, 8, _date(latest) if latest else "", "text")
            s.text(s.row, 9, 12, notes or "", "text")
            s.row += 1
    else:
        s.kindly("No professionals recorded yet. If others are involved in your child's care, "
                 "please let the school know.")

    # 4. Support
    s.section("4. The support I receive",
              "In addition to, or different from, what other children receive"
              + (". Costed by the SENCo" if costs else ""))
    col_spans = [(1, 4), (5, 8), (9, 12)]
    s.heads([(0, 0, "Term")] + [(c0, c1, label) for (c0, c1), (_, label, _) in
                                zip(col_spans, SUPPORT_COLUMNS)])
    year_cost = 0.0
    any_uncosted = False
    for t in d.terms:
        by_kind = {k: [e for e in t.support if e.kind == k] for k, _, _ in SUPPORT_COLUMNS}
        height = max(1, *(len(v) for v in by_kind.values()))
        start = s.row
        for i in range(height):
            s.unit()                             # a page may break between entry rows
            for (c0, c1), (k, _, _) in zip(col_spans, SUPPORT_COLUMNS):
                entries = by_kind[k]
                if i < len(entries):
                    e = entries[i]
                    lines = [e.how] if e.how else []
                    lines += list(e.details)
                    if costs:
                        if e.cost is None:
                            lines.append("Cost: not worked out yet")
                            any_uncosted = True
                        elif e.cost == 0 and k == QFT:
                            lines.append("No extra cost: part of everyday teaching")
                        else:
                            lines.append(f"Cost this term: {format_money(e.cost)}")
                    s.entry(s.row, c0, c1, e.provision, "\n".join(lines), "text")
                elif i == 0:
                    s.text(s.row, c0, c1, "None this term", "muted")
                else:
                    s.text(s.row, c0, c1, "", "text")
            s.row += 1
        s.term_label(start, s.row - 1, t.term)
        if costs:
            year_cost += t.cost
            s.text(s.row, 0, 12, f"Cost of support in the {t.term} term: {format_money(t.cost)}",
                   "total", bold=True)
            s.row += 1
    if costs and len(d.terms) > 1:
        s.unit()
        s.text(s.row, 0, 12, f"Cost of support in {d.academic_year} so far: "
               f"{format_money(year_cost)}", "total", bold=True)
        s.row += 1
    if costs and any_uncosted:
        s.unit()
        s.text(s.row, 0, 12, "Some support could not be costed yet because the provision map "
               "has a problem to fix on that row; the SENCo will complete it.", "intro")
        s.row += 1

    # 5. Targets
    s.section("5. My targets", "2 or 3 each term, set with you and your child")
    s.heads([(0, 0, "Term"), (1, 9, "Target"), (10, 12, "How far it was met")])
    for t in d.terms:
        s.unit()
        if not t.targets:
            s.text(s.row, 0, 0, t.term, "term", size=12, bold=True)
            s.text(s.row, 1, 12, "No targets recorded yet for this term.", "muted")
            s.row += 1
            continue
        start = s.row
        for target, outcome in t.targets:       # a term's 2-3 targets stay on one page
            s.text(s.row, 1, 9, target, "text")
            met = outcome or "Not reviewed yet"
            s.text(s.row, 10, 12, met, f"outcome:{outcome}" if outcome in OUTCOME_FILL
                   else "muted")
            s.row += 1
        s.term_label(start, s.row - 1, t.term)

    # 6. Review
    s.section("6. Our termly review",
              "What the adults in school, my parents or carers and I think")
    s.heads([(0, 0, "Term"), (1, 4, "School staff"), (5, 8, "Parent/carer"),
             (9, 12, "Pupil")])
    for t in d.terms:
        s.unit()
        s.text(s.row, 0, 0, t.term, "term", size=12, bold=True)
        for (c0, c1), v in zip(col_spans, (t.staff_views, t.parent_views, t.pupil_views)):
            s.text(s.row, c0, c1, v or "Not recorded yet", "text" if v else "muted")
        s.row += 1

    # 7. Attendance and attainment
    s.section("7. My attendance and attainment through the year")
    s.heads([(0, 0, "Term"), (1, 3, "Attendance"), (4, 6, "Reading"), (7, 9, "Writing"),
             (10, 12, "Maths")])
    for t in d.terms:
        s.unit()
        s.text(s.row, 0, 0, t.term, "term", size=12, bold=True)
        att = f"{t.attendance * 100:.1f}%".replace(".0%", "%") if t.attendance is not None \
            else None
        for (c0, c1), v in zip([(1, 3), (4, 6), (7, 9), (10, 12)],
                               (att, t.reading, t.writing, t.maths)):
            s.text(s.row, c0, c1, v or "Not recorded yet", "text" if v else "muted")
        s.row += 1

    s.finish()
    ws.print_area(0, 0, s.row - 1, LAST_COL)


# --------------------------------------------------------------------------------------
# Many pupils: selection, progress, two processes, PDFs
# --------------------------------------------------------------------------------------

def _select(m: Any, upns: Iterable[str] | None, class_name: str | None) -> list[str]:
    """The pupils to write: those asked for, else every K and E pupil; then by class."""
    if upns:
        chosen = [_find_upn(m, u) for u in upns]
    else:
        chosen = [u for u, p in m.pupils.items() if p.sen_status in ("K", "E")]
    if class_name:
        want = " ".join(class_name.split()).casefold()
        chosen = [u for u in chosen
                  if " ".join((m.pupils[u].class_name or "").split()).casefold() == want]
    return list(dict.fromkeys(chosen))


def _render_item(item: tuple[PopData, bool], out_dir: str) -> str:
    """Worker: one POP (runs in a child process for big schools)."""
    d, costs = item
    return str(render_pop(d, inside(out_dir, pop_filename(d)), costs=costs))


def write_pop(rollup: Any, upn: str, out_dir: Path | str, *, costs: bool = True) -> Path:
    """Write one pupil's POP to `<out_dir>/<class>/<surname> <forename> <UPN>.xlsx`."""
    d = pop_data(rollup, upn)
    return render_pop(d, inside(out_dir, pop_filename(d)), costs=costs)


def write_pops(rollup: Any, out_dir: Path | str, upns: Iterable[str] | None = None,
               class_name: str | None = None, costs: bool = True, pdf: bool = False,
               progress: bool | Callable[[int, int], None] = True) -> list[Path]:
    """Write a POP for each chosen pupil (default: every K and E pupil); with `pdf`, a PDF
    of each beside it.  Returns the workbooks written, then the PDFs.  ``progress`` is a
    bar on stderr (True), nothing (False), or a callback ``(done, total)`` per POP."""
    out = Path(out_dir)
    index = _Index(rollup)
    chosen = _select(rollup.map, upns, class_name)
    items = [(index.pop_data(u), costs) for u in chosen]
    paths = write_many(items, _render_item, out, label="Writing POPs", progress=progress)
    if pdf and paths:
        paths += convert_to_pdf(paths, progress=progress is True)
    return paths


