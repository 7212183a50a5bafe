"""The command line: a thin shell over the library.

It parses arguments, calls provmap's functions, prints in plain English and maps results to
exit codes: 0 fine, 1 the workbook has errors, 2 the file cannot be used at all (or a
command was refused).  Nothing a user can cause ends in a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from .problems import Problem, Severity, UnreadableWorkbook
from .values import plural
from .words import match_key, tidy_upn

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_UNUSABLE
    try:
        return args.run(args)
    except UnreadableWorkbook as exc:
        print(f"provmap: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("provmap: stopped.", file=sys.stderr)
        return 130
    except _Refused as exc:
        print(f"provmap: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:                    # `provmap check ... | head`: the reader left
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:                     # a folder we cannot write, a full disk
        print(f"provmap: could not write {exc.filename or 'the output'}: {exc.strerror}. "
              "Check the folder exists and you may write to it.", file=sys.stderr)
        return EXIT_UNUSABLE


class _Refused(Exception):
    """A command that could not do what was asked, with the reason for the user."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="provmap",
        description="Read, check and roll up a school's SEN provision map (an Excel workbook).")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="list every problem in the workbook, by sheet and cell")
    c.add_argument("workbook", type=Path)
    c.add_argument("--json", action="store_true", help="print the problems as JSON")
    c.set_defaults(run=cmd_check)

    n = sub.add_parser("new", help="write a blank standard workbook for a new year")
    n.add_argument("out", type=Path, metavar="OUT.xlsx")
    n.add_argument("--school", required=True)
    n.add_argument("--year", required=True, help="academic year, e.g. 2025-26")
    n.add_argument("--pupils", type=Path, metavar="ROSTER",
                   help="CSV or .xlsx pupil list exported from the school's MIS")
    n.set_defaults(run=cmd_new)

    im = sub.add_parser("import", help="bring in a provision map kept as one long table (a "
                        "row per pupil per provision) as a standard workbook")
    im.add_argument("source", type=Path, metavar="SOURCE",
                    help="the table: .xlsx, .xlsm or .csv")
    im.add_argument("out", type=Path, metavar="OUT.xlsx")
    im.add_argument("--pupils", type=Path, metavar="ROSTER",
                    help="the register: a CSV or .xlsx pupil list exported from the MIS "
                         "(without it, the register is made from the table's own pupil, UPN "
                         "and class columns)")
    im.add_argument("--school", help="the school's name (default: SOURCE's file name)")
    im.add_argument("--year", help="academic year, e.g. 2025-26 (default: from the table's "
                    "terms or dates)")
    im.add_argument("--sheet", help="the sheet holding the table (default: the first whose "
                    "header row names a pupil and a provision)")
    im.add_argument("--mapping", type=Path, metavar="MAP.csv",
                    help="a CSV with columns 'Heading' and 'Means' naming headings provmap "
                         "does not know (docs/import.md)")
    im.set_defaults(run=cmd_import)

    r = sub.add_parser("rollup", help="write the SENCo rollup and the governors' report")
    r.add_argument("workbook", type=Path)
    r.add_argument("--term", help="default: the latest term with any provision")
    r.add_argument("--out", type=Path, default=Path("."), help="output folder (default: here)")
    r.set_defaults(run=cmd_rollup)

    g = sub.add_parser("governors", help="write only the governors' report")
    g.add_argument("workbook", type=Path)
    g.add_argument("--term")
    g.add_argument("--out", type=Path, default=Path("."))
    g.set_defaults(run=cmd_governors)

    pp = sub.add_parser("pop", help="write a POP (Pupil Overview of Provision) per pupil")
    pp.add_argument("workbook", type=Path)
    pp.add_argument("--pupil", action="append", metavar="UPN", default=[],
                    help="only this pupil (repeatable); default: every K and E pupil")
    pp.add_argument("--class", dest="class_name", metavar="CLASS")
    pp.add_argument("--term")
    pp.add_argument("--out", type=Path, default=Path("POPs"))
    pp.add_argument("--no-costs", action="store_true", help="leave the SENCo's costing out")
    pp.add_argument("--pdf", action="store_true", help="also make a PDF of each POP")
    pp.set_defaults(run=cmd_pop)

    gr = sub.add_parser("groups", help="write a Group Intervention Plan for each intervention "
                        "group of the term, for the adult who runs it")
    gr.add_argument("workbook", type=Path)
    gr.add_argument("--term", help="default: the latest term with any provision")
    gr.add_argument("--class", dest="class_name", metavar="CLASS",
                    help="only the groups with a pupil of this class")
    gr.add_argument("--provision", metavar="NAME", help="only the groups of this provision")
    gr.add_argument("--out", type=Path, default=Path("."),
                    help="the plans go in OUT/Group plans <year> <term>/<class>/ (default: here)")
    gr.add_argument("--pdf", action="store_true", help="also make a PDF of each plan")
    gr.set_defaults(run=cmd_groups)

    f = sub.add_parser("roll-forward", help="add next term's class-term sheets (keeps a backup)")
    f.add_argument("workbook", type=Path)
    f.add_argument("--to", required=True, metavar="TERM", dest="to_term")
    f.set_defaults(run=cmd_roll_forward)

    y = sub.add_parser("new-year", help="start next year's workbook from this year's")
    y.add_argument("last", type=Path, metavar="LAST.xlsx")
    y.add_argument("out", type=Path, metavar="OUT.xlsx")
    y.add_argument("--year", help="academic year, e.g. 2026-27 (default: the year after LAST's)")
    y.add_argument("--pupils", type=Path, metavar="ROSTER",
                   help="next year's pupil list from the MIS (CSV or .xlsx): who is on roll")
    y.add_argument("--classes", type=Path, metavar="CLASSES.csv",
                   help="'Old class','New class' rows, where a class is not simply a year up")
    y.set_defaults(run=cmd_new_year)

    ev = sub.add_parser("evidence", help="an SEN support evidence pack per pupil, from several "
                        "years' workbooks")
    ev.add_argument("maps", nargs="+", type=Path, metavar="MAP",
                    help="one workbook per academic year of the school, in any order")
    who = ev.add_mutually_exclusive_group(required=True)
    who.add_argument("--pupil", nargs="+", action="extend", metavar="UPN", default=None)
    who.add_argument("--all", action="store_true", help="every K and E pupil of the latest year")
    ev.add_argument("--out", type=Path, default=Path("Evidence"))
    ev.add_argument("--pdf", action="store_true", help="also make a PDF of each pack")
    ev.set_defaults(run=cmd_evidence)

    tr = sub.add_parser("transition", help="a transition pack per leaver for their next school")
    tr.add_argument("maps", nargs="+", type=Path, metavar="MAP",
                    help="one workbook per academic year of the school, in any order")
    tr.add_argument("--out", type=Path, default=Path("."),
                    help="the packs go in OUT/Transition <year>/ (default: here)")
    tr.add_argument("--pdf", action="store_true", help="also make a PDF of each pack")
    tr.add_argument("--costs", action="store_true", help="include what provision cost")
    tr.set_defaults(run=cmd_transition)

    t = sub.add_parser("trust", help="write the trust report: several schools' maps together")
    t.add_argument("maps", type=Path, nargs="+", metavar="MAP",
                   help="the schools' workbooks, or a folder of them")
    t.add_argument("--term", help="default: the latest term with provision in any school")
    t.add_argument("--out", type=Path, default=Path("."), help="output folder (default: here)")
    t.add_argument("--name", default="Trust", help="the trust's name on the report")
    t.set_defaults(run=cmd_trust)

    sv = sub.add_parser("serve", help="the SENCo's page: check the workbook and download "
                        "everything in a web browser, on this computer only")
    sv.add_argument("--port", type=int,
                    help="default 8765 (or the next free port); 0 for any free port")
    sv.add_argument("--no-browser", action="store_true",
                    help="only print the address; do not open the browser")
    sv.set_defaults(run=cmd_serve)
    return p


