"""Disclosure control for the governors' report: small counts, totals, pupil identifiers.

Governors judge whether SEN money is well spent; they must not be able to pick out a child.
These are pure functions so each rule can be tested on its own:

- a count of pupils from 1 to ``threshold - 1`` is shown as the text ``<threshold`` (primary
  suppression); 0 is shown as 0;
- where a line of a table (a row with its row total, or a column with its column total)
  has exactly one hidden cell, that cell could be worked out by subtraction, so the next
  smallest non-zero cell of the line (else the line's total) is hidden too, shown as
  ``HIDDEN`` (complementary suppression), repeated across rows and columns until stable;
- provisions taken by fewer than ``threshold`` pupils are merged into one "Other" line;
- :func:`scan_xlsx` looks inside a written workbook for names, UPNs and dates of birth,
  as a last check before the report is put in place.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from html import unescape

import pandas as pd

HIDDEN = "*"
"""Shown for a count hidden only so that a small count cannot be worked out."""

Cell = tuple[Hashable, Hashable]


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


def suppression_mask(counts: pd.DataFrame, threshold: int, *, total_row: Hashable = None,
                     total_col: Hashable = None, force: Iterable[Cell] = (),
                     lines: Iterable[tuple[list[Cell], Cell]] = ()) -> pd.DataFrame:
    """For each cell: ``""`` shown, ``"small"`` (1..threshold-1) or ``"hidden"`` (complementary).

    ``total_row``/``total_col`` name the row/column that holds the sums of the others; only
    lines that have a total can give a hidden cell away.  ``lines`` adds other sums the
    table holds, as (cells, the cell holding their sum), e.g. a subtotal row.  ``force``
    hides cells up front, e.g. a total already hidden in another table with the same figure.
    """
    mask = pd.DataFrame("", index=counts.index, columns=counts.columns, dtype=object)
    for r in counts.index:
        for c in counts.columns:
            if is_small(counts.at[r, c], threshold):
                mask.at[r, c] = "small"
    for r, c in force:
        if r in mask.index and c in mask.columns and not mask.at[r, c]:
            mask.at[r, c] = "hidden"

    lines = [(list(cells), total) for cells, total in lines]     # (interior cells, total)
    if total_col is not None:
        inner_cols = [c for c in counts.columns if c != total_col]
        for r in counts.index:
            lines.append(([(r, c) for c in inner_cols], (r, total_col)))
    if total_row is not None:
        inner_rows = [r for r in counts.index if r != total_row]
        for c in counts.columns:
            lines.append(([(r, c) for r in inner_rows], (total_row, c)))

    changed = True
    while changed:
        changed = False
        for interior, total in lines:
            hidden = [cell for cell in (*interior, total) if mask.at[cell]]
            if len(hidden) != 1:
                continue
            candidates = sorted(
                (cell for cell in interior if not mask.at[cell] and counts.at[cell] > 0),
                key=lambda cell: counts.at[cell])
            pick = candidates[0] if candidates else total
            if pick == hidden[0]:           # only the total is hidden and nothing else to hide
                continue
            mask.at[pick] = "hidden"
            changed = True
    return mask


def apply_mask(counts: pd.DataFrame, mask: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The display table: ints where shown, ``<threshold`` or ``HIDDEN`` where not."""
    out = pd.DataFrame(index=counts.index, columns=counts.columns, dtype=object)
    for r in counts.index:
        for c in counts.columns:
            m = mask.at[r, c]
            v = counts.at[r, c]
            out.at[r, c] = (small_text(threshold) if m == "small" else HIDDEN if m == "hidden"
                            else int(v))
    return out


def suppress_table(counts: pd.DataFrame, threshold: int, *, total_row: Hashable = None,
                   total_col: Hashable = None, force: Iterable[Cell] = (),
                   lines: Iterable[tuple[list[Cell], Cell]] = ()) -> pd.DataFrame:
    """Counts made safe to show: small counts as ``<N``, give-away cells as ``HIDDEN``."""
    mask = suppression_mask(counts, threshold, total_row=total_row, total_col=total_col,
                            force=force, lines=lines)
    return apply_mask(counts, mask, threshold)


@dataclass(frozen=True)
class Merged:
    """Which provisions are named and which go into "Other"."""

    named: list[str]
    other: list[str]


def merge_small_provisions(pupils_by_provision: Mapping[str, int], threshold: int) -> Merged:
    """Provisions taken by fewer than ``threshold`` pupils go into "Other" (in given order).

    A provision's name is the school's own menu and safe to show; what is not safe is a line
    about one or two children, so such lines are pooled.  "Other" is shown even when only
    one provision is in it: its name stays hidden and only the pooled figures are given.
    """
    named = [p for p, n in pupils_by_provision.items() if n >= threshold]
    other = [p for p, n in pupils_by_provision.items() if n < threshold]
    return Merged(named, other)


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
