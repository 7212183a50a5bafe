"""The governors' report's figures: read from the rollup, made safe to publish.

Governors judge whether SEN money is well spent; they get the register by status, area of
need and year group, costs by type, area and term, and each provision's impact, and never a
pupil.  Every figure here is the rollup's (``Rollup.summary``, ``by_provision``,
``provision_terms``, ``type_terms``, ``area_terms`` and the register in ``Rollup.map``),
so the governors and the SENCo never read two answers to one question; this module only
chooses, pools, rounds to what is printed and hides.

Every count and sum of money the report shows is one figure of a
:class:`~provmap.numbers.disclosure.Release` (a figure shown in three tables is one figure),
with the sums a reader knows between them; :func:`~provmap.numbers.disclosure.protect`
hides until no hidden figure can be worked out.  The year-group table is shown by key stage
instead when year groups would cost too much (see :func:`_register_rows`).

``governors(rollup)`` returns :class:`Governors` (the tables and their release);
``governors_tables(rollup)`` the tables alone, which :mod:`provmap.reports.governors` draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import disclosure as dc
from ..model import making_progress, most_made_no_progress
from ..schema import AREAS, GROUP, NEED_AREA, ONE_TO_ONE, QFT, UNIT
from ..words import match_key, year_group_order
from .rollup import NOT_GIVEN, YEAR_SO_FAR

SEN_LABEL = {"K": "SEN support", "E": "EHC plan", "N": "No SEN (monitoring or catch-up)"}
OTHER_AREA = "Other or not yet identified"
NO_AREA = "Area not given"
TYPES = [QFT, GROUP, ONE_TO_ONE]
TYPE_LABEL = {QFT: "Quality first teaching", GROUP: "Group interventions",
              ONE_TO_ONE: "1:1 support"}
NO_TYPE = "Type not given"
TOTAL = "Total"
ALL_SEN = "All on SEN register"
REGISTER = "Pupils"
WITH_PROVISION = "With provision this term"
PUPILS_NOW = "Pupils this term"
NOT_BANDED = None       # the Impact of a provision measured in points: no band (said once)

# Table names (the keys of governors_tables)
T_STATUS = "Register by SEN status"
T_AREA = "SEN register by area of need"
T_YEAR = "SEN register by year group"
T_TYPE = "Cost by provision type"
T_COST_AREA = "Cost by area of need"
T_TREND = "The year term by term"
T_IMPACT = "Provision impact"
T_HEADLINE = "Headline figures"

IMPACT_COLUMNS = ["Provision", "Type", "Area of need", "Measure", "Pupils", "Cost",
                  "Cost per pupil", "Pupils assessed", "Mean gain", "Ratio gain",
                  "Making progress", "Impact"]
TREND_COLUMNS = ["Cost", "Pupils with provision", "Cost per pupil", "On group interventions",
                 "Provisions running", "Making progress"]
KEY_STAGES = [("Early years (Nursery and Reception)", {"N", "R"}),
              ("Key stage 1 (Years 1 and 2)", {"1", "2"}),
              ("Key stage 2 (Years 3 to 6)", {"3", "4", "5", "6"}),
              ("Key stage 3 (Years 7 to 9)", {"7", "8", "9"}),
              ("Key stage 4 (Years 10 and 11)", {"10", "11"}),
              ("Sixth form (Years 12 and 13)", {"12", "13"})]
NO_YEAR = "Year group not given"


# --- the register ------------------------------------------------------------------------------

def year_label(y: str | None) -> str:
    if not y:
        return NO_YEAR
    return {"N": "Nursery", "R": "Reception"}.get(y, f"Year {y}" if y.isdigit() else str(y))


def key_stage(y: str | None) -> str:
    for label, years in KEY_STAGES:
        if y in years:
            return label
    return NO_YEAR


def _register(rollup: Any) -> pd.DataFrame:
    """The SEN register (K and E) from the rollup's map: status, broad area, year group."""
    pupils = [p for p in rollup.map.pupils.values() if p.sen_status in ("K", "E")]
    return pd.DataFrame({
        "status": [p.sen_status for p in pupils],
        "area": [NEED_AREA.get(p.primary_need or "", OTHER_AREA) for p in pupils],
        "year": [p.year_group for p in pupils],
    }, columns=["status", "area", "year"], dtype=object)


