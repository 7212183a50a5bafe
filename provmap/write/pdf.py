"""Turn workbooks into PDFs with LibreOffice: one process for many files (starting it
costs seconds), two with separate profiles when both cores help."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Sequence

from ..progress import Progress
from .atomic import atomic_write

PDF_TWO_PROCESSES_FROM = 20


class PdfUnavailable(Exception):
    """LibreOffice (soffice) is not installed, so POPs cannot be turned into PDFs."""



def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(xlsx_paths: Sequence[Path], *, progress: bool = True,
                   processes: int | None = None, timeout_per_file: float = 20.0) -> list[Path]:
    """Turn POP workbooks into PDFs beside them with one LibreOffice process (two, with
    separate profiles, when there are many and two cores).  Each PDF appears whole."""
    exe = soffice_path()
    if exe is None:
        raise PdfUnavailable(
            "Making PDFs needs LibreOffice, which is not installed on this computer. "
            "Install it with `sudo apt-get install libreoffice-calc` (Debian/Ubuntu) or "
            "download it from https://www.libreoffice.org/download/ and run the command "
            "again. The workbooks were written; only the PDFs are missing.")
    files = [Path(p).resolve() for p in xlsx_paths]
    if not files:
        return []
    if processes is None:
        processes = 2 if len(files) >= PDF_TWO_PROCESSES_FROM and (os.cpu_count() or 1) >= 2 \
            else 1
    halves = [files[i::processes] for i in range(processes)] if processes > 1 else [files]
    bar = Progress(len(files), "Making PDFs", progress)
    with tempfile.TemporaryDirectory(prefix="provmap-pdf-") as tmp:
        procs = []
        for i, part in enumerate(halves):
            outdir = Path(tmp) / f"out{i}"
            profile = Path(tmp) / f"profile{i}"
            outdir.mkdir()
            cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(outdir),
                   *map(str, part)]
            procs.append((subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, text=True), outdir, part))
        deadline = time.monotonic() + 60 + timeout_per_file * max(len(h) for h in halves)
        seen: set[Path] = set()
        while any(p.poll() is None for p, _, _ in procs):
            if time.monotonic() > deadline:
                for p, _, _ in procs:
                    p.kill()
                raise RuntimeError("LibreOffice took too long to make the PDFs; try fewer "
                                   "pupils at a time (--pupil; for POPs also --class).")
            for _, outdir, _ in procs:
                for pdf in outdir.glob("*.pdf"):
                    if pdf not in seen:
                        seen.add(pdf)
                        bar.add()
            time.sleep(0.2)
        written: dict[Path, Path] = {}
        missing: list[Path] = []
        notes: list[str] = []
        for p, outdir, part in procs:
            err = (p.stderr.read() if p.stderr else "").strip()
            for x in part:
                made = outdir / (x.stem + ".pdf")
                if made.exists() and made.stat().st_size > 0:
                    with atomic_write(x.with_suffix(".pdf"), suffix=".pdf") as t:
                        shutil.move(str(made), t)
                    written[x] = x.with_suffix(".pdf")
                else:
                    missing.append(x)
                    if err:
                        notes.append(err.splitlines()[-1])
        bar.add(len(files) - bar.done)
        if missing:
            raise RuntimeError(
                f"LibreOffice did not make a PDF of {len(missing)} workbook(s), e.g. {missing[0]}"
                + (f" ({notes[0]})" if notes else "") + ".")
    return [written[x] for x in files]
