"""The termly rollup: what provision cost and what it achieved, as pandas DataFrames.

``rollup(map, term)`` turns the records of a :class:`~provmap.model.Map` into the
:class:`Rollup` the SENCo workbook, the governors' report and the POPs are written from.
Every rule is in docs/numbers.md; the short version:

* rows of one term with the same Provision and Group (blank Group: same provision, same
  sheet) are one group, across class sheets; 1:1 rows are groups of one;
* a group's delivery comes from its first row in sheet order (row values, else the
  Provisions defaults); cost = hourly cost x minutes/60 x sessions x weeks + resource;
  a pupil's share = cost / group size; QFT costs only its resource, per pupil;
* a number typed in Cost replaces that pupil's share;
* gain, months elapsed, ratio gain, effect size, impact band and the flags follow the
  workbook's specification, "The numbers" (written out in docs/numbers.md).

Rows with an error on their sheet and row (the checks put one on every row that relies on a
register, Provisions or Staff row with an error, or lacks what is needed to cost it) are left out of every number and
listed in ``Rollup.excluded`` with the reason.  Money is kept in exact floats; writers
round it to pence.

``Rollup.summary`` holds the headline figures (all counts are ints, money floats):

    school, academic_year, term, terms, today, term_over,
    pupils_on_register, pupils_on_register_by_status {K, E, N},
    pupils_with_provision, pupils_with_provision_by_status {K, E, N}   (rollup term)
    pupils_with_provision_year, pupils_with_provision_by_term {term: n, YEAR_SO_FAR: n},
    cost_term, cost_year, cost_by_term {term: cost},
    cost_term_by_type {type: cost}, provisions (count in the term), groups,
    threshold, pupils_above_threshold,
    flags, flags_by_kind {kind: count}, pupils_flagged, provisions_flagged,
    rows_used, rows_excluded, excluded_reasons {reason: count},
    errors, warnings, infos
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from ..checks.context import Context
from ..delivery import group_id
from ..model import Map, making_progress, most_made_no_progress
from ..problems import Code, Problem, Severity
from ..schema import ONE_TO_ONE, QFT
from ..values import format_age, format_money
from ..words import ON_REGISTER, STATUSES, number_words

# The kinds of flag, in the school's words; writers may group by these.
FLAG_NO_PROGRESS = "No progress"
FLAG_PROVISION = "Provision: most made no progress"
FLAG_THRESHOLD = "Above notional SEN threshold"
FLAG_NO_PROVISION = "K/E pupil without provision"
FLAG_MISSING = "Missing assessment"
FLAG_KINDS = (FLAG_NO_PROGRESS, FLAG_PROVISION, FLAG_THRESHOLD, FLAG_NO_PROVISION, FLAG_MISSING)

STANDARD_DEVIATION = 15.0     # of a standardised score: effect size = mean gain / 15
NOT_GIVEN = "(not given)"    # area of need or type left blank everywhere
YEAR_SO_FAR = "Year so far"  # the Term of term_tallies' lines for the whole year so far

ROW_COLUMNS = [
    "term", "sheet", "row", "class_name", "upn", "pupil", "sen_status", "primary_need",
    "provision", "type", "area_of_need", "delivered_by", "sessions_per_week",
    "minutes_per_session", "weeks", "group_key", "group_size", "group_cost", "share",
    "cost_override", "measure", "measure_kind", "higher_is_better", "pre", "post", "gain",
    "months_elapsed", "ratio_gain", "no_progress",
    # extras for the writers (POP, SENCo)
    "impact", "group", "computed_share", "hourly_cost", "resource_cost", "start_date",
    "end_date", "target", "outcome", "next_step", "comments", "forename", "surname",
    "register_class", "year_group", "sheet_index",
]
EXCLUDED_COLUMNS = ["term", "sheet", "row", "reason", "pupil", "provision"]
PROVISION_COLUMNS = ["Provision", "Type", "Area of need", "Measure", "Pupils", "Groups", "Cost",
                     "Cost per pupil", "Pupils with both scores", "Mean gain",
                     "Ratio gain (months measures)", "Effect size (standardised)",
                     "Pupils with no progress", "Share making progress", "Impact", "Flag"]
FLAG_COLUMNS = ["UPN", "Pupil", "Class", "Term", "Provision", "Flag", "Detail"]
ISSUE_COLUMNS = ["Severity", "Sheet", "Cell", "Message", "Hint", "Code"]

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# Sheet-level errors (no row) that make every row of the sheet unusable.
_SHEET_BLOCKING = {Code.DUPLICATE_SHEET}


@dataclass
class Rollup:
    """Everything the writers need, computed once.  See docs/architecture.md for the contract."""

    map: Map
    problems: list[Problem]
    term: str
    terms: list[str]
    rows: pd.DataFrame
    excluded: pd.DataFrame
    by_pupil: pd.DataFrame
    by_provision: pd.DataFrame
    by_class: pd.DataFrame
    by_area: pd.DataFrame
    flags: pd.DataFrame
    issues: pd.DataFrame
    summary: dict
    today: date = field(default_factory=date.today)
    provision_terms: pd.DataFrame | None = None   # by_provision for every term so far
    type_terms: pd.DataFrame | None = None        # term_tallies by Type
    area_terms: pd.DataFrame | None = None        # term_tallies by Area of need


# --------------------------------------------------------------------------- helpers

def _problems_for(m: Map, today: date) -> list[Problem]:
    """provmap.checks: the reading problems plus every check."""
    from ..checks import run_checks
    return list(run_checks(m, today=today))


def _canonical_term(m: Map, term: str | None) -> str:
    terms = list(m.settings.terms)
    if term is None:
        used = m.terms_with_provision
        if used:
            return used[-1]
        if not terms:
            raise ValueError("the Settings sheet lists no terms")
        return terms[0]
    for t in terms:
        if t.casefold() == term.strip().casefold():
            return t
    raise ValueError(f"'{term}' is not a term of this workbook (Settings lists: "
                     f"{', '.join(terms)})")


def _key(text: object) -> object:
    """How names are matched: case-insensitive, spaces collapsed."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    return " ".join(str(text).split()).casefold()


