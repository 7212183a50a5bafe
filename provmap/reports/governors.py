"""The governors' summary report: aggregates only, safe to circulate, print-ready on A4.

Governors judge whether SEN money is well spent.  They get counts of the register, costs by
type, area of need and term, and the impact of each provision, and never a pupil: no name,
UPN, date of birth, free text, staff name or class anywhere in the file.  Every count of
pupils goes through :mod:`provmap.numbers.disclosure` before it is written, and the written file is
searched for register names, UPNs and dates of birth before it is put in place.

``governors_tables(rollup)`` computes the (already safe) tables; ``write_governors`` only
renders them.  Both use only the Rollup contract: ``rollup.rows`` (one row per costed
provision row), ``rollup.map`` (settings and register), ``rollup.term`` and ``rollup.terms``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from ..numbers import disclosure as dc
from ..schema import C_AND_I, C_AND_L, GROUP, NEED_AREA, ONE_TO_ONE, QFT, S_AND_P, SEMH_AREA
from ..write import page
from ..write.names import report_filename
from ..write.book import open_book
from ..write.atomic import atomic_write

SEN_LABEL = {"K": "SEN support", "E": "EHC plan", "N": "No SEN (monitoring or catch-up)"}
AREAS = [C_AND_I, C_AND_L, SEMH_AREA, S_AND_P]
OTHER_AREA = "Other or not yet identified"
NO_AREA = "Area not given"
TYPES = [QFT, GROUP, ONE_TO_ONE]
TYPE_LABEL = {QFT: "Quality first teaching", GROUP: "Group interventions", ONE_TO_ONE: "1:1 support"}
NO_TYPE = "Type not given"
TOTAL = "Total"
ALL_SEN = "All on SEN register"
REGISTER = "Pupils"
WITH_PROVISION = "With provision this term"
YEAR_SO_FAR = "Year so far"
PUPILS_NOW = "Pupils this term"
UNIT = {"months": "months", "standardised": "points", "score": "points"}
GOOD_BANDS_FROM = 2.0       # "useful or better": the second Brooks band and up (see band())

# Sheet and table names (the keys of governors_tables)
T_STATUS = "Register by SEN status"
T_AREA = "SEN register by area of need"
T_YEAR = "SEN register by year group"
T_TYPE = "Cost by provision type"
T_COST_AREA = "Cost by area of need"
T_TREND = "The year term by term"
T_IMPACT = "Provision impact"
T_HEADLINE = "Headline figures"


# --- computing -----------------------------------------------------------------------------

def _year_label(y: str | None) -> str:
    if not y:
        return "Year group not given"
    return {"N": "Nursery", "R": "Reception"}.get(y, f"Year {y}" if y.isdigit() else str(y))


def _year_key(label: str) -> tuple[int, str]:
    if label == "Nursery":
        return (0, "")
    if label == "Reception":
        return (1, "")
    if label.startswith("Year ") and label[5:].isdigit():
        return (2 + int(label[5:]), "")
    return (100, label)


def _register_frame(rollup: Any) -> pd.DataFrame:
    pupils = rollup.map.pupils.values()
    return pd.DataFrame({
        "upn": [p.upn for p in pupils],
        "status": [p.sen_status for p in pupils],
        "area": [NEED_AREA.get(p.primary_need or "", OTHER_AREA) for p in pupils],
        "year": [_year_label(p.year_group) for p in pupils],
    }, dtype=object)


def _rows(rollup: Any) -> pd.DataFrame:
    """The rollup's rows with the columns this report needs, tidied (no identifiers kept)."""
    r = rollup.rows
    out = pd.DataFrame(index=r.index)
    for col in ("term", "upn", "provision", "type", "area_of_need", "share", "gain",
                "ratio_gain", "months_elapsed", "measure", "measure_kind", "no_progress"):
        out[col] = r[col] if col in r.columns else None
    out = out.astype(object)
    out["type"] = out["type"].where(out["type"].notna(), NO_TYPE)
    out["area_of_need"] = out["area_of_need"].where(out["area_of_need"].notna(), NO_AREA)
    out["share"] = pd.to_numeric(out["share"], errors="coerce").fillna(0.0).astype(float)
    for col in ("gain", "ratio_gain", "months_elapsed"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out


def _term_rows(rows: pd.DataFrame, term: str) -> pd.DataFrame:
    return rows[rows["term"].astype(str).str.casefold() == term.casefold()]


def _status_lines() -> list:
    """The sums the status table holds.  K + E = the SEN register in both columns; with
    provision, register + N = everyone with provision (a figure shown all over the report).
    The register column has no grand total: pupils with no SEN are not on the SEN register,
    and a total including them would give a small count of them away."""
    k, e, n = SEN_LABEL["K"], SEN_LABEL["E"], SEN_LABEL["N"]
    out = [([(k, c), (e, c)], (ALL_SEN, c)) for c in (REGISTER, WITH_PROVISION)]
    c = WITH_PROVISION
    out += [([(ALL_SEN, c), (n, c)], (TOTAL, c)), ([(k, c), (e, c), (n, c)], (TOTAL, c))]
    return out


def _link_register(tables: dict[str, pd.DataFrame], t: int) -> dict[str, pd.DataFrame]:
    """Suppress the three register tables together: their SEN support, EHC plan and SEN
    register totals are the same figures, so one hidden in one table is hidden in all (else
    it could be read off another), repeated until nothing changes."""
    status, by_area, by_year = tables[T_STATUS], tables[T_AREA], tables[T_YEAR]
    linked = [SEN_LABEL["K"], SEN_LABEL["E"], ALL_SEN]     # status row == cross-tab column
    lines = _status_lines()
    force_status: set = set()
    force_cross: set = set()
    while True:
        m_status = dc.suppression_mask(status, t, force=force_status, lines=lines)
        m_area = dc.suppression_mask(by_area, t, total_row=TOTAL, total_col=ALL_SEN,
                                     force=force_cross)
        m_year = dc.suppression_mask(by_year, t, total_row=TOTAL, total_col=ALL_SEN,
                                     force=force_cross)
        new_status, new_cross = set(force_status), set(force_cross)
        for label in linked:
            if m_area.at[TOTAL, label] or m_year.at[TOTAL, label] or \
                    m_status.at[label, REGISTER]:
                new_status.add((label, REGISTER))
                new_cross.add((TOTAL, label))
        if new_status == force_status and new_cross == force_cross:
            break
        force_status, force_cross = new_status, new_cross
    shown_status = dc.apply_mask(status, m_status, t)
    shown_status.at[TOTAL, REGISTER] = None              # see _status_lines
    return {T_STATUS: shown_status,
            T_AREA: dc.apply_mask(by_area, m_area, t),
            T_YEAR: dc.apply_mask(by_year, m_year, t)}


def _crosstab(reg: pd.DataFrame, by: str, order: list[str]) -> pd.DataFrame:
    sen = reg[reg["status"].isin(["K", "E"])]
    tab = pd.DataFrame(0, index=order, columns=[SEN_LABEL["K"], SEN_LABEL["E"]], dtype=int)
    for (key, status), n in sen.groupby([by, "status"]).size().items():
        tab.at[key, SEN_LABEL[status]] = int(n)
    tab[ALL_SEN] = tab.sum(axis=1)
    tab.loc[TOTAL] = tab.sum(axis=0)
    return tab


@dataclass
class _Impact:
    table: pd.DataFrame
    judged: int            # named provisions with an impact band
    useful: int            # of which useful or better
    most_no_progress: int  # named provisions where most assessed pupils made no progress


def _impact(now: pd.DataFrame, rollup: Any, t: int) -> _Impact:
    settings = rollup.map.settings
    pupils_by = now.groupby("provision", sort=False)["upn"].nunique()
    cost_by = now.groupby("provision", sort=False)["share"].sum()
    merged = dc.merge_small_provisions(
        {p: int(n) for p, n in pupils_by.sort_values(ascending=False, kind="stable").items()}, t)
    named = sorted(merged.named, key=lambda p: (-cost_by[p], p))
    withheld: dict[str, str] = {}
    identifiers = dc.Identifiers(dc.identifying_texts(rollup.map.pupils.values()))
    lines = []
    judged = useful = most_none = 0
    good_from = min((b for b, _ in settings.impact_bands if b >= GOOD_BANDS_FROM),
                    default=GOOD_BANDS_FROM)
    for p in named:
        rows = now[now["provision"] == p]
        n = int(rows["upn"].nunique())
        cost = float(rows["share"].sum())
        kinds = rows["measure_kind"].dropna()
        kind = kinds.mode().iloc[0] if len(kinds) else None
        measure = rows["measure"].dropna()
        measure = str(measure.iloc[0]) if len(measure) else None
        assessed = rows[rows["gain"].notna()]
        line = {"Provision": dc.withhold(str(p), identifiers, withheld),
                "Type": TYPE_LABEL.get(rows["type"].mode().iloc[0], NO_TYPE),
                "Area of need": rows["area_of_need"].mode().iloc[0],
                "Measure": (f"{measure} ({UNIT[kind]})" if measure and kind in UNIT
                        else measure or "none"),
                "Pupils": dc.show_count(n, t), "Cost": cost,
                "Cost per pupil": cost / n,
                "Pupils assessed": dc.show_count(len(assessed), t),
                "Mean gain": None, "Ratio gain": None, "Making progress": None, "Impact": None}
        if len(assessed) >= t:
            line["Mean gain"] = float(assessed["gain"].mean())
            progress = assessed["gain"] > 0
            line["Making progress"] = float(progress.mean())
            if (~progress).sum() * 2 > len(assessed):
                most_none += 1
            if kind == "months":
                timed = assessed[assessed["months_elapsed"] > 0]
                if len(timed):
                    ratio = float(timed["gain"].mean() / timed["months_elapsed"].mean())
                    line["Ratio gain"] = ratio
                    line["Impact"] = settings.band(ratio)
                    judged += 1
                    useful += ratio >= good_from
            if line["Impact"] is None:
                line["Impact"] = "no band (not measured in months)"
        elif (kind is None or measure is None) and assessed.empty:
            line["Impact"] = "not measured"
        else:
            line["Impact"] = "too few assessed"
        lines.append(line)
    if merged.other:
        rows = now[now["provision"].isin(merged.other)]
        n = int(rows["upn"].nunique())
        cost = float(rows["share"].sum())
        k = len(merged.other)
        lines.append({
            "Provision": (f"Other provisions ({k}), each taken by fewer than {t} pupils"
                          if k > 1 else f"Other provision, taken by fewer than {t} pupils"),
            "Type": "various" if rows["type"].nunique() > 1 else
                    TYPE_LABEL.get(rows["type"].iloc[0], NO_TYPE),
            "Area of need": "various" if rows["area_of_need"].nunique() > 1 else
                            rows["area_of_need"].iloc[0],
            "Measure": "various", "Pupils": dc.show_count(n, t), "Cost": cost,
            # Cost and cost per pupil together would give the count away.
            "Cost per pupil": cost / n if n >= t else None,
            "Pupils assessed": None, "Mean gain": None, "Ratio gain": None,
            "Making progress": None, "Impact": "not judged (pooled)"})
    table = pd.DataFrame(lines, columns=["Provision", "Type", "Area of need", "Measure", "Pupils",
                                         "Cost", "Cost per pupil", "Pupils assessed",
                                         "Mean gain", "Ratio gain", "Making progress", "Impact"],
                         dtype=object)
    return _Impact(table, judged, useful, most_none)


def _cost_table(rows: pd.DataFrame, now: pd.DataFrame, by: str, order: list[str],
                labels: dict[str, str], terms: list[str], t: int) -> pd.DataFrame:
    keys = list(order) + sorted(k for k in rows[by].unique() if k not in order)
    tab = pd.DataFrame(0.0, index=keys, columns=terms, dtype=float)
    for term in terms:
        for k, v in _term_rows(rows, term).groupby(by)["share"].sum().items():
            tab.at[k, term] = float(v)
    tab[YEAR_SO_FAR] = tab.sum(axis=1)
    keep = [k for k in keys if k in order or tab.at[k, YEAR_SO_FAR] != 0]
    tab = tab.loc[keep]
    counts = pd.DataFrame({PUPILS_NOW: [int(now[now[by] == k]["upn"].nunique()) for k in keep]},
                          index=keep)
    counts.loc[TOTAL] = int(now["upn"].nunique())      # distinct: a pupil may be in two lines
    tab.loc[TOTAL] = tab.sum(axis=0)
    shown = dc.suppress_table(counts, t, total_row=TOTAL)
    out = tab.astype(object)
    out[PUPILS_NOW] = shown[PUPILS_NOW]
    out.index = [labels.get(k, k) for k in out.index]
    return out


def governors_tables(rollup: Any) -> dict[str, pd.DataFrame]:
    """Every table of the governors' report, computed and disclosure-controlled.

    Counts of pupils are ints where shown and text (``<5``, ``*``) where not; money is float
    (unrounded); percentages are fractions.  The ``Headline figures`` table has the figures
    and the front sheet's sentences (column ``Value`` / ``Text``).
    """
    settings = rollup.map.settings
    t = int(settings.suppress_below)
    term = rollup.term
    terms = list(rollup.terms)
    rows = _rows(rollup)
    now = _term_rows(rows, term)
    reg = _register_frame(rollup)

    # Register
    status = pd.DataFrame(0, index=[SEN_LABEL["K"], SEN_LABEL["E"], ALL_SEN, SEN_LABEL["N"],
                                    TOTAL], columns=[REGISTER, WITH_PROVISION], dtype=int)
    with_prov = set(now["upn"].dropna())
    for s in "KEN":
        who = reg[reg["status"] == s]
        status.at[SEN_LABEL[s], REGISTER] = len(who)
        status.at[SEN_LABEL[s], WITH_PROVISION] = int(who["upn"].isin(with_prov).sum())
    status.loc[ALL_SEN] = status.loc[SEN_LABEL["K"]] + status.loc[SEN_LABEL["E"]]
    status.loc[TOTAL] = status.loc[ALL_SEN] + status.loc[SEN_LABEL["N"]]
    status.at[TOTAL, REGISTER] = 0          # not shown: see _status_lines
    by_area = _crosstab(reg, "area", AREAS + [OTHER_AREA])
    years = sorted(set(reg.loc[reg["status"].isin(["K", "E"]), "year"]), key=_year_key)
    by_year = _crosstab(reg, "year", years)
    register = _link_register({T_STATUS: status, T_AREA: by_area, T_YEAR: by_year}, t)

    # Costs
    type_table = _cost_table(rows, now, "type", TYPES, TYPE_LABEL, terms, t)
    area_table = _cost_table(rows, now, "area_of_need", AREAS, {}, terms, t)
    trend_lines = []
    for term_i in terms:
        tr = _term_rows(rows, term_i)
        n = int(tr["upn"].nunique())
        cost = float(tr["share"].sum())
        group_cost = float(tr.loc[tr["type"] == GROUP, "share"].sum())
        assessed = tr[tr["gain"].notna()]
        trend_lines.append({
            "Term": term_i, "Cost": cost, "Pupils with provision": dc.show_count(n, t),
            "Cost per pupil": cost / n if n >= t else None,
            "On group interventions": group_cost / cost if cost else None,
            "Provisions running": int(tr["provision"].nunique()),
            "Making progress": (float((assessed["gain"] > 0).mean())
                                if len(assessed) >= t else None)})
    trend = pd.DataFrame(trend_lines, dtype=object).set_index("Term")

    impact = _impact(now, rollup, t)
    headline = _headline(rollup, register, trend, impact, t)
    return {T_HEADLINE: headline, **register, T_TYPE: type_table, T_COST_AREA: area_table,
            T_TREND: trend, T_IMPACT: impact.table}


def _money(x: float) -> str:
    return f"£{x:,.0f}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _say(v: int | str) -> str:
    """A shown count in a sentence: `<5` reads "fewer than 5", a hidden one "some"."""
    if v == dc.HIDDEN:
        return "some"
    if isinstance(v, str) and v.startswith("<"):
        return f"fewer than {v[1:]}"
    return str(v)


def _pupils(v: int | str, one: str = "pupil", many: str = "pupils") -> str:
    return f"{_say(v)} {one if v == 1 else many}"


def _headline(rollup: Any, register: dict, trend: pd.DataFrame, impact: _Impact,
              t: int) -> pd.DataFrame:
    """Headline figures and the front sheet's sentences, from the safe tables only."""
    term, terms = rollup.term, list(rollup.terms)
    status = register[T_STATUS]
    this = trend.loc[term]
    cost = float(this["Cost"])
    year_cost = float(trend["Cost"].sum())
    group_share = this["On group interventions"]
    k, e = status.at[SEN_LABEL["K"], REGISTER], status.at[SEN_LABEL["E"], REGISTER]
    sen_total = status.at[ALL_SEN, REGISTER]
    figures = [
        ("Pupils on the SEN register", sen_total),
        ("of whom on SEN support", k), ("of whom with an EHC plan", e),
        ("Pupils with provision this term", this["Pupils with provision"]),
        ("Provision cost this term", cost),
        ("Provision cost, year so far", year_cost),
        ("Cost per pupil with provision", this["Cost per pupil"]),
        ("Share of cost on group interventions", group_share),
        ("Provisions running this term", this["Provisions running"]),
        ("Provisions with useful or better impact",
         f"{impact.useful} of {impact.judged}" if impact.judged else "none could be judged"),
    ]
    sentences = []
    s = f"Provision cost {_money(cost)} this term"
    if group_share is not None:
        s += f", {_pct(group_share)} of it on group interventions"
    if impact.judged:
        s += (f"; {impact.useful} of {impact.judged} provisions whose impact could be judged "
              f"showed useful or better impact.")
    else:
        s += ("; no provision had enough pupils assessed in months (such as a reading age) "
              "to judge its impact.")
    sentences.append(s)
    wp = status.loc[[SEN_LABEL[x] for x in "KEN"], WITH_PROVISION]
    s = (f"{_pupils(this['Pupils with provision'])} had provision this term: "
         f"{_say(wp.iloc[0])} on SEN support, {_say(wp.iloc[1])} with an EHC plan and "
         f"{_say(wp.iloc[2])} with no SEN (monitoring or catch-up).")
    if sen_total != dc.HIDDEN:
        s += f" The SEN register has {_pupils(sen_total)}."
    sentences.append(s[0].upper() + s[1:])
    i = terms.index(term)
    if i == 0:
        sentences.append(f"{term} is the first term of {rollup.map.settings.academic_year}, so "
                         "there is no earlier term to compare with yet.")
    else:
        prev = terms[i - 1]
        before = float(trend.at[prev, "Cost"])
        diff = cost - before
        if abs(diff) < 0.5:
            s = f"That is the same as {prev} ({_money(before)})."
        else:
            s = (f"That is {_money(abs(diff))} {'more' if diff > 0 else 'less'} than {prev} "
                 f"({_money(before)})")
            s += f", {'up' if diff > 0 else 'down'} {_pct(abs(diff) / before)}." if before else "."
        cpp, cpp_before = this["Cost per pupil"], trend.at[prev, "Cost per pupil"]
        if cpp is not None and cpp_before is not None:
            if _money(cpp) == _money(cpp_before):
                s += f" Cost per pupil with provision stayed at {_money(cpp)}."
            else:
                s += (f" Cost per pupil with provision went from {_money(cpp_before)} to "
                      f"{_money(cpp)}.")
        s += f" The year so far ({', '.join(terms[:i + 1])}) has cost {_money(year_cost)}."
        sentences.append(s)
    mp = this["Making progress"]
    if mp is not None:
        sentences.append(f"Of the pupils assessed before and after their provision this term, "
                         f"{_pct(mp)} made progress.")
    if impact.most_no_progress:
        sentences.append(
            f"{impact.most_no_progress} "
            f"{'provision' if impact.most_no_progress == 1 else 'provisions'} had most pupils "
            "making little or no progress; the SENCo is reviewing whether to change them.")
    if any(tab.map(lambda v: isinstance(v, str)).any().any() for tab in register.values()):
        sentences.append(f"Numbers of pupils from 1 to {t - 1} are shown as <{t}, so that no "
                         f"child can be identified; {dc.HIDDEN} marks a number hidden so that a "
                         "small one cannot be worked out from a total.")
    rows = [{"Item": a, "Value": b, "Text": None} for a, b in figures]
    rows += [{"Item": None, "Value": None, "Text": s} for s in sentences]
    return pd.DataFrame(rows, dtype=object)


# --- writing -------------------------------------------------------------------------------

class _Writer:
    """Formats made once per workbook; helpers that only ever write text as text."""

    def __init__(self, wb: xlsxwriter.Workbook, t: int):
        self.wb = wb
        self.t = t
        f = wb.add_format
        self.title = f({"bold": True, "font_size": 16, "font_color": "#1F3864"})
        self.h2 = f({"bold": True, "font_size": 12, "font_color": "#1F3864"})
        self.head = f({"bold": True, "bg_color": "#D9E2F3", "border": 1, "text_wrap": True,
                       "valign": "top"})
        self.text = f({"border": 1, "text_wrap": True, "valign": "top"})
        self.total_text = f({"border": 1, "bold": True, "top": 2})
        self.count_text = f({"border": 1, "align": "right", "valign": "top"})
        self.total_count_text = f({"border": 1, "align": "right", "bold": True, "top": 2})
        self.count = f({"border": 1, "num_format": "#,##0", "align": "right", "valign": "top"})
        self.total_count = f({"border": 1, "num_format": "#,##0", "align": "right",
                              "bold": True, "top": 2})
        self.money = f({"border": 1, "num_format": "£#,##0", "valign": "top"})
        self.total_money = f({"border": 1, "num_format": "£#,##0", "bold": True, "top": 2})
        self.pct = f({"border": 1, "num_format": "0%", "valign": "top"})
        self.dec = f({"border": 1, "num_format": "0.0", "valign": "top"})
        self.para = f({"text_wrap": True, "valign": "top", "font_size": 11})
        self.note = f({"italic": True, "font_color": "#595959", "text_wrap": True,
                       "valign": "top"})
        self.fig_label = f({"border": 1, "bg_color": "#F2F2F2"})
        self.fig_indent = f({"border": 1, "bg_color": "#F2F2F2", "indent": 2})
        self.fig_text = f({"border": 1, "align": "right"})

    def cell(self, ws, r: int, c: int, v: Any, kind: str = "count", total: bool = False) -> None:
        """Write one value: numbers as numbers, anything else strictly as text."""
        if v is None or (isinstance(v, float) and math.isnan(v)):
            ws.write_blank(r, c, None, self.text)
        elif isinstance(v, str):
            fmt = ((self.total_text if total else self.text) if kind == "text"
                   else self.total_count_text if total else self.count_text)
            ws.write_string(r, c, v, fmt)
        elif isinstance(v, bool):
            ws.write_string(r, c, "yes" if v else "no", self.text)
        else:
            fmt = {"count": (self.count, self.total_count), "money": (self.money, self.total_money),
                   "pct": (self.pct, self.pct), "dec": (self.dec, self.dec)}[kind][total]
            ws.write_number(r, c, round(float(v), 2) if kind == "money" else float(v), fmt)

    def table(self, ws, r: int, c: int, title: str, df: pd.DataFrame, index_name: str,
              kinds: dict[str, str]) -> tuple[int, dict]:
        """A titled table with its index as first column; returns next row and cell places."""
        ws.write_string(r, c, title, self.h2)
        r += 1
        ws.write_string(r, c, index_name, self.head)
        ws.set_row(r, 30)
        for j, col in enumerate(df.columns, 1):
            ws.write_string(r, c + j, str(col), self.head)
        places = {"header": r, "first": r + 1, "cols": {col: c + j for j, col in
                                                        enumerate(df.columns, 1)}}
        for i, (key, line) in enumerate(df.iterrows(), 1):
            total = key == TOTAL
            ws.write_string(r + i, c, str(key), self.total_text if total else self.text)
            for j, col in enumerate(df.columns, 1):
                self.cell(ws, r + i, c + j, line[col], kinds.get(col, "count"), total)
        places["last"] = r + len(df)
        return r + len(df) + 2, places


def _page(ws, school: str, term_year: str, landscape: bool = False) -> None:
    page.a4(ws, landscape=landscape,
            header=(page.escape(school), page.escape(term_year), "Summary for governors"),
            margins={"left": 0.5, "right": 0.5, "top": 0.8, "bottom": 0.7})
    ws.hide_gridlines(2)


def _chart(wb, kind: str, title: str, subtype: str | None = None):
    ch = wb.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
    ch.set_title({"name": title, "name_font": {"size": 12}})
    ch.set_style(10)
    ch.set_size({"width": 640, "height": 300})
    return ch


def write_governors(rollup: Any, out_dir: Path) -> Path:
    """Write ``<school> <year> <term> - Governors report.xlsx`` in out_dir; return its path.

    Raises :class:`provmap.numbers.disclosure.DisclosureError` (and writes nothing) if the finished
    file would contain a register name, UPN or date of birth.
    """
    settings = rollup.map.settings
    school, year, term = settings.school, settings.academic_year, rollup.term
    t = int(settings.suppress_below)
    tables = governors_tables(rollup)
    target = Path(out_dir) / report_filename(school, year, term, "Governors report")
    term_year = f"{term} {year}"
    with atomic_write(target) as tmp:
        wb = open_book(tmp, {
            "title": f"SEN provision: summary for governors, {term_year}",
            "subject": "Special educational needs provision: costs and impact, aggregates only",
            "author": "provmap", "manager": "", "company": school, "category": "Governors",
            "keywords": "SEN, provision map, governors", "comments": ""})
        w = _Writer(wb, t)
        _write_front(wb, w, tables, school, term_year, term)
        _write_register(wb, w, tables, school, term_year)
        cost_places = _write_costs(wb, w, tables, school, term_year)
        impact_places = _write_impact(wb, w, tables, school, term_year)
        _write_charts(wb, w, tables, cost_places, impact_places, school, term_year, term)
        _write_notes(wb, w, school, term_year, t)
        wb.close()
        dc.refuse_if_identifying(tmp, dc.identifying_texts(rollup.map.pupils.values()),
                                 "governors' report", "the provision names on the Provisions "
                                 "sheet and the school name on the Settings sheet")
    return target


def _write_front(wb, w: _Writer, tables, school: str, term_year: str, term: str) -> None:
    ws = wb.add_worksheet("Summary")
    _page(ws, school, term_year)
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 21)
    ws.set_column(2, 7, 13)
    ws.write_string(0, 0, f"{school}", w.title)
    ws.write_string(1, 0, f"SEN provision: summary for governors, {term_year}", w.h2)
    head = tables[T_HEADLINE]
    r = 3
    for _, line in head[head["Text"].isna()].iterrows():
        item = str(line["Item"])
        kind = ("money" if "cost" in item.lower() and "share" not in item.lower() else
                "pct" if "share" in item.lower() else "count")
        ws.write_string(r, 0, item, w.fig_indent if item.startswith("of whom") else w.fig_label)
        if isinstance(line["Value"], str):
            ws.write_string(r, 1, line["Value"], w.fig_text)
        else:
            w.cell(ws, r, 1, line["Value"], kind)
        r += 1
    r += 1
    ws.write_string(r, 0, "In short", w.h2)
    r += 1
    for text in head.loc[head["Text"].notna(), "Text"]:
        ws.merge_range(r, 0, r, 6, "", w.para)
        ws.write_string(r, 0, str(text), w.para)
        ws.set_row(r, 15 * max(1, math.ceil(len(str(text)) / 140)) + 3)
        r += 1
    r += 1
    trend = tables[T_TREND]
    r, _ = w.table(ws, r, 0, "How this term compares with earlier terms", trend, "Term",
                   {"Cost": "money", "Cost per pupil": "money", "On group interventions": "pct",
                    "Making progress": "pct"})
    ws.merge_range(r - 1, 0, r - 1, 6, "", w.note)
    ws.write_string(r - 1, 0, "More detail on the Register, Costs, Impact and Charts sheets; "
                    "how the figures are worked out on the Notes sheet.", w.note)


