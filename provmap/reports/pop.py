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

from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import xlsxwriter

from ..glossary import codes_in
from ..model import Settings
from ..schema import QFT
from ..values import format_money
from ..words import (NOT_RECORDED, attendance_words, date_words, match_key, need_words,
                     on_register, status_words, year_group_words)
from ..write.names import file_name, inside, pupil_file
from ..write.batch import write_many
from ..write.pages import Formats, Look, Page, Row, outcome_format, write_document
from ..write.pdf import PdfUnavailable, convert_to_pdf
from .pop_data import PROFILE_AREAS, SUPPORT_COLUMNS, PopData, PupilIndex, find_pupil, pop_data

__all__ = ["PdfUnavailable", "PopData", "convert_to_pdf", "key_to_codes", "pop_data",
           "render_pop", "write_pop", "write_pops", "pop_filename"]

# --------------------------------------------------------------------------------------
# Rendering: PopData -> workbook
# --------------------------------------------------------------------------------------

TITLE = "Pupil Overview of Provision"
#: The term / label column, then a grid B..M: landscape A4 at 100% as LibreOffice prints
#: it (its columns are the wider), so the POP's 11 pt text prints at 11 pt, its notes at 10.
WIDTHS = [19.0] + [9.3] * 12
LAST_COL = len(WIDTHS) - 1
#: The POP's bands are merged across the page (it is read on paper and on screen).
LOOK = Look(title_pt=30, merged_bands=True, section_pt=24, space_pt=10, centred=True)
NOT_YET = "Not recorded yet"


def pop_filename(data: PopData) -> Path:
    """`<class>/<surname> <forename> <UPN>.xlsx`, made safe for any file system."""
    return Path(file_name(data.class_name, fallback="No class")) / \
        pupil_file(data.surname, data.forename, data.upn, ".xlsx")


def render_pop(data: PopData, path: Path, *, costs: bool = True) -> Path:
    """Write one POP workbook to `path`, whole or not at all."""
    return write_document(path, school=data.school, title=TITLE,
                          parts=[lambda wb, formats: _render(wb, formats, data, costs)])


def _term_label(rows: Sequence[Row], term: str) -> None:
    """The term's name at the top of `rows` in the Term column, drawn as one cell that a
    page may still break inside: a row that starts a page says "<term> (continued)"."""
    last = len(rows) - 1
    for i, row in enumerate(rows):
        fmt = f"term:{int(i == 0)}{int(i == last)}"
        if i == 0:
            row.text(0, 0, term, fmt)
        else:
            row.blank(0, fmt)
            if row.starts:                   # a page may break above this row
                row.continued(0, f"{term} (continued)", f"term:1{int(i == last)}")


