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

import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

import xlsxwriter

from ..schema import (INDEPENDENCE, NEED, ONE_TO_ONE, QFT, GROUP, AREA, C_AND_I, C_AND_L,
                      SEMH_AREA, S_AND_P)
from .atomic import atomic_write

POOL_FROM = 40            # use two worker processes from this many pupils
PDF_TWO_PROCESSES_FROM = 20
PROGRESS_FROM = 20        # show a progress bar from this many pupils

PROFILE_AREAS = (C_AND_I, C_AND_L, SEMH_AREA, S_AND_P, INDEPENDENCE)
SUPPORT_COLUMNS = ((QFT, "Quality first teaching",
                    "How your child is supported in class, every day"),
                   (GROUP, "Group interventions",
                    "Small-group work, in or out of class"),
                   (ONE_TO_ONE, "1:1 support",
                    "Support from an adult, one to one"))
SEN_WORDS = {"K": "SEN support (K)", "E": "Education, health and care plan (E)",
             "N": "No SEN: monitoring (N)"}
ANOTHER_PUPIL = "another pupil"


class PdfUnavailable(Exception):
    """LibreOffice (soffice) is not installed, so POPs cannot be turned into PDFs."""


# --------------------------------------------------------------------------------------
# The pupil's data, copied out of the rollup (picklable, nothing about anyone else)
# --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SupportEntry:
    provision: str
    kind: str                       # QFT, GROUP or ONE_TO_ONE
    how: str                        # "3 × 10 min a week for 12 weeks, with TA"
    details: tuple[str, ...]        # aim, progress, outcome, notes
    cost: float | None              # the pupil's share; None when it could not be costed


@dataclass(frozen=True, slots=True)
class TermData:
    term: str
    support: tuple[SupportEntry, ...]
    reviewed: bool                                    # a review row exists
    targets: tuple[tuple[str, str | None], ...]       # (target, how far met)
    attendance: float | None                          # a fraction
    reading: str | None
    writing: str | None
    maths: str | None
    staff_views: str | None
    parent_views: str | None
    pupil_views: str | None

    @property
    def cost(self) -> float:
        return sum(e.cost for e in self.support if e.cost is not None)


@dataclass(frozen=True, slots=True)
class PopData:
    """Everything one POP shows, and nothing more."""

    school: str
    academic_year: str
    term: str                       # the POP covers the year up to this term
    upn: str
    forename: str
    surname: str
    date_of_birth: date | None
    year_group: str | None
    class_name: str | None
    sen_status: str | None
    primary_need: str | None
    secondary_need: str | None
    parent_carer: str | None
    language_at_home: str | None
    profiles: tuple[tuple[str, str | None, str | None], ...]      # area, strengths, challenges
    professionals: tuple[tuple[str | None, str | None, date | None, date | None, str | None],
                         ...]                    # name, role or service, since, latest report, notes
    terms: tuple[TermData, ...] = field(default=())

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"


# --------------------------------------------------------------------------------------
# Redaction of other pupils named in staff text
# --------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_UPN_LIKE = re.compile(r"\b[A-Za-z]\d{11}[0-9A-Za-z]\b")


def _name_key(text: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in _WORD.findall(text))


class _Redactor:
    """Replaces other register pupils' full names and UPNs in staff text."""

    def __init__(self, pupils: Iterable[Any]):
        self.by_key: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self.upns: set[str] = set()
        for p in pupils:
            self.upns.add(p.upn.upper())
            fore, sur = _name_key(p.forename or ""), _name_key(p.surname or "")
            if fore and sur:
                self.by_key[fore + sur].add(p.upn)
                self.by_key[sur + fore].add(p.upn)
        self.longest = max((len(k) for k in self.by_key), default=0)

    def __call__(self, text: str | None, own_upn: str) -> str | None:
        if not text:
            return text
        own = own_upn.upper()
        text = _UPN_LIKE.sub(
            lambda m: ANOTHER_PUPIL if m.group(0).upper() in self.upns
            and m.group(0).upper() != own else m.group(0), text)
        words = list(_WORD.finditer(text))
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            hit = 0
            for n in range(min(self.longest, len(words) - i), 1, -1):
                upns = self.by_key.get(tuple(w.group(0).casefold() for w in words[i:i + n]))
                if upns and own_upn not in upns:      # the pupil's own name is never hidden
                    hit = n
                    break
            if hit:
                spans.append((words[i].start(), words[i + hit - 1].end()))
                i += hit
            else:
                i += 1
        for start, end in reversed(spans):
            text = text[:start] + ANOTHER_PUPIL + text[end:]
        return text