def _text(s: pd.Series) -> pd.Series:
    """Text column with real missing values (None/NaN), whatever pandas inferred."""
    return s.astype(object).where(s.notna(), None)


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype(float)


def _fmt_number(s: pd.Series) -> pd.Series:
    """Numbers for messages: 7, 7.5, 86 (no trailing .0)."""
    return s.map(lambda v: "" if pd.isna(v) else number_words(v))


def _row_frame(m: Map, terms: list[str]) -> pd.DataFrame:
    """One record per provision row of the terms so far, as typed (no defaults yet)."""
    canon = {t.casefold(): t for t in terms}
    records = []
    for i, s in enumerate(m.sheets):
        term = canon.get(s.term.casefold())
        if term is None:
            continue
        records.extend({
            "term": term, "sheet": s.name, "row": r.row, "sheet_index": i,
            "class_name": s.class_name, "upn": r.upn, "pupil_text": r.pupil_text,
            "provision_text": r.provision, "row_type": r.type, "row_area": r.area_of_need,
            "row_delivered_by": r.delivered_by, "row_sessions": r.sessions_per_week,
            "row_minutes": r.minutes_per_session, "row_weeks": r.weeks, "group": r.group,
            "group_size_given": r.group_size, "start_date": r.start_date,
            "end_date": r.end_date, "target": r.target, "pre": r.pre, "post": r.post,
            "outcome": r.outcome, "next_step": r.next_step, "cost_typed": r.cost,
            "comments": r.comments,
            "group_key": group_id(m, r),
        } for r in s.provision_rows)
    cols = ["term", "sheet", "row", "sheet_index", "class_name", "upn", "pupil_text",
            "provision_text", "row_type", "row_area", "row_delivered_by", "row_sessions",
            "row_minutes", "row_weeks", "group", "group_size_given", "start_date", "end_date",
            "target", "pre", "post", "outcome", "next_step", "cost_typed", "comments",
            "group_key"]
    df = pd.DataFrame.from_records(records, columns=cols)
    for c in ("row_sessions", "row_minutes", "row_weeks", "group_size_given", "pre", "post",
              "cost_typed"):
        df[c] = _num(df[c])
    for c in ("row", "sheet_index"):
        df[c] = df[c].astype(int)
    return df