def _crosstab(sen: pd.DataFrame, by: pd.Series, order: list[str]) -> pd.DataFrame:
    tab = pd.DataFrame(0, index=order, columns=[SEN_LABEL["K"], SEN_LABEL["E"]], dtype=int)
    for (key, status), n in sen.assign(_by=by).groupby(["_by", "status"]).size().items():
        tab.at[key, SEN_LABEL[status]] = int(n)
    tab[ALL_SEN] = tab.sum(axis=1)
    return tab


# --- the release: every figure once, and what a reader knows ------------------------------------

class _Figures:
    """The report's figures as one :class:`~provmap.numbers.disclosure.Release`, with the
    keys of each table's cells (the shared ones named once)."""

    def __init__(self, rollup: Any, t: int, register_rows: str):
        self.rollup = rollup
        self.s = rollup.summary
        self.t = t
        self.term = rollup.term
        self.terms = list(rollup.terms)
        self.release = dc.Release(t)
        self.cells: dict[str, dict[tuple, Any]] = {}
        self.lines: dict[str, list] = {}        # each table's lines: (key, label)
        self.register_rows = register_rows
        self.stuck: list[dc.Interval] = []
        self._register()
        self._costs()
        self._impact()

    # shared figures
    def reg(self, status: str) -> tuple:
        return ("register", status)

    def cost(self, term: str) -> tuple:
        return ("cost", term)

    def pupils(self, term: str) -> tuple:
        return ("pupils with provision", term)

    def _register(self) -> None:
        r, s = self.release, self.s
        on = s["pupils_on_register_by_status"]
        wp = s["pupils_with_provision_by_status"]
        for x in "KEN":
            r.count(self.reg(x), on[x])
            r.count(("with provision", x), wp[x])
            r.add_at_most(("with provision", x), self.reg(x))
        r.count(self.reg("SEN"), on["K"] + on["E"])
        r.count(("with provision", "SEN"), wp["K"] + wp["E"])
        r.add_at_most(("with provision", "SEN"), self.reg("SEN"))
        r.add_sum([self.reg("K"), self.reg("E")], self.reg("SEN"))
        r.add_sum([("with provision", "K"), ("with provision", "E")], ("with provision", "SEN"))
        everyone = wp["K"] + wp["E"] + wp["N"]
        total = (self.pupils(self.term) if everyone == s["pupils_with_provision"]
                 else ("with provision", "all"))
        r.count(total, everyone)
        r.add_sum([("with provision", "SEN"), ("with provision", "N")], total)
        status = {}
        for x in "KEN":
            status[(SEN_LABEL[x], REGISTER)] = self.reg(x)
            status[(SEN_LABEL[x], WITH_PROVISION)] = ("with provision", x)
        status[(ALL_SEN, REGISTER)] = self.reg("SEN")
        status[(ALL_SEN, WITH_PROVISION)] = ("with provision", "SEN")
        status[(TOTAL, REGISTER)] = None        # not given: see _status_note
        status[(TOTAL, WITH_PROVISION)] = total
        self.cells[T_STATUS] = status

        sen = _register(self.rollup)
        self.cells[T_AREA] = self._cross("area", sen, sen["area"], [*AREAS, OTHER_AREA])
        if self.register_rows == "key stages":
            by = sen["year"].map(key_stage)
            order = [k for k, _ in KEY_STAGES if k in set(by)] + (
                [NO_YEAR] if NO_YEAR in set(by) else [])
        else:
            years = sorted(set(sen["year"]), key=year_group_order)
            by = sen["year"].map(year_label)
            order = [year_label(y) for y in years]
        self.cells[T_YEAR] = self._cross("year", sen, by, order)

    def _cross(self, name: str, sen: pd.DataFrame, by: pd.Series, order: list[str]) -> dict:
        tab = _crosstab(sen, by, order)
        r = self.release
        cells = {}
        cols = {SEN_LABEL["K"]: "K", SEN_LABEL["E"]: "E", ALL_SEN: "SEN"}
        for row in order:
            for col in tab.columns:
                cells[(row, col)] = r.count((name, row, col), tab.at[row, col])
            r.add_sum([cells[(row, SEN_LABEL["K"])], cells[(row, SEN_LABEL["E"])]],
                      cells[(row, ALL_SEN)])
        for col, x in cols.items():
            cells[(TOTAL, col)] = self.reg(x)
            r.add_sum([cells[(row, col)] for row in order], self.reg(x))
        return cells

    def _costs(self) -> None:
        r, s = self.release, self.s
        by_term = s["pupils_with_provision_by_term"]
        for term in [*self.terms, YEAR_SO_FAR]:
            cost = s["cost_year"] if term == YEAR_SO_FAR else s["cost_by_term"][term]
            r.money(self.cost(term), cost, by_term[term])
            if term != YEAR_SO_FAR:
                r.count(self.pupils(term), by_term[term])
        r.add_sum([self.cost(t) for t in self.terms], self.cost(YEAR_SO_FAR))
        self.cells[T_TYPE] = self._cost_table("type", self.rollup.type_terms, "Type", TYPES,
                                              TYPE_LABEL, NO_TYPE)
        self.cells[T_COST_AREA] = self._cost_table("area cost", self.rollup.area_terms,
                                                   "Area of need", list(AREAS), {}, NO_AREA)

    def _cost_table(self, name: str, tallies: pd.DataFrame, by: str, order: list[str],
                    labels: dict[str, str], not_given: str) -> dict:
        r = self.release
        found = [k for k in tallies[by].unique() if k not in order]
        keys = list(order) + sorted(found)
        year = tallies[tallies["Term"] == YEAR_SO_FAR].set_index(by)
        keys = [k for k in keys if k in order or (k in year.index and year.at[k, "Cost"] != 0)]
        columns = [*self.terms, YEAR_SO_FAR]
        cells: dict = {}
        self.lines[name] = [(k, labels.get(k, not_given if k == NOT_GIVEN else k))
                            for k in keys]
        for k, label in self.lines[name]:
            for term in columns:
                line = tallies[(tallies["Term"] == term) & (tallies[by] == k)]
                cost = float(line["Cost"].iloc[0]) if len(line) else 0.0
                over = int(line["Pupils"].iloc[0]) if len(line) else 0
                cells[(label, term)] = r.money((name, k, term), cost, over)
            r.add_sum([cells[(label, term)] for term in self.terms], cells[(label, YEAR_SO_FAR)])
            now = tallies[(tallies["Term"] == self.term) & (tallies[by] == k)]
            cells[(label, PUPILS_NOW)] = r.count(
                (name, k, PUPILS_NOW), int(now["Pupils"].iloc[0]) if len(now) else 0)
        for term in columns:
            cells[(TOTAL, term)] = self.cost(term)
            r.add_sum([cells[(label, term)] for _, label in self.lines[name]], self.cost(term))
        cells[(TOTAL, PUPILS_NOW)] = self.pupils(self.term)
        r.add_distinct([cells[(label, PUPILS_NOW)] for _, label in self.lines[name]],
                       self.pupils(self.term))
        return cells

    def _impact(self) -> None:
        """The provisions of the rollup term: named when at least t pupils had them, the
        rest pooled into one line (whose pupils are counted once however many of the pooled
        provisions they had)."""
        r, t = self.release, self.t
        bp = self.rollup.by_provision
        bp = bp.assign(_neg=-bp["Cost"]).sort_values(["_neg", "Provision"], kind="stable")
        rows = self.rollup.rows
        now = rows[rows["term"] == self.term]

        def together(names: list[str]) -> int:
            """The one figure the rollup has no table for: distinct pupils of pooled lines."""
            return int(now.loc[now["provision"].isin(names), "upn"].nunique())
        merged = dc.merge_small_provisions(dict(zip(bp["Provision"], bp["Pupils"])), t,
                                           together)
        self.named = bp[bp["Provision"].isin(merged.named)].drop(columns="_neg")
        self.pooled = bp[bp["Provision"].isin(merged.other)].drop(columns="_neg")
        lines = []
        for _, p in self.named.iterrows():
            key = ("provision", p["Provision"])
            lines.append(key)
            r.count((*key, "Pupils"), p["Pupils"])
            r.money((*key, "Cost"), p["Cost"], p["Pupils"])
            r.count((*key, "Pupils assessed"), p["Pupils with both scores"])
        self.other_pupils = 0
        if len(self.pooled):
            key = ("provision", None)
            lines.append(key)
            self.other_pupils = together(merged.other)
            r.count((*key, "Pupils"), self.other_pupils)
            r.money((*key, "Cost"), float(self.pooled["Cost"].sum()), self.other_pupils)
        self.lines["provision"] = lines
        r.add_sum([(*k, "Cost") for k in lines], self.cost(self.term))
        r.add_distinct([(*k, "Pupils") for k in lines], self.pupils(self.term))
        for k in lines:
            if (*k, "Pupils assessed") in r.figures:
                r.add_at_most((*k, "Pupils assessed"), (*k, "Pupils"))
        self._impact_by("type", "Type", "type", TYPES)
        self._impact_by("area cost", "Area of need", "area", list(AREAS))

    def _impact_by(self, table: str, column: str, tag: str, order: list[str]) -> None:
        """What a reader can add up across tables: a type's (area's) cost this term is the
        cost of the provisions of that type, plus some part of the pooled line's.  Said only
        where it is true of the figures (a provision whose rows differ in type is not)."""
        r = self.release
        this = {k: r.figures[(table, k, self.term)].value for k, _ in self.lines[table]}
        named_sum = {k: 0.0 for k in this}
        for _, p in self.named.iterrows():
            k = p[column]
            if k not in named_sum:
                return
            named_sum[k] += float(p["Cost"])
        rest = {k: this[k] - named_sum[k] for k in this}
        if any(v < -0.005 for v in rest.values()):
            return
        pooled = set(self.pooled[column]) if len(self.pooled) else set()
        over = self._pooled_pupils(column) if len(pooled) > 1 else {}
        other = float(self.pooled["Cost"].sum()) if len(self.pooled) else 0.0
        if not pooled <= set(this):
            return
        if any(abs(v) > 0.005 for k, v in rest.items() if k not in pooled):
            return                          # not sums a reader could rely on
        if len(pooled) == 1 and abs(rest[next(iter(pooled))] - other) > 0.005:
            return
        for k, _ in self.lines[table]:
            parts = [("provision", p, "Cost") for p in self.named.loc[self.named[column] == k,
                                                                       "Provision"]]
            if k in pooled:
                parts.append(("provision", None, "Cost") if len(pooled) == 1 else
                             r.unlisted(("pooled part", tag, k), max(rest[k], 0.0), dc.MONEY,
                                        over[k]))
            r.add_sum(parts, (table, k, self.term))
        if len(pooled) > 1:
            r.add_sum([("pooled part", tag, k) for k in pooled], ("provision", None, "Cost"))
        self._pupils_by(table, column, pooled)

    def _pupils_by(self, table: str, column: str, pooled: set) -> None:
        """A type's (area's) pupils this term are at least those of each of its provisions
        and at most all of them (with the pooled line's, if it may hold that type)."""
        r = self.release
        for k, _ in self.lines[table]:
            whole = (table, k, PUPILS_NOW)
            named = [("provision", p, "Pupils")
                     for p in self.named.loc[self.named[column] == k, "Provision"]]
            cover = named + ([("provision", None, "Pupils")] if k in pooled else [])
            for part in named:
                if r.holds([part], whole, "at_most"):
                    r.add_at_most(part, whole)
            if cover and r.holds(cover, whole, "covered"):
                r.add_covered(cover, whole)


    def _pooled_pupils(self, column: str) -> dict[str, int]:
        """Distinct pupils of the pooled provisions of each type (area), by the type (area)
        their line gives: how many pupils a reader's share of the pooled cost is over."""
        rows = self.rollup.rows
        now = rows[(rows["term"] == self.term) & rows["provision"].isin(self.pooled["Provision"])]
        by = now["provision"].map(dict(zip(self.pooled["Provision"], self.pooled[column])))
        return {k: int(n) for k, n in now.assign(_by=by).groupby("_by")["upn"].nunique().items()}