# --------------------------------------------------------------------------------------
# Extraction: rollup -> PopData
# --------------------------------------------------------------------------------------

def _num(v: Any) -> float | None:
    """A plain float, or None for blanks/NaN (pandas rows carry NaN and numpy types)."""
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def _fmt_number(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e6 else f"{v:,.0f}"


def _fmt_months(v: float) -> str:
    m = int(round(v))
    sign = "-" if m < 0 else ""
    y, mo = divmod(abs(m), 12)
    return f"{sign}{y}y {mo}m"


def _how(kind: str, sessions: float | None, minutes: float | None, weeks: float | None,
         delivered_by: str | None, group_size: float | None) -> str:
    """How often and how long, in a parent's words: '3 × 10 min a week for 12 weeks, with TA'."""
    parts: list[str] = []
    if sessions and minutes:
        parts.append(f"{_fmt_number(sessions)} × {_fmt_number(minutes)} min a week")
    elif sessions:
        parts.append(f"{_fmt_number(sessions)} × a week")
    elif minutes:
        parts.append(f"{_fmt_number(minutes)} min sessions")
    elif kind == QFT:
        parts.append("Part of everyday teaching in class")
    if weeks:
        parts.append(f"for {_fmt_number(weeks)} week{'s' if weeks != 1 else ''}")
    text = " ".join(parts)
    if delivered_by:
        text = f"{text}, with {delivered_by}" if text else f"With {delivered_by}"
    if kind == GROUP and group_size and group_size > 1:
        text = f"{text}, in a group of {_fmt_number(group_size)}" if text else \
            f"In a group of {_fmt_number(group_size)}"
    return text


def _progress(measure: str | None, kind: str | None, higher_is_better: bool,
              pre: float | None, post: float | None) -> str | None:
    """The entry and exit assessment and the change, e.g. 'Reading age: 7y 2m → 7y 8m (6 months' progress)'."""
    if pre is None and post is None:
        return None
    show = _fmt_months if kind == "months" else _fmt_number
    label = measure or "Assessment"
    if pre is None:
        return f"{label} at the end: {show(post)}"
    if post is None:
        return f"{label} at the start: {show(pre)}"
    gain = (post - pre) if higher_is_better else (pre - post)
    if kind == "months":
        g = int(round(gain))
        change = (f"{g} month{'s' if g != 1 else ''}' progress" if g > 0 else
                  "no change yet" if g == 0 else f"down {-g} month{'s' if g != -1 else ''}")
    else:
        delta = post - pre
        if delta == 0:
            change = "no change yet"
        else:
            change = f"{'up' if delta > 0 else 'down'} {_fmt_number(abs(delta))}"
            if not higher_is_better:
                change += ", lower is better"
    return f"{label}: {show(pre)} → {show(post)} ({change})"


class _Index:
    """The rollup's records grouped by pupil once, so each POP is a dictionary look-up."""

    def __init__(self, rollup: Any):
        m = rollup.map
        self.rollup = rollup
        self.map = m
        self.terms = list(getattr(rollup, "terms", None) or m.settings.terms)
        used = {s.term.casefold() for s in m.sheets if s.provision_rows or s.review_rows}
        shown = [t for t in self.terms if t.casefold() in used]
        self.shown_terms = shown or [rollup.term]
        self.provision_rows: dict[str, list] = defaultdict(list)
        self.review_rows: dict[str, list] = defaultdict(list)
        shown_cf = {t.casefold() for t in self.shown_terms}
        for s in m.sheets:
            if s.term.casefold() not in shown_cf:
                continue
            for r in s.provision_rows:
                if r.upn:
                    self.provision_rows[r.upn].append(r)
            for r in s.review_rows:
                if r.upn:
                    self.review_rows[r.upn].append(r)
        self.profiles: dict[str, list] = defaultdict(list)
        for r in m.profiles:
            if r.upn:
                self.profiles[r.upn].append(r)
        self.professionals: dict[str, list] = defaultdict(list)
        for r in m.professionals:
            if r.upn:
                self.professionals[r.upn].append(r)
        self.costed: dict[tuple[str, int], dict] = {}
        rows = getattr(rollup, "rows", None)
        if rows is not None and len(rows):
            for rec in rows.to_dict("records"):
                self.costed[(str(rec.get("sheet")), int(rec.get("row")))] = rec
        self.redact = _Redactor(m.pupils.values())

    def pop_data(self, upn: str) -> PopData:
        m = self.map
        p = m.pupils[upn]
        red = lambda t: self.redact(t, upn)  # noqa: E731

        profiles: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
        for r in self.profiles.get(upn, ()):
            area = AREA.canonical(r.area) if r.area else None
            area = area or (INDEPENDENCE if r.area and r.area.casefold().startswith("indep")
                            else r.area)
            if r.strengths or r.challenges:
                profiles[area or "Other"].append((red(r.strengths), red(r.challenges)))
        prof_out = []
        for area in [*PROFILE_AREAS, *[a for a in profiles if a not in PROFILE_AREAS]]:
            if area in profiles:
                s = "\n".join(x for x, _ in profiles[area] if x) or None
                c = "\n".join(y for _, y in profiles[area] if y) or None
                prof_out.append((area, s, c))

        professionals = tuple(
            (red(r.name), red(r.role_or_service), r.involved_since, r.latest_report, red(r.notes))
            for r in self.professionals.get(upn, ()))

        by_term_prov: dict[str, list] = defaultdict(list)
        for r in self.provision_rows.get(upn, ()):
            by_term_prov[r.term.casefold()].append(r)
        by_term_rev: dict[str, list] = defaultdict(list)
        for r in self.review_rows.get(upn, ()):
            by_term_rev[r.term.casefold()].append(r)

        terms = []
        for term in self.shown_terms:
            entries = [self._entry(r, red) for r in by_term_prov.get(term.casefold(), ())]
            reviews = by_term_rev.get(term.casefold(), [])
            targets: list[tuple[str, str | None]] = []
            for rv in reviews:
                for t, outcome in rv.targets:
                    if t:
                        targets.append((red(t), outcome))

            def joined(attr: str) -> str | None:
                vals = [red(getattr(rv, attr)) for rv in reviews if getattr(rv, attr)]
                return "\n".join(vals) or None

            att = [rv.attendance for rv in reviews if rv.attendance is not None]
            terms.append(TermData(
                term=term, support=tuple(entries), reviewed=bool(reviews),
                targets=tuple(targets), attendance=att[0] if att else None,
                reading=joined("reading"), writing=joined("writing"), maths=joined("maths"),
                staff_views=joined("staff_views"), parent_views=joined("parent_views"),
                pupil_views=joined("pupil_views")))

        s = m.settings
        return PopData(
            school=s.school, academic_year=s.academic_year, term=self.rollup.term,
            upn=p.upn, forename=p.forename, surname=p.surname, date_of_birth=p.date_of_birth,
            year_group=p.year_group, class_name=p.class_name, sen_status=p.sen_status,
            primary_need=p.primary_need, secondary_need=p.secondary_need,
            parent_carer=p.parent_carer, language_at_home=p.language_at_home,
            profiles=tuple(prof_out), professionals=professionals, terms=tuple(terms))

    def _entry(self, r: Any, red) -> SupportEntry:
        """One provision row as the parent sees it; the rollup's resolved values win."""
        rec = self.costed.get((r.sheet, r.row))
        prov = self.map.provision(r.provision)

        def pick(key: str, default_attr: str | None = None):
            if rec is not None and key in rec:
                v = rec[key]
                if not (isinstance(v, float) and math.isnan(v)) and v is not None:
                    return v
            v = getattr(r, key, None)
            if v is None and prov is not None:
                v = getattr(prov, default_attr or key, None)
            return v

        kind = pick("type") or GROUP
        if kind not in (QFT, GROUP, ONE_TO_ONE):
            kind = GROUP
        group_size = _num(rec.get("group_size")) if rec is not None else None
        if group_size is None and kind == GROUP:
            group_size = r.group_size
        how = _how(kind, _num(pick("sessions_per_week")), _num(pick("minutes_per_session")),
                   _num(pick("weeks")), _text(pick("delivered_by")), group_size)
        hib = pick("higher_is_better")
        hib = True if hib is None else bool(hib)
        details = []
        if r.target:
            details.append(f"Aim: {red(r.target)}")
        progress = _progress(_text(pick("measure")), _text(pick("measure_kind")), hib,
                             _num(pick("pre")), _num(pick("post")))
        if progress:
            details.append(progress)
        if r.outcome or r.next_step:
            bits = [f"Outcome: {r.outcome}" if r.outcome else None,
                    f"Next step: {r.next_step}" if r.next_step else None]
            details.append(". ".join(b for b in bits if b))
        if r.comments:
            details.append(f"Notes: {red(r.comments)}")
        cost = _num(rec.get("share")) if rec is not None else None
        name = red(r.provision or (prov.name if prov else None)) or "Support"
        return SupportEntry(provision=name, kind=kind, how=red(how) or "", details=tuple(details),
                            cost=cost)


def pop_data(rollup: Any, upn: str) -> PopData:
    """This pupil's POP content, copied out of the rollup (for tests and one-off POPs)."""
    return _Index(rollup).pop_data(_find_upn(rollup.map, upn))


def _find_upn(m: Any, upn: str) -> str:
    key = str(upn).strip().upper()
    if key in m.pupils:
        return key
    for u in m.pupils:
        if u.upper() == key:
            return u
    raise KeyError(f"No pupil with UPN {upn!r} is on the register (Pupils sheet).")


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
DEFAULT_ROW_PT = 15.0
MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.6}
A4_LANDSCAPE_PT = (297 / 25.4 * 72, 210 / 25.4 * 72)
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
    char_px = CHAR_PX * (size / SIZE) * (1.08 if bold else 1.0)
    per_line = max(1, int((_span_px(c0, c1) - 8) / char_px))
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
        sheet_pt = _span_px(0, LAST_COL) * 0.75
        page_w = A4_LANDSCAPE_PT[0] - (MARGINS_IN["left"] + MARGINS_IN["right"]) * 72
        page_h = A4_LANDSCAPE_PT[1] - (MARGINS_IN["top"] + MARGINS_IN["bottom"]) * 72
        scale = min(1.0, page_w / sheet_pt)
        height = lambda r: self.heights.get(r, DEFAULT_ROW_PT)  # noqa: E731
        titles = sum(height(r) for r in TITLE_ROWS)
        room = page_h / scale - titles - 6      # a little slack for rounding
        bounds = sorted(set(u for u in self.units if u > TITLE_ROWS[-1])) + [self.row]
        breaks: list[int] = []
        used = sum(height(r) for r in range(TITLE_ROWS[-1] + 1, bounds[0]))
        for start, end in zip(bounds, bounds[1:]):
            h = sum(height(r) for r in range(start, end))
            if used + h > room and used > 0:
                breaks.append(start)
                used = 0
            used += h
            while used > room:                  # a unit taller than a page splits anyway
                used -= room
        return breaks


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


