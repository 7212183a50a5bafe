"""Numbers written the way staff type them, for the example files and the tests.

``in_words(n, unit, rng)`` writes ``n`` as a teaching assistant might (`3 x weekly`,
`20 mins`, `1h30`, `12 weeks`, `£1.2k`), always a form that
:func:`provmap.values.parse_amount` reads back as exactly ``n``; a number no form says
exactly is returned as it is.  ``rewrite(data, share, seed)`` puts a share of an example
school's sessions, minutes, weeks and money cells into words.
"""

from __future__ import annotations

import random
from typing import Any

from ..schema import PROVISION_ROWS, PROVISIONS, STAFF, Unit
from ..values import parse_amount


def _g(n: float) -> str:
    return f"{n:g}"


def _forms(n: float, unit: Unit) -> list[str]:
    if unit is Unit.SESSIONS:
        named = {5: ["daily", "Daily", "every day"], 1: ["weekly", "once a week", "Weekly"],
                 2: ["twice a week", "twice weekly"], 0.5: ["fortnightly", "Fortnightly"]}
        return named.get(n, []) + [f"{_g(n)} x weekly", f"{_g(n)}x a week",
                                   f"{_g(n)} times a week", f"{_g(n)}/wk", f"{_g(n)} per week"]
    if unit is Unit.MINUTES:
        forms = [f"{_g(n)} mins", f"{_g(n)} minutes", f"{_g(n)}m", f"{_g(n)} min"]
        if n == 30:
            forms.append("half an hour")
        if n >= 60 and n % 60 == 0:
            h = int(n // 60)
            forms += [f"{h} hour{'s' if h > 1 else ''}", f"{h}h", f"{h} hr"]
        elif n > 60 and float(n).is_integer():
            h, m = divmod(int(n), 60)
            forms += [f"{h}h{m:02d}", f"{h} hour {m}"]
        return forms
    if unit is Unit.WEEKS:
        return [f"{_g(n)} weeks", f"{_g(n)} wks", f"{_g(n)}w"]
    forms = [f"{n:.2f} GBP", f"£{n:,.2f}"]
    if n >= 1000 and (n * 10) % 1000 == 0:
        forms.append(f"£{n / 1000:g}k")
    if unit is Unit.MONEY_PER_HOUR:
        forms.append(f"£{n:.2f} per hour")
    if unit is Unit.MONEY_PER_TERM:
        forms.append(f"£{n:g} per term")
    return forms


def in_words(n: Any, unit: Unit, rng: random.Random) -> Any:
    """``n`` as staff might type it; ``n`` itself when no form reads back exactly."""
    if not isinstance(n, (int, float)) or isinstance(n, bool) or n < 0:
        return n
    forms = [f for f in _forms(float(n), unit) if parse_amount(f, unit)[0] == float(n)]
    return rng.choice(forms) if forms else n


def _rewrite_rows(rows: list[dict[str, Any]], columns, chosen) -> list[str]:
    done = []
    for row in rows:
        for c in columns:
            v = row.get(c.name)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and chosen():
                w = chosen.words(v, c.unit)
                if w != v:
                    row[c.name] = w
                    done.append(w)
    return done


class _Chooser:
    def __init__(self, share: float, seed: int):
        self.rng = random.Random(seed)
        self.share = share

    def __call__(self) -> bool:
        return self.rng.random() < self.share

    def words(self, n, unit):
        return in_words(n, unit, self.rng)


def rewrite(data, share: float = 1 / 3, seed: int = 19) -> list[str]:
    """Write about ``share`` of the number cells of ``data`` (a WorkbookData: its Staff,
    Provisions and class-term rows) in staff's words; returns what was typed instead."""
    chosen = _Chooser(share, seed)
    n: list[str] = []
    # copies: the starter menu and staff lists are shared module data
    data.provision_rows = {k: [dict(r) for r in v] for k, v in data.provision_rows.items()}
    if data.provisions is not None:
        data.provisions = [dict(p) for p in data.provisions]
    if data.staff is not None:
        data.staff = [dict(s) for s in data.staff]
    units = [c for c in PROVISION_ROWS.columns if c.unit is not None]
    for rows in data.provision_rows.values():
        n += _rewrite_rows(rows, units, chosen)
    if data.provisions is not None:
        n += _rewrite_rows(data.provisions, [c for c in PROVISIONS.columns if c.unit], chosen)
    if data.staff is not None:
        n += _rewrite_rows(data.staff, [c for c in STAFF.columns if c.unit], chosen)
    return n
