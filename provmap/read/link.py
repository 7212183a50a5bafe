"""Find which register pupil a row means, from a UPN or a name as staff typed it.

Staff write `Jonathan Smith`, `smith, jonathan` or `SMITH Jonathan`; a UPN, when given,
wins over the name.  A name that matches two register pupils is ambiguous unless exactly one
of them is in the sheet's class.  Failures are located problems with a hint: the closest
register name.
"""

from __future__ import annotations

import difflib

from ..model import Layout, Pupil
from ..problems import Code, Problem, error, warning
from ..words import tidy_upn


def name_key(text: str) -> str:
    return " ".join(text.replace(",", " , ").split()).casefold()


def closest(text: str, options, cutoff: float = 0.6) -> str | None:
    """The option most like ``text`` (case-insensitive), if any is close enough."""
    folded = {o.casefold(): o for o in options}
    match = difflib.get_close_matches(text.casefold(), list(folded), n=1, cutoff=cutoff)
    return folded[match[0]] if match else None


class Linker:
    """Resolves pupil references against the register; collects the problems it meets."""

    def __init__(self, pupils: dict[str, Pupil]):
        self.pupils = pupils
        self.by_name: dict[str, list[str]] = {}
        for upn, p in pupils.items():
            for key in {name_key(f"{p.forename} {p.surname}"),
                        name_key(f"{p.surname}, {p.forename}"),
                        name_key(f"{p.surname} {p.forename}")}:
                self.by_name.setdefault(key, []).append(upn)
        self.names = [p.name for p in pupils.values()]
        self.problems: list[Problem] = []

    def resolve(self, layout: Layout, row: int, name: str | None, upn_text: str | None,
                class_name: str | None) -> str | None:
        if upn_text:
            upn = tidy_upn(upn_text)
            pupil = self.pupils.get(upn)
            if pupil is None:
                self.problems.append(error(
                    Code.UNKNOWN_PUPIL, layout.sheet, layout.cell("upn", row),
                    f"UPN {upn_text} is not on the Pupils sheet.",
                    "check the UPN, or add the pupil to the register"))
                return None
            if name and upn not in self.by_name.get(name_key(name), []):
                self.problems.append(warning(
                    Code.UPN_NAME_MISMATCH, layout.sheet, layout.cell("pupil", row),
                    f"The name '{name}' does not match UPN {upn} ({pupil.name}); provmap "
                    "goes by the UPN.", f"did you mean '{pupil.name}'?"))
            return upn
        if not name:
            return None
        matches = self.by_name.get(name_key(name), [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            in_class = [u for u in matches if class_name is not None and
                        (self.pupils[u].class_name or "").casefold() == class_name.casefold()]
            if len(in_class) == 1:
                return in_class[0]
            self.problems.append(error(
                Code.AMBIGUOUS_PUPIL, layout.sheet, layout.cell("pupil", row),
                f"There are {len(matches)} pupils called '{name}' on the register.",
                "add the pupil's UPN in the UPN column"))
            return None
        guess = closest(name, self.names)
        self.problems.append(error(
            Code.UNKNOWN_PUPIL, layout.sheet, layout.cell("pupil", row),
            f"'{name}' is not on the Pupils sheet.",
            f"did you mean '{guess}'?" if guess else "add the pupil to the Pupils sheet"))
        return None
