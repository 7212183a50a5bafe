"""The trust report's numbers: several schools' rollups side by side and pooled.

A multi-academy trust's SEND lead asks what each school spends on SEN provision and which
interventions work across all the schools.  ``trust(paths, term)`` reads every school's
workbook in a process pool (one worker per core; each returns only the frames the report
needs, never the Map), then composes the tables from each school's own
:func:`provmap.numbers.rollup.rollup`:

* a school's figures are its own rollup's for the trust's term: a worker calls
  :func:`provmap.numbers.rollup.used_rows` and :func:`~provmap.numbers.rollup.provision_table`, the
  functions ``rollup`` itself is made of, so ``Rollup.rows`` and ``Rollup.provision_terms``
  are what it gets (the tests assert the equality), never cells re-read another way;
* a provision is pooled across schools by name (case and spaces ignored): pupils are
  distinct (school, UPN); mean gain is over every row with both scores in every school;
  ratio gain is that mean over the mean months elapsed of the same rows; effect size is the
  pooled mean gain ÷ 15; a provision measured in different kinds of measure in two schools
  is not pooled but given one line per kind, with a note saying so;
* every count of pupils goes through :mod:`provmap.numbers.disclosure` (the governors' rules), with
  the trust's threshold the largest ``Suppress counts below`` of the schools.

One school's trouble never stops the trust: a workbook that cannot be used is listed in
``not_included`` with the reason, and a school's rows with errors are left out exactly as
its own rollup leaves them out (counted in ``left_out``).  Two workbooks of one school, or
workbooks of different academic years, are refused (:class:`TrustRefused`).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import disclosure as dc
from ..model import Settings
from ..model import making_progress
from .rollup import NOT_GIVEN, STANDARD_DEVIATION, YEAR_SO_FAR, pupils_by_term, term_tallies
from ..problems import Code, UnreadableWorkbook
from ..schema import AREAS, DEFAULT_IMPACT_BANDS, GROUP, UNIT

TOTAL = "Trust total"
ALL = "Total"
KIND_WORDS = {"months": "months", "standardised": "standardised score", "score": "score"}
REPORT_SUFFIX = " - Trust report.xlsx"

# The columns of the rollup's rows this report uses: no name, class, date or free text.
ROW_COLUMNS = ["term", "upn", "provision", "type", "area_of_need", "share", "gain",
               "months_elapsed", "measure", "measure_kind", "no_progress"]
SCHOOL_COLUMNS = ["School", "Pupils on register", "On SEN register", "SEN %",
                  "Pupils with provision", "Cost this term", "Year cost",
                  "Cost per pupil with provision", "Share on group interventions",
                  "Making progress", "Provisions with useful or better impact"]
PROVISION_COLUMNS = ["Provision", "Type", "Area of need", "Measure", "Schools", "Pupils",
                     "Cost", "Cost per pupil", "Mean gain", "Ratio gain", "Effect size",
                     "Pupils with no progress", "Impact", "Pupils assessed", "Note"]
AREA_COLUMNS = ["Area of need", "Schools", "Pupils", "Cost"]
NOT_INCLUDED_COLUMNS = ["School", "File", "Reason"]
LEFT_OUT_COLUMNS = ["School", "File", "Rows left out this term", "Rows left out, year so far"]
# Errors that make a workbook unusable for the trust: its figures would be meaningless.
_UNUSABLE = {Code.MISSING_SHEET, Code.MISSING_TABLE, Code.MISSING_SETTING}


class TrustRefused(Exception):
    """The workbooks cannot make one trust report (one sentence for the user)."""


@dataclass
class SchoolPart:
    """What a worker sends back for one workbook: only what the report needs."""

    path: str
    reason: str | None = None                  # why the workbook cannot be used
    school: str = ""
    year: str = ""
    settings: Settings | None = None
    terms_with_provision: list[str] = field(default_factory=list)
    on_register: int = 0
    on_sen: int = 0
    rows: pd.DataFrame | None = None           # Rollup.rows[ROW_COLUMNS], every term so far
    excluded_terms: list[str] = field(default_factory=list)     # Rollup.excluded["term"]
    provision_terms: pd.DataFrame | None = None    # Rollup.provision_terms
    identifiers: dc.Identifiers | None = None      # names, UPNs, birth dates, as words


@dataclass
class TrustReport:
    """The trust report's tables, disclosure control applied (counts are ints or ``<N``)."""

    name: str
    year: str
    term: str
    threshold: int
    summary: pd.DataFrame          # Item, Value
    schools: pd.DataFrame          # SCHOOL_COLUMNS, one row per school then TOTAL
    by_provision: pd.DataFrame     # PROVISION_COLUMNS, pooled, then ALL
    by_area: pd.DataFrame          # AREA_COLUMNS, then ALL
    not_included: pd.DataFrame     # NOT_INCLUDED_COLUMNS
    left_out: pd.DataFrame         # LEFT_OUT_COLUMNS: included schools with rows left out
    notes: list[str]               # how the figures are worked out, in plain English
    identifiers: dc.Identifiers    # every register's identifying texts, for the file scan
    bands: tuple[tuple[float, str], ...] = DEFAULT_IMPACT_BANDS    # the Impact column's bands
    release: dc.Release | None = None    # the figures behind the tables, as protected