def _reference_frames(m: Map) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Provisions, Staff and Pupils as frames keyed for merging."""
    prov = pd.DataFrame.from_records([{
        "prov_key": _key(p.name), "provision_name": p.name, "prov_row": p.row,
        "p_type": p.type, "p_area": p.area_of_need, "p_delivered_by": p.delivered_by,
        "p_sessions": p.sessions_per_week, "p_minutes": p.minutes_per_session,
        "p_weeks": p.weeks, "resource_cost": p.resource_cost, "measure": p.measure,
        "measure_kind": p.measure_kind, "higher_is_better": p.higher_is_better,
    } for p in m.provisions.values()], columns=[
        "prov_key", "provision_name", "prov_row", "p_type", "p_area", "p_delivered_by",
        "p_sessions", "p_minutes", "p_weeks", "resource_cost", "measure", "measure_kind",
        "higher_is_better"]).drop_duplicates("prov_key")
    for c in ("p_sessions", "p_minutes", "p_weeks", "resource_cost"):
        prov[c] = _num(prov[c])
    staff = pd.DataFrame.from_records([{
        "staff_key": _key(s.name), "staff_row": s.row, "hourly_cost": s.hourly_cost,
    } for s in m.staff.values()], columns=["staff_key", "staff_row", "hourly_cost"]
    ).drop_duplicates("staff_key")
    staff["hourly_cost"] = _num(staff["hourly_cost"])
    pupils = pd.DataFrame.from_records([{
        "upn": p.upn, "pupil": p.name, "forename": p.forename, "surname": p.surname,
        "sen_status": p.sen_status, "primary_need": p.primary_need,
        "register_class": p.class_name, "year_group": p.year_group, "pupil_row": p.row,
    } for p in m.pupils.values()], columns=[
        "upn", "pupil", "forename", "surname", "sen_status", "primary_need",
        "register_class", "year_group", "pupil_row"]).drop_duplicates("upn")
    return prov, staff, pupils


def _error_index(problems: list[Problem]) -> tuple[dict[str, str], dict[str, str]]:
    """Error messages by 'sheet!row' (casefolded sheet) and by sheet for sheet-wide errors."""
    by_row: dict[str, list[str]] = {}
    by_sheet: dict[str, list[str]] = {}
    for p in problems:
        if not p.is_error or p.sheet is None:
            continue
        if p.row is not None:
            by_row.setdefault(f"{p.sheet.casefold()}!{p.row}", []).append(p.message)
        elif p.code in _SHEET_BLOCKING:
            by_sheet.setdefault(p.sheet.casefold(), []).append(p.message)
    return ({k: "; ".join(dict.fromkeys(v)) for k, v in by_row.items()},
            {k: "; ".join(dict.fromkeys(v)) for k, v in by_sheet.items()})


# --------------------------------------------------------------------------- the rows

def _prepare_rows(m: Map, raw: pd.DataFrame, terms: list[str], problems: list[Problem],
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply defaults, decide which rows can be used; return (usable rows, excluded)."""
    df = raw.copy()
    prov, staff, pupils = _reference_frames(m)

    df["prov_key"] = df["provision_text"].map(_key)
    df = df.merge(prov, on="prov_key", how="left")
    df = df.merge(pupils, on="upn", how="left")
    df["provision"] = _text(df["provision_name"]).fillna(
        _text(df["provision_text"]).map(lambda t: " ".join(str(t).split()) if t else t))

    # Row values, else the Provisions defaults.
    df["type"] = _text(df["row_type"]).fillna(_text(df["p_type"]))
    df["area_of_need"] = _text(df["row_area"]).fillna(_text(df["p_area"]))
    df["delivered_by"] = _text(df["row_delivered_by"]).fillna(_text(df["p_delivered_by"]))
    df["sessions_per_week"] = df["row_sessions"].fillna(df["p_sessions"])
    df["minutes_per_session"] = df["row_minutes"].fillna(df["p_minutes"])
    df["weeks"] = df["row_weeks"].fillna(df["p_weeks"])
    df["resource_cost"] = df["resource_cost"].fillna(0.0)
    df["higher_is_better"] = df["higher_is_better"].astype(object).where(
        df["higher_is_better"].notna(), True).astype(bool)
    df["staff_key"] = df["delivered_by"].map(_key)
    df = df.merge(staff, on="staff_key", how="left")

    # Why a row cannot be used, first reason that applies.
    row_err, sheet_err = _error_index(problems)
    sheet_cf = df["sheet"].str.casefold()
    pos = sheet_cf + "!" + df["row"].astype(str)
    reasons = pd.DataFrame(index=df.index)
    reasons["row"] = pos.map(row_err)
    reasons["sheet"] = sheet_cf.map(sheet_err)
    reasons["pupil"] = np.where(df["upn"].isna() | df["pupil"].isna(),
                                "the pupil is not on the register", None)
    is_qft = df["type"] == QFT
    missing = pd.Series("", index=df.index)
    for label, absent in (
            ("Type", df["type"].isna()),
            ("Delivered by with an hourly cost", ~is_qft & df["hourly_cost"].isna()),
            ("Sessions per week", ~is_qft & df["sessions_per_week"].isna()),
            ("Minutes per session", ~is_qft & df["minutes_per_session"].isna()),
            ("Weeks", ~is_qft & df["weeks"].isna())):
        missing = missing + np.where(absent, label + ", ", "")
    reasons["cost"] = ("cannot be costed: no " + missing.str.rstrip(", ")
                       + " (blank on the row and on Provisions)").where(missing != "", None)
    reasons["provision"] = np.where(df["provision"].isna(), "no provision named", None)
    reason = reasons.astype(object).bfill(axis=1).iloc[:, 0]

    df["reason"] = reason
    bad = reason.notna()
    excluded = df.loc[bad, ["term", "sheet", "row", "reason"]].copy()
    excluded["pupil"] = _text(df.loc[bad, "pupil"]).fillna(_text(df.loc[bad, "pupil_text"]))
    excluded["provision"] = _text(df.loc[bad, "provision"])
    excluded = excluded.sort_values(["term", "sheet", "row"], key=_term_sort_key(terms),
                                    kind="stable").reset_index(drop=True)
    return df.loc[~bad].copy(), excluded[EXCLUDED_COLUMNS]