def _money(v: float) -> str:
    return f"£{v:,.2f}"


def _hf(text: str) -> str:
    """Text for a header/footer: '&' must be doubled."""
    return text.replace("&", "&&")


def pop_filename(data: PopData) -> Path:
    """`<class>/<surname> <forename> <UPN>.xlsx`, made safe for any file system."""
    def safe(s: str | None, fallback: str) -> str:
        s = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", (s or "").strip()).strip(" .")
        return s or fallback
    return Path(safe(data.class_name, "No class")) / \
        f"{safe(data.surname, 'Pupil')} {safe(data.forename, '')} {data.upn}.xlsx".replace("  ", " ")


def render_pop(data: PopData, path: Path, *, costs: bool = True) -> Path:
    """Write one POP workbook to `path`, whole or not at all."""
    path = Path(path)
    with atomic_write(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"in_memory": True, "strings_to_formulas": False})
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
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(**MARGINS_IN)
    ws.set_header(f"&L{_hf(d.school)}&RConfidential", {"margin": 0.3})
    ws.set_footer(f"&L{_hf(d.name)}: Pupil Overview of Provision {_hf(d.academic_year)}"
                  f"&RPage &P of &N", {"margin": 0.3})
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
                            lines.append(f"Cost this term: {_money(e.cost)}")
                    s.entry(s.row, c0, c1, e.provision, "\n".join(lines), "text")
                elif i == 0:
                    s.text(s.row, c0, c1, "None this term", "muted")
                else:
                    s.text(s.row, c0, c1, "", "text")
            s.row += 1
        s.term_label(start, s.row - 1, t.term)
        if costs:
            year_cost += t.cost
            s.text(s.row, 0, 12, f"Cost of support in the {t.term} term: {_money(t.cost)}",
                   "total", bold=True)
            s.row += 1
    if costs and len(d.terms) > 1:
        s.unit()
        s.text(s.row, 0, 12, f"Cost of support in {d.academic_year} so far: "
               f"{_money(year_cost)}", "total", bold=True)
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