# --- the tables, as shown ----------------------------------------------------------------------

def _show(release: dc.Release, key) -> Any:
    return None if key is None else release.shown(key)


def _frame(release: dc.Release, cells: dict, rows: list, cols: list) -> pd.DataFrame:
    out = pd.DataFrame(index=rows, columns=cols, dtype=object)
    for (row, col), key in cells.items():
        out.at[row, col] = _show(release, key)
    return out


@dataclass
class Governors:
    """The governors' report's tables (what each cell shows) and the release behind them."""

    tables: dict[str, pd.DataFrame]
    release: dc.Release
    register_rows: str              # "year groups" or "key stages"
    useful: int                     # named provisions banded useful or better
    judged: int                     # named provisions with a band
    most_no_progress: int           # named provisions where most assessed made no progress


def _hidden_share(release: dc.Release, cells: dict) -> float:
    """Of a table's non-zero figures, the share hidden."""
    keys = [k for k in set(cells.values()) if k is not None and release.figures[k].value]
    return sum(release.hidden(k) for k in keys) / len(keys) if keys else 0.0


def _lines(cells: dict) -> dict:
    """A table's cells but its Total row."""
    return {k: v for k, v in cells.items() if k[0] != TOTAL}


def _register_rows(rollup: Any, t: int) -> _Figures:
    """The report's figures, protected, with the SEN register by year group, or by key stage
    where year groups would cost too much: when a third or more of the year-group table's
    figures are small counts (such a table cannot be protected without hiding most of it,
    and trying takes the longest), or when protecting it hides more than half of them and
    key stages would hide less."""
    years = _Figures(rollup, t, "year groups")
    cells = _lines(years.cells[T_YEAR])
    figures = [years.release.figures[k] for k in set(cells.values())]
    values = [f.value for f in figures if f.value]
    if values and sum(dc.is_small(v, t) for v in values) * 3 >= len(values):
        return _protected(rollup, t, "key stages")
    years.stuck = dc.protect(years.release)
    hidden = _hidden_share(years.release, cells)
    if hidden > 0.5:
        stages = _protected(rollup, t, "key stages")
        if _hidden_share(stages.release, _lines(stages.cells[T_YEAR])) < hidden:
            return stages
    return years