def _write_register(wb, w: _Writer, tables, school: str, term_year: str) -> None:
    ws = wb.add_worksheet("Register")
    _page(ws, school, term_year)
    ws.set_column(0, 0, 36)
    ws.set_column(1, 3, 15)
    r = 0
    ws.write_string(r, 0, "Pupils on the register", w.title)
    r = 2
    r, _ = w.table(ws, r, 0, T_STATUS, tables[T_STATUS], "SEN status", {})
    r, _ = w.table(ws, r, 0, T_AREA + " (primary need)", tables[T_AREA], "Broad area of need", {})
    r, _ = w.table(ws, r, 0, T_YEAR, tables[T_YEAR], "Year group", {})


def _write_costs(wb, w: _Writer, tables, school: str, term_year: str) -> dict:
    ws = wb.add_worksheet("Costs")
    _page(ws, school, term_year)
    ws.set_column(0, 0, 36)
    ws.set_column(1, 8, 13)
    ws.write_string(0, 0, "What provision cost", w.title)
    kinds = {c: "money" for c in tables[T_TYPE].columns if c != PUPILS_NOW}
    r, p_type = w.table(ws, 2, 0, T_TYPE, tables[T_TYPE], "Type", kinds)
    kinds = {c: "money" for c in tables[T_COST_AREA].columns if c != PUPILS_NOW}
    r, p_area = w.table(ws, r, 0, T_COST_AREA, tables[T_COST_AREA], "Area of need", kinds)
    r, p_trend = w.table(ws, r, 0, T_TREND, tables[T_TREND], "Term",
                         {"Cost": "money", "Cost per pupil": "money",
                          "On group interventions": "pct", "Making progress": "pct"})
    return {"type": p_type, "area": p_area, "trend": p_trend, "sheet": "Costs"}