def _term_sort_key(terms: list[str]):
    order = {t: i for i, t in enumerate(terms)}

    def key(s: pd.Series) -> pd.Series:
        return s.map(order) if s.name == "term" else s
    return key


def _cost_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Groups, delivery from each group's first row, group cost and each pupil's share."""
    df = df.sort_values(["sheet_index", "row"], kind="stable").reset_index(drop=True)
    is_one = df["type"] == ONE_TO_ONE
    is_qft = df["type"] == QFT
    # group_key comes from provmap.delivery.group_key, shared with the checks.

    delivery = ["delivered_by", "sessions_per_week", "minutes_per_session", "weeks",
                "resource_cost", "hourly_cost"]
    first = df.loc[df.groupby("group_key").cumcount() == 0, ["group_key", *delivery]]
    first = first.set_index("group_key")
    for c in delivery:
        df[c] = first[c].reindex(df["group_key"]).to_numpy()

    counted = df.groupby("group_key")["upn"].transform("nunique").astype(float)
    given = df.groupby("group_key")["group_size_given"].transform("first")
    df["group_size"] = np.where(is_one, 1, np.where(
        is_qft, counted, np.fmax(counted, given.fillna(0)))).astype(int)
    staff_cost = (df["hourly_cost"] * df["minutes_per_session"] / 60
                  * df["sessions_per_week"] * df["weeks"])
    df["group_cost"] = np.where(is_qft, df["resource_cost"] * df["group_size"],
                                staff_cost.fillna(0) + df["resource_cost"])
    df["computed_share"] = np.where(is_qft, df["resource_cost"],
                                    df["group_cost"] / df["group_size"])
    df["cost_override"] = df["cost_typed"].notna()
    df["share"] = df["cost_typed"].fillna(df["computed_share"])
    return df


def _progress(df: pd.DataFrame, m: Map) -> pd.DataFrame:
    """Gain by the measure's direction, months elapsed, ratio gain and no progress."""
    df["gain"] = np.where(df["higher_is_better"], df["post"] - df["pre"],
                          df["pre"] - df["post"])
    dates = m.settings.term_dates

    def days_between(term: str, start, end) -> float:
        # Python dates, not pandas timestamps: a typed year such as 2300 is a date pandas
        # cannot hold (it warns as date-outside-year) but must not stop the rollup.
        t_start, t_end = dates.get(term) or (None, None)
        start = start if isinstance(start, date) else t_start
        end = end if isinstance(end, date) else t_end
        return float((end - start).days) if start and end else np.nan
    days = pd.Series([days_between(t, s, e) for t, s, e in
                      zip(df["term"], df["start_date"], df["end_date"])],
                     index=df.index, dtype=float)
    by_dates = days * 12 / 365.25
    by_weeks = df["weeks"] * 12 / 52
    df["months_elapsed"] = by_dates.where(days > 0, by_weeks)
    months_kind = df["measure_kind"] == "months"
    df["ratio_gain"] = (df["gain"] / df["months_elapsed"]).where(
        months_kind & (df["months_elapsed"] > 0))
    df["no_progress"] = (df["gain"] <= 0).fillna(False).astype(bool)
    df["impact"] = df["ratio_gain"].map(lambda v: m.settings.band(v) if pd.notna(v) else None)
    return df


# --------------------------------------------------------------------------- the tables

