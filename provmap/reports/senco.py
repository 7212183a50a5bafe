"""The SENCo rollup workbook: the term's numbers, the year so far, and what needs action.

``write_senco(rollup, out_dir)`` only renders the frames of a
:class:`~provmap.numbers.rollup.Rollup`; every figure is worked out in provmap.numbers.rollup.  Money is
kept exact there and rounded to pence here only by the cell format.  Staff text (names,
provisions, messages) always goes through ``write_string``, so text starting with `=` stays
text.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from ..numbers.rollup import (FLAG_MISSING, FLAG_NO_PROGRESS, FLAG_NO_PROVISION, FLAG_PROVISION,
                       FLAG_THRESHOLD, Rollup)
from ..write import page
from ..write.names import inside, report_filename
from ..write.book import open_book
from ..write.atomic import atomic_write

MONEY = "£#,##0.00"
_STATUS_WORDS = {"K": "SEN support (K)", "E": "EHC plan (E)", "N": "No SEN (N)"}

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
        self.f = {
            "text": f({**base}),
            "wrap": f({**base, "text_wrap": True}),
            "header": f({**base, "bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF",
                         "text_wrap": True, "border": 1, "border_color": "#BFBFBF"}),
            "title": f({**base, "bold": True, "font_size": 16, "font_color": "#1F4E79"}),
            "subtitle": f({**base, "italic": True, "font_color": "#595959"}),
            "section": f({**base, "bold": True, "font_size": 12, "font_color": "#1F4E79",
                          "bottom": 2, "bottom_color": "#1F4E79"}),
            "label": f({**base}),
            "label_bold": f({**base, "bold": True}),
            "value": f({**base, "bold": True, "align": "right"}),
            "value_money": f({**base, "bold": True, "num_format": MONEY, "align": "right"}),
            "value_pct": f({**base, "bold": True, "num_format": "0%", "align": "right"}),
            "action": f({**base, "bg_color": "#FCE4D6", "text_wrap": True}),
            "action_count": f({**base, "bold": True, "bg_color": "#FCE4D6", "align": "right"}),
            "ok": f({**base, "bg_color": "#E2EFDA", "text_wrap": True}),
            "number": f({**base}),
            "flag": f({**base, "bg_color": "#FFEB9C", "font_color": "#9C5700"}),
            "flag_wrap": f({**base, "bg_color": "#FFEB9C", "font_color": "#9C5700",
                            "text_wrap": True}),
            "error": f({**base, "bg_color": "#FFC7CE", "font_color": "#9C0006"}),
            "warning": f({**base, "bg_color": "#FFEB9C", "font_color": "#9C5700"}),
            "total": f({**base, "bold": True, "top": 1}),
            "total_money": f({**base, "bold": True, "top": 1, "num_format": MONEY}),
        }
        self._num: dict[str, object] = {}

    def num_format(self, fmt: str):
        if fmt not in self._num:
            self._num[fmt] = self.wb.add_format({"font_name": "Arial", "font_size": 10,
                                                 "valign": "top", "num_format": fmt})
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
        self.table("By pupil", r.by_pupil, money=set(term_costs),
                   highlight={"Flags"}, wide={"Provisions"},
                   intro=f"Every pupil with provision this year, and every K/E pupil; "
                         f"costs for {', '.join(r.terms)}.")
        self.table("By provision", r.by_provision, highlight={"Flag"},
                   intro=f"{r.term}: cost is the sum of pupils' shares; ratio gain for "
                         "months measures, effect size for standardised scores.",
                   total=("Provision", ["Cost"]))
        self.table("By class", r.by_class, intro=f"{r.term}, by the sheet the provision is "
                   "on.", total=("Class", ["Cost"]))
        self.table("By area of need", r.by_area,
                   intro=f"{r.term}; a pupil with support in two areas counts in both.")
        self.table("Flags", r.flags, highlight={"Flag"}, wrap={"Detail"},
                   intro="The year so far: pupils and provisions to review.")
        self.table("Issues", r.issues, severity=True, wrap={"Message", "Hint"},
                   intro="Problems found in the workbook; errors leave rows out of the numbers.")
        if len(r.excluded):
            ex = r.excluded.rename(columns={"term": "Term", "sheet": "Sheet", "row": "Row",
                                            "reason": "Reason", "pupil": "Pupil",
                                            "provision": "Provision"})
            self.table("Rows left out", ex, wrap={"Reason"},
                       intro="These rows are not in any figure until the error is fixed.")

    def summary(self) -> None:
        r, sm, f = self.r, self.r.summary, self.f
        ws = self.wb.add_worksheet("Summary")
        ws.hide_gridlines(2)
        ws.set_column(0, 0, 58)
        ws.set_column(1, 1, 14)
        ws.set_column(2, 2, 50)
        ws.set_row(0, 26)
        ws.set_row(1, 18)
        self._page(ws, landscape=False)
        s = r.map.settings
        ws.write_string(0, 0, f"{s.school}: SENCo rollup, {r.term} {s.academic_year}",
                        f["title"])
        ws.write_string(1, 0, f"Year so far: {', '.join(r.terms)}.  Worked out on "
                              f"{_long_date(r.today)}"
                              f"{'' if sm.get('term_over') else f' ({r.term} not yet over)'}.",
                        f["subtitle"])
        row = 3
        ws.write_string(row, 0, "Headline figures", f["section"])
        ws.write_blank(row, 1, None, f["section"])
        ws.write_blank(row, 2, None, f["section"])
        row += 1
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
                ws.write_string(row, 2, note, f["subtitle"])
            row += 1

        row += 1
        ws.write_string(row, 0, "What needs action", f["section"])
        ws.write_blank(row, 1, None, f["section"])
        ws.write_blank(row, 2, None, f["section"])
        row += 1
        actions = self._actions()
        if not actions:
            ws.merge_range(row, 0, row, 2, "Nothing needs action: no flags and no errors.",
                           f["ok"])
            row += 1
        for count, text, where in actions:
            ws.set_row(row, 16)
            ws.write_string(row, 0, text, f["action"])
            ws.write_number(row, 1, count, f["action_count"])
            ws.write_string(row, 2, where, f["action"])
            row += 1

        top = r.by_provision.sort_values("Cost", ascending=False).head(5)
        if len(top):
            row += 1
            ws.write_string(row, 0, f"Largest costs in {r.term}", f["section"])
            ws.write_blank(row, 1, None, f["section"])
            ws.write_blank(row, 2, None, f["section"])
            row += 1
            for _, p in top.iterrows():
                ws.write_string(row, 0, str(p["Provision"]), f["label"])
                ws.write_number(row, 1, float(p["Cost"]), f["value_money"])
                ws.write_string(row, 2, f"{int(p['Pupils'])} pupil"
                                f"{'s' if p['Pupils'] != 1 else ''}, "
                                f"{p['Type']}", f["subtitle"])
                row += 1

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
              highlight: set[str] = frozenset(), wrap: set[str] = frozenset(),
              wide: set[str] = frozenset(), severity: bool = False, intro: str = "",
              total: tuple[str, list[str]] | None = None) -> None:
        """A frame as a filterable table: intro line, header, frozen panes, widths."""
        f = self.f
        ws = self.wb.add_worksheet(name)
        self._page(ws, landscape=True)
        ws.write_string(0, 0, intro, f["subtitle"])
        head = 1
        cols = list(df.columns)
        for c, col in enumerate(cols):
            ws.write_string(head, c, str(col), f["header"])
        ws.freeze_panes(head + 1, 1 if name in ("By pupil", "By provision") else 0)
        ws.repeat_rows(head)                         # the header on every printed page
        widths = [max(8, min(len(str(col)) + 2, 14)) for col in cols]
        values = df.to_numpy(dtype=object)
        sev_col = cols.index("Severity") if severity and "Severity" in cols else None
        wrapped: list[tuple[int, int, str]] = []       # (row, column, text) that may wrap
        for i, rec in enumerate(values):
            row = head + 1 + i
            row_fmt = None
            if sev_col is not None:
                row_fmt = {"Error": f["error"], "Warning": f["warning"]}.get(rec[sev_col])
            for c, v in enumerate(rec):
                col = cols[c]
                if _missing(v):
                    if row_fmt is not None:
                        ws.write_blank(row, c, None, row_fmt)
                    continue
                if isinstance(v, (bool, np.bool_)):
                    ws.write_string(row, c, "Yes" if v else "No", row_fmt or f["text"])
                elif isinstance(v, (int, float, np.integer, np.floating)):
                    fmt = (MONEY if col in _MONEY_COLUMNS or col in money
                           else _FORMATS.get(col))
                    ws.write_number(row, c, float(v), self.num_format(fmt) if fmt else
                                    f["number"])
                    widths[c] = max(widths[c], 12)
                else:
                    text = v.isoformat() if isinstance(v, date) else str(v)
                    if col in highlight:
                        cell_fmt = f["flag_wrap"] if col in wrap else f["flag"]
                    elif row_fmt is not None:
                        cell_fmt = row_fmt
                    else:
                        cell_fmt = f["wrap"] if col in wrap else f["text"]
                    ws.write_string(row, c, text, cell_fmt)
                    cap = 80 if col in wide else 60 if col in wrap else 40
                    widths[c] = max(widths[c], min(len(text) + 2, cap))
                    if col in wrap:
                        wrapped.append((row, c, text))
        # XlsxWriter cannot autofit heights: give wrapped rows room for their lines, or the
        # text of one row is drawn over the next
        lines_by_row: dict[int, int] = {}
        for row, c, text in wrapped:
            lines = math.ceil(len(text) * 1.1 / max(widths[c] - 1, 1))
            lines_by_row[row] = max(lines_by_row.get(row, 1), lines)
        for row, lines in lines_by_row.items():
            if lines > 1:
                ws.set_row(row, 15 * min(lines, 8))
        last = head + len(values)
        if total is not None and len(values):
            label_col, sums = total
            row = last + 1
            ws.write_string(row, cols.index(label_col), "Total", f["total"])
            for col in sums:
                ws.write_number(row, cols.index(col), float(df[col].sum()), f["total_money"])
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        lines = max((math.ceil(len(str(col)) / max(w - 1, 1)) for col, w in zip(cols, widths)),
                    default=1)
        ws.set_row(head, 14 * min(lines, 3) + 4)
        ws.autofilter(head, 0, max(last, head), max(len(cols) - 1, 0))

    def _page(self, ws, landscape: bool) -> None:
        s = self.r.map.settings
        page.a4(ws, landscape=landscape,
                header=(page.escape(s.school), "", page.escape(
                    f"SENCo rollup, {self.r.term} {s.academic_year} - Confidential")))


def _missing(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


def _long_date(d: date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"
