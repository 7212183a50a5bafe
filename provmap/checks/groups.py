"""Checks of teaching groups: sizes, consistent delivery, hand-typed costs."""

from __future__ import annotations

from typing import Iterator

from ..delivery import row_delivery
from ..model import Map
from ..problems import Code, Problem, info, warning
from ..values import format_money, plural
from .context import Context

_DELIVERY = (("delivered_by", "Delivered by"), ("sessions_per_week", "Sessions per week"),
             ("minutes_per_session", "Minutes per session"), ("weeks", "Weeks"))


def group_sizes(m: Map, ctx: Context) -> Iterator[Problem]:
    for rows in ctx.groups.values():
        counted = len({r.upn or r.pupil_text for r in rows})
        for r in rows:
            if r.group_size is not None and r.group_size < counted:
                yield warning(Code.GROUP_SIZE_SMALLER, r.sheet, r.at("group_size"),
                              f"Group size {r.group_size} is smaller than the "
                              f"{plural(counted, 'pupil')} recorded on {r.provision}"
                              f"{' group ' + r.group if r.group else ''} in {r.term}.",
                              "correct the Group size, or clear it to use the count")
                break


def group_delivery(m: Map, ctx: Context) -> Iterator[Problem]:
    """A group's delivery comes from its first row; rows that say otherwise are warned."""
    for rows in ctx.groups.values():
        first = row_delivery(m, rows[0])
        for r in rows[1:]:
            d = row_delivery(m, r)
            for key, label in _DELIVERY:
                mine, theirs = getattr(d, key), getattr(first, key)
                if getattr(r, key) is not None and mine != theirs:
                    yield warning(Code.GROUP_DELIVERY_DIFFERS, r.sheet, r.at(key),
                                  f"{label} is {mine} here but {theirs} on the group's first "
                                  f"row ({rows[0].sheet} row {rows[0].row}); the group is "
                                  "costed from its first row.",
                                  "make the group's rows agree, or give them different Group "
                                  "labels")
                    break


def cost_overrides(m: Map, ctx: Context) -> Iterator[Problem]:
    for r in m.provision_rows():
        if r.cost is not None:
            yield info(Code.COST_OVERRIDE, r.sheet, r.at("cost"),
                       f"A cost of {format_money(r.cost)} is typed by hand here; it replaces the "
                       "worked-out share for this pupil.",
                       "clear the cell to use the worked-out cost")