def _protected(rollup: Any, t: int, rows: str) -> _Figures:
    f = _Figures(rollup, t, rows)
    f.stuck = dc.protect(f.release)
    return f


def governors(rollup: Any) -> Governors:
    """Every table of the governors' report, from the rollup, disclosure-controlled.

    Counts of pupils are ints where shown and text (``<5``, ``*``) where not; money is float
    (to the penny) or ``*``; means are rounded to what is printed; shares are fractions.
    """
    settings = rollup.map.settings
    t = int(settings.suppress_below)
    f = _register_rows(rollup, t)
    r = f.release

    status_rows = [SEN_LABEL["K"], SEN_LABEL["E"], ALL_SEN, SEN_LABEL["N"], TOTAL]
    status = _frame(r, f.cells[T_STATUS], status_rows, [REGISTER, WITH_PROVISION])
    cross_cols = [SEN_LABEL["K"], SEN_LABEL["E"], ALL_SEN]
    area_rows = list(dict.fromkeys(k[0] for k in f.cells[T_AREA]))
    by_area = _frame(r, f.cells[T_AREA], area_rows, cross_cols)
    year_rows = list(dict.fromkeys(k[0] for k in f.cells[T_YEAR]))
    by_year = _frame(r, f.cells[T_YEAR], year_rows, cross_cols)
    by_year.index.name = "Key stage" if f.register_rows == "key stages" else "Year group"

    cost_cols = [*f.terms, YEAR_SO_FAR, PUPILS_NOW]
    type_table = _frame(r, f.cells[T_TYPE], [lb for _, lb in f.lines["type"]] + [TOTAL],
                        cost_cols)
    area_table = _frame(r, f.cells[T_COST_AREA],
                        [lb for _, lb in f.lines["area cost"]] + [TOTAL], cost_cols)
    trend = _trend(f)
    impact, useful, judged, most = _impact_table(f, settings)
    g = Governors({}, r, f.register_rows, useful, judged, most)
    register = {T_STATUS: status, T_AREA: by_area, T_YEAR: by_year}
    g.tables = {T_HEADLINE: _headline(rollup, g, register, trend, t), **register,
                T_TYPE: type_table, T_COST_AREA: area_table, T_TREND: trend,
                T_IMPACT: impact}
    return g


