"""Disclosure control for the governors' and trust reports: tables nobody can solve.

Governors and a trust board judge whether SEN money is well spent; they must not be able to
pick out a child, nor work a hidden number back out.  Statistics offices audit a table as
a set of linear constraints and ask a solver how far each hidden cell can move; so does
this module:

- a count of pupils from 1 to ``threshold - 1`` is shown as the text ``<threshold``; 0 is
  shown as 0;
- a sum of money over fewer than ``threshold`` pupils is hidden with its count (the
  threshold rule: at a known price per pupil it would tell the count), shown as ``HIDDEN``;
- :func:`audit` treats every hidden figure as unknown within what the page says (``<N`` is
  1 to N-1; a ``HIDDEN`` count or sum of money is any number from 0; lines add up to their
  shown totals, to the penny; a count of distinct pupils is at least each of its parts and
  at most their sum) and finds each one's least and greatest value with
  :func:`scipy.optimize.linprog` (a count's interval is then narrowed to whole numbers);
- :func:`protect` hides more, always the smallest shown figure that lets a pinned one move
  (else the smallest in its lines), until no hidden count has a single possible value and
  no hidden sum of money is known to within a pound (nor, if it is over fewer than
  ``threshold`` pupils, to within a factor of two);
- provisions taken by fewer than ``threshold`` pupils are merged into one "Other" line;
- :func:`scan_xlsx` looks inside a written workbook for names, UPNs and dates of birth,
  as a last check before the report is put in place.

A report describes its figures once, in a :class:`Release` (each figure keyed once however
many tables show it, and the sums between them), protects it, then reads what each cell
shows with :meth:`Release.shown`.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from html import unescape

import numpy as np
import pandas as pd

HIDDEN = "*"
"""Shown for a figure hidden so that a small count, or money over few pupils, cannot be
worked out."""

COUNT = "count"
MONEY = "money"
SHOWN, SMALL, SECRET = "", "small", "hidden"     # a figure's state
PENNY = 0.005                 # money is shown to the penny: each shown sum is off by this
MONEY_SPREAD = 1.0            # a hidden sum of money known to within £1 is pinned

Key = Hashable


class DisclosureError(Exception):
    """A report (governors', trust) would identify a pupil; it is not written."""


def small_text(threshold: int) -> str:
    """The text shown for a small count, e.g. ``<5``."""
    return f"<{threshold}"


def is_small(n: float | int | None, threshold: int) -> bool:
    """A count from 1 to threshold - 1: too few pupils to show."""
    return n is not None and not pd.isna(n) and 1 <= n < threshold


def show_count(n: int, threshold: int) -> int | str:
    """A single count as governors may see it: the number, or ``<threshold``."""
    return small_text(threshold) if is_small(n, threshold) else int(n)


# --- means as printed ------------------------------------------------------------------------
# A mean kept to more places than the page prints tells more than the page: 0.6666667
# making progress says the pupils assessed are a multiple of three.  Shown means are
# stored as printed, rounded as Excel rounds what it prints (half away from zero, on the
# number's shortest decimal form).

def _printed(x: float | None, places: int, rounding: str = ROUND_HALF_UP) -> float | None:
    if x is None or pd.isna(x):
        return None
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding))


def printed_money_mean(x: float | None) -> float | None:
    """A mean of money (cost per pupil) as printed (``£#,##0``): whole pounds."""
    return _printed(x, 0)


def printed_share(x: float | None) -> float | None:
    """A share as printed (``0%``): whole per cent, kept as a fraction."""
    return _printed(x, 2)


def printed_gain(x: float | None) -> float | None:
    """A mean gain as printed (``0.0``)."""
    return _printed(x, 1)


def printed_ratio(x: float | None, bands: tuple[tuple[float, str], ...] = ()
                  ) -> float | None:
    """A ratio gain as printed (``0.00``): rounded to two decimals, except that a figure just
    under the start of one of ``bands`` is cut, never rounded up to it (1.996 prints 1.99
    beside "modest", where rounding would print 2.00), so that the band of the printed
    figure is always the band of the figure (bands start at two decimals or fewer)."""
    rounded = _printed(x, 2)
    if rounded is None or not any(float(x) < bound <= rounded for bound, _ in bands):
        return rounded
    return _printed(x, 2, ROUND_FLOOR)


def printed_effect(x: float | None) -> float | None:
    """An effect size as printed (``0.00``)."""
    return _printed(x, 2)


# --- a report's figures and what a reader knows about them ----------------------------------