# --------------------------------------------------------------------------- the inputs

def workbook_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Paths as given, a folder standing for its .xlsx files (not Excel's ``~$`` lock
    files, hidden files, or a trust report written there before)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.suffix.lower() == ".xlsx" and f.is_file()
                          and not f.name.startswith(("~$", "."))
                          and not f.name.endswith(REPORT_SUFFIX))
        else:
            out.append(p)
    return out


def read_school(path: str, term: str | None) -> SchoolPart:
    """Load, check and roll up one workbook (runs in a worker process).

    The rollup is for ``term`` when one is asked for, else for the workbook's last term,
    so that its rows hold every term the trust's term could be; :func:`trust` keeps the
    terms up to the trust's term, which are the rows of the rollup for that term.
    """
    from ..checks import run_checks as check
    from ..read.workbook import load
    from .rollup import provision_table, used_rows

    part = SchoolPart(path=str(path))
    try:
        m = load(path)
        s = m.settings
        part.school = s.school
        problems = check(m)
        fatal = [p for p in problems if p.is_error and p.code in _UNUSABLE]
        if fatal:
            part.reason = fatal[0].message
            return part
        used = used_rows(m, term or s.terms[-1], problems)
    except UnreadableWorkbook as exc:
        part.reason = str(exc).removeprefix(f"{path}: ")
        return part
    except ValueError as exc:                  # a term the workbook does not have
        part.reason = str(exc)
        return part
    except Exception as exc:  # noqa: BLE001 - one school's trouble never stops the trust
        part.reason = f"provmap could not read it ({type(exc).__name__}: {exc})"
        return part
    part.school, part.year, part.settings = s.school, s.academic_year, s
    part.terms_with_provision = m.terms_with_provision
    part.on_register = len(m.pupils)               # as Rollup.summary counts them
    part.on_sen = sum(p.sen_status in ("K", "E") for p in m.pupils.values())
    part.rows = used.rows[ROW_COLUMNS].copy()
    part.excluded_terms = used.excluded["term"].tolist()
    part.provision_terms = provision_table(used.rows, m)
    part.identifiers = dc.Identifiers(dc.identifying_texts(m.pupils.values()))
    return part


def read_schools(paths: Sequence[Path], term: str | None,
                 workers: int | None = None) -> list[SchoolPart]:
    """Every workbook read and rolled up, in parallel on every core, in the given order."""
    workers = min(workers or os.cpu_count() or 1, len(paths))
    if workers <= 1:
        return [read_school(str(p), term) for p in paths]
    # fork: the workers start with provmap, pandas and numpy already imported (Windows has
    # no fork: there each worker imports them once)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            return list(pool.map(read_school, [str(p) for p in paths], [term] * len(paths)))
    except BrokenProcessPool:       # a worker killed (out of memory?): one at a time instead
        return [read_school(str(p), term) for p in paths]


# --------------------------------------------------------------------------- helpers

def _fold(text: object) -> str:
    """How schools, years, terms and provisions are matched: case and spaces ignored."""
    return "".join(str(text).split()).casefold()