class _Progress:
    """A one-line progress bar on stderr (a line per tenth when stderr is not a terminal)."""

    def __init__(self, total: int, label: str, enabled: bool):
        self.total, self.label = total, label
        self.enabled = enabled and total >= PROGRESS_FROM
        self.tty = sys.stderr.isatty()
        self.done = 0
        self.last = 0.0
        self.last_tenth = -1
        self.start = time.monotonic()

    def add(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty:
            if now - self.last < 0.1 and self.done < self.total:
                return
            self.last = now
            width = 30
            filled = int(width * self.done / self.total)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                             f"{self.done}/{self.total}")
            if self.done >= self.total:
                sys.stderr.write(f"  {now - self.start:.1f}s\n")
        else:
            tenth = 10 * self.done // self.total
            if tenth != self.last_tenth:
                self.last_tenth = tenth
                sys.stderr.write(f"{self.label}: {self.done}/{self.total}\n")
        sys.stderr.flush()


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


def _write_chunk(items: list[PopData], out_dir: str, costs: bool) -> list[str]:
    """Worker: write the POPs of one chunk (runs in a child process for big schools)."""
    out = Path(out_dir)
    return [str(render_pop(d, out / pop_filename(d), costs=costs)) for d in items]


def write_pop(rollup: Any, upn: str, out_dir: Path | str, *, costs: bool = True) -> Path:
    """Write one pupil's POP to `<out_dir>/<class>/<surname> <forename> <UPN>.xlsx`."""
    d = pop_data(rollup, upn)
    return render_pop(d, Path(out_dir) / pop_filename(d), costs=costs)