def provision_table(rows: pd.DataFrame, m: Map) -> pd.DataFrame:
    """By provision, per term: pupils, groups, cost, gains and the 'most made none' flag."""
    scored = rows["gain"].notna()
    months = (rows["measure_kind"] == "months") & scored & rows["months_elapsed"].notna()
    t = rows.assign(
        _scored=rows["upn"].where(scored),
        _none=rows["upn"].where(rows["no_progress"]),
        _g_months=rows["gain"].where(months),
        _m_months=rows["months_elapsed"].where(months),
        _g_std=rows["gain"].where(scored & (rows["measure_kind"] == "standardised")),
    )
    g = t.groupby(["term", "provision"], sort=True).agg(
        Type=("type", "first"), area=("area_of_need", "first"), Measure=("measure", "first"),
        Pupils=("upn", "nunique"), Groups=("group_key", "nunique"), Cost=("share", "sum"),
        scored=("_scored", "nunique"), mean_gain=("gain", "mean"),
        g_months=("_g_months", "mean"), m_months=("_m_months", "mean"),
        n_months=("_m_months", "count"), g_std=("_g_std", "mean"),
        n_std=("_g_std", "count"), none=("_none", "nunique"),
    ).reset_index()
    out = pd.DataFrame({
        "Term": g["term"], "Provision": g["provision"], "Type": g["Type"],
        "Area of need": _text(g["area"]).fillna(NOT_GIVEN), "Measure": _text(g["Measure"]),
        "Pupils": g["Pupils"].astype(int), "Groups": g["Groups"].astype(int),
        "Cost": g["Cost"].astype(float),
    })
    out["Cost per pupil"] = out["Cost"] / out["Pupils"]
    out["Pupils with both scores"] = g["scored"].astype(int)
    out["Mean gain"] = g["mean_gain"].astype(float)
    out["Ratio gain (months measures)"] = (g["g_months"] / g["m_months"]).where(
        (g["n_months"] > 0) & (g["m_months"] > 0))
    out["Effect size (standardised)"] = (g["g_std"] / STANDARD_DEVIATION).where(g["n_std"] > 0)
    out["Pupils with no progress"] = g["none"].astype(int)
    pairs = list(zip(g["scored"].astype(int), g["none"].astype(int)))
    out["Share making progress"] = pd.Series(
        [making_progress(a, n) for a, n in pairs], index=out.index, dtype=float)
    out["Impact"] = out["Ratio gain (months measures)"].map(
        lambda v: m.settings.band(v) if pd.notna(v) else None)
    most = np.array([most_made_no_progress(a, n) for a, n in pairs], dtype=bool)
    out["Flag"] = np.where(most, "Most made no progress: consider an alternative", None)
    return out


TERM_TALLY_COLUMNS = ["Term", "Pupils", "Cost"]


def term_tallies(rows: pd.DataFrame, terms: list[str], by: str, label: str) -> pd.DataFrame:
    """Pupils (distinct) and cost by one column for each term so far, then for the year so
    far (Term ``YEAR_SO_FAR``): :func:`_tally` term by term.  ``Rollup.type_terms`` and
    ``Rollup.area_terms``; the governors' and trust reports read their costs by type and
    area, and the number of pupils each sum of money is over, from here."""
    parts = [_tally(rows[rows["term"] == t], by, label).assign(Term=t) for t in terms]
    parts.append(_tally(rows, by, label).assign(Term=YEAR_SO_FAR))
    out = pd.concat(parts, ignore_index=True)
    return out[["Term", label, "Pupils", "Cost"]]


def pupils_by_term(rows: pd.DataFrame, terms: list[str]) -> dict[str, int]:
    """Distinct pupils with provision in each term so far, and in the year so far."""
    out = {t: int(rows.loc[rows["term"] == t, "upn"].nunique()) for t in terms}
    out[YEAR_SO_FAR] = int(rows["upn"].nunique())
    return out


def _tally(rows: pd.DataFrame, by: str, label: str) -> pd.DataFrame:
    """Pupils (distinct) and cost (sum of shares) by one column, for the rollup term."""
    key = _text(rows[by]).fillna(NOT_GIVEN)
    g = rows.assign(_k=key).groupby("_k", sort=True).agg(
        Pupils=("upn", "nunique"), Cost=("share", "sum")).reset_index()
    g = g.rename(columns={"_k": label})
    g["Pupils"] = g["Pupils"].astype(int)
    g["Cost"] = g["Cost"].astype(float)
    g["Cost per pupil"] = g["Cost"] / g["Pupils"]
    return g