def _render(wb: xlsxwriter.Workbook, formats: Formats, d: PopData, costs: bool) -> None:
    s = Page(wb, formats, "POP", WIDTHS, school=d.school, title=f"{TITLE}: {d.name}",
             footer=f"{d.name}: {TITLE} {d.academic_year}", look=LOOK)
    s.para(f"Academic year {d.academic_year}, up to the {d.term} term. This is a working "
           "document: it changes through the year. If you have any questions, please speak "
           "to your child's class teacher.", "intro")
    if d.produced:
        s.para(d.produced, "intro", keep=True)

    # 1. The pupil
    s.section("1. About me")
    need = need_words(d.primary_need) or NOT_RECORDED
    if d.secondary_need:
        need += f"; also {need_words(d.secondary_need)}"
    rows = [
        [("Name", d.name), ("Date of birth", date_words(d.date_of_birth)),
         ("Year group", year_group_words(d.year_group))],
        [("Primary need", need), ("SEN status", status_words(d.sen_status)),
         ("Class", d.class_name or NOT_RECORDED)],
        [("Parent/carer", d.parent_carer or NOT_RECORDED),
         ("Language at home", d.language_at_home or NOT_RECORDED), ("UPN", d.upn)],
    ]
    spans = [((0, 0), (1, 4)), ((5, 6), (7, 8)), ((9, 10), (11, 12))]
    for pairs in rows:
        row = s.row()
        for (label, value), ((l0, l1), (v0, v1)) in zip(pairs, spans):
            row.text(l0, l1, label, "label")
            row.text(v0, v1, value, "muted" if value == NOT_RECORDED else "text")

    # 2. Strengths and challenges
    s.section("2. My strengths and challenges",
              "Across the four areas of need, and independence and self-help")
    if d.profiles:
        s.heads([(0, 0, "Area"), (1, 6, "Strengths: what I can do"),
                 (7, 12, "Challenges: what I find difficult")])
        have = {a: (st, ch) for a, st, ch in d.profiles}
        for area in [*PROFILE_AREAS, *[a for a in have if a not in PROFILE_AREAS]]:
            st, ch = have.get(area, (None, None))
            s.row().text(0, 0, area, "label") \
                .text(1, 6, st or NOT_YET, "text" if st else "muted") \
                .text(7, 12, ch or NOT_YET, "text" if ch else "muted")
    else:
        s.para("No strengths or challenges recorded yet. You know your child best: please "
               "share your thoughts with the class teacher.", "muted")

    # 3. Professionals
    s.section("3. Professionals who help me")
    if d.professionals:
        s.heads([(0, 1, "Who"), (2, 4, "Role or service"), (5, 6, "Involved since"),
                 (7, 8, "Latest report"), (9, 12, "Notes")])
        for name, role, since, latest, notes in d.professionals:
            s.row().text(0, 1, name or NOT_RECORDED, "text_bold" if name else "muted") \
                .text(2, 4, role or "") \
                .text(5, 6, date_words(since) if since else "") \
                .text(7, 8, date_words(latest) if latest else "") \
                .text(9, 12, notes or "")
    else:
        s.para("No professionals recorded yet. If others are involved in your child's care, "
               "please let the school know.", "muted")

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
        rows_of_term = []
        for i in range(height):
            row = s.row()                        # a page may break between entry rows
            rows_of_term.append(row)
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
                    if lines:
                        row.rich(c0, c1, [("bold_font", e.provision),
                                          ("body_font", "\n" + "\n".join(lines))])
                    else:
                        row.text(c0, c1, e.provision, "text_bold")
                elif i == 0:
                    row.text(c0, c1, "None this term", "muted")
                else:
                    row.text(c0, c1, "", "text")
        _term_label(rows_of_term, t.term)
        if costs:
            year_cost += t.cost
            s.row(keep=True).text(0, 12, f"Cost of support in the {t.term} term: "
                                  f"{format_money(t.cost)}", "total")
    if costs and len(d.terms) > 1:               # with the last term's, never alone
        s.row(keep=True).text(0, 12, f"Cost of support in {d.academic_year} so far: "
                              f"{format_money(year_cost)}", "total")
    if costs and any_uncosted:
        s.row(keep=True).text(0, 12, "Some support could not be costed yet because the "
                              "provision map has a problem to fix on that row; the SENCo "
                              "will complete it.", "intro")

    # 5. Targets
    s.section("5. My targets", "2 or 3 each term, set with you and your child")
    s.heads([(0, 0, "Term"), (1, 9, "Target"), (10, 12, "How far it was met")])
    for t in d.terms:
        if not t.targets:
            s.row().text(0, 0, t.term, "term") \
                .text(1, 12, "No targets recorded yet for this term.", "muted")
            continue
        rows_of_term = []
        for target, outcome in t.targets:       # a term's 2-3 targets stay on one page
            row = s.row(keep=bool(rows_of_term))
            rows_of_term.append(row)
            row.text(1, 9, target)
            row.text(10, 12, outcome or "Not reviewed yet", outcome_format(outcome))
        _term_label(rows_of_term, t.term)

    # 6. Review
    s.section("6. Our termly review",
              "What the adults in school, my parents or carers and I think")
    s.heads([(0, 0, "Term"), (1, 4, "School staff"), (5, 8, "Parent/carer"),
             (9, 12, "Pupil")])
    for t in d.terms:
        row = s.row().text(0, 0, t.term, "term")
        for (c0, c1), v in zip(col_spans, (t.staff_views, t.parent_views, t.pupil_views)):
            row.text(c0, c1, v or NOT_YET, "text" if v else "muted")

    # 7. Attendance and attainment
    s.section("7. My attendance and attainment through the year")
    s.heads([(0, 0, "Term"), (1, 3, "Attendance"), (4, 6, "Reading"), (7, 9, "Writing"),
             (10, 12, "Maths")])
    for t in d.terms:
        row = s.row().text(0, 0, t.term, "term")
        for (c0, c1), v in zip([(1, 3), (4, 6), (7, 9), (10, 12)],
                               (attendance_words(t.attendance), t.reading, t.writing,
                                t.maths)):
            row.text(c0, c1, v or NOT_YET, "text" if v else "muted")
    key_to_codes(s, d.settings, KEY_TITLE)
    s.finish()


KEY_TITLE = "What the short forms mean"


def key_to_codes(page: Page, settings: Settings | None, title: str,
                 texts: Sequence[str] | None = None) -> None:
    """A section at the end of `page` explaining each code the document prints (`WTS`,
    `HLTA`, `SDQ` ...; `texts`, by default the page's own), from the school's glossary
    (the common codes and its Settings rows), two to a row: none when it prints none."""
    key = codes_in(page.texts() if texts is None else texts, settings) \
        if settings is not None else []
    if not key:
        return
    page.section(title)
    widths = [page.span(0, c) for c in range(page.last + 1)]
    half = min(range(1, page.last + 1), key=lambda c: abs(2 * widths[c - 1] - widths[-1]))
    for i in range(0, len(key), 2):             # the left entry in columns 0..half-1
        row = page.row(keep=True)               # the key stays whole, with its heading
        for (code, meaning), (c0, c1) in zip(key[i:i + 2], ((0, half - 1),
                                                            (half, page.last))):
            row.rich(c0, c1, [("code_font", code), ("body_font", f": {meaning}")], "para")


# --------------------------------------------------------------------------------------
# Many pupils: selection, progress, two processes, PDFs
# --------------------------------------------------------------------------------------

def _select(m: Any, upns: Iterable[str] | None, class_name: str | None) -> list[str]:
    """The pupils to write: those asked for, else every K and E pupil; then by class."""
    if upns:
        chosen = [find_pupil(m, u) for u in upns]
    else:
        chosen = [u for u, p in m.pupils.items() if on_register(p.sen_status)]
    if class_name:
        want = match_key(class_name)
        chosen = [u for u in chosen if match_key(m.pupils[u].class_name) == want]
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
    index = PupilIndex(rollup)
    chosen = _select(rollup.map, upns, class_name)
    items = ((index.pop_data(u), costs) for u in chosen)      # made as the workers go
    paths = write_many(items, _render_item, out, label="Writing POPs", progress=progress,
                       total=len(chosen))
    if pdf and paths:
        paths += convert_to_pdf(paths, progress=progress is True)
    return paths


