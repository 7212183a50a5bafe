"""The SENCo's one command at the end of each term.

    python scripts/termly_rollup.py "Provision map 2025-26.xlsx" --term Spring --out Rollup

Checks the workbook, rolls up the term and the year so far, and writes the SENCo rollup
workbook, the governors' report, every K/E pupil's POP and a plan for each intervention
group (in `Group plans/<class>/`), then prints a short summary.
Errors in the workbook are listed and the rows they affect left out; the run only stops if
nothing at all can be worked out.  Exit codes: 0 done, 1 nothing could be computed or an
output could not be written, 2 the file (or the term) cannot be used at all.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from provmap import termly  # noqa: E402
from provmap.problems import UnreadableWorkbook  # noqa: E402
from provmap.progress import Progress  # noqa: E402

SHOW_ERRORS = 15


class _Printer:
    """Says each stage as it starts; the POPs and group plans get the usual progress bar
    on stderr."""

    def __init__(self) -> None:
        self.bars: dict[str, Progress] = {}

    def __call__(self, step: termly.Step) -> None:
        if step.what == termly.READING:
            return
        if step.done == 0 and step.total == 0:
            print("Checking ..." if step.what == termly.CHECKING
                  else f"Writing the {step.what} ...", flush=True)
        elif step.what in (termly.POPS, termly.GROUPS) and step.done:
            bar = self.bars.get(step.what)
            if bar is None:
                bar = self.bars[step.what] = Progress(step.total, f"Writing {step.what}", True)
            bar.add(step.done - bar.done)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="End-of-term rollup: check, SENCo workbook, governors' report, POPs, "
                    "group plans.")
    parser.add_argument("workbook", type=Path, metavar="WORKBOOK")
    parser.add_argument("--term", help="the term to roll up (default: the latest with "
                        "any provision)")
    parser.add_argument("--out", type=Path, help="folder for the outputs (default: "
                        "'<term> rollup' beside the workbook)")
    parser.add_argument("--today", type=date.fromisoformat, help=argparse.SUPPRESS)
    parser.add_argument("--no-pops", action="store_true", help="skip the POPs")
    parser.add_argument("--no-groups", action="store_true", help="skip the group plans")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    say = _Printer()

    try:
        result = termly.prepare(args.workbook, args.term, today=args.today, progress=say)
    except UnreadableWorkbook as exc:
        print(f"termly_rollup: {exc}", file=sys.stderr)
        return 2
    except termly.TermRefused as exc:
        print(f"termly_rollup: {args.workbook}: {exc}", file=sys.stderr)
        return 2
    f = result.figures
    if result.workbook_open is not None:
        print(f"termly_rollup: warning: {result.workbook_open.message} "
              f"({result.workbook_open.hint})", file=sys.stderr)

    errors = result.errors
    if errors:
        print(f"\n{len(errors)} error{'s' if len(errors) != 1 else ''} in the workbook "
              "(the rows they affect are left out of the numbers):")
        for p in errors[:SHOW_ERRORS]:
            print(f"  {p.where()}: {p.message}" + (f" ({p.hint})" if p.hint else ""))
        if len(errors) > SHOW_ERRORS:
            print(f"  ... and {len(errors) - SHOW_ERRORS} more: see the Issues sheet.")
    if not result.computable:
        print(f"\nNothing can be worked out for {f.term}: no provision row can be "
              f"used. Fix the errors above and run again.", file=sys.stderr)
        return 1

    out = args.out or termly.default_out(args.workbook, f.term)
    termly.write_outputs(result, out, pops=not args.no_pops, groups=not args.no_groups,
                         progress=say)
    for what, reason in result.failed:
        print(f"termly_rollup: could not write the {what}: {reason}", file=sys.stderr)

    lines = f.lines()
    print(f"\n{lines[0]}")
    for line in lines[1:]:
        print(line)
    for p in (result.senco, result.governors):
        if p:
            print(f"  Wrote {p}")
    if result.pops:
        n = len(result.pops)
        print(f"  Wrote {n} POP{'s' if n != 1 else ''} under {out}")
    if result.group_plans:
        n = len(result.group_plans)
        print(f"  Wrote {n} group plan{'s' if n != 1 else ''} under "
              f"{Path(out) / termly.GROUPS_FOLDER}")
    print(f"  Done in {time.perf_counter() - started:.1f} s.")
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
