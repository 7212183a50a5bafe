"""The audit a reader could run on a published report, built from what the pages show.

Each table is read as printed (a number, ``<N`` or ``*``) and described by what it tells a
reader, written here from the tables' own shapes (lines add up to their totals, a pupils
column of distinct pupils is at least each line and at most their sum, a figure shown in
two tables is one figure), independently of how provmap protected it.  Then
:func:`provmap.numbers.disclosure.audit` gives each hidden figure's least and greatest
value.  Used by the governors' and trust tests, and by the measurements in the docs.
"""

from __future__ import annotations

import math

import pandas as pd

from provmap.numbers import disclosure as dc
from provmap.numbers import governors as gv
from provmap.numbers.rollup import YEAR_SO_FAR

MONEY_COLUMNS = {"Cost", "Cost this term", "Year cost"}


class Page:
    """Figures as printed, keyed once, with what a reader knows about them."""

    def __init__(self, threshold: int):
        self.release = dc.Release(threshold)
        self.t = threshold

    def figure(self, key, shown, kind: str = dc.COUNT):
        """One printed figure; a figure printed twice is known if either shows it."""
        if shown is None or (isinstance(shown, float) and math.isnan(shown)):
            return None
        figs = self.release.figures
        if isinstance(shown, str):
            state = dc.SMALL if shown.startswith("<") else dc.SECRET
            f = dc.Figure(math.nan, kind, state=state)
        else:
            f = dc.Figure(float(shown), kind)
        old = figs.get(key)
        if old is None or (old.state != dc.SHOWN and f.state == dc.SHOWN):
            figs[key] = f
        return key

    def add(self, kind: str, parts, total) -> None:
        parts = [p for p in parts if p is not None]
        if total is None or not parts:
            return
        {"sum": self.release.add_sum, "distinct": self.release.add_distinct}[kind](parts, total)

    def at_most(self, part, whole) -> None:
        if part is not None and whole is not None:
            self.release.add_at_most(part, whole)

    def pinned(self) -> list[dc.Interval]:
        """Every hidden figure a reader can pin (a ``<2`` is 1 by what it says: left out)."""
        found = dc.pinned(self.release)
        return [i for i in found
                if not (self.t <= 2 and self.release.figures[i.key].state == dc.SMALL)]



def grid(page: Page, name: str, df: pd.DataFrame, total_row=None, total_col=None,
          keys=None, kinds=None, distinct_cols=()):
    """Register every cell; rows add to total_col, columns to total_row."""
    keys = keys or {}
    kinds = kinds or {}
    cell = {}
    for r in df.index:
        for c in df.columns:
            k = keys.get((r, c), (name, r, c))
            cell[(r, c)] = page.figure(k, df.at[r, c], kinds.get(c, dc.COUNT))
    inner_rows = [r for r in df.index if r != total_row]
    inner_cols = [c for c in df.columns if c != total_col]
    if total_col is not None:
        for r in df.index:
            page.add("sum", [cell[(r, c)] for c in inner_cols if c not in distinct_cols],
                     cell[(r, total_col)])
    if total_row is not None:
        for c in df.columns:
            page.add("distinct" if c in distinct_cols else "sum",
                     [cell[(r, c)] for r in inner_rows], cell[(total_row, c)])
    return cell


