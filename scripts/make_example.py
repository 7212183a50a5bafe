"""Write the example school's provision maps, or a trust of example schools.

    python scripts/make_example.py                # workbooks/Provision map 2024-25.xlsx and 2025-26
    python scripts/make_example.py --pupils 20000 --out /tmp/big.xlsx
    python scripts/make_example.py --pupils 2000 --year 2024-25 --out /tmp/big-2024-25.xlsx
    python scripts/make_example.py --years 3 --out /tmp/history     # 2023-24 to 2025-26
    python scripts/make_example.py --trust 40 --pupils 400 --out /tmp/trust
    python scripts/make_example.py --examples    # workbooks/examples/: an MIS roster, a long table
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from provmap.dev.example import MOST_SCHOOLS, YEAR, write_example, write_trust  # noqa: E402
from provmap.dev.example_files import write_example_files  # noqa: E402
from provmap.dev.example_years import write_history  # noqa: E402

WORKBOOKS = ROOT / "workbooks"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a fictional school's provision map.")
    parser.add_argument("--pupils", type=int, default=200,
                        help="pupils on roll (default 200; with --trust, in each school)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument("--terms", type=int, default=3, choices=(1, 2, 3),
                        help="terms with provision (default 3: Summer under way)")
    parser.add_argument("--trust", type=int, metavar="N",
                        help=f"write N differently named schools (up to {MOST_SCHOOLS}) "
                             "into the folder --out")
    parser.add_argument("--year", default=YEAR,
                        help=f"with --out FILE: the academic year, {YEAR} (default) or earlier")
    parser.add_argument("--years", type=int, metavar="N",
                        help=f"write the last N years, ending {YEAR}, into the folder --out "
                             "(default without --out: 2 years into workbooks/)")
    parser.add_argument("--out", type=Path, help="the workbook to write (with --trust or "
                        "--years: the folder)")
    parser.add_argument("--examples", action="store_true",
                        help="write the example school's register as an MIS exports it and "
                             f"its {YEAR} provision as one long table, into the folder --out "
                             "(default workbooks/examples/), for provmap new --pupils and "
                             "provmap import")
    args = parser.parse_args(argv)
    if args.pupils < 20:
        parser.error("--pupils must be at least 20")
    if args.out is None and args.trust is None and args.years is None and not args.examples:
        args.out, args.years = WORKBOOKS, 2
    start = time.perf_counter()
    if args.examples:
        paths = write_example_files(args.out or WORKBOOKS / "examples")
        for path in paths:
            print(f"Wrote {path} ({path.stat().st_size / 1024:,.0f} KB)")
        return 0
    if args.trust is not None:
        if not 1 <= args.trust <= MOST_SCHOOLS:
            parser.error(f"--trust must be from 1 to {MOST_SCHOOLS}")
        if args.out is None:
            parser.error("--trust needs --out FOLDER")
        paths = write_trust(args.out, args.trust, pupils=args.pupils, seed=args.seed,
                            terms=args.terms)
        size = sum(p.stat().st_size for p in paths) / 1024
        print(f"Wrote {len(paths)} schools of {args.pupils:,} pupils into {args.out} "
              f"({size:,.0f} KB) in {time.perf_counter() - start:.1f} s")
        return 0
    if args.years is not None:
        if args.years < 1 or args.out is None:
            parser.error("--years needs N of 1 or more and --out FOLDER")
        paths = write_history(args.out, pupils=args.pupils, seed=args.seed, years=args.years,
                              terms=args.terms)
    else:
        try:
            paths = [write_example(args.out, pupils=args.pupils, seed=args.seed,
                                   terms=args.terms, year=args.year)]
        except ValueError as e:
            parser.error(str(e))
    for path in paths:
        print(f"Wrote {path} ({path.stat().st_size / 1024:,.0f} KB)")
    print(f"{len(paths)} workbook{'s' if len(paths) > 1 else ''} of the example school "
          f"({args.pupils:,} pupils in {YEAR}) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
