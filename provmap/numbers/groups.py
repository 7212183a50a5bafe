"""The term's intervention groups, as the rollup costed them: what each group plan shows.

A group is exactly a teaching group of the rollup (``Rollup.rows``' `group_key`, from
:func:`provmap.delivery.group_key`): rows of one provision with one Group label across the
term's sheets, or the unlabelled rows of one provision on one sheet.  Only `Group`-type
groups have a plan; 1:1 support and quality first teaching do not.

Nothing is costed or measured again.  A plan's cost is the sum of its pupils' `share`, its
pupils' gains and ratio gains are the rows' own, and the group's mean gain, ratio gain,
band and "making progress" come from :func:`provmap.numbers.rollup.provision_table` over the
group's rows, with the group standing as its own provision: the rules the SENCo rollup uses
for a provision, applied to one group.  "Making progress" and "useful or better" are the one
definition beside the impact bands (:func:`provmap.model.making_progress`,
:meth:`provmap.model.Settings.useful_or_better`).  Rows left out of the numbers for an error are found
their group by :func:`provmap.delivery.group_id` and named (sheet and row) on its plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from ..delivery import group_id, row_delivery
from ..model import making_progress
from ..schema import GROUP
from ..values import cell_number, cell_text
from ..words import year_group_order
from .rollup import Rollup, provision_table


@dataclass(frozen=True, slots=True)
class Member:
    """One pupil of a group: the register's name and year, and the row's own figures."""

    upn: str
    forename: str
    surname: str
    year_group: str | None
    class_name: str               # the class of the sheet the row is on
    primary_need: str | None      # census code
    sen_status: str | None        # K, E or N
    sheet: str
    row: int
    target: str | None
    pre: float | None
    post: float | None
    gain: float | None            # by the measure's direction: more is better
    ratio_gain: float | None      # months measures
    impact: str | None            # the band of the ratio gain
    no_progress: bool             # assessed, and a gain of 0 or less
    outcome: str | None
    next_step: str | None
    share: float                  # the pupil's share of the group's cost (or a typed Cost)
    cost_typed: bool

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"

    @property
    def assessed(self) -> bool:
        return self.gain is not None


@dataclass(frozen=True, slots=True)
class GroupPlan:
    """Everything one group plan shows, and nothing about anyone outside the group."""

    school: str
    academic_year: str
    term: str
    provision: str
    label: str | None             # the Group label as first typed; None: the sheet's group
    class_name: str               # the class of most of its pupils (first in sheet order)
    classes: tuple[str, ...]      # every class its pupils come from, in sheet order
    area_of_need: str | None
    delivered_by: str | None
    sessions_per_week: float | None
    minutes_per_session: float | None
    weeks: float | None
    start: date | None            # the earliest start (a row's, else the term's)
    end: date | None              # the latest end
    review: date | None           # the term's end date
    group_size: int               # as costed: the pupils counted, or a larger Group size
    measure: str | None
    measure_kind: str | None
    higher_is_better: bool
    why_chosen: str | None
    members: tuple[Member, ...]
    cost: float                   # the sum of the members' shares
    assessed: int                 # pupils with both scores
    making_progress: int          # of them, pupils whose gain is above 0
    share_making_progress: float | None     # making_progress / assessed (None: nobody)
    with_ratio: int               # pupils with a ratio gain (a months measure, assessed)
    useful_or_better: int         # of them, those whose impact is useful or better
    mean_gain: float | None
    ratio_gain: float | None      # months measures
    band: str | None              # Settings' impact band of the ratio gain
    left_out: tuple[str, ...] = field(default=())   # "3O Autumn row 12": rows with errors

    @property
    def cost_per_pupil(self) -> float:
        return self.cost / len(self.members)

    @property
    def year_groups(self) -> tuple[str, ...]:
        """The pupils' year groups, in school order (Nursery, Reception, 1 .. 13)."""
        found = {m.year_group for m in self.members if m.year_group}
        return tuple(sorted(found, key=year_group_order))


@dataclass(frozen=True)
class TermGroups:
    """The term's plans, and the groups none of whose rows could be used."""

    term: str
    plans: list[GroupPlan]
    without_usable_rows: list[str]     # "Lego therapy, 3O Autumn rows 5, 6"


def _date(v: Any) -> date | None:
    return v if isinstance(v, date) else None


def term_groups(r: Rollup) -> TermGroups:
    """Every `Group`-type teaching group of the rollup's term, in the order of its first row
    (sheet order), with its figures read from ``Rollup.rows``."""
    m = r.map
    rows = r.rows[(r.rows["term"] == r.term) & (r.rows["type"] == GROUP)]
    left_out, without = _left_out(r, set(rows["group_key"]))
    if rows.empty:
        return TermGroups(r.term, [], without)
    # The rollup's per-provision rules, one line per group (its key standing as the name).
    table = provision_table(rows.assign(provision=rows["group_key"]), m).set_index("Provision")
    start, end = m.settings.term_dates.get(r.term) or (None, None)
    plans = []
    for key, g in rows.groupby("group_key", sort=False):
        plans.append(_plan(r, key, g, table.loc[key], start, end, left_out.get(key, ())))
    return TermGroups(r.term, plans, without)