def _trust_term(parts: list[SchoolPart], term: str | None) -> str:
    """The term asked for (in the first school's spelling), else the latest term with
    provision in any school, by its place in the schools' Settings."""
    if term is not None:
        for p in parts:
            for t in p.settings.terms:
                if _fold(t) == _fold(term):
                    return t
        return term.strip()
    place: dict[str, tuple[int, str]] = {}
    for p in parts:
        for i, t in enumerate(p.settings.terms):
            if t in p.terms_with_provision:
                place[_fold(t)] = max(place.get(_fold(t), (i, t)), (i, t))
    if not place:
        return parts[0].settings.terms[0]
    return max(place.values())[1]


def _terms_to(settings: Settings, term: str) -> list[str] | None:
    """The school's terms up to and including ``term`` (None if it has no such term)."""
    folded = [_fold(t) for t in settings.terms]
    if _fold(term) not in folded:
        return None
    return list(settings.terms[: folded.index(_fold(term)) + 1])


def _mode(s: pd.Series, default: str) -> str:
    s = s.dropna()
    return str(s.mode().sort_values().iloc[0]) if len(s) else default


def _shown(v: object) -> bool:
    """A count that is shown as a number (not ``<N`` or hidden)."""
    return not isinstance(v, str)


# --------------------------------------------------------------------------- the tables

@dataclass
class _School:
    part: SchoolPart
    now: pd.DataFrame         # rows of the trust's term
    year_rows: pd.DataFrame   # rows of the year so far
    left_now: int
    left_year: int
    useful: int
    judged: int
    pupils_now: int = 0       # the rollup's pupils with provision: the term, the year so far
    pupils_year: int = 0
    group_cost: float = 0.0   # the rollup's cost of group interventions this term
    group_pupils: int = 0     # ... and the pupils it is over
    assessed: int = 0         # pupils with both scores, summed over the term's provisions
    no_progress: int = 0      # ... of whom with no progress


def _school(part: SchoolPart, term: str, t: int) -> _School | str:
    """One school's figures for the trust's term, from its own rollup; or why not."""
    terms = _terms_to(part.settings, term)
    if terms is None:
        return (f"its Settings sheet has no term '{term}' (it lists "
                f"{', '.join(part.settings.terms)})")
    canon = terms[-1]                       # rows hold the school's own spelling of terms
    rows = part.rows[part.rows["term"].isin(terms)]
    now = rows[rows["term"] == canon]
    left_year = sum(x in terms for x in part.excluded_terms)
    left_now = part.excluded_terms.count(canon)
    prov = part.provision_terms
    prov = prov[(prov["Term"] == canon) & (prov["Pupils with both scores"] >= t)]
    banded = prov[prov["Ratio gain (months measures)"].notna()]
    useful = int(sum(part.settings.useful_or_better(v)
                     for v in banded["Ratio gain (months measures)"]))
    pupils = pupils_by_term(rows, terms)
    types = term_tallies(rows, terms, "type", "Type")
    group = types[(types["Term"] == canon) & (types["Type"] == GROUP)]
    this = part.provision_terms[part.provision_terms["Term"] == canon]
    return _School(part, now, rows, left_now, left_year, useful, len(banded),
                   pupils_now=pupils[canon], pupils_year=pupils[YEAR_SO_FAR],
                   group_cost=float(group["Cost"].sum()), group_pupils=int(group["Pupils"].sum()),
                   assessed=int(this["Pupils with both scores"].sum()),
                   no_progress=int(this["Pupils with no progress"].sum()))


def _pool_keys(rows: pd.DataFrame) -> pd.Series:
    """The pooling key of each row: the provision's folded name, plus its measure kind
    where schools measure the provision in different kinds of measure."""
    name = rows["provision"].map(_fold)
    kind = rows["measure_kind"].astype(object).where(rows["measure_kind"].notna(), "none")
    kinds = rows.assign(_n=name, _k=kind).groupby("_n")["measure_kind"].nunique()
    split = name.map(kinds) > 1
    return name.where(~split, name + "|" + kind)


def _kind_note(kind: str | None, others: list[tuple[str, list[str]]]) -> str:
    theirs = "; ".join(f"{KIND_WORDS.get(k, k)} in {', '.join(s)}" for k, s in others)
    return (f"Not pooled: measured as {KIND_WORDS.get(kind, 'no measure')} here, and as "
            f"{theirs}, so each kind has its own line.")