@dataclass
class Figure:
    """One published number: its true value, kind, and how it is shown."""

    value: float
    kind: str = COUNT
    over: int | None = None       # money: the pupils it is summed over (the threshold rule)
    state: str = SHOWN
    listed: bool = True           # False: no table shows it (a part a reader can reason about)


@dataclass
class Relation:
    """What a reader knows: ``parts`` add up to ``total`` (``kind="sum"``), or ``total``
    counts distinct pupils of the parts (``"distinct"``: each part at most the total, the
    total at most their sum), or only the latter (``"covered"``), or ``parts[0] <= total``
    (``"at_most"``)."""

    parts: tuple[Key, ...]
    total: Key
    kind: str = "sum"

    @property
    def keys(self) -> tuple[Key, ...]:
        return (*self.parts, self.total)


@dataclass(frozen=True)
class Interval:
    """How far a hidden figure can move, given everything the report shows."""

    key: Key
    least: float
    greatest: float           # math.inf when nothing bounds it
    kind: str
    few: bool = False         # money over fewer than threshold pupils

    @property
    def pinned(self) -> bool:
        """A count with one possible value; a sum of money known to within £1, or, when it
        is over fewer than threshold pupils, to within a factor of two (at a known price per
        pupil that would tell the number of pupils)."""
        if math.isinf(self.greatest):
            return False
        if self.kind == COUNT:
            return math.floor(self.greatest + 1e-6) <= math.ceil(self.least - 1e-6)
        return (self.greatest - self.least < MONEY_SPREAD
                or (self.few and self.greatest < 2 * self.least - 1e-9))


@dataclass
class Release:
    """The figures of one published report, keyed once, and the sums between them."""

    threshold: int
    figures: dict[Key, Figure] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    # building
    def count(self, key: Key, value: int) -> Key:
        """A count of pupils (the same key in two tables is one figure)."""
        return self._add(key, Figure(float(value), COUNT))

    def money(self, key: Key, value: float, over: int) -> Key:
        """A sum of money over ``over`` pupils."""
        return self._add(key, Figure(float(value), MONEY, int(over)))

    def unlisted(self, key: Key, value: float, kind: str, over: int | None = None) -> Key:
        """A figure no table shows but a reader can reason about (say the part of a pooled
        line's cost of one type): always unknown, never itself audited (see guarded)."""
        return self._add(key, Figure(float(value), kind, over, state=SECRET, listed=False))

    def _add(self, key: Key, fig: Figure) -> Key:
        old = self.figures.get(key)
        if old is not None:
            if abs(old.value - fig.value) > 1e-6 or old.kind != fig.kind:
                raise ValueError(f"{key!r} is two different figures: {old.value}, {fig.value}")
            return key
        self.figures[key] = fig
        return key

    def add_sum(self, parts: Iterable[Key], total: Key) -> None:
        parts = tuple(parts)
        if parts:
            self.relations.append(Relation(parts, total, "sum"))

    def add_distinct(self, parts: Iterable[Key], total: Key) -> None:
        parts = tuple(parts)
        if parts:
            self.relations.append(Relation(parts, total, "distinct"))

    def add_at_most(self, part: Key, whole: Key) -> None:
        self.relations.append(Relation((part,), whole, "at_most"))

    def add_covered(self, parts: Iterable[Key], total: Key) -> None:
        """``total`` counts pupils all of whom are in ``parts`` (at most their sum)."""
        parts = tuple(parts)
        if parts:
            self.relations.append(Relation(parts, total, "covered"))

    def holds(self, parts: Iterable[Key], total: Key, kind: str) -> bool:
        """Whether a relation is true of the figures (a reader's guess may not be)."""
        v = [self.figures[k].value for k in parts]
        t = self.figures[total].value
        if kind == "sum":
            return abs(sum(v) - t) <= 0.005 * (len(v) + 1)
        if kind == "at_most":
            return v[0] <= t + 1e-9
        if kind == "covered":
            return t <= sum(v) + 1e-9
        return all(x <= t + 1e-9 for x in v) and t <= sum(v) + 1e-9

    # reading
    def guarded(self, key: Key) -> bool:
        """Whether the audit must find ``key`` unpinned: every hidden figure a table shows.
        An unlisted figure is only a reader's stepping stone (what a pooled line spent on
        one type, worked out across two tables) and may be pinned."""
        f = self.figures[key]
        if f.state == SHOWN:
            return False
        return f.listed

    def roles(self) -> dict[Key, int]:
        """How many lines each figure is the total of: hiding a total costs a reader more
        than hiding a line, so complements are taken from lines first."""
        out: dict[Key, int] = {}
        for rel in self.relations:
            if rel.kind != "at_most":
                out[rel.total] = out.get(rel.total, 0) + 1
        return out

    def hidden(self, key: Key) -> bool:
        return self.figures[key].state != SHOWN

    def shown(self, key: Key) -> int | float | str:
        """What the page prints: the count, the money (to the penny), ``<N`` or ``HIDDEN``."""
        f = self.figures[key]
        if f.state == SMALL:
            return small_text(self.threshold)
        if f.state == SECRET:
            return HIDDEN
        return int(round(f.value)) if f.kind == COUNT else round(f.value, 2)

    def hide(self, key: Key) -> None:
        f = self.figures[key]
        if f.state == SHOWN:
            f.state = SECRET