def governors_page(tables: dict[str, pd.DataFrame], threshold: int) -> Page:
    """What a governor reading the report can work out (the version 2 tables too)."""
    page = Page(threshold)
    k, e, sen, n = (gv.SEN_LABEL["K"], gv.SEN_LABEL["E"], gv.ALL_SEN, gv.SEN_LABEL["N"])
    reg = {x: ("register", x) for x in (k, e, sen)}
    status = tables[gv.T_STATUS]
    now_pupils = ("pupils now",)
    cells = grid(page, "status", status, keys={
        (k, gv.REGISTER): reg[k], (e, gv.REGISTER): reg[e], (sen, gv.REGISTER): reg[sen],
        (gv.TOTAL, gv.WITH_PROVISION): now_pupils})
    for col in (gv.REGISTER, gv.WITH_PROVISION):
        page.add("sum", [cells[(k, col)], cells[(e, col)]], cells[(sen, col)])
    page.add("sum", [cells[(sen, gv.WITH_PROVISION)], cells[(n, gv.WITH_PROVISION)]],
             cells[(gv.TOTAL, gv.WITH_PROVISION)])
    for row in (k, e, sen, n):
        page.at_most(cells[(row, gv.WITH_PROVISION)], cells[(row, gv.REGISTER)])
    for name in (gv.T_AREA, gv.T_YEAR):
        df = tables[name]
        grid(page, name, df, total_row=gv.TOTAL, total_col=gv.ALL_SEN,
              keys={(gv.TOTAL, c): reg[c] for c in (k, e, sen)})

    trend = tables[gv.T_TREND]
    terms = list(trend.index)
    cost_key = {t: ("cost", t) for t in [*terms, YEAR_SO_FAR]}
    for name in (gv.T_TYPE, gv.T_COST_AREA):
        df = tables[name]
        money = {c: dc.MONEY for c in df.columns if c != gv.PUPILS_NOW}
        keys = {(gv.TOTAL, c): cost_key[c] for c in money}
        keys[(gv.TOTAL, gv.PUPILS_NOW)] = now_pupils
        grid(page, name, df, total_row=gv.TOTAL, total_col=YEAR_SO_FAR, keys=keys,
              kinds=money, distinct_cols=(gv.PUPILS_NOW,))
    for t in terms:
        page.figure(cost_key[t], trend.at[t, "Cost"], dc.MONEY)
        page.figure(("pupils", t), trend.at[t, "Pupils with provision"])
    page.figure(now_pupils, trend.at[terms[-1], "Pupils with provision"])
    page.add("sum", [cost_key[t] for t in terms], cost_key[YEAR_SO_FAR])

    imp = tables[gv.T_IMPACT]
    lines = imp[imp["Provision"] != gv.TOTAL]
    cost, pupils = [], []
    for i, line in lines.iterrows():
        c = page.figure(("impact", i, "Cost"), line["Cost"], dc.MONEY)
        p = page.figure(("impact", i, "Pupils"), line["Pupils"])
        a = page.figure(("impact", i, "Pupils assessed"), line["Pupils assessed"])
        page.at_most(a, p)
        cost.append(c)
        pupils.append(p)
    page.add("sum", cost, cost_key[terms[-1]])
    page.add("distinct", pupils, now_pupils)
    _impact_across(page, lines, tables, terms[-1], cost_key)
    return page


def _impact_across(page: Page, lines: pd.DataFrame, tables, term: str, cost_key) -> None:
    """A reader may add the provisions of one type (area) and set them against the cost of
    that type (area): kept only when the page is consistent with it (a provision whose rows
    differ in type makes it false, and the programme then has no solution)."""
    for name, column in ((gv.T_TYPE, "Type"), (gv.T_COST_AREA, "Area of need")):
        table = tables[name]
        kept = list(page.release.relations)
        labels = [x for x in table.index if x != gv.TOTAL]
        pooled = lines[lines[column] == "various"]
        for label in labels:
            parts = [("impact", i, "Cost") for i, line in lines.iterrows()
                     if line[column] == label]
            if len(pooled):
                parts.append(page.release.unlisted(("pooled part", name, label), 0.0,
                                                   dc.MONEY))
            page.add("sum", parts, (name, label, term))
        if len(pooled):
            page.add("sum", [("pooled part", name, x) for x in labels],
                     ("impact", pooled.index[0], "Cost"))
        for label in labels:
            whole = (name, label, gv.PUPILS_NOW)
            parts = [("impact", i, "Pupils") for i, line in lines.iterrows()
                     if line[column] == label]
            for part in parts:
                page.at_most(part, whole)
            if len(pooled):
                parts.append(("impact", pooled.index[0], "Pupils"))
            if parts:
                page.release.add_covered(parts, whole)
        _keep_if_consistent(page, kept)