def governors_tables(rollup: Any) -> dict[str, pd.DataFrame]:
    """The tables of :func:`governors` (what the report shows, keyed by table name)."""
    return governors(rollup).tables


def _trend(f: _Figures) -> pd.DataFrame:
    r, pt = f.release, f.rollup.provision_terms
    lines = []
    for term in f.terms:
        cost, pupils = f.cost(term), f.pupils(term)
        group = ("type", GROUP, term)
        this = pt[pt["Term"] == term]
        assessed = int(this["Pupils with both scores"].sum())
        none = int(this["Pupils with no progress"].sum())
        both = not r.hidden(cost) and not r.hidden(pupils) and r.figures[pupils].value
        group_shown = group in r.figures and not r.hidden(group) and not r.hidden(cost)
        cost_value = r.figures[cost].value
        lines.append({
            "Term": term, "Cost": r.shown(cost), "Pupils with provision": r.shown(pupils),
            "Cost per pupil": (dc.printed_money_mean(cost_value / r.figures[pupils].value)
                               if both else None),
            "On group interventions": (dc.printed_share(r.figures[group].value / cost_value)
                                       if group_shown and cost_value else None),
            "Provisions running": int(len(this)),
            "Making progress": (dc.printed_share(making_progress(assessed, none))
                                if assessed >= f.t else None)})
    return pd.DataFrame(lines, columns=["Term", *TREND_COLUMNS], dtype=object).set_index("Term")


