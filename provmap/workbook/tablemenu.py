"""The Provisions and Staff sheets an imported long table implies (`provmap import`).

One Provisions row per provision named on the rows, with the most common delivery, resource
cost and measure (a row that differs keeps its own on its class sheet); the measure's kind
and direction worked out when no column gives them, noted on the row and said in a warning;
a Staff row per Delivered by with its hourly cost, the standard template's for a known role
that has none.  Rules and choices: docs/import.md, "What is made from the rows".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .. import schema
from ..problems import Code, Problem, warning
from ..read.longtable import LongTable, TableRow
from ..schema import PROVISIONS, Unit
from ..values import format_amount, is_age
from ..words import match_key
from .defaults import DEFAULT_PROVISIONS, DEFAULT_STAFF
from .layout import NOTES_HEADER

# Provision-row columns a Provisions row holds once: a row equal to it is left blank.
DEFAULTED = ("type", "area_of_need", "delivered_by", "sessions_per_week",
             "minutes_per_session", "weeks")
LOWER_IS_BETTER = tuple(p["Measure"].casefold() for p in DEFAULT_PROVISIONS
                        if p["Higher is better"] == "N" and p["Measure"])


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _most_common(values: list[Any]) -> Any:
    """The value most rows give (the first given on a tie); None when none is given."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    best = max(counts.values())
    return next(v for v in values if v is not None and counts[v] == best)


def _staff_default(name: str) -> dict[str, Any] | None:
    """The standard template's staff row a Delivered by names (`TA`, `Teaching assistant`,
    `SALT`), if any."""
    n = schema.normalise_header(name)
    for s in DEFAULT_STAFF:
        if n in (schema.normalise_header(s["Name"]), schema.normalise_header(s["Role"])):
            return s
    return None


def _measure_kind(measure: str | None, rows: list[TableRow]) -> tuple[str, str]:
    """(kind, why): ages are months; a name saying standardised or SS is standardised; a
    name saying age is months; else a score."""
    ages = [r.typed.get(k) for r in rows for k in ("pre", "post") if is_age(r.typed.get(k))]
    if ages:
        return "months", f"scores typed as ages, e.g. '{ages[0]}'"
    if measure and re.search(r"standardi[sz]ed|standard score|\bss\b", measure, re.I):
        return "standardised", f"'{measure}' says so"
    if measure and re.search(r"\bage\b", measure, re.I):
        return "months", f"'{measure}' is an age"
    return "score", f"'{measure}' is neither an age nor standardised" if measure else \
        "no measure is named"


@dataclass
class Menu:
    provisions: list[dict[str, Any]]
    by_key: dict[str, dict[str, Any]]
    staff: list[dict[str, Any]]