# -- check ----------------------------------------------------------------------------------


def _load(path: Path):
    """Load the workbook, saying so first when it is big enough to take a while."""
    from .read.workbook import load

    if path.is_file() and path.stat().st_size > 4_000_000:
        print(f"Reading {path.name} ({path.stat().st_size / 1e6:.0f} MB) ...", file=sys.stderr)
    return load(path)


def cmd_check(args) -> int:
    from .checks import run_checks as check

    m = _load(args.workbook)
    problems = check(m)
    if args.json:
        json.dump([p.to_json() for p in problems], sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        print(format_report(str(args.workbook), problems))
    return EXIT_ERRORS if any(p.is_error for p in problems) else EXIT_OK


def summary_line(problems: list[Problem]) -> str:
    counts = {s: sum(1 for p in problems if p.severity is s) for s in Severity}

    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"
    return (f"{n(counts[Severity.ERROR], 'error')}, {n(counts[Severity.WARNING], 'warning')}, "
            f"{counts[Severity.INFO]} for information")


def format_report(path: str, problems: list[Problem]) -> str:
    """Problems grouped by sheet, each with its cell, message and hint."""
    lines = [f"Checked {path}"]
    if not problems:
        lines.append("No problems found.")
    current = object()
    for p in problems:
        if p.sheet != current:
            current = p.sheet
            lines.append("")
            lines.append(f"{p.sheet}" if p.sheet else "Whole workbook")
        where = p.cell or "-"
        lines.append(f"  {str(p.severity).upper():7} {where:>6}  {p.message}")
        if p.hint:
            lines.append(f"  {'':7} {'':>6}  ({p.hint})")
    lines.append("")
    lines.append(summary_line(problems))
    return "\n".join(lines)


# -- other commands -------------------------------------------------------------------------


def cmd_new(args) -> int:
    from .read.roster import load_roster
    from .workbook.standard import SheetNameRefused, WorkbookData, new_workbook

    if args.out.exists():
        raise _Refused(f"{args.out} already exists; provmap will not overwrite a workbook. "
                       "Choose another name or move the old file.")
    try:
        data = None
        if args.pupils is not None:
            roster = load_roster(args.pupils)
            print("\n".join(roster.lines()))
            data = WorkbookData(pupils=roster.rows)
        path = new_workbook(args.out, args.school, args.year, data=data)
    except SheetNameRefused as exc:            # a class from the roster Excel cannot name
        raise _Refused(str(exc.located(args.pupils.name, data.pupils) if data else exc)) \
            from None
    except (OSError, ValueError) as exc:
        raise _Refused(str(exc)) from None
    print(f"Wrote {path}")
    return EXIT_OK


def cmd_import(args) -> int:
    """Exit 0 when every row was placed, 1 when some were not (they are on OUT's 'Not
    imported' sheet), 2 when nothing was written."""
    from .workbook.fromtable import ImportRefused, import_table

    try:
        result = import_table(args.source, args.out, args.pupils, school=args.school,
                              year=args.year, sheet=args.sheet, mapping=args.mapping)
    except ImportRefused as exc:
        raise _Refused(str(exc)) from None
    print("\n".join(result.lines()))
    return result.exit_code


def _load_and_rollup(args):
    from .checks import run_checks as check
    from .numbers.rollup import rollup

    m = _load(args.workbook)
    problems = check(m)
    try:
        result = rollup(m, term=args.term, problems=problems)
    except ValueError as exc:
        raise _Refused(str(exc)) from None
    return m, problems, result


def _print_errors(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.is_error]
    if errors:
        print(f"The workbook has {len(errors)} error{'s' if len(errors) != 1 else ''}; the rows "
              "they affect are left out of the numbers (see the Issues sheet, or run "
              "`provmap check`).", file=sys.stderr)


def cmd_rollup(args) -> int:
    return _write_reports(args, senco=True)


def cmd_governors(args) -> int:
    return _write_reports(args, senco=False)


def _write_reports(args, senco: bool) -> int:
    """The SENCo rollup (unless only the governors' report is asked for), then the report."""
    from .numbers.disclosure import DisclosureError
    from .reports.governors import write_governors
    from .reports.senco import write_senco

    _, problems, result = _load_and_rollup(args)
    _print_errors(problems)
    if senco:
        print(f"Wrote {write_senco(result, args.out)}")
    try:
        print(f"Wrote {write_governors(result, args.out)}")
    except DisclosureError as exc:
        raise _Refused(f"the governors' report was not written: {exc}") from None
    return EXIT_OK


def cmd_pop(args) -> int:
    from .reports import pop

    m, problems, result = _load_and_rollup(args)
    _print_errors(problems)
    unknown = [u for u in args.pupil if tidy_upn(u) not in m.pupils]
    if unknown:
        raise _Refused(unknown_upns(unknown, f"is on the Pupils sheet of {args.workbook}"))
    if args.class_name and not args.pupil:
        wanted = match_key(args.class_name)
        if wanted not in {c.casefold() for c in m.classes}:
            raise _Refused(f"there is no class '{args.class_name}' in {args.workbook}; its "
                           f"classes are {', '.join(m.classes)}.")
    try:
        paths = pop.write_pops(result, args.out,
                               upns=[tidy_upn(u) for u in args.pupil] or None,
                               class_name=args.class_name, costs=not args.no_costs,
                               pdf=args.pdf, progress=True)
    except (pop.PdfUnavailable, RuntimeError) as exc:      # no LibreOffice, or it failed
        raise _Refused(str(exc)) from None
    if not paths:
        print("No POPs were written: there are no K or E pupils on the register"
              + (f" in class {args.class_name}" if args.class_name else "") + ".")
        return EXIT_OK
    pops = [p for p in paths if p.suffix == ".xlsx"]       # a POP per pupil; PDFs beside
    pdfs = len(paths) - len(pops)
    print(f"Wrote {plural(len(pops), 'POP')}" + (f" and {plural(pdfs, 'PDF')}" if pdfs else "")
          + f" to {args.out}")
    return EXIT_OK


def cmd_groups(args) -> int:
    """Exit 0 when the plans were written, 1 when the term has no intervention group, 2 for
    a class or provision with no group (the message lists those that have)."""
    from .reports import groups

    _, problems, result = _load_and_rollup(args)
    _print_errors(problems)
    try:
        written = groups.write_group_plans(result, args.out, class_name=args.class_name,
                                           provision=args.provision, pdf=args.pdf,
                                           progress=True)
    except groups.NoGroups as exc:
        print(f"provmap: {args.workbook}: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    except groups.GroupsRefused as exc:
        raise _Refused(f"{exc} Nothing was written.") from None
    except (groups.PdfUnavailable, RuntimeError) as exc:   # no LibreOffice, or it failed
        raise _Refused(str(exc)) from None
    for line in written.left_out:
        print(f"provmap: left out of the plan for {line}: the rows have errors (run "
              "`provmap check`)", file=sys.stderr)
    for line in written.without_usable_rows:
        print(f"provmap: no plan for {line}: every row of the group has an error (run "
              "`provmap check`)", file=sys.stderr)
    n = len(written.paths)
    print(f"Wrote {plural(n, 'group plan')}"
          + (f" and {plural(len(written.pdfs), 'PDF')}" if written.pdfs else "")
          + f" to {written.folder}")
    return EXIT_OK


def cmd_roll_forward(args) -> int:
    from .workbook.rollforward import RollForwardRefused, roll_forward

    try:
        result = roll_forward(args.workbook, args.to_term)
    except RollForwardRefused as exc:
        raise _Refused(str(exc)) from None
    print(result.summary())
    return EXIT_OK


def cmd_new_year(args) -> int:
    from .workbook.newyear import NewYearRefused, new_year

    try:
        result = new_year(args.last, args.out, year=args.year, roster=args.pupils,
                          classes=args.classes)
    except NewYearRefused as exc:
        raise _Refused(str(exc)) from None
    if result.errors_in_last:
        print(format_report(str(args.last), result.errors_in_last), file=sys.stderr)
        n = len(result.errors_in_last)
        print(f"Warning: {args.last.name} has {n} error{'s' if n != 1 else ''} (listed above); "
              "the new year was made from what could be read. Rows with an error may be "
              "carried incompletely.", file=sys.stderr)
    print(result.summary())
    return EXIT_OK

def _history(maps: list[Path]):
    """Every year's workbook rolled up as alone; skipped workbooks and rows left out are
    said, one line each."""
    from .numbers.history import HistoryRefused, history

    try:
        hist = history(maps)
    except HistoryRefused as exc:
        raise _Refused(str(exc)) from None
    for line in hist.skipped:
        print(f"provmap: skipped {line}", file=sys.stderr)
    for y in hist.years:
        n = y.rows_excluded
        print(f"{y.academic_year} ({y.path.name}): "
              + (f"{n} provision row{'s' if n != 1 else ''} with errors left out of the "
                 "numbers (run `provmap check` on it)" if n else "no rows left out"))
    return hist


def _packs(args, write) -> int:
    """Run a pack writer; exit 1 when anything asked for was skipped, else 0."""
    from .write.pdf import PdfUnavailable

    hist = _history(args.maps)
    said: list[str] = []

    def say(line: str) -> None:
        said.append(line)
        print(f"provmap: {line}", file=sys.stderr)
    try:
        paths = write(hist, say)
    except (PdfUnavailable, RuntimeError) as exc:      # no LibreOffice, or it failed
        raise _Refused(str(exc)) from None
    books = [p for p in paths if p.suffix == ".xlsx"]
    where = books[0].parent if books else args.out
    if not books:
        print("No packs were written" + (": the latest year has no K or E pupils."
                                         if getattr(args, "all", False) and not said else "."))
        return EXIT_ERRORS if hist.skipped or said else EXIT_OK
    print(f"Wrote {len(books)} pack{'s' if len(books) != 1 else ''}"
          + (f" and {len(paths) - len(books)} PDF{'s' if len(paths) - len(books) != 1 else ''}"
             if len(paths) > len(books) else "")
          + f" to {where}")
    return EXIT_ERRORS if hist.skipped or (said and args.command == "evidence") else EXIT_OK


def unknown_upns(upns: list[str], where: str) -> str:
    """The one rule for a UPN given on the command line that matches no pupil (`pop`,
    `evidence`): a mistake in the command, so nothing is written and the exit is 2, like any
    refusal; every such UPN is named at once."""
    return (f"no pupil with UPN {', '.join(upns)} {where}; nothing was written. Check the "
            f"UPN{'s' if len(upns) != 1 else ''} and run the command again.")


def cmd_evidence(args) -> int:
    from .reports.evidence import write_evidence

    def write(hist, say):
        unknown = [u for u in (args.pupil or []) if hist.find_upn(u) is None]
        if unknown:
            years = ", ".join(y.academic_year for y in hist.years)
            raise _Refused(unknown_upns(unknown, f"is on the register of any workbook given "
                                                 f"({years})"))
        return write_evidence(hist, args.out, None if args.all else args.pupil, pdf=args.pdf,
                              say=say)
    return _packs(args, write)


def cmd_transition(args) -> int:
    from .reports.transition import write_transitions

    return _packs(args, lambda hist, say: write_transitions(
        hist, args.out, costs=args.costs, pdf=args.pdf, say=say))


def cmd_trust(args) -> int:
    from .numbers.disclosure import DisclosureError
    from .numbers.trust import TrustRefused, trust
    from .reports.trust import write_trust

    try:
        report = trust(args.maps, term=args.term, name=" ".join(args.name.split()) or "Trust")
        path = write_trust(report, args.out)
    except TrustRefused as exc:
        raise _Refused(f"the trust report was not written: {exc}") from None
    except DisclosureError as exc:
        raise _Refused(str(exc)) from None
    for _, line in report.not_included.iterrows():
        print(f"Not included: {line['File']}: {line['Reason']}", file=sys.stderr)
    for _, line in report.left_out.iterrows():
        print(f"{line['School']}: {plural(int(line['Rows left out this term']), 'row')} of "
              f"{report.term} "
              f"left out because of errors (run `provmap check {line['File']}`)",
              file=sys.stderr)
    print(f"Wrote {path}")
    return EXIT_OK


def cmd_serve(args) -> int:
    try:
        import flask  # noqa: F401
    except ModuleNotFoundError:
        raise _Refused("provmap serve needs Flask, which is not installed; install it with "
                       "pip install 'provmap[web]' and run provmap serve again.") from None
    from .web.server import PortBusy, serve

    if args.port is not None and not 0 <= args.port <= 65535:
        raise _Refused(f"--port {args.port} is not a port; use a number from 1024 to 65535, "
                       "or 0 for any free port.")
    try:
        return serve(args.port, open_browser=not args.no_browser)
    except PortBusy as exc:
        raise _Refused(str(exc)) from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