# --- the audit -------------------------------------------------------------------------------

def _bounds(f: Figure, t: int) -> tuple[float, float | None]:
    if f.kind == MONEY:
        return (0.0, None)
    if f.state == SMALL:
        return (1.0, float(t - 1))
    return (0.0, None)


def _components(release: Release, unknown: set) -> list[tuple[list[Key], list[Relation]]]:
    """The unknowns split into groups no relation links (each solved on its own)."""
    parent = {k: k for k in unknown}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k
    touching: list[tuple[Relation, list[Key]]] = []
    for rel in release.relations:
        ks = [k for k in rel.keys if k in unknown]
        if ks:
            touching.append((rel, ks))
            for k in ks[1:]:
                parent[find(k)] = find(ks[0])
    groups: dict[Key, tuple[list[Key], list[Relation]]] = {}
    for k in unknown:
        groups.setdefault(find(k), ([], []))[0].append(k)
    for rel, ks in touching:
        groups[find(ks[0])][1].append(rel)
    return list(groups.values())


class _Programme:
    """One group of unknowns as a linear programme: ``A_ub x <= b_ub``, ``A_eq x = b_eq``."""

    def __init__(self, release: Release, keys: list[Key], relations: list[Relation]):
        self.keys = keys
        self.index = {k: i for i, k in enumerate(keys)}
        t = release.threshold
        self.bounds = [_bounds(release.figures[k], t) for k in keys]
        ub_rows: list[np.ndarray] = []
        ub: list[float] = []
        eq_rows: list[np.ndarray] = []
        eq: list[float] = []

        def linear(terms: list[tuple[Key, float]]) -> tuple[np.ndarray, float, int]:
            """Coefficients on the unknowns, the known part, and how many shown money terms."""
            row = np.zeros(len(keys))
            known = 0.0
            shown_money = 0
            for k, coef in terms:
                if k in self.index:
                    row[self.index[k]] += coef
                else:
                    f = release.figures[k]
                    known += coef * float(release.shown(k))
                    shown_money += f.kind == MONEY
            return row, known, shown_money

        def less_or_equal(terms: list[tuple[Key, float]]) -> None:    # sum(terms) <= 0
            row, known, n = linear(terms)
            if row.any():
                ub_rows.append(row)
                ub.append(-known + n * PENNY)

        for rel in relations:
            if rel.kind == "sum":
                terms = [(k, 1.0) for k in rel.parts] + [(rel.total, -1.0)]
                row, known, n = linear(terms)
                if not row.any():
                    continue
                if n:                       # shown money is to the penny: allow for it
                    ub_rows += [row, -row]
                    ub += [-known + n * PENNY, known + n * PENNY]
                else:
                    eq_rows.append(row)
                    eq.append(-known)
            elif rel.kind in ("distinct", "covered"):
                if rel.kind == "distinct":
                    for k in rel.parts:
                        less_or_equal([(k, 1.0), (rel.total, -1.0)])
                less_or_equal([(rel.total, 1.0)] + [(k, -1.0) for k in rel.parts])
            else:
                less_or_equal([(rel.parts[0], 1.0), (rel.total, -1.0)])
        self.A_ub = np.array(ub_rows) if ub_rows else None
        self.b_ub = np.array(ub) if ub else None
        self.A_eq = np.array(eq_rows) if eq_rows else None
        self.b_eq = np.array(eq) if eq else None

    def extreme(self, key: Key, sign: float) -> tuple[float, np.ndarray | None]:
        """The least (sign 1) or greatest (sign -1) value of ``key``, and a solution."""
        from scipy.optimize import linprog

        c = np.zeros(len(self.keys))
        c[self.index[key]] = sign
        res = linprog(c, A_ub=self.A_ub, b_ub=self.b_ub, A_eq=self.A_eq, b_eq=self.b_eq,
                      bounds=self.bounds, method="highs")
        if res.status == 2:
            # The true figures satisfy every relation, so the programme is never infeasible;
            # HiGHS's presolve can still say so when the objective has no bound (a school of
            # 17 pupils gave one).  Asked again without presolve, the simplex finds the ray.
            res = linprog(c, A_ub=self.A_ub, b_ub=self.b_ub, A_eq=self.A_eq, b_eq=self.b_eq,
                          bounds=self.bounds, method="highs", options={"presolve": False})
        if res.status == 3:
            return math.inf * -sign, None
        if res.status != 0:
            raise RuntimeError(f"the disclosure audit could not be solved for {key!r}: "
                               f"{res.message}")
        return float(res.fun) * sign, res.x

    def interval(self, key: Key, f: Figure, threshold: int,
                 seen: list[np.ndarray] | None = None) -> Interval | None:
        """``key``'s interval; with ``seen`` (solutions found so far), None as soon as two of
        them show it is not pinned (it then needs no programme of its own)."""
        few = f.kind == MONEY and f.over is not None and f.over < threshold
        i = self.index[key]
        if seen:
            values = [x[i] for x in seen]
            if not Interval(key, min(values), max(values), f.kind, few).pinned:
                return None
        least, x1 = self.extreme(key, 1.0)
        greatest, x2 = self.extreme(key, -1.0)
        if seen is not None:
            seen += [x for x in (x1, x2) if x is not None]
        return Interval(key, least, greatest, f.kind, few)


