"""Next year's workbook from this year's: `provmap new-year LAST.xlsx OUT.xlsx`.

``new_year(last, out, year=None, roster=None, classes=None)`` reads LAST (never changing it),
works out next year's register, carries the school's Settings, Staff, Provisions, the
Profiles and Professionals of pupils still on roll, and last term's `Continue` rows, and
hands all of it to the one writer of the standard workbook
(:func:`provmap.workbook.standard.new_workbook`), so every sheet is exactly what `provmap new`
writes.  The carry rule (which fields, last Post as the new Pre) is :mod:`provmap.carry`,
shared with roll-forward.  Choices the spec leaves open are in docs/new-year.md.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import schema
from ..calendar import next_year, start_year
from ..carry import carry, is_continued
from ..model import Map, Pupil
from ..problems import Code, Problem
from ..schema import PROFESSIONALS, PROFILES, PROVISION_ROWS, PROVISIONS, PUPILS, STAFF
from ..values import clean_text, format_age
from ..words import on_register


class NewYearRefused(Exception):
    """Nothing was written; the message names the file and says what to do."""


# Register fields as Pupil attributes (the Pupils table's keys, `class` -> `class_name`).
_PUPIL_ATTR = {c.key: ("class_name" if c.key == "class" else c.key) for c in PUPILS.columns}
# Fields the roster may leave blank (an export without SEN columns): last year's are kept.
_ROSTER_BLANKS_FROM_LAST = tuple(c.name for c in PUPILS.columns
                                 if c.key not in ("upn", "forename", "surname", "year_group",
                                                  "class"))
_NEEDS = (PUPILS.column("primary_need").name, PUPILS.column("secondary_need").name)
_YEARS = ("N", "R", *(str(n) for n in range(1, 14)))


@dataclass
class NewYearResult:
    """What new_year did, for the summary it prints and for tests."""

    out: Path
    last: Path
    school: str
    year: str
    from_year: str
    from_term: str | None                          # the term Continue rows came from
    carried_pupils: int = 0                        # on last year's register and on roll now
    new_starters: int = 0
    leavers: int = 0
    leavers_supported: int = 0                     # leavers who were K or E
    with_roster: bool = False
    classes: list[str] = field(default_factory=list)
    rows_carried: int = 0
    not_carried: Counter = field(default_factory=Counter)     # reason -> rows
    profiles_carried: int = 0
    professionals_carried: int = 0
    errors_in_last: list[Problem] = field(default_factory=list)
    roster_lines: list[str] = field(default_factory=list)   # what the roster gave, ignored

    def summary(self) -> str:
        how = ("year group and class from the roster" if self.with_roster
               else "each a year group up")
        lines = [*self.roster_lines,
                 f"Wrote {self.out}: {self.school}, {self.year}, from {self.last.name} "
                 f"({self.from_year}).",
                 f"  Pupils: {self.carried_pupils} carried from last year ({how}), "
                 f"{self.new_starters} new starter{_s(self.new_starters)}, {self.leavers} "
                 f"left ({self.leavers_supported} of them K or E: their transition packs come "
                 f"from 'provmap transition' on {self.last.name}).",
                 f"  Classes: {len(self.classes)}, each with a sheet per term.",
                 f"  Provision carried into Autumn: {self.rows_carried} Continue "
                 f"row{_s(self.rows_carried)}"
                 + (f" from {self.from_term}" if self.from_term else "") + "."]
        if self.not_carried:
            parts = [f"{n} {reason}" for reason, n in self.not_carried.most_common()]
            lines.append(f"  Not carried: {', '.join(parts)}.")
        lines.append(f"  Profiles: {self.profiles_carried} row{_s(self.profiles_carried)} "
                     f"carried; Professionals: {self.professionals_carried} "
                     f"row{_s(self.professionals_carried)} carried.")
        return "\n".join(lines)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


# ---------------------------------------------------------------------------------------------
# The public function


def new_year(last: Path | str, out: Path | str, year: str | None = None,
             roster: Path | str | None = None, classes: Path | str | None = None
             ) -> NewYearResult:
    """Write next year's workbook ``out`` from last year's ``last``.

    Raises :class:`NewYearRefused` (nothing written) for bad input, and
    :class:`~provmap.problems.UnreadableWorkbook` when LAST cannot be opened as a workbook.
    Errors inside LAST that leave the register readable do not stop it: they are returned
    in ``errors_in_last``.
    """
    from ..checks import run_checks as check
    from ..read.workbook import load
    from ..read.roster import load_roster
    from .standard import WorkbookData, new_workbook

    last, out = Path(last), Path(out)
    if out.exists():
        raise NewYearRefused(f"{out} already exists; provmap will not overwrite a workbook. "
                             "Choose another name or move the old file.")
    m = load(last)
    if not m.pupils:
        raise NewYearRefused(
            f"{last.name}: no pupils could be read from its Pupils sheet, so there is no "
            "register to move up. Run 'provmap check' on it, fix the register, and try again.")
    from_year = m.settings.academic_year
    year = _new_year_name(last, from_year, year)
    rows = None
    roster_lines: list[str] = []
    if roster is not None:
        try:
            read = load_roster(Path(roster), blank_sen_is_n=False)
        except ValueError as exc:
            raise NewYearRefused(f"{exc}. Nothing was written.") from None
        rows, roster_lines = read.rows, read.lines()
    class_map = _read_classes(Path(classes), m) if classes is not None else {}
    errors = [p for p in check(m) if p.is_error]

    result = NewYearResult(out=out, last=last, school=m.settings.school, year=year,
                           from_year=from_year, from_term=_from_term(m), with_roster=rows
                           is not None, errors_in_last=errors, roster_lines=roster_lines)
    register = _register(m, rows, class_map, result)
    _check_sheet_names(m, last, register, roster, classes, class_map)
    on_roll = {r["UPN"]: r for r in register}
    data = WorkbookData(
        pupils=register,
        staff=[_record_row(STAFF, s, {}) for s in m.staff.values()],
        provisions=[_record_row(PROVISIONS, p, {"provision": "name"})
                    for p in m.provisions.values()],
        settings=_settings(m),
        terms=tuple(m.settings.terms),
        profiles=_pupil_rows(m.profiles, PROFILES, on_roll),
        professionals=_pupil_rows(m.professionals, PROFESSIONALS, on_roll),
        provision_rows=_carried_rows(m, result.from_term, on_roll, result),
    )
    result.profiles_carried = len(data.profiles)
    result.professionals_carried = len(data.professionals)
    seen: dict[str, None] = {}
    for r in register:
        if r.get("Class"):
            seen.setdefault(r["Class"], None)
    result.classes = list(seen)
    school = m.settings.school
    del m                 # last year's records are not needed while OUT is written
    try:
        new_workbook(out, school, year, data=data)
    except ValueError as exc:             # the writer's own refusal, e.g. a sheet name
        raise NewYearRefused(f"{out.name} was not written: {exc}.") from None
    return result


def _check_sheet_names(m: Map, last: Path, register: list[dict[str, Any]],
                       roster: Path | str | None, classes: Path | str | None,
                       class_map: dict[str, tuple[str, int]]) -> None:
    """Refuse, saying where to rename it, a term or a class of next year that Excel cannot
    use in a sheet name (the schema's rule, the one `check` and the writer apply)."""
    terms = tuple(m.settings.terms)
    for term in terms:
        if fault := schema.term_name_fault(term):
            cell = next((p.where() for p in m.problems if p.code is Code.BAD_SETTING
                         and f"'{term}'" in p.message), "Settings")
            raise NewYearRefused(
                f"{last.name}, {cell}: the term '{term}' cannot end a class-term sheet's name: "
                f"{fault}. Rename it in the Terms setting, e.g. "
                f"'{schema.sheet_safe(term, schema.SHEET_NAME_LONGEST - 2)}', and try again. "
                "Nothing was written.")
    for row in register:
        new = row.get("Class")
        if not new or not (fault := schema.class_name_fault(str(new), terms)):
            continue
        rename = schema.class_rename(str(new), terms)
        said = f"cannot name a sheet: {fault}"
        if roster is not None:
            raise NewYearRefused(
                f"{Path(roster).name}: class '{new}' (pupil {row.get('UPN')}) {said}. Rename "
                f"it in the roster, e.g. '{rename}', and try again. Nothing was written.")
        before = m.pupils.get(row.get("UPN"))
        old = before.class_name if before is not None else None
        if old and old.casefold() in class_map and classes is not None:
            raise NewYearRefused(
                f"{Path(classes).name}, row {class_map[old.casefold()][1]}: New class '{new}' "
                f"{said}. Give it a name like '{rename}' and try again. Nothing was written.")
        where = f"{last.name}, {before.sheet}!{before.at('class')}" if before else last.name
        if old and old != new:
            raise NewYearRefused(
                f"{where}: class '{old}' becomes '{new}' next year, which {said}. Rename "
                f"'{old}' there (e.g. '{schema.class_rename(old, terms)}'), or give next "
                f"year's name with --classes, and try again. Nothing was written.")
        raise NewYearRefused(
            f"{where}: class '{new}' {said}. Rename it, e.g. '{rename}', and try again "
            "(or give next year's name with --classes). Nothing was written.")


# ---------------------------------------------------------------------------------------------
# The year, the classes file


def _new_year_name(last: Path, from_year: str, year: str | None) -> str:
    try:
        before = start_year(from_year) if from_year else None
    except ValueError:
        before = None
    if year is None:
        if before is None:
            raise NewYearRefused(
                f"{last.name}: its Settings give no academic year provmap can read "
                f"('{from_year}'), so say which year to start with --year, e.g. --year 2026-27.")
        return next_year(from_year)
    try:
        start = start_year(year)
    except ValueError as exc:
        raise NewYearRefused(f"--year: {exc}.") from None
    if before is not None and start <= before:
        raise NewYearRefused(
            f"--year {year} is not after {last.name}'s year ({from_year}); next year's "
            f"workbook is for {next_year(from_year)} or later.")
    return year.strip()


def _read_classes(path: Path, m: Map) -> dict[str, tuple[str, int]]:
    """`Old class`,`New class` rows as (new class, row number), by casefolded old class;
    every old class must be one of LAST's (on the register or a class sheet)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    except OSError as exc:
        raise NewYearRefused(f"{path.name} cannot be read ({exc.strerror}). Nothing was "
                             "written.") from None
    rows = list(csv.reader(text.splitlines()))
    head = [schema.normalise_header(h) for h in (rows[0] if rows else [])]
    if "old class" not in head or "new class" not in head:
        raise NewYearRefused(f"{path.name} needs two columns headed 'Old class' and 'New class' "
                             "in its first row. Nothing was written.")
    old_c, new_c = head.index("old class"), head.index("new class")
    known = {c.casefold(): c for c in [*m.classes, *(p.class_name for p in m.pupils.values()
                                                    if p.class_name)]}
    out: dict[str, tuple[str, int]] = {}
    for n, row in enumerate(rows[1:], start=2):
        old = clean_text(row[old_c]) if old_c < len(row) else None
        new = clean_text(row[new_c]) if new_c < len(row) else None
        if old is None and new is None:
            continue
        old = " ".join((old or "").split())
        if old.casefold() not in known:
            raise NewYearRefused(
                f"{path.name}, row {n}: {m.path and Path(m.path).name} has no class "
                f"'{old}'; its classes are {', '.join(sorted(set(known.values())))}. "
                "Nothing was written.")
        if new is None:
            raise NewYearRefused(f"{path.name}, row {n}: 'New class' is blank for '{old}'. "
                                 "Give the class it becomes. Nothing was written.")
        out[old.casefold()] = (" ".join(new.split()), n)
    return out


# ---------------------------------------------------------------------------------------------
# The register


_YEAR_WORD = re.compile(r"\b(year|yr|y)(\s*)(\d{1,2})\b(?!\s*[/&+-]\s*\d)", re.I)
_TWO_YEARS = re.compile(r"\b(year|yr|y)s?\s*\d{1,2}\s*[/&+-]\s*\d{1,2}\b", re.I)
_SHORT = re.compile(r"^(N|R|\d{1,2})([A-Z]{1,3}\d{0,2})$")


def next_class(name: str) -> str:
    """The class a class becomes next year, by the year group in its name.

    `Year 3 Oak` -> `Year 4 Oak`, `Y3 Oak` -> `Y4 Oak`, `Reception Oak` -> `Year 1 Oak`,
    `Nursery Oak` -> `Reception Oak`, and the short forms schools use, `3O` -> `4O`,
    `RO` -> `1O`.  A name without a year group (`Oak Class`), or naming two (`Year 3/4
    Oak`, a mixed-age class), keeps its name.
    """
    name = " ".join(name.split())
    if _TWO_YEARS.search(name):
        return name
    short = _SHORT.match(name)
    if short:
        return moved_up(short.group(1)) + short.group(2)
    if _YEAR_WORD.search(name):
        return _YEAR_WORD.sub(lambda m: f"{m.group(1)}{m.group(2)}{int(m.group(3)) + 1}",
                              name, count=1)
    for word, becomes in (("reception", "Year 1"), ("nursery", "Reception")):
        found = re.search(rf"\b{word}\b", name, re.I)
        if found:
            text = becomes.upper() if found.group(0).isupper() else becomes
            return name[:found.start()] + text + name[found.end():]
    return name


def moved_up(year_group: str) -> str:
    """N -> R -> 1 -> 2 ... (the caller has already let the leaving year group go)."""
    i = _YEARS.index(year_group)
    return _YEARS[min(i + 1, len(_YEARS) - 1)]


def leaves(year_group: str | None, leaving: str) -> bool:
    """True for a pupil in the school's leaving year group (or the last there is)."""
    return year_group is not None and (year_group == leaving or year_group == _YEARS[-1])


def _register_row(p: Pupil) -> dict[str, Any]:
    return {c.name: getattr(p, _PUPIL_ATTR[c.key]) for c in PUPILS.columns}


def _register(m: Map, roster: list[dict[str, Any]] | None,
              class_map: dict[str, tuple[str, int]],
              result: NewYearResult) -> list[dict[str, Any]]:
    """Next year's register rows (keyed by the Pupils sheet's column names), counting who
    stays, who starts and who leaves."""
    last = m.pupils
    out: list[dict[str, Any]] = []
    if roster is None:
        leaving = m.settings.leaving_year_group
        for p in last.values():
            if leaves(p.year_group, leaving):
                result.leavers += 1
                result.leavers_supported += on_register(p.sen_status)
                continue
            row = _register_row(p)
            if p.year_group is not None:
                row["Year group"] = moved_up(p.year_group)
            if p.class_name:
                row["Class"] = class_map.get(p.class_name.casefold(),
                                             (next_class(p.class_name),))[0]
            out.append(row)
            result.carried_pupils += 1
        return out
    for r in roster:
        row = dict(r)
        before = last.get(row["UPN"])
        if before is None:
            result.new_starters += 1
            if row.get("SEN status") is None:
                row["SEN status"] = "N"
        else:
            result.carried_pupils += 1
            kept = _register_row(before)
            off_register = row.get("SEN status") == "N"    # the roster says so: no need kept
            for name in _ROSTER_BLANKS_FROM_LAST:
                if off_register and name in _NEEDS:
                    continue
                if row.get(name) in (None, ""):
                    row[name] = kept[name]
        out.append(row)
    listed = {r["UPN"] for r in roster}
    for p in last.values():
        if p.upn not in listed:
            result.leavers += 1
            result.leavers_supported += on_register(p.sen_status)
    return out


# ---------------------------------------------------------------------------------------------
# Reference sheets and carried rows


def _settings(m: Map) -> dict[str, Any]:
    """Last year's settings as they stand (the year and term dates are the new year's)."""
    s = m.settings
    return {
        "Notional SEN threshold": s.threshold,
        "Impact bands": ", ".join(f"{label} from {bound:g}" for bound, label in s.impact_bands),
        "Suppress counts below": s.suppress_below,
        "Leaving year group": s.leaving_year_group,
        schema.SENCO_SETTING: s.senco,
        **{f"{schema.GLOSSARY_SETTING}: {code}": meaning for code, meaning in s.glossary.items()},
    }


def _record_row(table: schema.Table, record: Any, renamed: dict[str, str]) -> dict[str, Any]:
    """A Staff or Provisions record as a row keyed by column names."""
    return {c.name: getattr(record, renamed.get(c.key, c.key)) for c in table.columns}


def _pupil_rows(records: list, table: schema.Table, on_roll: dict[str, dict[str, Any]]
                ) -> list[dict[str, Any]]:
    """Profiles or Professionals rows of pupils still on roll, named as on the new register
    (with the UPN, so the row links whatever name staff typed last year)."""
    out = []
    for rec in records:
        pupil = on_roll.get(rec.upn or "")
        if pupil is None:
            continue
        row = {c.name: getattr(rec, c.key, None) for c in table.columns
               if c.key not in ("pupil", "upn")}
        row["Pupil"] = f"{pupil['Forename']} {pupil['Surname']}"
        row["UPN"] = pupil["UPN"]
        out.append(row)
    return out


def _from_term(m: Map) -> str | None:
    """Last year's last term with any provision (Summer, unless the year stopped early)."""
    terms = m.terms_with_provision
    return terms[-1] if terms else None


def _carried_rows(m: Map, term: str | None, on_roll: dict[str, dict[str, Any]],
                  result: NewYearResult) -> dict[str, list[dict[str, Any]]]:
    """Continue rows of ``term`` for pupils on roll, by the Autumn sheet of their new class,
    through the carry rule roll-forward uses; the rows left behind counted by reason."""
    if term is None:
        return {}
    first_term = m.settings.terms[0]
    names = {c.key: c.name for c in PROVISION_ROWS.columns}
    by_sheet: dict[str, list[dict[str, Any]]] = {}
    for row in m.provision_rows(term):
        if not is_continued(row.next_step):
            reason = f"marked {row.next_step}" if row.next_step else "with no Next step"
            result.not_carried[reason] += 1
            continue
        pupil = on_roll.get(row.upn or "")
        if pupil is None:
            result.not_carried["for pupils who have left (Continue)"] += 1
            continue
        if not pupil.get("Class"):
            result.not_carried["for pupils with no class (Continue)"] += 1
            continue
        provision = m.provision(row.provision)
        post: Any = row.post
        if post is not None and provision is not None and provision.measure_kind == "months":
            post = format_age(post)                     # a reading age reads as 7y 2m
        values = {"pupil": f"{pupil['Forename']} {pupil['Surname']}", "upn": pupil["UPN"],
                  "provision": row.provision, "type": row.type,
                  "area_of_need": row.area_of_need, "delivered_by": row.delivered_by,
                  "sessions_per_week": row.sessions_per_week,
                  "minutes_per_session": row.minutes_per_session, "weeks": row.weeks,
                  "group": row.group, "group_size": row.group_size, "target": row.target,
                  "post": post}
        sheet = f"{pupil['Class']} {first_term}"
        by_sheet.setdefault(sheet, []).append({names[k]: v for k, v in carry(values).items()})
        result.rows_carried += 1
    return by_sheet