def _write_impact(wb, w: _Writer, tables, school: str, term_year: str) -> dict:
    ws = wb.add_worksheet("Impact")
    _page(ws, school, term_year, landscape=True)
    widths = [40, 20, 32, 34, 8, 11, 10, 9, 9, 8, 9, 30]
    for i, wd in enumerate(widths):
        ws.set_column(i, i, wd)
    ws.write_string(0, 0, "What difference provision made this term", w.title)
    imp = tables[T_IMPACT]
    ws.write_string(2, 0, "Provision impact", w.h2)
    r = 3
    for j, col in enumerate(imp.columns):
        ws.write_string(r, j, str(col), w.head)
    ws.set_row(r, 30)
    kinds = {"Cost": "money", "Cost per pupil": "money", "Mean gain": "dec",
             "Ratio gain": "dec", "Making progress": "pct", "Provision": "text", "Type": "text",
             "Area of need": "text", "Measure": "text", "Impact": "text"}
    for i, (_, line) in enumerate(imp.iterrows(), 1):
        for j, col in enumerate(imp.columns):
            w.cell(ws, r + i, j, line[col], kinds.get(col, "count"))
        if len(str(line["Provision"])) > 40 or len(str(line["Measure"])) > 40:
            ws.set_row(r + i, 30)
    last = r + len(imp)
    ws.write_string(last + 1, 0, "Total", w.total_text)
    for j in range(1, len(imp.columns)):
        ws.write_blank(last + 1, j, None, w.total_text)
    w.cell(ws, last + 1, 5, float(imp["Cost"].sum()) if len(imp) else 0.0, "money", total=True)
    ws.merge_range(last + 3, 0, last + 3, 11, "", w.note)
    ws.write_string(last + 3, 0,
                    "Mean gain is in the provision's own measure. Ratio gain = months gained ÷ "
                    "months elapsed (1 is ordinary progress). Impact bands after Brooks (2016). "
                    "Making progress: share of assessed pupils whose score improved.", w.note)
    ws.set_row(last + 3, 32)
    ws.repeat_rows(r)
    return {"header": r, "first": r + 1, "cols": {c: j for j, c in enumerate(imp.columns)}}


