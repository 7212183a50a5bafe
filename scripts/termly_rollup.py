"""The SENCo's one command at the end of each term.

    python scripts/termly_rollup.py "Provision map 2025-26.xlsx" --term Spring --out Rollup

Checks the workbook, rolls up the term and the year so far, and writes the SENCo rollup
workbook, the governors' report and every K/E pupil's POP, then prints a short summary.
Errors in the workbook are listed and the rows they affect left out; the run only stops if
nothing at all can be worked out.  Exit codes: 0 done, 1 nothing could be computed or an
output could not be written, 2 the file (or the term) cannot be used at all.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import time
from datetime import date
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from provmap import check, load  # noqa: E402
from provmap.numbers import FLAG_KINDS, rollup  # noqa: E402
from provmap.problems import UnreadableWorkbook  # noqa: E402
from provmap.write.senco import write_senco  # noqa: E402

SHOW_ERRORS = 15


def _optional_writer(module: str, function: str) -> Callable | None:
    """A writer other engineers provide, if their module is there."""
    if importlib.util.find_spec(module) is None:
        return None
    return getattr(importlib.import_module(module), function, None)


def _money(v: float) -> str:
    return f"£{v:,.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="End-of-term rollup: check, SENCo workbook, governors' report, POPs.")
    parser.add_argument("workbook", type=Path, metavar="WORKBOOK")
    parser.add_argument("--term", help="the term to roll up (default: the latest with "
                        "any provision)")
    parser.add_argument("--out", type=Path, help="folder for the outputs (default: "
                        "'<term> rollup' beside the workbook)")
    parser.add_argument("--today", type=date.fromisoformat, help=argparse.SUPPRESS)
    parser.add_argument("--no-pops", action="store_true", help="skip the POPs")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    try:
        m = load(args.workbook)
    except UnreadableWorkbook as exc:
        print(f"termly_rollup: {exc}", file=sys.stderr)
        return 2

    print("Checking ...", flush=True)
    problems = check(m, today=args.today)
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if p.severity == "warning"]
    try:
        result = rollup(m, term=args.term, problems=problems, today=args.today)
    except ValueError as exc:
        print(f"termly_rollup: {args.workbook}: {exc}", file=sys.stderr)
        return 2
    s = result.summary

    if errors:
        print(f"\n{len(errors)} error{'s' if len(errors) != 1 else ''} in the workbook "
              "(the rows they affect are left out of the numbers):")
        for p in errors[:SHOW_ERRORS]:
            print(f"  {p.where()}: {p.message}" + (f" ({p.hint})" if p.hint else ""))
        if len(errors) > SHOW_ERRORS:
            print(f"  ... and {len(errors) - SHOW_ERRORS} more: see the Issues sheet.")
    if s["rows_used"] == 0:
        print(f"\nNothing can be worked out for {result.term}: no provision row can be "
              f"used. Fix the errors above and run again.", file=sys.stderr)
        return 1

    out = args.out or args.workbook.resolve().parent / f"{result.term} rollup"
    written: list[Path] = []
    failed = 0
    steps: list[tuple[str, Callable | None]] = [
        ("SENCo rollup", write_senco),
        ("governors' report", _optional_writer("provmap.write.governors", "write_governors")),
    ]
    if not args.no_pops:
        steps.append(("POPs", _optional_writer("provmap.write.pop", "write_pops")))
    for what, writer in steps:
        if writer is None:
            print(f"(The {what} writer is not installed; skipped.)")
            continue
        print(f"Writing the {what} ...", flush=True)
        try:
            got = writer(result, out)
        except Exception as exc:           # one line, never a traceback, and carry on
            failed += 1
            print(f"termly_rollup: could not write the {what}: {exc}", file=sys.stderr)
            continue
        written.extend(got if isinstance(got, list) else [got])

    by = s["pupils_with_provision_by_status"]
    print(f"\n{s['school']}, {result.term} {s['academic_year']} "
          f"(year so far: {', '.join(result.terms)})")
    print(f"  Pupils with provision: {s['pupils_with_provision']} "
          f"(SEN support {by['K']}, EHC plan {by['E']}, no SEN {by['N']})")
    print(f"  Cost this term: {_money(s['cost_term'])}; year to date: "
          f"{_money(s['cost_year'])}")
    kinds = "; ".join(f"{k}: {s['flags_by_kind'][k]}" for k in FLAG_KINDS
                      if s["flags_by_kind"].get(k))
    print(f"  Flags: {s['flags']}" + (f" ({kinds})" if kinds else ""))
    print(f"  Problems: {len(errors)} errors, {len(warnings)} warnings; "
          f"rows left out: {s['rows_excluded']}")
    pops = sum(1 for p in written if p.suffix == ".xlsx" and p.parent != out)
    others = [p for p in written if p.parent == out]
    for p in others:
        print(f"  Wrote {p}")
    if pops:
        print(f"  Wrote {pops} POP{'s' if pops != 1 else ''} under {out}")
    print(f"  Done in {time.perf_counter() - started:.1f} s.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