def _provision_lines(rows: pd.DataFrame, bands: Settings, identifiers: dc.Identifiers
                     ) -> pd.DataFrame:
    """The pooled lines, figures as computed (suppression comes after)."""
    rows = rows.assign(_key=_pool_keys(rows), _name=rows["provision"].map(_fold))
    withheld: dict[str, str] = {}
    lines = []
    for key, g in rows.groupby("_key", sort=False):
        kind = g["measure_kind"].dropna()
        kind = str(kind.iloc[0]) if len(kind) else None
        pupils = int(g[["school", "upn"]].drop_duplicates().shape[0])
        cost = float(g["share"].sum())
        assessed = g[g["gain"].notna()]
        months = assessed[(assessed["measure_kind"] == "months")
                          & assessed["months_elapsed"].notna()]
        std = assessed[assessed["measure_kind"] == "standardised"]
        ratio = (float(months["gain"].mean() / months["months_elapsed"].mean())
                 if len(months) and months["months_elapsed"].mean() > 0 else None)
        none = int(g.loc[g["no_progress"], ["school", "upn"]].drop_duplicates().shape[0])
        measures = sorted(set(g["measure"].dropna().astype(str)))
        measure = "; ".join(measures) if measures else "none"
        if kind in UNIT and measures:
            measure += f" ({UNIT[kind]})"
        note = None
        if "|" in key:
            same = rows[(rows["_name"] == g["_name"].iloc[0]) & (rows["_key"] != key)]
            others = [(str(k), sorted(set(s["school"])))
                      for k, s in same.groupby(same["measure_kind"].astype(object).fillna(
                          "no measure"))]
            note = _kind_note(kind, others)
        lines.append({
            "Provision": dc.withhold(_mode(g["provision"], ""), identifiers, withheld),
            "Type": _mode(g["type"], NOT_GIVEN), "Area of need": _mode(g["area_of_need"], NOT_GIVEN),
            "Measure": measure, "Schools": int(g["school"].nunique()), "Pupils": pupils,
            "Cost": cost, "Cost per pupil": cost / pupils,
            "Mean gain": float(assessed["gain"].mean()) if len(assessed) else None,
            "Ratio gain": ratio,
            "Effect size": (float(std["gain"].mean()) / STANDARD_DEVIATION if len(std)
                            else None),
            "Pupils with no progress": none,
            "Impact": bands.band(ratio) if ratio is not None else None,
            "Pupils assessed": len(assessed), "Note": note, "_kind": kind or ""})
    table = pd.DataFrame(lines, columns=[*PROVISION_COLUMNS, "_kind"])
    table = table.sort_values(["Cost", "Provision", "_kind"], ascending=[False, True, True],
                              kind="stable").reset_index(drop=True)
    return table.drop(columns="_kind")


