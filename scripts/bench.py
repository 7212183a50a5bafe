#!/usr/bin/env python
"""Time provmap's real commands on generated schools against the time merely to read them.

Every figure is a whole process (start-up included), measured in the same run on the same
file, with its peak memory (the child's max RSS from wait4):

- floor `calamine`: python-calamine reading every cell of every sheet;
- floor `openpyxl`: openpyxl's read-only mode reading every cell;
- `check`: `provmap check --json`;
- `rollup`: `provmap rollup` (reads, checks, computes, writes two workbooks);
- `pop`: `provmap pop` for every K/E pupil of the school, against a floor of XlsxWriter
  writing the same number of workbooks with the same cells and no formatting, on one core;
  the POPs' writing time (the command less start-up, reading and the rollup) against the
  floor with `in_memory` (aim: at most 1.5x); medians of --repeat runs taken in turn;
- `pop --pdf`: against one batch `soffice --convert-to pdf` of the same files;
- `new-year` (with `--new-year`): `provmap new-year` on the school (LAST), with and without
  next year's roster, against `provmap new` on that roster plus `provmap.load(LAST)`;
- `evidence`: `provmap evidence --all` over two years of the 2,000-pupil school against
  `provmap pop` of the latest year for the same pupils (aim: at most 2x, under 300 MB);
- `serve` (with --serve): `provmap serve`'s page, from the upload to the downloads being
  ready (check, SENCo rollup, governors' report, POPs, zips), against the termly script
  writing the same outputs from the command line;
- `groups` (with --groups): `provmap groups` (a plan for each intervention group of the
  term) against `provmap pop` for the same term (every K/E pupil), run in turn, medians of
  --repeat runs, wall and CPU seconds (aim: groups at most as long as pop);
- `import` (with --import): `provmap import` of the school kept as one long table (every
  column, with a Term, as .xlsx; and dates only with a third of the numbers in words, as
  CSV) with its roster, against `provmap new` on the same roster plus reading the table
  with openpyxl read-only (aim: at most 1.5x, under 300 MB).

    python scripts/bench.py                 # 200 and 2,000 pupils
    python scripts/bench.py --sizes 200 2000 20000 --pop
    python scripts/bench.py --sizes 2000 20000 --new-year
    python scripts/bench.py --trust --schools 10 20 40   # the trust report (400-pupil schools)
    python scripts/bench.py --sizes 200 --serve
    python scripts/bench.py --sizes 2000 --evidence
    python scripts/bench.py --sizes 2000 --import
    python scripts/bench.py --sizes 2000 --groups
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PY = sys.executable
ROOT = Path(__file__).resolve().parent.parent

CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
n = sum(len(r) for s in wb.sheet_names for r in wb.get_sheet_by_name(s).to_python())
"""
OPENPYXL = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
n = sum(len(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True))
"""
PLAIN_WRITE = """
import sys, json, xlsxwriter
cells = json.load(open(sys.argv[1]))
options = {"in_memory": True} if sys.argv[3] == "in_memory" else {}
for i, book in enumerate(cells):
    wb = xlsxwriter.Workbook(f"{sys.argv[2]}/plain{i}.xlsx", options)
    ws = wb.add_worksheet()
    for r, c, v in book:
        ws.write_string(r, c, v) if isinstance(v, str) else ws.write_number(r, c, v)
    wb.close()
"""


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env or os.environ.copy(), cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({code}): {err[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def best(cmd: list[str], repeat: int) -> tuple[float, float]:
    runs = [run(cmd) for _ in range(repeat)]
    return min(t for t, _ in runs), max(m for _, m in runs)


def school(pupils: int, folder: Path) -> Path:
    path = folder / f"school-{pupils}.xlsx"
    if not path.exists():
        start = time.perf_counter()
        subprocess.run([PY, str(ROOT / "scripts" / "make_example.py"), "--pupils", str(pupils),
                        "--out", str(path)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        print(f"  generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - start:.1f} s")
    return path


def pop_cells(folder: Path) -> list[list[tuple[int, int, object]]]:
    import openpyxl
    books = []
    for p in sorted(folder.rglob("*.xlsx")):
        ws = openpyxl.load_workbook(p, read_only=True).worksheets[0]
        books.append([(r - 1, c - 1, v) for r, row in enumerate(ws.iter_rows(values_only=True), 1)
                      for c, v in enumerate(row, 1) if isinstance(v, (str, int, float))])
    return books


NEXT_ROSTER = """
import csv, sys, provmap
from provmap.workbook.newyear import leaves, moved_up, next_class
m = provmap.load(sys.argv[1])
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["UPN", "Forename", "Surname", "Year", "Reg Group", "SEN Status", "Primary Need"])
    for p in m.pupils.values():
        if not leaves(p.year_group, m.settings.leaving_year_group):
            w.writerow([p.upn, p.forename, p.surname, moved_up(p.year_group),
                        next_class(p.class_name), p.sen_status, p.primary_need or ""])