def audit(release: Release, keys: Iterable[Key] | None = None, *,
          only_pinned: bool = False) -> list[Interval]:
    """Each hidden figure's least and greatest value given what the report shows.

    ``keys``: audit only these (default every hidden figure a table shows).  Uses nothing
    but what the page shows and the relations a reader knows, never a hidden figure's true
    value.  ``only_pinned``: return the pinned ones only, skipping the programmes of
    figures two earlier solutions already show can move.
    """
    unknown = {k for k, f in release.figures.items() if f.state != SHOWN}
    guarded = {k for k in unknown if release.guarded(k)}
    wanted = guarded if keys is None else set(keys) & guarded
    out = []
    for group, relations in _components(release, unknown):
        targets = [k for k in group if k in wanted]
        if not targets:
            continue
        lp = _Programme(release, group, relations)
        seen: list[np.ndarray] | None = [] if only_pinned else None
        for k in targets:
            i = lp.interval(k, release.figures[k], release.threshold, seen)
            if i is not None and (i.pinned or not only_pinned):
                out.append(i)
    return out


def pinned(release: Release, keys: Iterable[Key] | None = None) -> list[Interval]:
    """The hidden figures a reader can pin down (:attr:`Interval.pinned`)."""
    return audit(release, keys, only_pinned=True)


# --- protection ------------------------------------------------------------------------------

def primary(release: Release) -> None:
    """Small counts become ``<N``; money over fewer than N pupils is hidden with them."""
    t = release.threshold
    for f in release.figures.values():
        if f.state != SHOWN:
            continue
        if f.kind == COUNT and is_small(f.value, t):
            f.state = SMALL
        elif f.kind == MONEY and f.over is not None and 1 <= f.over < t and f.value:
            f.state = SECRET            # (nothing spent tells no number of pupils: 0 stays)


def _neighbours(release: Release, key: Key) -> list[Relation]:
    return [r for r in release.relations if key in r.keys]


def _candidates(release: Release, keys: Iterable[Key], roles: dict[Key, int]) -> list[Key]:
    """Shown figures of the same kind sharing a line with any of ``keys`` (else with the
    hidden figures in those lines, and so on): first those of a line that gives a hidden
    figure straight back, then lines before totals, then smallest first; a zero is never
    hidden (it gives nothing away)."""
    keys = list(keys)
    kinds = {release.figures[k].kind for k in keys}
    seen = set(keys)
    frontier = keys
    while frontier:
        found: dict[Key, float] = {}
        nxt = []
        for k in frontier:
            for rel in _neighbours(release, k):
                for other in rel.keys:
                    if other in seen:
                        continue
                    f = release.figures[other]
                    if f.state == SHOWN and f.kind in kinds and f.value > 0:
                        found[other] = f.value
                    elif f.state != SHOWN:
                        nxt.append(other)
                        seen.add(other)
        if found:
            lone = _lone_lines(release, frontier)
            return sorted(found, key=lambda k: (k not in lone, roles.get(k, 0), found[k],
                                                str(k)))
        frontier = nxt
    return []