def _flags(m: Map, rows: pd.DataFrame, all_rows: pd.DataFrame, terms: list[str],
           by_pupil: pd.DataFrame, provisions: pd.DataFrame, term_over: dict[str, bool]
           ) -> pd.DataFrame:
    """Every flag of the year so far, each with its reason in Detail."""
    parts = []
    pupil_class = _text(rows["register_class"]).fillna(rows["class_name"])

    np_rows = rows[rows["no_progress"]]
    if len(np_rows):
        measure = _text(np_rows["measure"]).fillna("score")
        ages = np_rows["measure_kind"] == "months"
        pre = _fmt_number(np_rows["pre"]).where(~ages, np_rows["pre"].map(format_age))
        post = _fmt_number(np_rows["post"]).where(~ages, np_rows["post"].map(format_age))
        gain = _fmt_number(np_rows["gain"]) + np.where(ages, " months", "")
        detail = (np_rows["provision"] + " (" + np_rows["term"] + "): " + measure + " "
                  + pre + " then " + post + ", gain " + gain
                  + "; consider an alternative intervention")
        parts.append(pd.DataFrame({
            "UPN": np_rows["upn"], "Pupil": np_rows["pupil"], "Class": pupil_class[np_rows.index],
            "Term": np_rows["term"], "Provision": np_rows["provision"],
            "Flag": FLAG_NO_PROGRESS, "Detail": detail}))

    # The checks' rule: a measure or a score given; QFT without scores is not assessed.
    neither = rows["pre"].isna() & rows["post"].isna()
    needs = ((rows["measure"].notna() | ~neither) & ~((rows["type"] == QFT) & neither))
    over = rows["term"].map(term_over).fillna(False).astype(bool)
    for which, miss in (("Pre", needs & rows["pre"].isna()),
                        ("Post", needs & rows["post"].isna() & over)):
        mr = rows[miss]
        if len(mr):
            parts.append(pd.DataFrame({
                "UPN": mr["upn"], "Pupil": mr["pupil"], "Class": pupil_class[mr.index],
                "Term": mr["term"], "Provision": mr["provision"], "Flag": FLAG_MISSING,
                "Detail": mr["provision"] + " (" + mr["term"] + "): no " + which
                + " score (" + mr["sheet"] + " row " + mr["row"].astype(str) + ")"}))

    threshold = m.settings.threshold
    above = by_pupil[by_pupil["Year cost"] > threshold]
    if len(above):
        parts.append(pd.DataFrame({
            "UPN": above["UPN"], "Pupil": above["Pupil"], "Class": above["Class"],
            "Term": ", ".join(terms), "Provision": None, "Flag": FLAG_THRESHOLD,
            "Detail": "year cost " + above["Year cost"].map(format_money)
            + " is above the notional SEN threshold of " + format_money(threshold)}))

    # K/E pupils with no provision row (used or not) in a term that has provision rows.
    reg = pd.DataFrame([{"UPN": p.upn, "Pupil": p.name, "Class": p.class_name,
                         "sen_status": p.sen_status} for p in m.pupils.values()],
                       columns=["UPN", "Pupil", "Class", "sen_status"])
    reg = reg[reg["sen_status"].isin(ON_REGISTER)]
    active = [t for t in terms if (all_rows["term"] == t).any()]
    if len(reg) and active:
        grid = reg.merge(pd.DataFrame({"Term": active}), how="cross")
        has = all_rows.loc[all_rows["upn"].notna(), ["upn", "term"]].drop_duplicates()
        has = has.rename(columns={"upn": "UPN", "term": "Term"}).assign(_has=True)
        grid = grid.merge(has, on=["UPN", "Term"], how="left")
        none = grid[grid["_has"].isna()]
        if len(none):
            status = none["sen_status"].map({"K": "SEN support", "E": "EHC plan"})
            parts.append(pd.DataFrame({
                "UPN": none["UPN"], "Pupil": none["Pupil"], "Class": none["Class"],
                "Term": none["Term"], "Provision": None, "Flag": FLAG_NO_PROVISION,
                "Detail": status + " pupil with no provision recorded in " + none["Term"]}))

    flagged = provisions[provisions["Flag"].notna()]
    if len(flagged):
        parts.append(pd.DataFrame({
            "UPN": None, "Pupil": None, "Class": None, "Term": flagged["Term"],
            "Provision": flagged["Provision"], "Flag": FLAG_PROVISION,
            "Detail": flagged["Provision"] + " (" + flagged["Term"] + "): "
            + flagged["Pupils with no progress"].astype(str) + " of "
            + flagged["Pupils with both scores"].astype(str)
            + " pupils with both scores made no progress; consider an alternative"}))

    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FLAG_COLUMNS})
    flags = pd.concat(parts, ignore_index=True)[FLAG_COLUMNS]
    order = {t: i for i, t in enumerate(terms)}
    flags["_kind"] = flags["Flag"].map({k: i for i, k in enumerate(FLAG_KINDS)})
    flags["_term"] = flags["Term"].map(order).fillna(len(terms))
    flags = flags.sort_values(["_kind", "Class", "Pupil", "UPN", "_term", "Provision",
                               "Detail"], na_position="first", kind="stable")
    return flags.drop(columns=["_kind", "_term"]).reset_index(drop=True).astype(object)


