"""The live Cost formula of a provision row, and the same sum in Python for its cached value.

Not to be confused with :mod:`provmap.read.formulas`, which evaluates constant formulas staff
type when a workbook is read.  The formula shows staff the pupil's share the way provmap's
rollup works it out (docs/template.md says where it differs); provmap itself never trusts
it and recomputes the share from the inputs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .. import schema
from ..schema import PROVISION_ROWS
from ..values import BadValue, parse_number
from .layout import letter


def _match_any(expr: str, choices: schema.Choices, canon: str) -> str:
    words = [canon, *choices.words[canon]]
    array = ",".join('"' + w.replace('"', '""') + '"' for w in words)
    return f"ISNUMBER(MATCH(TRIM({expr}),{{{array}}},0))"


_ROW = "\u00a7"          # stands for the row number in a cached formula template


def cost_formula(row: int, first: int, last: int) -> str:
    """The Cost formula for worksheet row ``row`` (1-based) of a provision table whose rows
    run from ``first`` to ``last``: this pupil's share of the group's cost for the term.

    Blank when the row has no pupil; a provision's default fills any blank delivery cell;
    quality first teaching costs only its resource; 1:1 is a group of one; otherwise the
    group is every row on this sheet with the same Provision and Group, unless Group size
    is typed.  Errors (an unknown provision or staff member) show as a blank, never #N/A.
    """
    return _cost_template(first, last).replace(_ROW, str(row))


@lru_cache(maxsize=64)
def _cost_template(first: int, last: int) -> str:
    t = PROVISION_ROWS
    r = _ROW

    def at(key: str) -> str:
        return f"${letter(t, key)}{r}"

    def span(key: str) -> str:
        c = letter(t, key)
        return f"${c}${first}:${c}${last}"

    idx = f"MATCH({at('provision')},ProvisionNames,0)"

    def own_or_default(key: str, name: str) -> str:
        return f"IF({at(key)}<>\"\",{at(key)},INDEX({name},{idx}))"

    typ = own_or_default("type", "ProvisionType")
    qft = _match_any(typ, schema.PROVISION_TYPE, schema.QFT)
    one = _match_any(typ, schema.PROVISION_TYPE, schema.ONE_TO_ONE)
    by = own_or_default("delivered_by", "ProvisionDeliveredBy")
    rate = f"INDEX(StaffHourlyCost,MATCH({by},StaffNames,0))"
    staff = (f"{rate}*{own_or_default('minutes_per_session', 'ProvisionMinutes')}/60"
             f"*{own_or_default('sessions_per_week', 'ProvisionSessions')}"
             f"*{own_or_default('weeks', 'ProvisionWeeks')}")
    res = f"IFERROR(INDEX(ProvisionResourceCost,{idx})*1,0)"
    counted = (f"SUMPRODUCT(((({span('pupil')}<>\"\")+({span('upn')}<>\"\"))>0)"
               f"*({span('provision')}={at('provision')})*({span('group')}={at('group')}))")
    size = f"IF({at('group_size')}<>\"\",{at('group_size')},{counted})"
    share = f"IF({qft},{res},IF({one},{staff}+{res},({staff}+{res})/{size}))"
    return f"=IF(AND({at('pupil')}=\"\",{at('upn')}=\"\"),\"\",IFERROR({share},\"\"))"


def _fold(v: Any) -> str:
    return "" if v is None else str(v).strip().casefold() if isinstance(v, str) else str(v)


def _num(v: Any) -> float:
    """A cell as Excel's arithmetic sees it: blank is 0, numeric text is its number."""
    if v is None or v == "":
        return 0.0
    if isinstance(v, (int, float)):
        return float(v)
    n = parse_number(v)
    if n is None:
        return 0.0
    return n


def sheet_costs(rows: list[dict[str, Any]], provisions: list[dict[str, Any]],
                staff: list[dict[str, Any]]) -> list[float | str]:
    """What :func:`cost_formula` shows for each row of one sheet (the cached value).

    Mirrors the formula step by step, so a file that is never recalculated (opened by a
    program, or by LibreOffice set never to recalculate) still shows the right numbers.
    """
    prov = {}
    for p in provisions:
        prov.setdefault(_fold(p.get("Provision")), p)
    rates = {}
    for s in staff:
        rates.setdefault(_fold(s.get("Name")), s.get("Hourly cost"))

    def has_pupil(r: dict) -> bool:
        return _fold(r.get("Pupil")) != "" or _fold(r.get("UPN")) != ""

    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        if has_pupil(r):
            k = (_fold(r.get("Provision")), _fold(r.get("Group")))
            counts[k] = counts.get(k, 0) + 1
    out: list[float | str] = []
    for r in rows:
        if not has_pupil(r):
            out.append("")
            continue
        p = prov.get(_fold(r.get("Provision")))

        def own(key: str):
            v = r.get(key)
            if v is not None and v != "":
                return v
            if p is None:
                raise LookupError(key)
            return p.get(key)
        try:
            typ = schema.PROVISION_TYPE.canonical(str(own("Type") or ""))
            res = _num(p.get("Resource cost")) if p else 0.0
            if typ == schema.QFT:
                out.append(res)
                continue
            by = _fold(own("Delivered by"))
            if by not in rates:
                raise LookupError(by)
            cost = (_num(rates[by]) * _num(own("Minutes per session")) / 60
                    * _num(own("Sessions per week")) * _num(own("Weeks")))
            if typ == schema.ONE_TO_ONE:
                out.append(cost + res)
                continue
            gs = r.get("Group size")
            size = _num(gs) if gs not in (None, "") else \
                counts[(_fold(r.get("Provision")), _fold(r.get("Group")))]
            out.append((cost + res) / size)
        except (LookupError, ZeroDivisionError, BadValue):
            out.append("")
    return out