def _lone_lines(release: Release, keys: list[Key]) -> set[Key]:
    """Shown figures of a line in which one of ``keys`` is the only hidden figure: such a
    line gives its hidden figure straight back, so hiding in it comes first (in a table
    with totals both ways a pinned cell needs a rectangle of four hidden cells, and its own
    row and column are where the next ones are)."""
    out: set[Key] = set()
    for k in keys:
        for rel in _neighbours(release, k):
            if rel.kind == "at_most":
                continue
            hidden = [x for x in rel.keys if release.figures[x].state != SHOWN]
            if hidden == [k]:
                out.update(x for x in rel.keys if x != k)
    return out


def protect(release: Release, *, tries: int = 8) -> list[Interval]:
    """Hide small counts and money over few pupils, then hide more until the audit pins
    nothing.  Each round hides one more figure: of the shown figures sharing a line with a
    pinned one (lines before totals, smallest first), the first of ``tries`` that frees a
    pinned figure of its own lines, else the first.  When nothing shown is left to hide,
    the pinned small counts are printed ``HIDDEN`` rather than ``<N``.  Returns what is
    still pinned (nothing, unless the page itself says it: ``<2`` is 1)."""
    primary(release)
    roles = release.roles()
    found = _still_pinned(release, [k for k in release.figures if release.guarded(k)])
    stuck: list[Interval] = []
    while found:
        keys = [i.key for i in found]
        options = _candidates(release, keys, roles)
        if not options:
            # Nothing shown is left to hide in these lines (say <5 + <5 = <5, so both are
            # 1): a small count printed <N says too much here, so it is printed * instead,
            # which is true (any number) and leaves the reader nothing to solve.
            veil = [k for k in keys if release.figures[k].state == SMALL]
            if not veil:
                stuck += found
                break
            for k in veil:
                release.figures[k].state = SECRET
            found = _still_pinned(release, keys)
            continue
        pick = options[0]
        for option in options[:tries]:
            release.figures[option].state = SECRET
            near = {k for rel in _neighbours(release, option) for k in rel.keys}
            fewer = any(not _still_pinned(release, [k])
                        for k in sorted(keys, key=lambda k: k not in near))
            release.figures[option].state = SHOWN
            if fewer:
                pick = option
                break
        release.hide(pick)
        # hiding more only widens what a reader can say: what was free stays free
        found = _still_pinned(release, [*keys, pick])
    return stuck


def _still_pinned(release: Release, keys: Iterable[Key]) -> list[Interval]:
    return [i for i in pinned(release, keys) if not _only_one_by_label(release, i)]


def _only_one_by_label(release: Release, i: Interval) -> bool:
    """``<2`` means 1: the school chose a threshold of 2, and no hiding can change that."""
    f = release.figures[i.key]
    return f.kind == COUNT and f.state == SMALL and release.threshold <= 2


@dataclass(frozen=True)
class Merged:
    """Which provisions are named and which go into "Other"."""

    named: list[str]
    other: list[str]


def merge_small_provisions(pupils_by_provision: Mapping[str, int], threshold: int,
                           together: Callable[[list[str]], int] | None = None) -> Merged:
    """Provisions taken by fewer than ``threshold`` pupils go into "Other" (in given order).

    A provision's name is the school's own menu and safe to show; what is not safe is a line
    about one or two children, so such lines are pooled.  "Other" is shown even when only
    one provision is in it: its name stays hidden and only the pooled figures are given.
    ``together(names)`` counts the distinct pupils of pooled provisions: while "Other"
    would still be about fewer than ``threshold`` pupils (its cost would then have to be
    hidden, and with it more), the named provision with the fewest pupils (the later of
    equals) joins it, so that merging rows saves hiding them; one provision stays named.
    """
    named = [p for p, n in pupils_by_provision.items() if n >= threshold]
    other = [p for p, n in pupils_by_provision.items() if n < threshold]
    while together is not None and other and len(named) > 1 and together(other) < threshold:
        fewest = min(range(len(named)),
                     key=lambda i: (pupils_by_provision[named[i]], -i))
        other.append(named.pop(fewest))
    order = list(pupils_by_provision)
    return Merged(named, sorted(other, key=order.index))


