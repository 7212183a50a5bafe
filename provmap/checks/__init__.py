"""Pure checks over a :class:`~provmap.model.Map`.

Each check is a function ``(map, context) -> Iterable[Problem]`` with no I/O; ``CHECKS``
lists them and :func:`run_checks` runs them all, merges the reading problems and sorts the
result in sheet then row order.  A test can call one check on its own.
"""

from __future__ import annotations

import re
from datetime import date

from ..model import Map
from ..problems import Problem
from . import groups, progress, ranges, references, register
from .context import Context

CHECKS = (
    register.upn_shape,
    register.primary_need,
    register.class_names_fit_sheets,
    register.class_has_sheets,
    references.provisions_known,
    references.staff_known,
    references.duplicate_rows,
    references.class_matches,
    groups.group_sizes,
    groups.group_delivery,
    groups.cost_overrides,
    progress.no_provision,
    progress.target_counts,
    progress.assessments,
    progress.review_views,
    progress.date_order,
    ranges.unlikely_scores,
    ranges.above_highest,
    ranges.dates_in_year,
)


def run_checks(m: Map, today: date | None = None) -> list[Problem]:
    ctx = Context.of(m, today)
    problems = list(m.problems)
    for check in CHECKS:
        problems.extend(check(m, ctx))
    problems.extend(references.relies_on_errors(m, ctx, problems))
    return sort_problems(problems, m.sheet_order)


def _cell_key(cell: str | None) -> tuple[int, int]:
    if cell is None:
        return (0, 0)
    m = re.match(r"^([A-Z]*)(\d+)$", cell)
    if not m:
        return (0, 0)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return (int(m.group(2)), col)


def sort_problems(problems: list[Problem], sheet_order: list[str]) -> list[Problem]:
    order = {name: i for i, name in enumerate(sheet_order)}
    return sorted(problems, key=lambda p: (
        -1 if p.sheet is None else order.get(p.sheet, len(order)), _cell_key(p.cell)))
