"""The SENCo rollup workbook: the term's numbers, the year so far, and what needs action.

``write_senco(rollup, out_dir)`` only renders the frames of a
:class:`~provmap.numbers.rollup.Rollup`; every figure is worked out in provmap.numbers.rollup.  Money is
kept exact there and rounded to pence here only by the cell format.  Staff text (names,
provisions, messages) always goes through ``write_string``, so text starting with `=` stays
text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import xlsxwriter

from ..numbers.rollup import (FLAG_MISSING, FLAG_NO_PROGRESS, FLAG_NO_PROVISION, FLAG_PROVISION,
                       FLAG_THRESHOLD, Rollup)
from ..glossary import codes_in, produced_by
from ..numbers.disclosure import printed_ratio
from ..write import fit, page
from ..write.names import inside, report_filename
from ..write.book import open_book
from ..write.atomic import atomic_write

MONEY = "£#,##0.00"
_STATUS_WORDS = {"K": "SEN support (K)", "E": "EHC plan (E)", "N": "No SEN (N)"}

# By provision prints in two parts when it cannot fit one page: what each provision is and
# costs, then how well it worked (from Measure on); the columns in that order.
_BY_PROVISION_ORDER = ["Provision", "Type", "Area of need", "Pupils", "Groups", "Cost",
                       "Cost per pupil", "Measure", "Pupils with both scores", "Mean gain",
                       "Ratio gain (months measures)", "Effect size (standardised)",
                       "Pupils with no progress", "Share making progress", "Impact", "Flag"]

# Number format of a column, by header; anything not listed is text or a plain number.
_MONEY_COLUMNS = {"Cost", "Cost per pupil", "Year cost", "Share", "Group cost"}
_FORMATS = {
    "Mean gain": "0.0#", "Ratio gain (months measures)": "0.00",
    "Effect size (standardised)": "0.00", "Share making progress": "0%",
    "Pupils": "0", "Groups": "0", "Pupils with both scores": "0",
    "Pupils with no progress": "0", "Row": "0",
}


def senco_filename(rollup: Rollup) -> str:
    """`<school> <year> <term> - SENCo rollup.xlsx`, safe on Windows and macOS."""
    s = rollup.map.settings
    return report_filename(s.school, s.academic_year, rollup.term, "SENCo rollup")


def write_senco(rollup: Rollup, out_dir: Path) -> Path:
    """Write the SENCo rollup workbook into ``out_dir``; return its path."""
    target = inside(out_dir, senco_filename(rollup))
    with atomic_write(target) as tmp:
        wb = open_book(tmp)
        try:
            _Writer(wb, rollup).write()
        finally:
            wb.close()
    return target


class _Writer:
    """One workbook's formats, made once, and the sheets in order."""

    def __init__(self, wb: xlsxwriter.Workbook, rollup: Rollup):
        self.wb = wb
        self.r = rollup
        f = wb.add_format
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        wrap = {**base, "text_wrap": True}
        cell = {**wrap, **_RULED}
        self.f = {
            "text": f(cell),
            "wrap": f(wrap),
            "intro": f({**wrap, "italic": True, "font_color": "#404040"}),
            "title_bold": f({**base, "bold": True, "font_color": "#1F4E79"}),
            "title_name": f({**wrap, "bold": True, "font_color": "#1F4E79"}),
            "header": f({**base, "bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF",
                         "text_wrap": True, "border": 1, "border_color": "#BFBFBF"}),
            "title": f({**wrap, "bold": True, "font_size": 16, "font_color": "#1F4E79"}),
            "subtitle": f({**wrap, "italic": True, "font_color": "#595959"}),
            "note": f({**wrap, "italic": True, "font_color": "#595959", "indent": 1}),
            "section": f({**base, "bold": True, "font_size": 12, "font_color": "#1F4E79",
                          "bottom": 2, "bottom_color": "#1F4E79"}),
            "label": f(wrap),
            "label_bold": f({**wrap, "bold": True}),
            "value": f({**base, "bold": True, "align": "right"}),
            "value_money": f({**base, "bold": True, "num_format": MONEY, "align": "right"}),
            "value_pct": f({**base, "bold": True, "num_format": "0%", "align": "right"}),
            "action": f({**base, "bg_color": "#FCE4D6", "text_wrap": True}),
            "action_note": f({**base, "bg_color": "#FCE4D6", "text_wrap": True, "indent": 1}),
            "action_count": f({**base, "bold": True, "bg_color": "#FCE4D6", "align": "right"}),
            "ok": f({**base, "bg_color": "#E2EFDA", "text_wrap": True}),
            "number": f({**base, **_RULED}),
            "flag": f({**cell, "bg_color": "#FFEB9C", "font_color": "#9C5700"}),
            "error": f({**cell, "bg_color": "#FFC7CE", "font_color": "#9C0006"}),
            "warning": f({**cell, "bg_color": "#FFEB9C", "font_color": "#9C5700"}),
            "total": f({**base, "bold": True, "top": 1}),
            "total_money": f({**base, "bold": True, "top": 1, "num_format": MONEY}),
        }
        self._num: dict[str, object] = {}

    def num_format(self, fmt: str):
        if fmt not in self._num:
            self._num[fmt] = self.wb.add_format({"font_name": "Arial", "font_size": SIZE,
                                                 "valign": "top", "num_format": fmt,
                                                 **_RULED})
        return self._num[fmt]

    # ------------------------------------------------------------------ sheets
    def write(self) -> None:
        r = self.r
        s = r.map.settings
        self.wb.set_properties({"title": f"{s.school} {s.academic_year} {r.term} SENCo rollup",
                                "subject": "SEN provision map: termly rollup",
                                "author": "provmap"})
        self.summary()
        term_costs = [f"{t} cost" for t in r.terms]
        self.table("By pupil", r.by_pupil, money=set(term_costs), highlight={"Flags"},
                   repeat=2, group_starts=("Provisions",),
                   intro=f"Every pupil with provision this year, and every K/E pupil; "
                         f"costs for {', '.join(r.terms)}.")
        self.table("By provision", _printed_ratios(r.by_provision, s.impact_bands),
                   highlight={"Flag"},
                   order=_BY_PROVISION_ORDER, group_starts=("Measure",),
                   intro=f"{r.term}: cost is the sum of pupils' shares; ratio gain for "
                         "months measures, effect size for standardised scores.",
                   total=("Provision", ["Cost"]))
        self.table("By class", r.by_class, intro=f"{r.term}, by the sheet the provision is "
                   "on.", total=("Class", ["Cost"]))
        self.table("By area of need", r.by_area,
                   intro=f"{r.term}; a pupil with support in two areas counts in both.")
        self.table("Flags", r.flags, highlight={"Flag"}, repeat=2, caps={"Flag": 14},
                   intro="The year so far: pupils and provisions to review.")
        self.table("Issues", r.issues, severity=True,
                   intro="Problems found in the workbook; errors leave rows out of the numbers.")
        if len(r.excluded):
            ex = r.excluded.rename(columns={"term": "Term", "sheet": "Sheet", "row": "Row",
                                            "reason": "Reason", "pupil": "Pupil",
                                            "provision": "Provision"})
            self.table("Rows left out", ex,
                       intro="These rows are not in any figure until the error is fixed.")

    def summary(self) -> None:
        """One portrait page: the headline figures, what needs action, the largest costs."""
        r, sm, f = self.r, self.r.summary, self.f
        ws = self.wb.add_worksheet("Summary")
        ws.hide_gridlines(2)
        widths = (44, 13, 30)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        span = fit.columns_pt(widths) / fit.LIBREOFFICE_WIDER
        note_pt = fit.column_pt(widths[2])
        heights: dict[int, float] = {}
        units: list[int] = []
        s = r.map.settings
        title = f"{s.school}: SENCo rollup, {r.term} {s.academic_year}"
        ws.merge_range(0, 0, 0, 2, title, f["title"])
        heights[0] = fit.row_pt(fit.lines(title, span, 16, bold=True), 16)
        year = (f"Year so far: {', '.join(r.terms)}"
                f"{'' if sm.get('term_over') else f' ({r.term} not yet over)'}.")
        made = produced_by(s, r.today)
        for row, text in ((1, year), (2, made)):
            ws.merge_range(row, 0, row, 2, text, f["subtitle"])
            heights[row] = fit.row_pt(fit.lines(text, span, SIZE), SIZE)
        row = 4

        def section(text: str) -> None:
            nonlocal row
            units.append(row)
            ws.write_string(row, 0, text, f["section"])
            ws.write_blank(row, 1, None, f["section"])
            ws.write_blank(row, 2, None, f["section"])
            heights[row] = 18
            row += 1

        def note_height(text: str, label: str = "") -> None:
            n = max(fit.lines(text, note_pt, SIZE), fit.lines(label, fit.column_pt(widths[0]),
                                                              SIZE))
            if n > 1:
                heights[row] = fit.row_pt(n, SIZE)

        section("Headline figures")
        by = sm["pupils_with_provision_by_status"]
        reg = sm["pupils_on_register_by_status"]
        lines: list[tuple[str, object, str, str]] = [
            (f"Pupils with provision in {r.term}", sm["pupils_with_provision"], "value",
             "label_bold"),
        ]
        for k in ("K", "E", "N"):
            note = f"of {reg.get(k, 0)} on the register" if k != "N" else ""
            lines.append((f"    {_STATUS_WORDS[k]}", by.get(k, 0), "value", note))
        lines += [
            (f"Total cost in {r.term}", sm["cost_term"], "value_money", "label_bold"),
            ("Total cost, year to date", sm["cost_year"], "value_money", "label_bold"),
        ]
        if len(r.terms) > 1:
            for t in r.terms:
                lines.append((f"    {t}", sm["cost_by_term"].get(t, 0.0), "value_money", ""))
        for kind, cost in sorted(sm["cost_term_by_type"].items()):
            lines.append((f"    {r.term}: {kind}", cost, "value_money", ""))
        lines += [
            ("Notional SEN threshold (per pupil, per year)", sm["threshold"], "value_money",
             ""),
            ("Pupils with provision this year", sm["pupils_with_provision_year"], "value", ""),
            ("Flags (see the Flags sheet)", sm["flags"], "value", "label_bold"),
            ("Rows left out of the numbers", sm["rows_excluded"], "value",
             "see Rows left out" if sm["rows_excluded"] else ""),
        ]
        for label, value, fmt, note in lines:
            label_fmt = f["label_bold"] if note == "label_bold" else f["label"]
            ws.write_string(row, 0, label, label_fmt)
            ws.write_number(row, 1, float(value), f[fmt])
            if note and note != "label_bold":
                ws.write_string(row, 2, note, f["note"])
                note_height(note, label)
            row += 1

        row += 1
        section("What needs action")
        actions = self._actions()
        if not actions:
            ws.merge_range(row, 0, row, 2, "Nothing needs action: no flags and no errors.",
                           f["ok"])
            row += 1
        for count, text, where in actions:
            ws.write_string(row, 0, text, f["action"])
            ws.write_number(row, 1, count, f["action_count"])
            ws.write_string(row, 2, where, f["action_note"])
            note_height(where, text)
            row += 1

        top = r.by_provision.sort_values("Cost", ascending=False).head(5)
        if len(top):
            row += 1
            section(f"Largest costs in {r.term}")
            for _, p in top.iterrows():
                ws.write_string(row, 0, str(p["Provision"]), f["label"])
                ws.write_number(row, 1, float(p["Cost"]), f["value_money"])
                note = f"{int(p['Pupils'])} pupil{'s' if p['Pupils'] != 1 else ''}, {p['Type']}"
                ws.write_string(row, 2, note, f["note"])
                note_height(note, str(p["Provision"]))
                row += 1
        key = codes_in(self._printed_text(), s)
        if key:
            row += 1
            section("Key to the codes in this workbook")
            for i, (code, meaning) in enumerate(key):
                if i:
                    units.append(row)                  # a page may break between entries
                ws.merge_range(row, 0, row, 2, "", f["wrap"])
                ws.write_rich_string(row, 0, f["label_bold"], code, f["label"],
                                     f": {meaning}", f["wrap"])
                lines = fit.lines(f"{code}: {meaning}", span, SIZE)
                if lines > 1:
                    heights[row] = fit.row_pt(lines, SIZE)
                row += 1
        for r_, h in heights.items():
            ws.set_row(r_, h)
        self._page(ws, landscape=False)
        if units:
            ws.set_h_pagebreaks(page.keep_together(
                heights, units, row, width_pt=fit.columns_pt(widths), title_rows=(0,),
                margins=MARGINS, landscape=False))

    def _printed_text(self) -> list[str]:
        """The words the rollup prints that may hold codes (needs, provisions, measures,
        delivery), for its key."""
        r = self.r
        texts: list[str] = []
        for df, cols in ((r.by_pupil, ("Primary need", "Provisions")),
                         (r.by_provision, ("Provision", "Type", "Measure")),
                         (r.flags, ("Provision", "Detail"))):
            for col in cols:
                if col in df.columns:
                    texts.extend(str(v) for v in df[col].dropna().unique())
        return texts

    def _actions(self) -> list[tuple[int, str, str]]:
        """(count, what, where to look) for each kind of thing the SENCo should act on."""
        r, sm = self.r, self.r.summary
        kinds = sm["flags_by_kind"]
        out = []
        errors = sm["errors"]
        if errors:
            out.append((errors, f"Error{'s' if errors != 1 else ''} in the workbook to fix"
                        + (f" ({sm['rows_excluded']} row{'s' if sm['rows_excluded'] != 1 else ''}"
                           " left out of the numbers)" if sm["rows_excluded"] else ""),
                        "Issues sheet"))
        names = r.flags.loc[r.flags["Flag"] == FLAG_PROVISION, "Provision"].dropna().unique()
        for kind, text, where in (
                (FLAG_NO_PROGRESS, "No progress on a provision: consider an alternative",
                 "Flags: No progress"),
                (FLAG_PROVISION, "Provisions where most pupils made no progress", ", ".join(
                    map(str, names[:4])) + (" …" if len(names) > 4 else "")),
                (FLAG_THRESHOLD, "Pupils above the notional SEN threshold", "consider "
                 "applying for top-up funding or an EHC needs assessment"),
                (FLAG_NO_PROVISION, "K/E pupils with no provision in a term",
                 "Flags: add their provision"),
                (FLAG_MISSING, "Missing Pre or Post assessments", "Flags: Missing assessment")):
            n = kinds.get(kind, 0)
            if n:
                out.append((n, text, where))
        warnings = sm["warnings"]
        if warnings:
            out.append((warnings, f"Warning{'s' if warnings != 1 else ''} to look at",
                        "Issues sheet"))
        return out

    def table(self, name: str, df: pd.DataFrame, *, money: set[str] = frozenset(),
              highlight: set[str] = frozenset(), severity: bool = False, intro: str = "",
              total: tuple[str, list[str]] | None = None, repeat: int = 1,
              order: list[str] | None = None, group_starts: tuple[str, ...] = (),
              caps: dict[str, float] | None = None) -> None:
        """A frame as a filterable table that prints readably: a titled sheet, a wrapped
        header row repeated on every page, text wrapped in columns sized for A4 at 100%.

        A table too wide for a landscape page is printed in page-wide parts, its first
        ``repeat`` columns (the row's name) on each, a part starting at a group of columns
        (``group_starts``) where it can; the sheet stays one table for filtering in Excel.
        Rows are kept whole and the last two with the total (no page holds a lone row).
        """
        f = self.f
        if order is not None:
            df = df[[c for c in order if c in df.columns] +
                     [c for c in df.columns if c not in order]]
        ws = self.wb.add_worksheet(name)
        cols = [str(c) for c in df.columns]
        values = df.to_numpy(dtype=object)
        starts = {cols.index(g) for g in group_starts if g in cols}
        totals = {col: f"£{float(df[col].sum()):,.2f}" for col in (total[1] if total else ())}
        plan = _Plan.of(cols, values, money, repeat, starts, {**_CAPS, **(caps or {})}, totals)
        head = 1
        heights = {0: self._title(ws, plan, name, intro, repeat)}
        for c, col in enumerate(cols):
            ws.write_string(head, c, col, f["header"])
        heights[head] = max(fit.row_pt(fit.lines(col, fit.column_pt(w), SIZE, bold=True), SIZE)
                            for col, w in zip(cols, plan.widths)) + 2
        sev_col = cols.index("Severity") if severity and "Severity" in cols else None
        for i, rec in enumerate(values):
            row = head + 1 + i
            row_fmt = None
            if sev_col is not None:
                row_fmt = {"Error": f["error"], "Warning": f["warning"]}.get(rec[sev_col])
            lines = 1
            for c, v in enumerate(rec):
                col = cols[c]
                if _missing(v):
                    if row_fmt is not None:
                        ws.write_blank(row, c, None, row_fmt)
                    continue
                if isinstance(v, (bool, np.bool_)):
                    ws.write_string(row, c, "Yes" if v else "No", row_fmt or f["text"])
                elif isinstance(v, (int, float, np.integer, np.floating)):
                    fmt = plan.number_formats[c]
                    ws.write_number(row, c, float(v), self.num_format(fmt) if fmt else
                                    f["number"])
                else:
                    text = v.isoformat() if isinstance(v, date) else str(v)
                    if col == "Detail":
                        text = _KEEP_MINUS.sub("\u2212", text)   # "gain -4" never splits
                    if col in highlight:
                        cell_fmt = f["flag"]
                    elif row_fmt is not None:
                        cell_fmt = row_fmt
                    else:
                        cell_fmt = f["text"]
                    ws.write_string(row, c, text, cell_fmt)
                    lines = max(lines, fit.lines(text, fit.column_pt(plan.widths[c]), SIZE))
            if lines > 1:
                heights[row] = fit.row_pt(lines, SIZE)
        last = head + len(values)
        end = last + 1
        if total is not None and len(values):
            label_col, sums = total
            ws.write_string(end, cols.index(label_col), "Total", f["total"])
            for col in sums:
                ws.write_number(end, cols.index(col), float(df[col].sum()), f["total_money"])
            end += 1
        for c, w in enumerate(plan.widths):
            ws.set_column(c, c, w)
        for row, h in heights.items():
            ws.set_row(row, h)
        ws.freeze_panes(head + 1, 1 if name in ("By pupil", "By provision") else 0)
        ws.autofilter(head, 0, max(last, head), max(len(cols) - 1, 0))
        self._page(ws, landscape=plan.landscape)
        ws.repeat_rows(head)                         # the header on every printed page
        if plan.breaks:
            ws.set_v_pagebreaks(plan.breaks)
            ws.repeat_columns(0, repeat - 1)
            ws.print_across()                        # a block of rows, then its other part
        tail = max(head + 1, last - 1)               # the last two rows stay with the total
        units = list(range(head + 1, tail)) + [tail]
        ws.set_h_pagebreaks(page.keep_together(
            heights, units, end, width_pt=plan.widest_part_pt, title_rows=(head,),
            margins=MARGINS, landscape=plan.landscape))

    def _title(self, ws, plan: "_Plan", name: str, intro: str, repeat: int) -> float:
        """The sheet's name and what it shows, above the table; returns the row's height.
        A table printed in parts has its name in the columns every part repeats and the
        sentence over each part, so that no part shows it cut."""
        f = self.f

        def across(a: int, b: int, *parts) -> None:
            if b - 1 > a:
                ws.merge_range(0, a, 0, b - 1, "", parts[-1])
            if len(parts) > 2:
                ws.write_rich_string(0, a, *parts)
            else:
                ws.write_string(0, a, *parts)

        def width(a: int, b: int) -> float:
            return fit.columns_pt(plan.widths[a:b]) / fit.LIBREOFFICE_WIDER

        if not plan.breaks:
            across(0, len(plan.widths), f["title_bold"], f"{name}. ", f["intro"], intro,
                   f["intro"])
            return fit.row_pt(fit.lines(f"{name}. {intro}", width(0, len(plan.widths)),
                                        SIZE), SIZE)
        across(0, repeat, name, f["title_name"])
        n = fit.lines(name, width(0, repeat), SIZE, bold=True)
        for a, b in plan.parts(repeat):
            across(a, b, intro, f["intro"])
            n = max(n, fit.lines(intro, width(a, b), SIZE))
        return fit.row_pt(n, SIZE)

    def _page(self, ws, landscape: bool) -> None:
        """A4 at 100% (manual page breaks need a fixed scale: Excel ignores them when fitting
        to a page), with the school, the sheet and the document in the header."""
        s = self.r.map.settings
        page.a4(ws, landscape=landscape, margins=MARGINS, header_margin=0.3,
                header=(page.escape(s.school), "&A", page.escape(
                    f"SENCo rollup, {self.r.term} {s.academic_year} - Confidential")))
        ws.set_print_scale(100)