def _write_charts(wb, w: _Writer, tables, cp: dict, ip: dict, school: str, term_year: str,
                  term: str) -> None:
    ws = wb.add_worksheet("Charts")
    _page(ws, school, term_year)
    ws.write_string(0, 0, "The figures as pictures", w.title)
    terms_cols = [c for c in tables[T_TYPE].columns if c not in (YEAR_SO_FAR, PUPILS_NOW)]

    def rng(sheet: str, r1: int, c1: int, r2: int, c2: int) -> list:
        return [sheet, r1, c1, r2, c2]

    # 1. cost by type, one series per term
    p = cp["type"]
    n_lines = p["last"] - p["first"]           # the Total row is last: leave it out
    ch = _chart(wb, "column", "Cost by provision type, term by term")
    for term_i in terms_cols:
        col = p["cols"][term_i]
        ch.add_series({"name": rng("Costs", p["header"], col, p["header"], col),
                       "categories": rng("Costs", p["first"], 0, p["first"] + n_lines - 1, 0),
                       "values": rng("Costs", p["first"], col, p["first"] + n_lines - 1, col)})
    ch.set_y_axis({"num_format": "£#,##0", "name": "£"})
    ch.set_legend({"position": "bottom"})
    ws.insert_chart(2, 0, ch)

    # 2. cost by area of need, this term, as a bar chart (first line at the top)
    p = cp["area"]
    n_lines = p["last"] - p["first"]
    col = p["cols"][term]
    ch = _chart(wb, "bar", f"Cost by area of need, {term}")
    ch.add_series({"name": rng("Costs", p["header"], col, p["header"], col),
                   "categories": rng("Costs", p["first"], 0, p["first"] + n_lines - 1, 0),
                   "values": rng("Costs", p["first"], col, p["first"] + n_lines - 1, col),
                   "data_labels": {"value": True, "num_format": "£#,##0"}})
    ch.set_x_axis({"num_format": "£#,##0"})
    ch.set_y_axis({"reverse": True})
    ch.set_legend({"none": True})
    ws.insert_chart(18, 0, ch)

    # 3. impact per provision: share making progress, for provisions where it is shown.
    # Its data sits beside the print area, so the chart has no empty bars.
    imp = tables[T_IMPACT]
    shown = imp[imp["Making progress"].map(lambda v: isinstance(v, float))]
    ws.write_string(1, 12, "Provision", w.head)
    ws.write_string(1, 13, "Making progress", w.head)
    for i, (_, line) in enumerate(shown.iterrows(), 2):
        ws.write_string(i, 12, str(line["Provision"]), w.text)
        ws.write_number(i, 13, float(line["Making progress"]), w.pct)
    if len(shown):
        ch = _chart(wb, "bar", f"Pupils making progress, by provision, {term}")
        ch.add_series({"name": "Making progress",
                       "categories": rng("Charts", 2, 12, 1 + len(shown), 12),
                       "values": rng("Charts", 2, 13, 1 + len(shown), 13),
                       "data_labels": {"value": True, "num_format": "0%"}})
        ch.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
        ch.set_y_axis({"reverse": True})
        ch.set_legend({"none": True})
        ws.insert_chart(34, 0, ch)
    else:
        ws.write_string(34, 0, f"Pupils making progress, by provision, {term}: no provision "
                        f"had enough pupils assessed to show.", w.h2)

    # 4. the year's trend: cost per term stacked by type
    p = cp["type"]
    n_lines = p["last"] - p["first"]
    ch = _chart(wb, "column", "The year so far: cost each term, by type", subtype="stacked")
    first_term, last_term = p["cols"][terms_cols[0]], p["cols"][terms_cols[-1]]
    for i in range(n_lines):
        r = p["first"] + i
        ch.add_series({"name": rng("Costs", r, 0, r, 0),
                       "categories": rng("Costs", p["header"], first_term, p["header"], last_term),
                       "values": rng("Costs", r, first_term, r, last_term)})
    ch.set_y_axis({"num_format": "£#,##0", "name": "£"})
    ch.set_legend({"position": "bottom"})
    ws.insert_chart(50, 0, ch)
    ws.set_column(12, 12, 30)
    ws.set_column(13, 13, 14)
    ws.print_area(0, 0, 66, 10)
    ws.fit_to_pages(1, 1)