class _Figures:
    """The trust report's counts and sums of money as one disclosure release: each school's
    lines and the trust's total, each pooled provision and each area, with the sums a
    reader knows (the schools add up to the trust, the provisions and the areas to the
    trust's term, distinct pupils at most the sum of their lines)."""

    def __init__(self, schools: list[_School], now: pd.DataFrame, pooled: pd.DataFrame,
                 t: int):
        self.release = r = dc.Release(t)
        self.schools, self.pooled, self.now = schools, pooled, now
        names = [s.part.school for s in schools]
        r.count(("pupils",), int(now[["school", "upn"]].drop_duplicates().shape[0]))
        r.money(("cost",), float(now["share"].sum()), r.figures[("pupils",)].value)
        columns = {"Pupils on register": lambda s: s.part.on_register,
                   "On SEN register": lambda s: s.part.on_sen,
                   "Pupils with provision": lambda s: s.pupils_now}
        for col, get in columns.items():
            total = ("pupils",) if col == "Pupils with provision" else (col, TOTAL)
            r.count(total, sum(get(s) for s in schools))
            r.add_sum([r.count((col, n), get(s)) for n, s in zip(names, schools)], total)
        for n in names:
            r.add_at_most(("On SEN register", n), ("Pupils on register", n))
            r.add_at_most(("Pupils with provision", n), ("Pupils on register", n))
        r.add_at_most(("On SEN register", TOTAL), ("Pupils on register", TOTAL))
        r.add_at_most(("pupils",), ("Pupils on register", TOTAL))
        for n, s in zip(names, schools):
            r.money(("Cost this term", n), float(s.now["share"].sum()), s.pupils_now)
            r.money(("Year cost", n), float(s.year_rows["share"].sum()), s.pupils_year)
        r.add_sum([("Cost this term", n) for n in names], ("cost",))
        r.money(("Year cost", TOTAL), sum(r.figures[("Year cost", n)].value for n in names),
                sum(s.pupils_year for s in schools))
        r.add_sum([("Year cost", n) for n in names], ("Year cost", TOTAL))

        for i, line in pooled.iterrows():
            r.count(("provision", i, "Pupils"), line["Pupils"])
            r.money(("provision", i, "Cost"), line["Cost"], line["Pupils"])
            r.count(("provision", i, "Pupils assessed"), line["Pupils assessed"])
            r.count(("provision", i, "Pupils with no progress"),
                    line["Pupils with no progress"])
            r.add_at_most(("provision", i, "Pupils assessed"), ("provision", i, "Pupils"))
            r.add_at_most(("provision", i, "Pupils with no progress"),
                          ("provision", i, "Pupils assessed"))
        r.add_sum([("provision", i, "Cost") for i in pooled.index], ("cost",))
        r.add_distinct([("provision", i, "Pupils") for i in pooled.index], ("pupils",))

        self.areas = _area_lines(now)
        for a, line in self.areas.iterrows():
            r.count(("area", a, "Pupils"), line["Pupils"])
            r.money(("area", a, "Cost"), line["Cost"], line["Pupils"])
        r.add_sum([("area", a, "Cost") for a in self.areas.index], ("cost",))
        r.add_distinct([("area", a, "Pupils") for a in self.areas.index], ("pupils",))
        self._areas_of_provisions()
        self.stuck = dc.protect(r)

    def _areas_of_provisions(self) -> None:
        """A reader may set the provisions of each area against the area's line: its pupils
        are at least each provision's and at most all of theirs, and its cost their sum
        (said where it is true: not when a provision's rows differ in area)."""
        r = self.release
        parts = {a: [] for a in self.areas.index}
        sums = {a: 0.0 for a in self.areas.index}
        for i, line in self.pooled.iterrows():
            if line["Area of need"] not in parts:
                return
            parts[line["Area of need"]].append(("provision", i, "Cost"))
            sums[line["Area of need"]] += float(line["Cost"])
        for a, ks in parts.items():
            pupils = [(*k[:2], "Pupils") for k in ks]
            for part in pupils:
                if r.holds([part], ("area", a, "Pupils"), "at_most"):
                    r.add_at_most(part, ("area", a, "Pupils"))
            if pupils and r.holds(pupils, ("area", a, "Pupils"), "covered"):
                r.add_covered(pupils, ("area", a, "Pupils"))
        if any(abs(sums[a] - float(self.areas.at[a, "Cost"])) > 0.005 for a in sums):
            return
        for a, ks in parts.items():
            r.add_sum(ks, ("area", a, "Cost"))


def _area_lines(rows: pd.DataFrame) -> pd.DataFrame:
    """By area of need: schools, pupils (distinct school and UPN) and cost."""
    area = rows["area_of_need"].astype(object).where(rows["area_of_need"].notna(), NOT_GIVEN)
    r = rows.assign(_area=area)
    keys = [a for a in AREAS if a in set(area)] + sorted(set(area) - set(AREAS) - {NOT_GIVEN})
    keys += [NOT_GIVEN] if NOT_GIVEN in set(area) else []
    lines = []
    for k in keys:
        g = r[r["_area"] == k]
        lines.append({"Area of need": k, "Schools": int(g["school"].nunique()),
                      "Pupils": int(g[["school", "upn"]].drop_duplicates().shape[0]),
                      "Cost": float(g["share"].sum())})
    return pd.DataFrame(lines, columns=AREA_COLUMNS).set_index("Area of need", drop=False)


