"""The SENCo's termly job as one library call: check, roll up, write everything.

    result = run_termly("Provision map 2025-26.xlsx", term=None, out="Spring rollup")

``scripts/termly_rollup.py`` and the page of ``provmap serve`` are both thin shells over
this module, so the figures a SENCo reads in the terminal and in the browser are the same
data (:class:`Figures`, taken from ``Rollup.summary``), never worked out twice.

The job in two halves, so a caller can show the problems before the (slower) writing:
:func:`prepare` reads, checks and rolls up; :func:`write_outputs` writes the SENCo rollup,
the governors' report and the POPs.  An output that cannot be written is one line in
``TermlyResult.failed`` and the others are still written.  Progress is reported as
:class:`Step` values to an optional callback (the script prints them, the page shows a bar).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from .checks import run_checks as check
from .read.workbook import load
from .numbers.rollup import FLAG_KINDS, Rollup, rollup
from .problems import Code, Problem
from .values import format_money, plural
from .write.names import file_name, inside

READING = "Reading the workbook"
CHECKING = "Checking"
SENCO, GOVERNORS, POPS = "SENCo rollup", "governors' report", "POPs"
GROUPS = "group plans"
GROUPS_FOLDER = "Group plans"      # beside the POPs' class folders: Group plans/<class>/


@dataclass(frozen=True)
class Step:
    """Where the job is: a stage in the school's words, and for POPs and group plans how
    many of how many.

    ``Step(what)`` (done and total 0) marks the start of a stage; for the POPs (and the
    group plans) there follow steps with ``done`` and ``total`` as they are written."""

    what: str
    done: int = 0
    total: int = 0


Callback = Callable[[Step], None]


class TermRefused(ValueError):
    """The term asked for is not one of the workbook's terms (the message says which are)."""


@dataclass(frozen=True)
class Figures:
    """The headline figures of the term, as the termly script prints them."""

    school: str
    academic_year: str
    term: str
    terms: list[str]                      # the year so far
    pupils_with_provision: int
    by_status: dict[str, int]             # K (SEN support), E (EHC plan), N (no SEN)
    cost_term: float
    cost_year: float
    flags: int
    flags_by_kind: list[tuple[str, int]]  # the kinds with any flag, in FLAG_KINDS order
    errors: int
    warnings: int
    infos: int
    rows_used: int
    rows_excluded: int

    @classmethod
    def of(cls, r: Rollup) -> "Figures":
        s = r.summary
        return cls(
            school=s["school"], academic_year=s["academic_year"], term=r.term,
            terms=list(r.terms), pupils_with_provision=s["pupils_with_provision"],
            by_status=dict(s["pupils_with_provision_by_status"]), cost_term=s["cost_term"],
            cost_year=s["cost_year"], flags=s["flags"],
            flags_by_kind=[(k, s["flags_by_kind"][k]) for k in FLAG_KINDS
                           if s["flags_by_kind"].get(k)],
            errors=s["errors"], warnings=s["warnings"], infos=s["infos"],
            rows_used=s["rows_used"], rows_excluded=s["rows_excluded"])

    def lines(self) -> list[str]:
        """The summary as the termly script prints it (title line, then indented lines)."""
        by = self.by_status
        kinds = "; ".join(f"{k}: {n}" for k, n in self.flags_by_kind)
        return [
            f"{self.school}, {self.term} {self.academic_year} "
            f"(year so far: {', '.join(self.terms)})",
            f"  Pupils with provision: {self.pupils_with_provision} "
            f"(SEN support {by['K']}, EHC plan {by['E']}, no SEN {by['N']})",
            f"  Cost this term: {format_money(self.cost_term)}; year to date: "
            f"{format_money(self.cost_year)}",
            f"  Flags: {self.flags}" + (f" ({kinds})" if kinds else ""),
            f"  Problems: {plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}; "
            f"rows left out: {self.rows_excluded}",
        ]