SIZE = 10                                   # the rollup's text, in points, as printed
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.75, "bottom": 0.7}
_ROOM_PT = {True: page.A4_PT[0] - 72, False: page.A4_PT[1] - 72}   # landscape, portrait
_KEEP_MINUS = re.compile(r"(?<=\s)-(?=\d)")

# How wide a column may grow before its text wraps, in Excel's character units, by header;
# and how narrow a wrapping column may become to fit the page.
_CAPS = {"Provisions": 40, "Flags": 18, "Detail": 48, "Message": 46, "Hint": 32, "Flag": 22,
         "Reason": 40, "Pupil": 18, "Provision": 22, "Type": 11, "Area of need": 16,
         "Measure": 15, "Sheet": 11}
_TEXT_CAP = 24
_RULED = {"border": 1, "border_color": "#D9D9D9"}     # hairlines between a table's cells
_FLOOR = 12


@dataclass
class _Plan:
    """How a table prints: column widths, number formats, orientation, and the columns
    that start each page-wide part after the first (none when it fits one page)."""

    widths: list[float]
    number_formats: list[str | None]
    landscape: bool
    breaks: list[int]
    room: float

    @property
    def widest_part_pt(self) -> float:
        return min(fit.columns_pt(self.widths), self.room)

    def parts(self, repeat: int) -> list[tuple[int, int]]:
        """(first, last + 1) column of each printed part; the first part's name columns
        count as its own, later parts repeat them."""
        bounds = [0, *self.breaks, len(self.widths)]
        return [(max(a, repeat) if i == 0 else a, b)
                for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]

    @classmethod
    def of(cls, cols: list[str], values: np.ndarray, money: set[str], repeat: int,
           starts: set[int], caps: dict[str, float], totals: dict[str, str]) -> "_Plan":
        """Widths from the text each column shows (a total, in bold, included)."""
        widths, needs, floors, formats = [], [], [], []
        for c, col in enumerate(cols):
            fmt = (MONEY if col in _MONEY_COLUMNS or col in money else _FORMATS.get(col))
            shown = [_shown(v, fmt) for v in values[:, c]] if len(values) else []
            longest = max((fit.text_pt(t, SIZE) for t in shown), default=0.0)
            if col in totals:
                longest = max(longest, fit.text_pt(totals[col], SIZE, bold=True))
            word = _units(max((fit.text_pt(w, SIZE, bold=True) for w in col.split()),
                              default=0.0) + 4)
            need = max(_units(longest + 4), word, 5.0)
            if _is_number(values, c):
                # wide enough for the figures, and for the heading in three lines at most
                need = max(need, _units(fit.text_pt(col, SIZE, bold=True) / 2.5 + 6))
                widths.append(need)
                floors.append(need)
            else:
                widths.append(min(need, max(caps.get(col, _TEXT_CAP), word)))
                floors.append(max(min(_FLOOR, need), word))
            needs.append(need)
            formats.append(fmt)
        landscape = fit.columns_pt(widths) > _ROOM_PT[False]
        room = _ROOM_PT[landscape]
        fitted = list(widths)
        while fit.columns_pt(fitted) > room:       # narrow the widest wrapping column
            narrower = [c for c in range(len(cols)) if fitted[c] - 1 >= floors[c]]
            if not narrower:                       # even so too wide: print it in parts
                plan = cls(widths, formats, True, fit.column_breaks(
                    widths, room, repeat=repeat, starts=starts), room)
                for a, b in plan.parts(repeat):
                    _spend(plan.widths, needs, [*range(repeat), *range(a, b)],
                           range(a, b), room)
                return plan
            c = max(narrower, key=lambda c: fitted[c] - floors[c])
            fitted[c] -= 1
        _spend(fitted, needs, range(len(cols)), range(len(cols)), room)
        return cls(fitted, formats, landscape, [], room)


