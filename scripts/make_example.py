"""Write the example school's provision map, or a trust of example schools.

    python scripts/make_example.py                      # workbooks/Provision map 2025-26.xlsx
    python scripts/make_example.py --pupils 20000 --out /tmp/big.xlsx
    python scripts/make_example.py --trust 40 --pupils 400 --out /tmp/trust
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from provmap.example import MOST_SCHOOLS, YEAR, write_example, write_trust  # noqa: E402


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
    parser.add_argument("--out", type=Path, help="the workbook (with --trust: the folder) "
                        f"to write; default workbooks/Provision map {YEAR}.xlsx")
    args = parser.parse_args(argv)
    if args.pupils < 20:
        parser.error("--pupils must be at least 20")
    start = time.perf_counter()
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
    out = args.out or ROOT / "workbooks" / f"Provision map {YEAR}.xlsx"
    path = write_example(out, pupils=args.pupils, seed=args.seed, terms=args.terms)
    size = path.stat().st_size / 1024
    print(f"Wrote {path} ({args.pupils:,} pupils, {size:,.0f} KB) in "
          f"{time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