def write_pops(rollup: Any, out_dir: Path | str, upns: Iterable[str] | None = None,
               class_name: str | None = None, costs: bool = True, pdf: bool = False,
               progress: bool = True) -> list[Path]:
    """Write a POP for each chosen pupil (default: every K and E pupil); with `pdf`, a PDF
    of each beside it.  Returns the workbooks written, then the PDFs."""
    out = Path(out_dir)
    index = _Index(rollup)
    chosen = _select(rollup.map, upns, class_name)
    bar = _Progress(len(chosen), "Writing POPs", progress)
    paths: list[Path] = []
    if len(chosen) >= POOL_FROM and (os.cpu_count() or 1) >= 2:
        data = [index.pop_data(u) for u in chosen]
        size = max(5, min(50, len(data) // 16))
        chunks = [data[i:i + size] for i in range(0, len(data), size)]
        results: dict[int, list[str]] = {}
        with ProcessPoolExecutor(max_workers=2) as pool:
            futures = {pool.submit(_write_chunk, c, str(out), costs): i
                       for i, c in enumerate(chunks)}
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                bar.add(len(results[futures[fut]]))
        paths = [Path(p) for i in range(len(chunks)) for p in results[i]]
    else:
        for u in chosen:
            d = index.pop_data(u)
            paths.append(render_pop(d, out / pop_filename(d), costs=costs))
            bar.add()
    if pdf and paths:
        paths += convert_to_pdf(paths, progress=progress)
    return paths


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(xlsx_paths: Sequence[Path], *, progress: bool = True,
                   processes: int | None = None, timeout_per_file: float = 20.0) -> list[Path]:
    """Turn POP workbooks into PDFs beside them with one LibreOffice process (two, with
    separate profiles, when there are many and two cores).  Each PDF appears whole."""
    exe = soffice_path()
    if exe is None:
        raise PdfUnavailable(
            "Making PDFs needs LibreOffice, which is not installed on this computer. "
            "Install it with `sudo apt-get install libreoffice-calc` (Debian/Ubuntu) or "
            "download it from https://www.libreoffice.org/download/ and run the command "
            "again. The POP workbooks were written; only the PDFs are missing.")
    files = [Path(p).resolve() for p in xlsx_paths]
    if not files:
        return []
    if processes is None:
        processes = 2 if len(files) >= PDF_TWO_PROCESSES_FROM and (os.cpu_count() or 1) >= 2 \
            else 1
    halves = [files[i::processes] for i in range(processes)] if processes > 1 else [files]
    bar = _Progress(len(files), "Making PDFs", progress)
    with tempfile.TemporaryDirectory(prefix="provmap-pdf-") as tmp:
        procs = []
        for i, part in enumerate(halves):
            outdir = Path(tmp) / f"out{i}"
            profile = Path(tmp) / f"profile{i}"
            outdir.mkdir()
            cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(outdir),
                   *map(str, part)]
            procs.append((subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, text=True), outdir, part))
        deadline = time.monotonic() + 60 + timeout_per_file * max(len(h) for h in halves)
        seen: set[Path] = set()
        while any(p.poll() is None for p, _, _ in procs):
            if time.monotonic() > deadline:
                for p, _, _ in procs:
                    p.kill()
                raise RuntimeError("LibreOffice took too long to make the PDFs; try fewer "
                                   "pupils at a time (--class or --pupil).")
            for _, outdir, _ in procs:
                for pdf in outdir.glob("*.pdf"):
                    if pdf not in seen:
                        seen.add(pdf)
                        bar.add()
            time.sleep(0.2)
        written: dict[Path, Path] = {}
        missing: list[Path] = []
        notes: list[str] = []
        for p, outdir, part in procs:
            err = (p.stderr.read() if p.stderr else "").strip()
            for x in part:
                made = outdir / (x.stem + ".pdf")
                if made.exists() and made.stat().st_size > 0:
                    with atomic_write(x.with_suffix(".pdf"), suffix=".pdf") as t:
                        shutil.move(str(made), t)
                    written[x] = x.with_suffix(".pdf")
                else:
                    missing.append(x)
                    if err:
                        notes.append(err.splitlines()[-1])
        bar.add(len(files) - bar.done)
        if missing:
            raise RuntimeError(
                f"LibreOffice did not make a PDF of {len(missing)} POP(s), e.g. {missing[0]}"
                + (f" ({notes[0]})" if notes else "") + ".")
    return [written[x] for x in files]