def _issues(problems: list[Problem], m: Map) -> pd.DataFrame:
    order = {name.casefold(): i for i, name in enumerate(m.sheet_order)}
    recs = sorted(problems, key=lambda p: (
        _SEVERITY_ORDER.get(p.severity, 3), -1 if p.sheet is None else
        order.get(p.sheet.casefold(), len(order)), p.sheet or "", p.row or 0, p.cell or ""))
    return pd.DataFrame([{
        "Severity": str(p.severity).capitalize(), "Sheet": p.sheet, "Cell": p.cell,
        "Message": p.message, "Hint": p.hint, "Code": str(p.code)} for p in recs],
        columns=ISSUE_COLUMNS)


def _term_over(m: Map, today: date) -> dict[str, bool]:
    """A term is over once its end date has passed or a later term has provision rows
    (the checks' rule, provmap.checks.context)."""
    finished = Context.of(m, today).finished_terms
    return {t: t in finished for t in m.settings.terms}


# --------------------------------------------------------------------------- rollup

@dataclass
class UsedRows:
    """The first half of a rollup: which rows are used, costed and measured (see rollup)."""

    term: str
    terms: list[str]
    all_rows: pd.DataFrame      # every provision row of the terms so far, as typed
    rows: pd.DataFrame          # Rollup.rows
    excluded: pd.DataFrame      # Rollup.excluded


def used_rows(m: Map, term: str | None, problems: list[Problem]) -> UsedRows:
    """``Rollup.rows`` and ``Rollup.excluded`` for ``term``, and nothing else.

    :func:`rollup` starts here; the trust report calls it (with :func:`provision_table`) in
    each worker so that forty schools are not made to work out flags and per-pupil tables
    nobody reads.  Raises ValueError for a term the workbook does not have.
    """
    term = _canonical_term(m, term)
    terms = list(m.settings.terms[: m.settings.term_index(term) + 1])
    all_rows = _row_frame(m, terms)
    usable, excluded = _prepare_rows(m, all_rows, terms, problems)
    rows = _progress(_cost_rows(usable), m)
    rows["_t"] = rows["term"].map({t: i for i, t in enumerate(terms)})
    rows = rows.sort_values(["_t", "sheet_index", "row"], kind="stable").reset_index(drop=True)
    return UsedRows(term, terms, all_rows, rows[ROW_COLUMNS].copy(), excluded)