def _plan(r: Rollup, key: str, g: pd.DataFrame, figures: pd.Series, term_start: date | None,
          term_end: date | None, left_out: tuple[str, ...]) -> GroupPlan:
    m = r.map
    first = g.iloc[0]
    members = tuple(Member(
        upn=rec["upn"], forename=rec["forename"], surname=rec["surname"],
        year_group=cell_text(rec["year_group"]), class_name=rec["class_name"],
        primary_need=cell_text(rec["primary_need"]), sen_status=cell_text(rec["sen_status"]),
        sheet=rec["sheet"], row=int(rec["row"]),
        target=cell_text(rec["target"]), pre=cell_number(rec["pre"]), post=cell_number(rec["post"]),
        gain=cell_number(rec["gain"]), ratio_gain=cell_number(rec["ratio_gain"]),
        impact=cell_text(rec["impact"]), no_progress=bool(rec["no_progress"]),
        outcome=cell_text(rec["outcome"]), next_step=cell_text(rec["next_step"]),
        share=float(rec["share"]), cost_typed=bool(rec["cost_override"]),
    ) for rec in g.to_dict("records"))
    counts = Counter(mb.class_name for mb in members)
    most = max(counts.values())
    folder = next(mb.class_name for mb in members if counts[mb.class_name] == most)
    starts = [_date(v) or term_start for v in g["start_date"]]
    ends = [_date(v) or term_end for v in g["end_date"]]
    provision = m.provision(first["provision"])
    assessed = int(figures["Pupils with both scores"])
    none = int(figures["Pupils with no progress"])
    ratio = cell_number(figures["Ratio gain (months measures)"])
    ratios = [mb.ratio_gain for mb in members if mb.ratio_gain is not None]
    return GroupPlan(
        school=m.settings.school, academic_year=m.settings.academic_year, term=r.term,
        provision=first["provision"], label=cell_text(first["group"]), class_name=folder,
        classes=tuple(counts), area_of_need=cell_text(first["area_of_need"]),
        delivered_by=cell_text(first["delivered_by"]),
        sessions_per_week=cell_number(first["sessions_per_week"]),
        minutes_per_session=cell_number(first["minutes_per_session"]),
        weeks=cell_number(first["weeks"]),
        start=min((d for d in starts if d), default=None),
        end=max((d for d in ends if d), default=None), review=term_end,
        group_size=int(first["group_size"]), measure=cell_text(first["measure"]),
        measure_kind=cell_text(first["measure_kind"]),
        higher_is_better=bool(first["higher_is_better"]),
        why_chosen=provision.why_chosen if provision is not None else None,
        members=members, cost=float(g["share"].sum()), assessed=assessed,
        making_progress=assessed - none,
        share_making_progress=making_progress(assessed, none), with_ratio=len(ratios),
        useful_or_better=sum(m.settings.useful_or_better(v) for v in ratios),
        mean_gain=cell_number(figures["Mean gain"]) if assessed else None,
        ratio_gain=ratio, band=m.settings.band(ratio) if ratio is not None else None,
        left_out=left_out)


def _left_out(r: Rollup, keys: set[str]) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Rows of the term left out of the numbers, by the group they belong to; and the
    `Group`-type groups of which no row could be used."""
    m = r.map
    ex = r.excluded[r.excluded["term"] == r.term]
    if ex.empty:
        return {}, []
    wanted = set(zip(ex["sheet"], ex["row"].astype(int)))
    found: dict[str, list[str]] = {}
    lost: dict[str, tuple[str, list[tuple[str, int]]]] = {}
    for s in m.sheets:
        if s.term.casefold() != r.term.casefold():
            continue
        for row in s.provision_rows:
            if (s.name, row.row) not in wanted:
                continue
            key = group_id(m, row)
            if key in keys:
                found.setdefault(key, []).append(f"{s.name} row {row.row}")
            elif row_delivery(m, row).type == GROUP:
                name = (m.provision(row.provision).name if m.provision(row.provision)
                        else row.provision or "A provision")
                lost.setdefault(key, (name, []))[1].append((s.name, row.row))
    without = []
    for name, where in lost.values():
        sheets = list(dict.fromkeys(sheet for sheet, _ in where))
        parts = [f"{sheet} row{'s' if sum(sh == sheet for sh, _ in where) > 1 else ''} "
                 + ", ".join(str(n) for sh, n in where if sh == sheet) for sheet in sheets]
        without.append(f"{name}, {'; '.join(parts)}")
    return {k: tuple(v) for k, v in found.items()}, without