# --- identifiers -------------------------------------------------------------------------

def _date_forms(d: date) -> list[str]:
    return [d.isoformat(), d.strftime("%d/%m/%Y"), f"{d.day}/{d.month}/{d.year}",
            d.strftime("%d-%m-%Y"), d.strftime("%d %b %Y"), d.strftime("%d %B %Y")]


def identifying_texts(pupils: Iterable[Any]) -> list[str]:
    """Strings that would identify a pupil of the register if found in the report.

    Full names (both orders), UPNs and dates of birth as text.  A surname alone or a date
    as an Excel serial number is left to the tests: either could match an ordinary word or
    a cost by chance, and this list is used to refuse to write the report.
    """
    out: list[str] = []
    for p in pupils:
        if p.upn:
            out.append(p.upn)
        if p.forename and p.surname:
            out += [f"{p.forename} {p.surname}", f"{p.surname}, {p.forename}",
                    f"{p.surname} {p.forename}"]
        if p.date_of_birth:
            out += _date_forms(p.date_of_birth)
    return out


_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE = re.compile(r'="([^"]*)"')


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text.casefold()))


class Identifiers:
    """A set of identifying texts, matched as whole words in any case.

    Each text is kept as its sequence of words (`Brown, Leo` and `brown leo` are the same
    words), and a text is searched by looking up each run of words of the lengths the set
    holds: one pass, however many thousand pupils are on the register.
    """

    def __init__(self, texts: Iterable[str]):
        self.words = {t for t in map(_tokens, texts) if t}
        self.lengths = sorted({len(t) for t in self.words})

    @classmethod
    def union(cls, parts: Iterable[Identifiers]) -> Identifiers:
        """One set from several (the trust's schools, each worked out in its own worker)."""
        out = cls(())
        out.words = set().union(*(p.words for p in parts))
        out.lengths = sorted({len(t) for t in out.words})
        return out

    def find(self, text: str) -> list[str]:
        words = _tokens(text)
        found = []
        for n in self.lengths:
            for i in range(len(words) - n + 1):
                if words[i:i + n] in self.words:
                    found.append(" ".join(words[i:i + n]))
        return found


def mentions_pupil(text: str | None, pupils: Iterable[Any] | Identifiers) -> bool:
    """Whether staff text (say a provision name) contains a pupil's name, UPN or birth date."""
    if not text:
        return False
    index = pupils if isinstance(pupils, Identifiers) else Identifiers(identifying_texts(pupils))
    return bool(index.find(text))


def withhold(name: str, pupils: Iterable[Any] | Identifiers, withheld: dict[str, str]) -> str:
    """A provision's menu name, unless staff put a pupil's name, UPN or birth date in it:
    then ``Provision N (name withheld)``, the same N each time the name comes up."""
    if mentions_pupil(name, pupils):
        return withheld.setdefault(name, f"Provision {len(withheld) + 1} (name withheld)")
    return name


def scan_xlsx(path: Path, texts: Iterable[str] | Identifiers) -> list[tuple[str, str]]:
    """Every (XML part, text) where one of ``texts`` appears inside an .xlsx file.

    Looks in every part (cells, shared strings, sheet names, charts, comments, defined names,
    document properties), in text nodes and attribute values, XML escapes undone
    (``O&apos;Neil`` is ``O'Neil``).  Words are matched within one node, never across two.
    """
    index = texts if isinstance(texts, Identifiers) else Identifiers(texts)
    if not index.words:
        return []
    hits: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name).decode("utf-8", errors="replace")
            pieces = [*_TAG.split(data), *_ATTRIBUTE.findall(data)]
            for piece in pieces:
                if piece.strip():
                    hits += [(name, found) for found in index.find(unescape(piece))]
    return hits


def refuse_if_identifying(path: Path, texts: Iterable[str] | Identifiers, report: str,
                          where: str) -> None:
    """The last check before a report is put in place, shared by every aggregate report.

    Raises :class:`DisclosureError` naming the XML part if ``path`` holds any of ``texts``;
    ``report`` names the report ("governors' report") and ``where`` says what staff text to
    look at, for the one-sentence answer the user gets.
    """
    hits = scan_xlsx(path, texts)
    if hits:
        part, _ = hits[0]
        raise DisclosureError(
            f"The {report} was not written: a pupil's name, UPN or date of birth would have "
            f"appeared in it ({part}). Check {where}.")