def _spend(widths: list[float], needs: list[float], on_page: Iterable[int],
           wider: Iterable[int], room: float) -> None:
    """Give a page's spare width to its wrapping columns (``wider``), the most wrapped
    first, up to what each needs: fewer lines, shorter rows, fewer pages."""
    on_page, wider = list(on_page), list(wider)
    while True:
        short = [c for c in wider if widths[c] + 1 <= needs[c]]
        if not short:
            return
        c = max(short, key=lambda c: needs[c] / widths[c])
        widths[c] += 1
        if fit.columns_pt(widths[i] for i in on_page) > room:
            widths[c] -= 1
            return


RATIO = "Ratio gain (months measures)"


def _printed_ratios(df: pd.DataFrame, bands: tuple[tuple[float, str], ...]) -> pd.DataFrame:
    """The ratio gains as printed (``0.00``) by the one rule the published reports use: two
    decimals, never rounded up to the start of a band, so the Impact beside each agrees
    (1.996 prints 1.99 beside "modest", not 2.00)."""
    if RATIO not in df.columns:
        return df
    return df.assign(**{RATIO: [printed_ratio(x, bands) for x in df[RATIO]]})


def _is_number(values: np.ndarray, c: int) -> bool:
    """A column of numbers (blanks aside): it never wraps."""
    present = [v for v in values[:, c] if not _missing(v)] if len(values) else []
    return bool(present) and all(isinstance(v, (int, float, np.integer, np.floating))
                                 and not isinstance(v, (bool, np.bool_)) for v in present)


def _units(pt: float) -> float:
    """Points of text -> Excel's column width units (7 px each, plus 5 px of padding)."""
    return round(max(1.0, (pt * fit.PX_PER_PT - 5) / 7) + 0.5, 1)


def _shown(v: object, fmt: str | None) -> str:
    """A value as its cell shows it, near enough to size the column."""
    if _missing(v):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "Yes" if v else "No"
    if isinstance(v, (int, float, np.integer, np.floating)):
        x = float(v)
        if fmt == MONEY:
            return f"£{x:,.2f}"
        if fmt == "0%":
            return f"{x:.0%}"
        if fmt in ("0.00", "0.0#"):
            return f"{x:.2f}"
        return f"{x:,.0f}" if x == int(x) else f"{x:,.2f}"
    return v.isoformat() if isinstance(v, date) else str(v)


def _missing(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)