def _safe_provisions(f: _Figures, bands: Settings, t: int) -> pd.DataFrame:
    """By provision as shown: counts and money as the release shows them, cost per pupil
    only beside both, gains only from t assessed pupils, means as printed."""
    r, table = f.release, f.pooled
    out = table.astype(object).copy()
    for i in table.index:
        key = ("provision", i)
        pupils, cost = r.shown((*key, "Pupils")), r.shown((*key, "Cost"))
        out.at[i, "Pupils"], out.at[i, "Cost"] = pupils, cost
        out.at[i, "Cost per pupil"] = (dc.printed_money_mean(table.at[i, "Cost per pupil"])
                                       if _shown(pupils) and _shown(cost) else None)
        out.at[i, "Pupils assessed"] = r.shown((*key, "Pupils assessed"))
        assessed = int(table.at[i, "Pupils assessed"])
        if assessed < t:
            for c in ("Mean gain", "Ratio gain", "Effect size", "Pupils with no progress"):
                out.at[i, c] = None
            out.at[i, "Impact"] = ("not measured" if assessed == 0 and table.at[i, "Measure"]
                                   == "none" else "too few assessed")
        else:
            out.at[i, "Pupils with no progress"] = r.shown((*key, "Pupils with no progress"))
            out.at[i, "Mean gain"] = dc.printed_gain(table.at[i, "Mean gain"])
            out.at[i, "Effect size"] = dc.printed_effect(table.at[i, "Effect size"])
            ratio = dc.printed_ratio(table.at[i, "Ratio gain"], bands.impact_bands)
            out.at[i, "Ratio gain"] = ratio
            out.at[i, "Impact"] = bands.band(ratio) if ratio is not None else None
    total = {c: None for c in PROVISION_COLUMNS}
    total.update({"Provision": ALL, "Schools": int(f.now["school"].nunique()),
                  "Pupils": r.shown(("pupils",)), "Cost": r.shown(("cost",))})
    out = pd.concat([out, pd.DataFrame([total], dtype=object)], ignore_index=True)
    out = out[PROVISION_COLUMNS].astype(object)
    return out.where(out.notna(), None)


def _safe_areas(f: _Figures) -> pd.DataFrame:
    r = f.release
    out = f.areas.reset_index(drop=True).astype(object)
    out["Pupils"] = [r.shown(("area", a, "Pupils")) for a in f.areas.index]
    out["Cost"] = [r.shown(("area", a, "Cost")) for a in f.areas.index]
    total = {"Area of need": ALL, "Schools": int(f.now["school"].nunique()),
             "Pupils": r.shown(("pupils",)), "Cost": r.shown(("cost",))}
    return pd.concat([out, pd.DataFrame([total], dtype=object)], ignore_index=True)


def _safe_schools(f: _Figures, pooled_shown: pd.DataFrame, bands: Settings, t: int
                  ) -> pd.DataFrame:
    """The Schools sheet: each school's own figures, then the trust's total.  A school's
    "useful or better" count is from its own rollup's provisions; the trust's from the
    pooled provisions whose ratio gain is shown."""
    r, schools = f.release, f.schools
    lines = []
    ratios = [float(v) for v in pooled_shown["Ratio gain"] if v is not None and not pd.isna(v)]
    for s in [*schools, None]:
        n = TOTAL if s is None else s.part.school
        reg = r.shown(("Pupils on register", n))
        sen = r.shown(("On SEN register", n))
        withp = r.shown(("pupils",) if s is None else ("Pupils with provision", n))
        cost_key = ("cost",) if s is None else ("Cost this term", n)
        cost, cost_value = r.shown(cost_key), r.figures[cost_key].value
        pupils = r.figures[("pupils",) if s is None else ("Pupils with provision", n)].value
        register = r.figures[("Pupils on register", n)].value
        group_cost = sum(x.group_cost for x in schools) if s is None else s.group_cost
        group_pupils = sum(x.group_pupils for x in schools) if s is None else s.group_pupils
        assessed = sum(x.assessed for x in schools) if s is None else s.assessed
        none = sum(x.no_progress for x in schools) if s is None else s.no_progress
        if s is None:
            useful_n = sum(bands.useful_or_better(v) for v in ratios)
            judged_n = len(ratios)
        else:
            useful_n, judged_n = s.useful, s.judged
        lines.append({
            "School": n, "Pupils on register": reg, "On SEN register": sen,
            "SEN %": (dc.printed_share(r.figures[("On SEN register", n)].value / register)
                      if _shown(sen) and _shown(reg) and register else None),
            "Pupils with provision": withp, "Cost this term": cost,
            "Year cost": r.shown(("Year cost", n)),
            "Cost per pupil with provision": (dc.printed_money_mean(cost_value / pupils)
                                              if _shown(withp) and _shown(cost) and pupils
                                              else None),
            # a share of money gives that money back: shown where the money could be
            "Share on group interventions": (
                dc.printed_share(group_cost / cost_value)
                if cost_value and _shown(cost) and not 1 <= group_pupils < t else None),
            "Making progress": (dc.printed_share(making_progress(assessed, none))
                                if assessed >= t else None),
            "Provisions with useful or better impact": (
                f"{useful_n} of {judged_n}" if judged_n else "none could be judged")})
    return pd.DataFrame(lines, columns=SCHOOL_COLUMNS, dtype=object)