def menu(rows: list[TableRow], table: LongTable, problems: list[Problem]) -> Menu:
    """The Provisions and Staff rows the table's rows imply."""
    groups: dict[str, list[TableRow]] = {}
    for r in rows:
        if r.value.get("provision"):
            groups.setdefault(match_key(r.value["provision"]), []).append(r)
    provisions: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    kinds: list[str] = []                          # worked out, said in one warning
    lower_better: list[str] = []
    for key, group in groups.items():
        name = _most_common([r.value["provision"] for r in group])
        p: dict[str, Any] = {"Provision": name}
        for k in DEFAULTED:
            p[PROVISIONS.by_key[k].name] = _most_common([r.value.get(k) for r in group])
        notes: list[str] = []
        for k, label in (("resource_cost", "Resource cost"), ("measure", "Measure")):
            values = [r.value.get(k) for r in group]
            p[label] = _most_common(values)
            differ = {v for v in values if v is not None}
            if len(differ) > 1:
                shown = ", ".join(sorted(format_amount(v, Unit.MONEY) if k == "resource_cost"
                                         else str(v) for v in differ))
                problems.append(warning(
                    Code.VALUES_DIFFER, table.sheet, table.cell(k, group[0].number),
                    f"{name}: its rows give different {label.lower()}s ({shown}); Provisions "
                    f"holds one, the most common ({_shown(p[label], k)}).",
                    f"check {name}'s {label} on the Provisions sheet"))
        measure = p["Measure"]
        kind = _most_common([r.value.get("measure_kind") for r in group])
        if kind is None and (measure or any(r.value.get(k) is not None for r in group
                                             for k in ("pre", "post"))):
            kind, why = _measure_kind(measure, group)
            notes.append(f"Measure kind '{kind}' worked out by provmap ({why})")
            kinds.append(f"{name} {kind}")
        p["Measure kind"] = kind
        higher = _most_common([r.value.get("higher_is_better") for r in group])
        lower = _most_common([r.value.get("lower_is_better") for r in group])
        if higher is None and lower is not None:
            higher = not lower
        if higher is None and measure and (measure.casefold() in LOWER_IS_BETTER or re.search(
                r"sdq.*difficult", measure, re.I)):
            higher = False
            notes.append(f"Higher is better N: the template knows '{measure}' as "
                         "lower-is-better")
            lower_better.append(f"{name} ('{measure}')")
        p["Higher is better"] = None if higher is None else ("Y" if higher else "N")
        if notes:
            p[NOTES_HEADER] = "; ".join(notes) + ". Check it."
        provisions.append(p)
        by_key[key] = p
    if kinds:
        problems.append(warning(
            Code.MEASURE_WORKED_OUT, table.sheet, None,
            f"The table gives no measure kind, so provmap worked one out for {len(kinds)} "
            f"provision{_s(len(kinds))} (ages are months, a standardised score's name says so, "
            f"anything else is a score): {', '.join(kinds)}. Each is noted on its Provisions "
            "row: check them.", "correct the Measure kind on the Provisions sheet"))
    if lower_better:
        problems.append(warning(
            Code.MEASURE_WORKED_OUT, table.sheet, None,
            f"Higher is better is N (a fall is progress) for {', '.join(lower_better)}, a "
            "measure the standard template knows as lower-is-better; noted on its Provisions "
            "row.", "change Higher is better on the Provisions sheet if that is wrong"))
    return Menu(provisions, by_key, _staff(rows, by_key, table, problems))


def _shown(v: Any, key: str) -> str:
    return format_amount(v, Unit.MONEY) if key == "resource_cost" else repr(v)


def _staff(rows: list[TableRow], provisions: dict[str, dict[str, Any]], table: LongTable,
           problems: list[Problem]) -> list[dict[str, Any]]:
    """A Staff row per Delivered by, with the hourly cost its rows give; a known role
    without one takes the template's, with a warning."""
    who: dict[str, list[Any]] = {}
    names: dict[str, list[str]] = {}
    for r in rows:
        p = provisions.get(match_key(r.value["provision"])) if r.value.get("provision") else None
        by = r.value.get("delivered_by") or (p.get("Delivered by") if p else None)
        if not by:
            continue
        k = match_key(by)
        who.setdefault(k, []).append(r.value.get("hourly_cost"))
        names.setdefault(k, []).append(by)
    staff = []
    for k, costs in who.items():
        name = _most_common(names[k])
        known = _staff_default(name)
        cost = _most_common(costs)
        row: dict[str, Any] = {"Name": name, "Role": known["Role"] if known else None,
                               "Hourly cost": cost}
        differ = {c for c in costs if c is not None}
        if len(differ) > 1:
            problems.append(warning(
                Code.VALUES_DIFFER, table.sheet, None,
                f"{name}: the rows give different hourly costs ("
                f"{', '.join(format_amount(c, Unit.MONEY) for c in sorted(differ))}); Staff "
                f"holds one, the most common ({format_amount(cost, Unit.MONEY)}).",
                f"check {name}'s hourly cost on the Staff sheet"))
        if cost is None and known is not None:
            row["Hourly cost"] = known["Hourly cost"]
            row[NOTES_HEADER] = "Hourly cost from the standard template: change it to yours"
            role = known["Role"][0].lower() + known["Role"][1:]
            problems.append(warning(
                Code.TEMPLATE_HOURLY_COST, table.sheet, None,
                f"{name}: no hourly cost in the table, so Staff gives the standard template's "
                f"for {'an' if role[0] in 'aeiou' else 'a'} {role} "
                f"({format_amount(known['Hourly cost'], Unit.MONEY)}).",
                "type your own on the Staff sheet"))
        elif cost is None:
            row[NOTES_HEADER] = "No hourly cost in the table: type it"
            problems.append(warning(
                Code.MISSING_IN_TABLE, table.sheet, None,
                f"{name}: no hourly cost in the table, and not one of the template's roles, "
                "so what they deliver cannot be costed until their hourly cost is typed on "
                "the Staff sheet.", "type the hourly cost, on-costs included"))
        staff.append(row)
    return staff


