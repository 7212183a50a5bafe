"""Facts several checks need, worked out once per run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..model import Map


@dataclass(frozen=True)
class Context:
    today: date
    active_terms: tuple[str, ...]      # terms with any provision row: the year so far
    finished_terms: frozenset[str]     # terms whose end date has passed (or a later term began)

    @classmethod
    def of(cls, m: Map, today: date | None = None) -> "Context":
        today = today or date.today()
        terms = m.settings.terms
        used = {s.term for s in m.sheets if s.provision_rows}
        active = tuple(t for t in terms if t in used)
        finished = set()
        for i, term in enumerate(terms):
            end = m.settings.term_dates.get(term, (None, None))[1]
            later_started = any(t in used for t in terms[i + 1:])
            if (end is not None and end < today) or later_started:
                finished.add(term)
        return cls(today, active, frozenset(finished))