def _notes(t: int, term: str, bands: tuple[tuple[float, str], ...]) -> list[str]:
    from ..schema import FIRST_BAND
    words = ", ".join([f"below {bands[0][0]:g} {FIRST_BAND}"]
                      + [f"from {b:g} {label}" for b, label in bands]) if bands else FIRST_BAND
    return [
        "Each school's figures are that school's own rollup for the term, worked out exactly "
        "as its SENCo's rollup and governors' report work them out; rows with errors in a "
        "school's workbook are left out there and here (see 'Rows left out').",
        "Pupils on register: everyone on the school's Pupils sheet. On SEN register: pupils "
        "on SEN support (K) or with an EHC plan (E). Pupils with provision: pupils with at "
        f"least one provision row in {term}.",
        "Cost: staff time (hourly cost × minutes × sessions × weeks) plus resources, shared "
        "equally between the pupils of each group; quality first teaching counts only its "
        "resources. Year cost adds every term of the year so far.",
        "By provision: a provision is the same in every school when its name is the same "
        "(ignoring capitals and spaces). Pupils counts each pupil of each school once. Mean "
        "gain is the average gain over every pupil assessed before and after it, in every "
        "school; ratio gain is that average ÷ the average months the provision ran (months "
        "measures, such as a reading age; 1 is ordinary progress); effect size is the mean "
        "gain ÷ 15 (standardised scores). Impact bands after Brooks (2016): "
        f"{words}. Only measures in months have a band. Ratio gains are given to two "
        "decimals, never rounded up to the start of a band (1.996 is 1.99, modest), so a "
        "band always agrees with the figure printed beside it.",
        "Where schools measure the same provision in different kinds of measure (say months "
        "in one and a standardised score in another) the gains cannot be averaged, so the "
        "provision has one line per kind, and a note under the table says so.",
        "Making progress: of the pupils assessed before and after a provision, the share "
        "whose score improved (a pupil counts once in each provision). Provisions with "
        f"useful or better impact: of the provisions with a ratio gain from at least {t} "
        "assessed pupils, how many reached the useful band or higher.",
        f"To protect children, numbers of pupils from 1 to {t - 1} are shown as <{t} (the "
        "largest 'Suppress counts below' of the schools), and a sum of money spent on fewer "
        f"than {t} pupils is hidden ({dc.HIDDEN}) like their number, since where each "
        "pupil's share is known it would tell the number. Where the other figures would let "
        "a hidden one "
        f"be worked out, more are hidden too ({dc.HIDDEN}): every table has been checked, "
        "as a statistics office checks one, so that no hidden number can be worked out to a "
        "single value. Cost per pupil, shares and gains are shown only beside shown "
        f"figures, and gains only where at least {t} pupils were assessed. Means are "
        "rounded to what is printed. No pupil is named anywhere.",
    ]


# --------------------------------------------------------------------------- trust