"""


def bench_new_year(n: int, last: Path, repeat: int) -> None:
    """new-year on LAST against `new` on next year's roster plus reading LAST."""
    work = Path(tempfile.mkdtemp(prefix="bench-new-year-"))
    roster = work / "roster.csv"
    subprocess.run([PY, "-c", NEXT_ROSTER, str(last), str(roster)], check=True, cwd=ROOT)

    def fresh(cmd_for) -> tuple[float, float]:
        runs = []
        for i in range(repeat):
            out = work / f"out-{i}-{time.monotonic_ns()}.xlsx"
            runs.append(run(cmd_for(out)))
            out.unlink(missing_ok=True)
        return min(t for t, _ in runs), max(m for _, m in runs)

    t_new, mb_new = fresh(lambda o: [PY, "-m", "provmap", "new", str(o), "--school", "S",
                                     "--year", "2026-27", "--pupils", str(roster)])
    t_load, mb_load = best([PY, "-c", "import sys, provmap; provmap.load(sys.argv[1])",
                            str(last)], repeat)
    t_ny, mb_ny = fresh(lambda o: [PY, "-m", "provmap", "new-year", str(last), str(o)])
    t_nyr, mb_nyr = fresh(lambda o: [PY, "-m", "provmap", "new-year", str(last), str(o),
                                     "--pupils", str(roster)])
    floor = t_new + t_load
    print(f"{n:>7} {'new':<10} {t_new:>8.2f} {mb_new:>6.0f}   (on next year's roster)")
    print(f"{n:>7} {'load LAST':<10} {t_load:>8.2f} {mb_load:>6.0f}")
    print(f"{n:>7} {'new-year':<10} {t_ny:>8.2f} {mb_ny:>6.0f}   x{t_ny / floor:.2f} of new + "
          "load")
    print(f"{n:>7} {'  --pupils':<10} {t_nyr:>8.2f} {mb_nyr:>6.0f}   x{t_nyr / floor:.2f} of "
          "new + load")
    shutil.rmtree(work, ignore_errors=True)


LONG_TABLE = """
import random, sys, provmap
from provmap.dev.mis_roster import write_sims_roster
from provmap.dev.staff_words import in_words
from provmap.schema import LONG_TABLE
from provmap.workbook.totable import EXPORTED, long_table_rows, write_long_table
m = provmap.load(sys.argv[1])
write_sims_roster(m.pupils.values(), sys.argv[2], m.settings.school)
write_long_table(long_table_rows(m), sys.argv[3])
rows, rng = long_table_rows(m, term=False, dates="always"), random.Random(19)
for r in rows:
    for k, v in r.items():
        unit = LONG_TABLE.by_key[k].unit
        if unit is not None and v is not None and rng.random() < 1 / 3:
            r[k] = in_words(v, unit, rng)
write_long_table(rows, sys.argv[4], [k for k in EXPORTED if k != "term"])
print(len(rows))
"""


