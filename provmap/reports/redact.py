"""Other pupils' names and UPNs hidden in staff text, for every document about one pupil or
one group (the POP, the packs, a group plan).

Staff write freely: "works well with Leo Brown", "sits apart from Aisha Khan".  A document
for one child (or one group) must not carry another child's name, so every piece of staff
text it prints passes through a :class:`Redactor` made once from the register: a register
pupil's full name (either order) or UPN becomes "another pupil", unless the pupil is one of
those the document is about.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Collection, Iterable

ANOTHER_PUPIL = "another pupil"

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_UPN_LIKE = re.compile(r"\b[A-Za-z]\d{11}[0-9A-Za-z]\b")


def _name_key(text: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in _WORD.findall(text))


class Redactor:
    """Replaces other register pupils' full names and UPNs in staff text."""

    def __init__(self, pupils: Iterable[Any]):
        self.by_key: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self.upns: set[str] = set()
        for p in pupils:
            self.upns.add(p.upn.upper())
            fore, sur = _name_key(p.forename or ""), _name_key(p.surname or "")
            if fore and sur:
                self.by_key[fore + sur].add(p.upn)
                self.by_key[sur + fore].add(p.upn)
        self.longest = max((len(k) for k in self.by_key), default=0)
        self.first_words = {k[0] for k in self.by_key}
        self.clean: set[str] = set()        # texts that hold no register name or UPN at all

    def __call__(self, text: str | None, own: str | Collection[str]) -> str | None:
        """`text` with every register pupil named in it hidden, except `own`: the UPN of
        the pupil the document is about, or the UPNs of a group's pupils."""
        if not text or text in self.clean:
            return text
        owns = {own} if isinstance(own, str) else set(own)
        owns_upper = {u.upper() for u in owns}
        original = text
        upn_hit = False

        def upn(m: re.Match) -> str:
            nonlocal upn_hit
            if m.group(0).upper() in self.upns:
                upn_hit = True
                if m.group(0).upper() not in owns_upper:
                    return ANOTHER_PUPIL
            return m.group(0)
        text = _UPN_LIKE.sub(upn, text)
        words = list(_WORD.finditer(text))
        folded = [w.group(0).casefold() for w in words]
        spans: list[tuple[int, int]] = []
        name_hit = False
        i = 0
        while i < len(words):
            hit = 0
            if folded[i] in self.first_words:        # a name can start here
                for n in range(min(self.longest, len(words) - i), 1, -1):
                    upns = self.by_key.get(tuple(folded[i:i + n]))
                    if upns:
                        name_hit = True
                        if upns.isdisjoint(owns):    # the document's own pupils stay named
                            hit = n
                            break
            if hit:
                spans.append((words[i].start(), words[i + hit - 1].end()))
                i += hit
            else:
                i += 1
        if not (upn_hit or name_hit) and len(self.clean) < 200_000:
            self.clean.add(original)
        for start, end in reversed(spans):
            text = text[:start] + ANOTHER_PUPIL + text[end:]
        return text