def trust(paths: Iterable[Path | str], term: str | None = None, name: str = "Trust",
          workers: int | None = None) -> TrustReport:
    """The trust report's tables for the workbooks at ``paths`` (files or folders).

    Raises :class:`TrustRefused` for no workbooks, none usable, two workbooks of the same
    school or workbooks of different academic years.
    """
    files = workbook_paths(paths)
    if not files:
        raise TrustRefused("no workbooks were given (a folder must hold .xlsx files).")
    parts = read_schools(files, term, workers)
    usable = [p for p in parts if p.reason is None]
    not_included = [{"School": p.school or None, "File": Path(p.path).name, "Reason": p.reason}
                    for p in parts if p.reason is not None]
    if not usable:
        first = f"{Path(parts[0].path).name}: {parts[0].reason}"
        raise TrustRefused(f"the workbook could not be used ({first})" if len(parts) == 1
                           else f"none of the {len(parts)} workbooks could be used (the "
                           f"first, {first})")
    seen: dict[str, SchoolPart] = {}
    for p in usable:
        other = seen.setdefault(_fold(p.school), p)
        if other is not p and Path(other.path).resolve() == Path(p.path).resolve():
            raise TrustRefused(f"{p.path} is given twice; give each school's workbook once.")
        if other is not p:
            raise TrustRefused(
                f"{Path(other.path).name} and {Path(p.path).name} are both workbooks of "
                f"{p.school}; give one workbook per school.")
    years = {_fold(p.year): p for p in usable}
    if len(years) > 1:
        a, b = list(years.values())[:2]
        raise TrustRefused(
            f"the workbooks are of different academic years ({Path(a.path).name} is "
            f"{a.year}, {Path(b.path).name} is {b.year}); give one year's workbooks.")

    the_term = _trust_term(usable, term)
    t = max(int(p.settings.suppress_below) for p in usable)
    schools: list[_School] = []
    for p in usable:
        s = _school(p, the_term, t)
        if isinstance(s, str):
            not_included.append({"School": p.school, "File": Path(p.path).name, "Reason": s})
        else:
            schools.append(s)
    if not schools:
        raise TrustRefused(f"no workbook has the term '{the_term}'.")
    schools.sort(key=lambda s: _fold(s.part.school))
    year = schools[0].part.year

    identifiers = dc.Identifiers.union(s.part.identifiers for s in schools)
    now = pd.concat([s.now.assign(school=s.part.school) for s in schools], ignore_index=True)
    bands = {s.part.settings.impact_bands for s in schools}
    band_settings = schools[0].part.settings if len(bands) == 1 else Settings(
        school="", academic_year="", terms=(), term_dates={}, threshold=0.0,
        impact_bands=DEFAULT_IMPACT_BANDS, suppress_below=t)
    pooled = _provision_lines(now, band_settings, identifiers)

    figures = _Figures(schools, now, pooled, t)
    by_provision = _safe_provisions(figures, band_settings, t)
    by_area = _safe_areas(figures)
    schools_table = _safe_schools(figures, by_provision.iloc[:-1], band_settings, t)

    total = schools_table.iloc[-1]
    summary = pd.DataFrame([
        ("Schools included", len(schools)),
        ("Schools not included", len(not_included)),
        ("Pupils on registers", total["Pupils on register"]),
        ("Pupils on SEN registers", total["On SEN register"]),
        (f"Pupils with provision in {the_term}", total["Pupils with provision"]),
        (f"Cost of provision in {the_term}", total["Cost this term"]),
        ("Cost of provision, year so far", total["Year cost"]),
        ("Cost per pupil with provision", total["Cost per pupil with provision"]),
        ("Provisions (pooled across schools)", len(by_provision) - 1),
    ], columns=["Item", "Value"], dtype=object)
    left_out = pd.DataFrame([{"School": s.part.school, "File": Path(s.part.path).name,
                              "Rows left out this term": s.left_now,
                              "Rows left out, year so far": s.left_year}
                             for s in schools if s.left_year], columns=LEFT_OUT_COLUMNS)
    return TrustReport(
        name=name, year=year, term=the_term, threshold=t, summary=summary,
        schools=schools_table, by_provision=by_provision, by_area=by_area,
        not_included=pd.DataFrame(not_included, columns=NOT_INCLUDED_COLUMNS),
        left_out=left_out, notes=_notes(t, the_term, band_settings.impact_bands), identifiers=identifiers,
        bands=band_settings.impact_bands, release=figures.release)