def _write_notes(wb, w: _Writer, school: str, term_year: str, t: int) -> None:
    ws = wb.add_worksheet("Notes")
    _page(ws, school, term_year)
    ws.set_column(0, 0, 100)
    ws.write_string(0, 0, "How to read this report", w.title)
    notes = [
        "This report gives totals only. It names no pupil and no member of staff, and gives "
        "no figures by class.",
        f"Numbers of pupils from 1 to {t - 1} are shown as <{t}. Where a total would let such "
        f"a number be worked out, another number in the same row or column is hidden too and "
        f"shown as {dc.HIDDEN}.",
        f"Provisions taken by fewer than {t} pupils this term are added together as 'Other "
        "provisions'; their cost is included in every total.",
        f"Mean gain, making progress and impact are given only where at least {t} pupils were "
        "assessed before and after the provision.",
        "Cost of provision: the staff time (hourly cost × minutes × sessions × weeks) plus "
        "resources, shared equally between the pupils in each group. Quality first teaching "
        "counts only its resources, as teaching time is ordinarily available.",
        "Ratio gain: months of progress in the measure ÷ months the provision ran. 1 is "
        "ordinary progress; bands after Brooks (2016): below 2 modest, from 2 useful, from 3 "
        "substantial, from 4 remarkable.",
        "A pupil who had two kinds of provision counts once in each, so the lines of a "
        "'Pupils this term' column can add up to more than its total.",
        "SEN register: pupils on SEN support (K) or with an EHC plan (E). Area of need is the "
        "broad area of the pupil's primary need.",
    ]
    for i, text in enumerate(notes, 2):
        ws.write_string(i, 0, text, w.para)
        ws.set_row(i, 15 * math.ceil(len(text) / 95) + 6)