def rollup(map: Map, term: str | None = None, problems: list[Problem] | None = None,
           today: date | None = None) -> Rollup:  # noqa: A002 - the contract's name
    """Cost and progress of the provision of ``term`` and of the year so far.

    ``problems`` defaults to ``provmap.check(map)``; ``today`` (for "has the term ended?")
    to ``date.today()``.  Raises ValueError for a term the workbook does not have.
    """
    m = map
    today = today or date.today()
    if problems is None:
        problems = _problems_for(m, today)
    used = used_rows(m, term, problems)
    term, terms, all_rows, rows, excluded = (used.term, used.terms, used.all_rows, used.rows,
                                             used.excluded)
    now = rows[rows["term"] == term]

    # By pupil (year so far): every pupil with provision, and every K/E pupil.
    costs = rows.pivot_table(index="upn", columns="term", values="share", aggfunc="sum")
    costs = costs.reindex(columns=terms).fillna(0.0)
    reg = pd.DataFrame([{"UPN": p.upn, "Pupil": p.name, "Class": p.class_name,
                         "SEN status": p.sen_status, "Primary need": p.primary_need,
                         "_surname": _key(p.surname), "_forename": _key(p.forename)}
                        for p in m.pupils.values()],
                       columns=["UPN", "Pupil", "Class", "SEN status", "Primary need",
                                "_surname", "_forename"])
    keep = reg["UPN"].isin(costs.index) | reg["SEN status"].isin(ON_REGISTER)
    by_pupil = reg[keep].copy()
    for t in terms:
        by_pupil[f"{t} cost"] = by_pupil["UPN"].map(costs[t]).fillna(0.0).astype(float)
    by_pupil["Year cost"] = by_pupil["UPN"].map(costs.sum(axis=1)).fillna(0.0).astype(float)
    names = (rows[["upn", "provision"]].drop_duplicates().sort_values(["upn", "provision"])
             .groupby("upn")["provision"].agg("; ".join))
    by_pupil["Provisions"] = by_pupil["UPN"].map(names)
    by_pupil = by_pupil.sort_values(["Class", "_surname", "_forename", "UPN"],
                                    na_position="last", kind="stable")

    term_over = _term_over(m, today)
    provision_terms = provision_table(rows, m)
    flags = _flags(m, rows, all_rows, terms, by_pupil, provision_terms, term_over)
    kinds = (flags[flags["UPN"].notna()].sort_values("Flag", key=lambda s: s.map(
        {k: i for i, k in enumerate(FLAG_KINDS)})).drop_duplicates(["UPN", "Flag"])
        .groupby("UPN")["Flag"].agg("; ".join))
    by_pupil["Flags"] = by_pupil["UPN"].map(kinds)
    by_pupil = by_pupil.drop(columns=["_surname", "_forename"]).reset_index(drop=True)

    by_provision = (provision_terms[provision_terms["Term"] == term]
                    .drop(columns=["Term"]).reset_index(drop=True)[PROVISION_COLUMNS])
    by_class = _tally(now, "class_name", "Class")
    type_terms = term_tallies(rows, terms, "type", "Type")
    area_terms = term_tallies(rows, terms, "area_of_need", "Area of need")
    by_area = (area_terms[area_terms["Term"] == term].drop(columns="Term")
               .reset_index(drop=True))
    by_area["Cost per pupil"] = by_area["Cost"] / by_area["Pupils"]
    issues = _issues(problems, m)

    summary = _summary(m, term, terms, rows, now, excluded, by_pupil, by_provision, flags,
                       problems, today, term_over)
    return Rollup(map=m, problems=list(problems), term=term, terms=terms, rows=rows,
                  excluded=excluded, by_pupil=by_pupil, by_provision=by_provision,
                  by_class=by_class, by_area=by_area, flags=flags, issues=issues,
                  summary=summary, today=today, provision_terms=provision_terms,
                  type_terms=type_terms, area_terms=area_terms)


def _summary(m: Map, term: str, terms: list[str], rows: pd.DataFrame, now: pd.DataFrame,
             excluded: pd.DataFrame, by_pupil: pd.DataFrame, by_provision: pd.DataFrame,
             flags: pd.DataFrame, problems: list[Problem], today: date,
             term_over: dict[str, bool]) -> dict:
    statuses = STATUSES
    reg_status = Counter(p.sen_status for p in m.pupils.values())
    with_prov = now.drop_duplicates("upn")["sen_status"].value_counts()
    cost_by_term = rows.groupby("term")["share"].sum()
    sev = Counter(p.severity for p in problems)
    return {
        "school": m.settings.school,
        "academic_year": m.settings.academic_year,
        "term": term,
        "terms": list(terms),
        "today": today,
        "term_over": bool(term_over.get(term, False)),
        "pupils_on_register": len(m.pupils),
        "pupils_on_register_by_status": {s: int(reg_status.get(s, 0)) for s in statuses},
        "pupils_with_provision": int(now["upn"].nunique()),
        "pupils_with_provision_by_status": {s: int(with_prov.get(s, 0)) for s in statuses},
        "pupils_with_provision_year": int(rows["upn"].nunique()),
        "pupils_with_provision_by_term": pupils_by_term(rows, terms),
        "cost_term": float(now["share"].sum()),
        "cost_year": float(rows["share"].sum()),
        "cost_by_term": {t: float(cost_by_term.get(t, 0.0)) for t in terms},
        "cost_term_by_type": {str(k): float(v) for k, v in
                              now.groupby("type")["share"].sum().items()},
        "provisions": int(now["provision"].nunique()),
        "groups": int(now["group_key"].nunique()),
        "threshold": float(m.settings.threshold),
        "pupils_above_threshold": int((by_pupil["Year cost"] > m.settings.threshold).sum()),
        "flags": len(flags),
        "flags_by_kind": {k: int((flags["Flag"] == k).sum()) for k in FLAG_KINDS},
        "pupils_flagged": int(flags["UPN"].dropna().nunique()),
        "provisions_flagged": int(by_provision["Flag"].notna().sum()),
        "rows_used": len(rows),
        "rows_excluded": len(excluded),
        "excluded_reasons": dict(Counter(excluded["reason"])),
        "cost_overrides": int(rows["cost_override"].sum()),
        "errors": int(sev.get(Severity.ERROR, 0)),
        "warnings": int(sev.get(Severity.WARNING, 0)),
        "infos": int(sev.get(Severity.INFO, 0)),
    }