@dataclass
class TermlyResult:
    """What one termly run found and wrote."""

    problems: list[Problem]               # provmap.check's, in sheet then row order
    rollup: Rollup
    figures: Figures
    out: Path | None = None
    senco: Path | None = None
    governors: Path | None = None
    pops: list[Path] = field(default_factory=list)
    group_plans: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)   # (output, reason)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def workbook_open(self) -> Problem | None:
        """The warning that the workbook is open in Excel now (its lock file is beside it),
        so what was read may miss unsaved changes; None when it is not."""
        return next((p for p in self.problems if p.code is Code.WORKBOOK_OPEN), None)

    @property
    def computable(self) -> bool:
        """False when no provision row can be used, so there is nothing to write."""
        return self.figures.rows_used > 0

    @property
    def written(self) -> list[Path]:
        return [p for p in (self.senco, self.governors) if p] + self.pops + self.group_plans


def _tell(progress: Callback | None, step: Step) -> None:
    if progress is not None:
        progress(step)


def prepare(path: Path | str, term: str | None = None, *, today: date | None = None,
            progress: Callback | None = None) -> TermlyResult:
    """Read, check and roll up ``term`` (default: the latest with any provision).

    Raises :class:`~provmap.problems.UnreadableWorkbook` for a file that cannot be used and
    :class:`TermRefused` for a term the workbook does not have."""
    _tell(progress, Step(READING))
    m = load(Path(path))
    _tell(progress, Step(CHECKING))
    problems = check(m, today=today)
    try:
        r = rollup(m, term=term, problems=problems, today=today)
    except ValueError as exc:
        raise TermRefused(str(exc)) from None
    return TermlyResult(problems=problems, rollup=r, figures=Figures.of(r))


def default_out(path: Path | str, term: str) -> Path:
    """'<term> rollup' beside the workbook: where the outputs go unless told otherwise (the
    term is the workbook's own text, so it goes through the one file-name function)."""
    return inside(Path(path).resolve().parent, file_name(term, suffix=" rollup"))


def write_outputs(result: TermlyResult, out: Path | str, *, pops: bool = True,
                  groups: bool = True, progress: Callback | None = None) -> TermlyResult:
    """Write the SENCo rollup, the governors' report, (unless ``pops`` is False) every
    K/E pupil's POP, and (unless ``groups`` is False) a plan for each intervention group
    of the term in `Group plans/<class>/`, into ``out``.  One that fails is recorded in
    ``result.failed`` and the others are still written; nothing is written when nothing
    can be computed.  A term without intervention groups has no plans (not a failure)."""
    from .reports.governors import write_governors
    from .reports.groups import NoGroups, write_group_plans
    from .reports.pop import write_pops
    from .reports.senco import write_senco

    result.out = Path(out)
    if not result.computable:
        return result
    r = result.rollup

    def pops_writer(rr: Rollup, folder: Path) -> list[Path]:
        return write_pops(rr, folder, progress=lambda done, total: _tell(
            progress, Step(POPS, done, total)))

    def groups_writer(rr: Rollup, folder: Path) -> list[Path]:
        try:
            return write_group_plans(rr, folder, folder=GROUPS_FOLDER,
                                     progress=lambda done, total: _tell(
                                         progress, Step(GROUPS, done, total))).paths
        except NoGroups:
            return []

    steps: list[tuple[str, Callable, str]] = [(SENCO, write_senco, "senco"),
                                              (GOVERNORS, write_governors, "governors")]
    if pops:
        steps.append((POPS, pops_writer, "pops"))
    if groups:
        steps.append((GROUPS, groups_writer, "group_plans"))
    for what, writer, attr in steps:
        _tell(progress, Step(what))
        try:
            setattr(result, attr, writer(r, result.out))
        except Exception as exc:     # noqa: BLE001 - one line for the SENCo, and carry on
            result.failed.append((what, str(exc)))
    return result


def run_termly(path: Path | str, term: str | None = None, out: Path | str | None = None, *,
               pops: bool = True, groups: bool = True, today: date | None = None,
               progress: Callback | None = None) -> TermlyResult:
    """The whole termly job: :func:`prepare`, then :func:`write_outputs` into ``out``
    (default: '<term> rollup' beside the workbook)."""
    result = prepare(path, term, today=today, progress=progress)
    target = Path(out) if out is not None else default_out(path, result.figures.term)
    return write_outputs(result, target, pops=pops, groups=groups, progress=progress)

