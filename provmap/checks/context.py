"""Facts several checks need, worked out once per run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..delivery import group_key, row_delivery
from ..model import Map, ProvisionRow


@dataclass(frozen=True)
class Context:
    today: date
    active_terms: tuple[str, ...]      # terms with any provision row: the year so far
    finished_terms: frozenset[str]     # terms whose end date has passed (or a later term began)
    groups: dict[tuple, list[ProvisionRow]] = field(default_factory=dict)  # teaching groups

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
        groups: dict[tuple, list[ProvisionRow]] = {}
        for row in m.provision_rows():
            if row.provision is not None:
                groups.setdefault(group_key(row, row_delivery(m, row)), []).append(row)
        return cls(today, active, frozenset(finished), groups)
