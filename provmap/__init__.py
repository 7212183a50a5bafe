"""provmap: read, check and roll up a school's SEN provision map.

    import provmap
    m = provmap.load("Provision map 2025-26.xlsx")
    problems = provmap.check(m)
"""

from .problems import Code, Problem, Severity, UnreadableWorkbook
from .read.workbook import load

__all__ = ["load", "check", "rollup", "history", "trust", "import_table", "group_plans", "Code",
           "Problem", "Severity", "UnreadableWorkbook"]
__version__ = "0.1.0"


def check(m, today=None):
    """Every problem in the map: reading problems plus the checks, in sheet then row order."""
    from .checks import run_checks
    return run_checks(m, today=today)


def rollup(m, term=None, problems=None, today=None):
    """The termly rollup (see provmap.numbers.rollup)."""
    from .numbers.rollup import rollup as _rollup
    return _rollup(m, term=term, problems=problems, today=today)


def history(paths, today=None):
    """Several years' workbooks of one school, each read, checked and rolled up as if alone,
    joined by UPN (see provmap.numbers.history)."""
    from .numbers.history import history as _history
    return _history(paths, today=today)


def trust(paths, term=None, name="Trust", workers=None):
    """Several schools' workbooks side by side and pooled: the trust report's tables
    (see provmap.numbers.trust)."""
    from .numbers.trust import trust as _trust
    return _trust(paths, term=term, name=name, workers=workers)


def import_table(source, out, pupils=None, *, school=None, year=None, sheet=None, mapping=None,
                 today=None):
    """A provision map kept as one long table (.xlsx, .xlsm, .csv) written into a standard
    workbook OUT, with the register from ``pupils`` (an MIS roster); see
    provmap.workbook.fromtable and docs/import.md.  Returns an ImportResult (its ``lines()``
    are what `provmap import` prints); raises ImportRefused when nothing could be written."""
    from .workbook.fromtable import import_table as _import
    return _import(source, out, pupils, school=school, year=year, sheet=sheet,
                   mapping=mapping, today=today)


def group_plans(r, out, *, class_name=None, provision=None, pdf=False, progress=False):
    """A Group Intervention Plan for each intervention group of the rollup ``r``'s term,
    written under ``out`` (`Group plans <year> <term>/<class>/`); see provmap.reports.groups
    and docs/groups.md.  Returns a PlansWritten (the plans, their paths, rows left out);
    raises NoGroups when the term has no group and GroupsRefused for a class or provision
    with none (both ValueErrors, the message listing what exists)."""
    from .reports.groups import write_group_plans
    return write_group_plans(r, out, class_name=class_name, provision=provision, pdf=pdf,
                             progress=progress)