def _measure_kinds(rollup: Any) -> dict[str, str | None]:
    """Each provision's measure kind from the Provisions menu (the rows' own source)."""
    return {match_key(p.name): p.measure_kind
            for p in rollup.map.provisions.values()}


def _impact_table(f: _Figures, settings) -> tuple[pd.DataFrame, int, int, int]:
    r, t = f.release, f.t
    kinds = _measure_kinds(f.rollup)
    identifiers = dc.Identifiers(dc.identifying_texts(f.rollup.map.pupils.values()))
    withheld: dict[str, str] = {}
    lines = []
    useful = judged = most = 0
    for _, p in f.named.iterrows():
        key = ("provision", p["Provision"])
        kind = kinds.get(match_key(str(p["Provision"])))
        measure = p["Measure"] if isinstance(p["Measure"], str) else None
        n_assessed = int(p["Pupils with both scores"])
        cost_shown = not r.hidden((*key, "Cost"))
        line = {"Provision": dc.withhold(str(p["Provision"]), identifiers, withheld),
                "Type": TYPE_LABEL.get(p["Type"], NO_TYPE),
                "Area of need": NO_AREA if p["Area of need"] == NOT_GIVEN else p["Area of need"],
                "Measure": (f"{measure} ({UNIT[kind]})" if measure and kind in UNIT
                            else measure or "none"),
                "Pupils": r.shown((*key, "Pupils")), "Cost": r.shown((*key, "Cost")),
                "Cost per pupil": (dc.printed_money_mean(p["Cost per pupil"]) if cost_shown
                                   and not r.hidden((*key, "Pupils")) else None),
                "Pupils assessed": r.shown((*key, "Pupils assessed")),
                "Mean gain": None, "Ratio gain": None, "Making progress": None,
                "Impact": None}
        if n_assessed >= t:
            line["Mean gain"] = dc.printed_gain(p["Mean gain"])
            line["Making progress"] = dc.printed_share(p["Share making progress"])
            most += most_made_no_progress(n_assessed, int(p["Pupils with no progress"]))
            ratio = dc.printed_ratio(p["Ratio gain (months measures)"], settings.impact_bands)
            if ratio is not None:
                line["Ratio gain"] = ratio
                line["Impact"] = settings.band(ratio)
                judged += 1
                useful += settings.useful_or_better(ratio)
            else:
                line["Impact"] = NOT_BANDED
        elif measure is None and n_assessed == 0:
            line["Impact"] = "not measured"
        else:
            line["Impact"] = "too few assessed"
        lines.append(line)
    if len(f.pooled):
        key = ("provision", None)
        k = len(f.pooled)
        types = set(f.pooled["Type"])
        areas = set(f.pooled["Area of need"])
        area = next(iter(areas))
        lines.append({
            "Provision": (f"Other provisions ({k}), each taken by fewer than {t} pupils"
                          if k > 1 and (f.pooled["Pupils"] < t).all() else
                          f"Other provision, taken by fewer than {t} pupils" if k == 1 else
                          f"Other provisions ({k}): those taken by fewer than {t} pupils, "
                          "with the smallest of the rest"),
            "Type": "various" if len(types) > 1 else TYPE_LABEL.get(next(iter(types)), NO_TYPE),
            "Area of need": "various" if len(areas) > 1 else
                            NO_AREA if area == NOT_GIVEN else area,
            "Measure": "various", "Pupils": r.shown((*key, "Pupils")),
            "Cost": r.shown((*key, "Cost")),
            "Cost per pupil": (dc.printed_money_mean(r.figures[(*key, "Cost")].value
                                                  / f.other_pupils)
                               if not r.hidden((*key, "Cost"))
                               and not r.hidden((*key, "Pupils")) else None),
            "Pupils assessed": None, "Mean gain": None, "Ratio gain": None,
            "Making progress": None, "Impact": "not judged (pooled)"})
    total = {c: None for c in IMPACT_COLUMNS}
    total.update({"Provision": TOTAL, "Cost": r.shown(f.cost(f.term))})
    lines.append(total)
    return pd.DataFrame(lines, columns=IMPACT_COLUMNS, dtype=object), useful, judged, most