def _keep_if_consistent(page: Page, kept: list) -> None:
    """Relations a reader guesses are dropped when the page contradicts them (then the
    programme has no solution, and the reader knows the guess is wrong)."""
    try:
        dc.audit(page.release)
    except RuntimeError:
        page.release.relations = kept


def trust_page(report) -> Page:
    """What a trust board reading the trust report can work out."""
    page = Page(report.threshold)
    schools = report.schools.set_index("School")
    money = {"Cost this term": dc.MONEY, "Year cost": dc.MONEY}
    counts = ["Pupils on register", "On SEN register", "Pupils with provision"]
    from provmap.numbers.trust import ALL, TOTAL
    cells = grid(page, "schools", schools[counts + list(money)], total_row=TOTAL,
                  kinds=money, keys={(TOTAL, "Pupils with provision"): ("pupils",),
                                     (TOTAL, "Cost this term"): ("cost",)})
    for s in schools.index:
        page.at_most(cells[(s, "On SEN register")], cells[(s, "Pupils on register")])
        page.at_most(cells[(s, "Pupils with provision")], cells[(s, "Pupils on register")])
    prov = report.by_provision
    lines = prov[prov["Provision"] != ALL]
    total = prov[prov["Provision"] == ALL].iloc[0]
    page.figure(("pupils",), total["Pupils"])
    page.figure(("cost",), total["Cost"], dc.MONEY)
    cost, pupils = [], []
    for i, line in lines.iterrows():
        c = page.figure(("provision", i, "Cost"), line["Cost"], dc.MONEY)
        p = page.figure(("provision", i, "Pupils"), line["Pupils"])
        a = page.figure(("provision", i, "Pupils assessed"), line["Pupils assessed"])
        none = page.figure(("provision", i, "Pupils with no progress"),
                           line["Pupils with no progress"])
        page.at_most(a, p)
        page.at_most(none, a)
        cost.append(c)
        pupils.append(p)
    page.add("sum", cost, ("cost",))
    page.add("distinct", pupils, ("pupils",))
    area = report.by_area.set_index("Area of need")
    cells = grid(page, "area", area[["Pupils", "Cost"]], total_row=ALL,
                  kinds={"Cost": dc.MONEY}, distinct_cols=("Pupils",),
                  keys={(ALL, "Pupils"): ("pupils",), (ALL, "Cost"): ("cost",)})
    kept = list(page.release.relations)
    for a in area.index:
        if a == ALL:
            continue
        mine = [i for i, line in lines.iterrows() if line["Area of need"] == a]
        page.add("sum", [("provision", i, "Cost") for i in mine], cells[(a, "Cost")])
        for i in mine:
            page.at_most(("provision", i, "Pupils"), cells[(a, "Pupils")])
        if mine:
            page.release.add_covered([("provision", i, "Pupils") for i in mine],
                                     cells[(a, "Pupils")])
    _keep_if_consistent(page, kept)
    return page


def money_beside_small_counts(df: pd.DataFrame, pupils: str, money: list[str]) -> list:
    """Lines that print a sum of money (not £0) beside a small count of pupils (``<N``): the
    money would tell the count.  (Beside a ``*`` it may be fine: that count may be hidden
    only to protect another, and be large.)"""
    out = []
    for i, line in df.iterrows():
        if isinstance(line[pupils], str) and line[pupils].startswith("<"):
            out += [(i, c) for c in money if not isinstance(line[c], str)
                    and line[c] is not None and not pd.isna(line[c]) and line[c] != 0]
    return out


def assert_nothing_pinned(page: Page) -> None:
    pinned = page.pinned()
    assert not pinned, [(i.key, i.least, i.greatest) for i in pinned]