def bench_import(n: int, school_path: Path, repeat: int) -> None:
    """`import` of the school's long table against `new` on its roster plus reading the
    table with openpyxl read-only."""
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    roster, table, words = work / "roster.csv", work / "table.xlsx", work / "table.csv"
    rows = subprocess.run([PY, "-c", LONG_TABLE, str(school_path), str(roster), str(table),
                           str(words)], check=True, cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()

    def fresh(cmd_for) -> tuple[float, float]:
        runs = []
        for i in range(repeat):
            out = work / f"out-{i}-{time.monotonic_ns()}.xlsx"
            runs.append(run(cmd_for(out)))
            out.unlink(missing_ok=True)
        return min(t for t, _ in runs), max(m for _, m in runs)

    t_new, mb_new = fresh(lambda o: [PY, "-m", "provmap", "new", str(o), "--school", "S",
                                     "--year", "2025-26", "--pupils", str(roster)])
    t_read, mb_read = best([PY, "-c", OPENPYXL, str(table)], repeat)
    t_imp, mb_imp = fresh(lambda o: [PY, "-m", "provmap", "import", str(table), str(o),
                                     "--pupils", str(roster), "--school", "S"])
    t_csv, mb_csv = fresh(lambda o: [PY, "-m", "provmap", "import", str(words), str(o),
                                     "--pupils", str(roster), "--school", "S"])
    floor = t_new + t_read
    print(f"{n:>7} {'new':<10} {t_new:>8.2f} {mb_new:>6.0f}   (on the roster)")
    print(f"{n:>7} {'openpyxl':<10} {t_read:>8.2f} {mb_read:>6.0f}   (reading the table: "
          f"{rows} rows)")
    print(f"{n:>7} {'import':<10} {t_imp:>8.2f} {mb_imp:>6.0f}   x{t_imp / floor:.2f} of new + "
          "read (aim: at most 1.5x, under 300 MB)")
    print(f"{n:>7} {'  csv':<10} {t_csv:>8.2f} {mb_csv:>6.0f}   x{t_csv / floor:.2f} (dates "
          "only, a third in words)")
    shutil.rmtree(work, ignore_errors=True)


def serve_once(path: Path) -> tuple[float, float]:
    """(seconds from the upload to the downloads being ready, seconds to download the
    everything-zip) on a real `provmap serve`, as the page's form and JavaScript do it."""
    import http.client
    import json
    import re
    import uuid
    proc = subprocess.Popen([PY, "-m", "provmap", "serve", "--no-browser", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=ROOT)
    try:
        m = re.search(r":(\d+)/\?token=(\S+)", proc.stdout.readline())
        port, token = int(m.group(1)), m.group(2)
        # Drain the server's log: an unread pipe fills and the server stops answering.
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        headers = {"Cookie": f"provmap_token_{port}={token}"}
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"workbook\"; "
                f"filename=\"{path.name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()

        def ask(method: str, url: str, data: bytes | None = None, extra=None):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            c.request(method, url, body=data, headers={**headers, **(extra or {})})
            r = c.getresponse()
            return r, r.read()
        start = time.perf_counter()
        r, _ = ask("POST", "/check", body,
                   {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        job = r.getheader("Location")
        while json.loads(ask("GET", job + "/status")[1])["state"] in ("waiting", "running"):
            time.sleep(0.05)
        ready = time.perf_counter() - start
        start = time.perf_counter()
        ask("GET", job + "/download/all")
        return ready, time.perf_counter() - start
    finally:
        proc.send_signal(2)
        proc.wait(timeout=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pop", action="store_true", help="also time POPs (2,000-pupil school)")
    ap.add_argument("--pdf", action="store_true", help="also time POPs with --pdf")
    ap.add_argument("--new-year", action="store_true",
                    help="also time new-year against new + reading LAST")
    ap.add_argument("--evidence", action="store_true",
                    help="also time evidence packs over two years (2,000-pupil school)")
    ap.add_argument("--serve", action="store_true",
                    help="also time the page of provmap serve against the termly script")
    ap.add_argument("--import", dest="import_", action="store_true",
                    help="also time provmap import of the school as a long table against new "
                         "+ reading the table")
    ap.add_argument("--groups", action="store_true",
                    help="also time provmap groups against provmap pop for the same term")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "provmap-bench")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"provmap benchmark on {os.cpu_count()} cores; times are whole processes, best of "
          f"{args.repeat} (1 for 20,000 pupils); memory is peak RSS")
    header = f"{'pupils':>7} {'what':<10} {'seconds':>8} {'MB':>6} {'x calamine':>10} {'x openpyxl':>10}"
    print(header)
    for n in args.sizes:
        path = school(n, args.cache)
        repeat = 1 if n >= 20000 else args.repeat
        cal = best([PY, "-c", CALAMINE, str(path)], repeat)
        opx = best([PY, "-c", OPENPYXL, str(path)], repeat)
        out = Path(tempfile.mkdtemp(prefix="bench-"))
        rows = [("calamine", cal), ("openpyxl", opx),
                ("check", best([PY, "-m", "provmap", "check", "--json", str(path)], repeat)),
                ("rollup", best([PY, "-m", "provmap", "rollup", str(path), "--out", str(out)],
                                repeat))]
        for what, (t, mb) in rows:
            print(f"{n:>7} {what:<10} {t:>8.2f} {mb:>6.0f} {t / cal[0]:>10.1f} {t / opx[0]:>10.2f}")
        shutil.rmtree(out, ignore_errors=True)
        if args.new_year:
            bench_new_year(n, path, repeat)
        if args.import_:
            bench_import(n, path, repeat)
        if args.serve:
            termly = Path(tempfile.mkdtemp(prefix="bench-termly-"))
            t_script = min(run([PY, str(ROOT / "scripts" / "termly_rollup.py"), str(path),
                                "--out", str(termly)])[0] for _ in range(repeat))
            shutil.rmtree(termly, ignore_errors=True)
            ready, download = min(serve_once(path) for _ in range(repeat))
            print(f"{n:>7} {'serve':<10} {ready:>8.2f}        upload to downloads ready; "
                  f"termly script {t_script:.2f} s (whole process): x{ready / t_script:.2f}; "
                  f"the everything-zip downloads in {download:.2f} s")
        if args.pop and n == 2000:
            bench_pop(path, n, args.repeat, pdf=args.pdf)
        if args.evidence and n == 2000:
            bench_evidence(n, args.cache, repeat)
        if args.groups:
            bench_groups(path, n, repeat)


def bench_groups(path: Path, n: int, repeat: int) -> None:
    """`provmap groups` against `provmap pop` of the same term, alternated so both meet the
    same load on a shared machine; medians of wall and CPU seconds."""
    from statistics import median
    runs: dict[str, list[tuple[float, float, float]]] = {"pop": [], "groups": []}
    counts = {}
    for _ in range(repeat):
        for what in ("pop", "groups"):
            out = Path(tempfile.mkdtemp(prefix=f"bench-{what}-"))
            runs[what].append(cpu_run([PY, "-m", "provmap", what, str(path), "--out",
                                       str(out)]))
            counts[what] = len(list(out.rglob("*.xlsx")))
            shutil.rmtree(out, ignore_errors=True)
    (t_pop, c_pop, mb_pop), (t_gr, c_gr, mb_gr) = (
        tuple(median(r[i] for r in runs[w]) for i in range(3)) for w in ("pop", "groups"))
    print(f"{n:>7} {'groups':<10} {t_gr:>8.2f} {mb_gr:>6.0f}   {counts['groups']} group "
          f"plans; pop {t_pop:.2f} s ({counts['pop']} POPs, {mb_pop:.0f} MB): "
          f"x{t_gr / t_pop:.2f} of pop; CPU seconds groups {c_gr:.2f}, pop {c_pop:.2f} "
          f"(x{c_gr / c_pop:.2f}); medians of {repeat}")


READ_AND_ROLLUP = ("import sys, provmap; from provmap.numbers.rollup import rollup; "
                   "rollup(provmap.load(sys.argv[1]))")


def bench_pop(path: Path, n: int, repeat: int, pdf: bool) -> None:
    """`provmap pop` for every K/E pupil against XlsxWriter writing the same cells with no
    formatting on one core (default options and `in_memory`), and against start-up plus
    reading and the rollup; each run `repeat` times in turn, medians reported.  CPU seconds
    (the process and its workers) are reported too: on a shared machine the wall time of a
    two-process command depends on the cores the others leave free."""
    import json
    from statistics import median

    runs: list[tuple[float, ...]] = []
    books: list = []
    pops = Path()
    cells_json = Path()
    for _ in range(repeat):
        pops = Path(tempfile.mkdtemp(prefix="bench-pop-"))
        t_pop, c_pop, mb_pop = cpu_run([PY, "-m", "provmap", "pop", str(path), "--out",
                                        str(pops)])
        if not books:
            books = pop_cells(pops)
            cells_json = Path(tempfile.mkdtemp(prefix="bench-cells-")) / "cells.json"
            cells_json.write_text(json.dumps(books))
        plain = Path(tempfile.mkdtemp(prefix="bench-plain-"))
        t_default, _, _ = cpu_run([PY, "-c", PLAIN_WRITE, str(cells_json), str(plain),
                                   "default"])
        t_memory, c_memory, _ = cpu_run([PY, "-c", PLAIN_WRITE, str(cells_json), str(plain),
                                         "in_memory"])
        t_read, c_read, _ = cpu_run([PY, "-c", READ_AND_ROLLUP, str(path)])
        runs.append((t_pop, mb_pop, t_default, t_memory, t_read, c_pop, c_memory, c_read))
        shutil.rmtree(plain, ignore_errors=True)
    (t_pop, mb_pop, t_default, t_memory, t_read, c_pop, c_memory,
     c_read) = (median(r[i] for r in runs) for i in range(8))
    writing, writing_cpu = t_pop - t_read, c_pop - c_read
    print(f"{n:>7} {'pop':<10} {t_pop:>8.2f} {mb_pop:>6.0f}   {len(books)} POPs "
          f"({sum(map(len, books)) // max(len(books), 1)} cells each) on both cores; "
          f"median of {repeat}")
    print(f"{'':>7} {'':<10} plain XlsxWriter floor, one core: default options "
          f"{t_default:.2f} s (x{t_pop / t_default:.2f}), in_memory {t_memory:.2f} s "
          f"(x{t_pop / t_memory:.2f}); of the {t_pop:.2f} s, {t_read:.2f} s is start-up, "
          "reading and the rollup")
    print(f"{'':>7} {'':<10} writing the POPs (pop less start-up, reading and rollup): "
          f"{writing:.2f} s, x{writing / t_memory:.2f} of the in_memory floor (aim: at most "
          "x1.5)")
    print(f"{'':>7} {'':<10} CPU seconds: pop {c_pop:.2f} (writing {writing_cpu:.2f}, on two "
          f"cores at best {writing_cpu / 2:.2f} s: x{writing_cpu / 2 / c_memory:.2f}), "
          f"in_memory floor {c_memory:.2f}, read+rollup {c_read:.2f}")
    print(f"{'':>7} {'':<10} each run (pop, default, in_memory, read+rollup): " + "; ".join(
        f"{r[0]:.2f} {r[2]:.2f} {r[3]:.2f} {r[4]:.2f}" for r in runs))
    if pdf and shutil.which("soffice"):
        pdfs = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
        t_pdf, _ = run([PY, "-m", "provmap", "pop", str(path), "--out", str(pdfs), "--pdf"])
        files = [str(p) for p in sorted(pops.rglob("*.xlsx"))]
        lo = Path(tempfile.mkdtemp(prefix="bench-lo-"))
        t_lo, _ = run(["soffice", f"-env:UserInstallation=file://{lo}/profile",
                       "--headless", "--convert-to", "pdf", "--outdir", str(lo), *files])
        print(f"{n:>7} {'pop --pdf':<10} {t_pdf:>8.2f}        batch soffice floor "
              f"{t_lo:.2f} s (+ pop {t_pop:.2f} s): x{t_pdf / (t_lo + t_pop):.2f} of "
              f"both, x{(t_pdf - t_pop) / t_lo:.2f} of the conversion alone")


def two_years(pupils: int, folder: Path) -> tuple[Path, Path]:
    """The example school's last two years (`make_example.py --years 2`), generated once."""
    where = folder / f"history-{pupils}"
    files = sorted(where.glob("Provision map *.xlsx"))
    if len(files) < 2:
        start = time.perf_counter()
        subprocess.run([PY, str(ROOT / "scripts" / "make_example.py"), "--pupils", str(pupils),
                        "--years", "2", "--out", str(where)], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        files = sorted(where.glob("Provision map *.xlsx"))
        print(f"  generated two years of {pupils} pupils in {time.perf_counter() - start:.1f} s")
    return files[-2], files[-1]


def bench_evidence(pupils: int, cache: Path, repeat: int) -> None:
    """`evidence --all` over two years against `pop` of the latest year (same pupils)."""
    previous, latest = two_years(pupils, cache)
    out = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
    t_pop, mb_pop = best([PY, "-m", "provmap", "pop", str(latest), "--out", str(out / "pop")],
                         repeat)
    t_ev, mb_ev = best([PY, "-m", "provmap", "evidence", str(previous), str(latest), "--all",
                        "--out", str(out / "evidence")], repeat)
    packs = len(list((out / "evidence").glob("*.xlsx")))
    pops = len(list((out / "pop").rglob("*.xlsx")))
    print(f"{pupils:>7} {'pop':<10} {t_pop:>8.2f} {mb_pop:>6.0f}   {pops} POPs, one year")
    print(f"{pupils:>7} {'evidence':<10} {t_ev:>8.2f} {mb_ev:>6.0f}   {packs} packs over two "
          f"years: x{t_ev / t_pop:.2f} of pop (aim: at most 2x, under 300 MB)")
    shutil.rmtree(out, ignore_errors=True)


# --- the trust report: many schools in one process pool -----------------------------------

TRUST_SCHOOLS = """
import sys
from provmap.dev.example import write_trust
for p in write_trust(sys.argv[1], int(sys.argv[2]), pupils=int(sys.argv[3])):
    print(p)
"""


def _tree(pid: int) -> list[int]:
    """pid and every descendant, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _memory(pids: list[int]) -> tuple[float, float]:
    """(sum of RSS, sum of PSS) in MB: PSS shares forked pages fairly between processes."""
    rss = pss = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def run_tree(cmd: list[str]) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds (user + system, the pool's workers included) and the peak
    memory of the whole process tree (sum of RSS, sum of PSS, sampled every 50 ms)."""
    import threading
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    peak = [0.0, 0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = _memory(_tree(proc.pid))
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(0.05)
    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed")
    return elapsed, usage.ru_utime + usage.ru_stime, peak[0], peak[1]


def cpu_run(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed")
    return (time.perf_counter() - start, usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024)


def bench_trust(cache: Path, counts: list[int], pupils: int) -> None:
    """`provmap trust` on the first 10, 20, 40 ... schools against `provmap check` run on
    each of the same workbooks alone (a process each), measured in the same run."""
    folder = cache / f"trust-{pupils}-example"
    n = max(counts)
    start = time.perf_counter()
    done = subprocess.run([PY, "-c", TRUST_SCHOOLS, str(folder), str(n), str(pupils)],
                          check=True, cwd=ROOT, capture_output=True, text=True)
    paths = [Path(line) for line in done.stdout.splitlines() if line.strip()]
    print(f"  {n} example schools of {pupils} pupils written in "
          f"{time.perf_counter() - start:.1f} s (provmap.dev.example.write_trust)")
    checks = [cpu_run([PY, "-m", "provmap", "check", "--json", str(p)]) for p in paths]
    print("wall and CPU seconds; trust's memory is its whole process tree (parent and pool)")
    print(f"{'schools':>7} {'trust s':>8} {'check s':>8} {'ratio':>6} {'trust cpu':>9} "
          f"{'check cpu':>9} {'ratio':>6} {'tree RSS MB':>11} {'tree PSS MB':>11} "
          f"{'check MB':>8}")
    out = Path(tempfile.mkdtemp(prefix="bench-trust-"))
    for k in counts:
        t, cpu, rss, pss = run_tree([PY, "-m", "provmap", "trust", *map(str, paths[:k]),
                                     "--out", str(out)])
        wall = sum(c[0] for c in checks[:k])
        ccpu = sum(c[1] for c in checks[:k])
        print(f"{k:>7} {t:>8.2f} {wall:>8.2f} {t / wall:>6.2f} {cpu:>9.2f} {ccpu:>9.2f} "
              f"{cpu / ccpu:>6.2f} {rss:>11.0f} {pss:>11.0f} "
              f"{max(c[2] for c in checks[:k]):>8.0f}")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    if "--trust" in sys.argv:
        ap = argparse.ArgumentParser(description="provmap trust against provmap check")
        ap.add_argument("--trust", action="store_true")
        ap.add_argument("--schools", type=int, nargs="+", default=[10, 20, 40])
        ap.add_argument("--school-pupils", type=int, default=400)
        ap.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "provmap-bench")
        a = ap.parse_args()
        print(f"provmap trust benchmark on {os.cpu_count()} cores; whole processes")
        bench_trust(a.cache, a.schools, a.school_pupils)
    else:
        main()