# --- the front sheet -------------------------------------------------------------------------

def _money(x: float) -> str:
    return f"£{x:,.0f}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def say(v: int | str) -> str:
    """A shown count in a sentence: `<5` reads "fewer than 5", a hidden one "some"."""
    if v == dc.HIDDEN:
        return "some"
    if isinstance(v, str) and v.startswith("<"):
        return f"fewer than {v[1:]}"
    return str(v)


def _pupils(v: int | str, one: str = "pupil", many: str = "pupils") -> str:
    return f"{say(v)} {one if v == 1 else many}"


def _headline(rollup: Any, g: Governors, register: dict, trend: pd.DataFrame,
              t: int) -> pd.DataFrame:
    """Headline figures and the front sheet's sentences, from the shown figures only."""
    term, terms = rollup.term, list(rollup.terms)
    status = register[T_STATUS]
    this = trend.loc[term]
    cost = this["Cost"]
    year_cost = g.release.shown(("cost", YEAR_SO_FAR))
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
         f"{g.useful} of {g.judged}" if g.judged else "none could be judged"),
    ]
    sentences = []
    if isinstance(cost, str):
        s = (f"This term's provision cost is not shown: it was spent on fewer than {t} "
             "pupils")
    else:
        s = f"Provision cost {_money(cost)} this term"
        if group_share is not None:
            s += f", {_pct(group_share)} of it on group interventions"
    if g.judged:
        s += (f"; {g.useful} of {g.judged} provisions whose impact could be judged "
              f"showed useful or better impact.")
    else:
        s += ("; no provision had enough pupils assessed in months (such as a reading age) "
              "to judge its impact.")
    sentences.append(s)
    wp = status.loc[[SEN_LABEL[x] for x in "KEN"], WITH_PROVISION]
    s = (f"{_pupils(this['Pupils with provision'])} had provision this term: "
         f"{say(wp.iloc[0])} on SEN support, {say(wp.iloc[1])} with an EHC plan and "
         f"{say(wp.iloc[2])} with no SEN (monitoring or catch-up).")
    if not isinstance(sen_total, str):
        s += f" The SEN register has {_pupils(sen_total)}."
    sentences.append(s[0].upper() + s[1:])
    i = terms.index(term)
    if i == 0:
        sentences.append(f"{term} is the first term of {rollup.map.settings.academic_year}, so "
                         "there is no earlier term to compare with yet.")
    elif not isinstance(cost, str) and not isinstance(trend.at[terms[i - 1], "Cost"], str):
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
        if not isinstance(year_cost, str):
            s += f" The year so far ({', '.join(terms[:i + 1])}) has cost {_money(year_cost)}."
        sentences.append(s)
    mp = this["Making progress"]
    if mp is not None:
        sentences.append(f"Of the pupils assessed before and after their provision this term, "
                         f"{_pct(mp)} made progress.")
    if g.most_no_progress:
        sentences.append(
            f"{g.most_no_progress} "
            f"{'provision' if g.most_no_progress == 1 else 'provisions'} had most pupils "
            "making little or no progress; the SENCo is reviewing whether to change them.")
    if g.register_rows == "key stages":
        sentences.append("The SEN register is given by key stage rather than year group: by "
                         "year group too many numbers would have to be hidden.")
    shown = [*register.values()]
    if any(tab.map(lambda v: isinstance(v, str)).any().any() for tab in shown):
        sentences.append(f"Numbers of pupils from 1 to {t - 1} are shown as <{t}, so that no "
                         f"child can be identified; {dc.HIDDEN} marks a figure hidden so that "
                         "a small one cannot be worked out from the others.")
    rows = [{"Item": a, "Value": b, "Text": None} for a, b in figures]
    rows += [{"Item": None, "Value": None, "Text": s} for s in sentences]
    return pd.DataFrame(rows, dtype=object)
