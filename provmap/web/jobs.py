"""The page's termly runs: one at a time, in a worker thread, with progress to poll.

A run is :func:`provmap.termly.run_termly` on the uploaded copy, then zips of what it
wrote (the POPs in class folders, the group plans in class folders, and everything).  The page only reads a :class:`Job`;
nothing here works out a figure.  Each job lives in its own folder under the server's
private temporary folder.

A job is kept until the SENCo is done with it, so a result never disappears before it has
been seen: it is deleted when its page has been closed (the page says so as it goes, and
a page that comes back within :data:`LEFT_GRACE` seconds, a reload, keeps it), or when
something has been downloaded from it and :data:`KEEP_DOWNLOADED` later checks have been
downloaded from too.  Everything goes when the server stops.
"""

from __future__ import annotations

import logging
import queue
import secrets
import shutil
import threading
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import termly
from ..problems import Problem, UnreadableWorkbook
from ..write.atomic import atomic_write
from ..write.names import file_name, inside, safe_part

log = logging.getLogger("provmap.web")

WAITING, RUNNING, DONE, REFUSED, STOPPED = "waiting", "running", "done", "refused", "stopped"
KEEP_DOWNLOADED = 3       # downloaded-from jobs kept (the latest), for the other links
LEFT_GRACE = 60.0         # seconds a closed page's job waits for the page to come back
SWEEP_EVERY = 5.0         # seconds between looks for jobs no one needs
ZIPPING = "Making the zip files"
FAULT = ("provmap could not finish with this workbook because of a fault in provmap, not in "
         "your workbook. Please tell whoever looks after provmap for your school; the window "
         "where provmap is running says where it happened.")


class _Stopped(BaseException):
    """The server is stopping: leave the run at the next progress report.

    A BaseException so that the termly job's one-line handling of a failed output (which
    catches Exception) does not swallow it."""


@dataclass
class Download:
    """A file the page links to, with the words of its link."""

    key: str
    label: str
    path: Path


@dataclass
class Job:
    """One check of one uploaded workbook, for one term."""

    id: str
    filename: str                      # as the SENCo named it (never a path)
    workbook: Path                     # the private copy
    term: str | None                   # asked for; None = the latest term with provision
    folder: Path
    state: str = WAITING
    step: termly.Step | None = None
    message: str | None = None         # the one sentence when the file cannot be used
    figures: termly.Figures | None = None
    problems: list[Problem] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)     # every term the workbook has
    computable: bool = False
    failed: list[tuple[str, str]] = field(default_factory=list)
    downloads: dict[str, Download] = field(default_factory=dict)
    pops: int = 0
    group_plans: int = 0
    started: float = field(default_factory=time.time)
    seconds: float | None = None
    downloaded: float | None = None    # time.monotonic() of the latest download
    left: float | None = None          # time.monotonic() its page said it was closed

    @property
    def finished(self) -> bool:
        return self.state in (DONE, REFUSED, STOPPED)

    def status(self) -> dict:
        """What the page's progress bar polls."""
        step = self.step
        label = "Waiting for the previous check to finish" if self.state == WAITING else ""
        if step is not None and self.state == RUNNING:
            if step.what in (termly.READING, termly.CHECKING, ZIPPING):
                label = step.what
            elif step.what == termly.POPS and step.total:
                label = f"Writing POPs: {step.done} of {step.total}"
            elif step.what == termly.GROUPS and step.total:
                label = f"Writing group plans: {step.done} of {step.total}"
            else:
                label = f"Writing the {step.what}"
        return {"state": self.state, "label": label,
                "done": step.done if step else 0, "total": step.total if step else 0}


class Jobs:
    """The jobs of one server: a worker thread runs them in turn."""

    def __init__(self, root: Path, grace: float = LEFT_GRACE):
        self.root = root
        self.grace = grace
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._work, name="provmap-jobs", daemon=True)
        self._thread.start()

    # -- making jobs -----------------------------------------------------------------------

    def new_folder(self) -> tuple[str, Path]:
        """A fresh job id and its private folder (for the upload to be saved into)."""
        job_id = secrets.token_urlsafe(9)
        folder = self.root / job_id
        (folder / "workbook").mkdir(mode=0o700, parents=True)
        return job_id, folder

    def submit(self, job_id: str, folder: Path, filename: str, workbook: Path,
               term: str | None) -> Job:
        job = Job(id=job_id, filename=filename, workbook=workbook, term=term, folder=folder)
        with self._lock:
            self._jobs[job_id] = job
        log.info("job %s: queued", job_id)
        self._queue.put(job)
        return job

    def again(self, old: Job, term: str | None) -> Job:
        """The same workbook for another term (a copy, so old jobs can be deleted)."""
        job_id, folder = self.new_folder()
        copy = folder / "workbook" / old.workbook.name
        shutil.copyfile(old.workbook, copy)
        return self.submit(job_id, folder, old.filename, copy, term)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    # -- keeping them while they are needed ------------------------------------------------

    def seen(self, job: Job) -> None:
        """Its page (or the page's poll) asked for it: the page is open."""
        job.left = None

    def left(self, job: Job) -> None:
        """Its page was closed (or navigated away: a reload comes back within the grace)."""
        job.left = time.monotonic()

    def downloaded(self, job: Job) -> None:
        job.downloaded = time.monotonic()
        self.sweep()

    def sweep(self, now: float | None = None) -> list[str]:
        """Delete the finished jobs no one needs any more; their ids."""
        now = time.monotonic() if now is None else now
        with self._lock:
            finished = [j for j in self._jobs.values() if j.finished]
            closed = [j for j in finished if j.left is not None and now - j.left >= self.grace]
            fetched = sorted((j for j in finished if j.downloaded is not None),
                             key=lambda j: j.downloaded)
            gone = {j.id: j for j in [*closed, *fetched[:-KEEP_DOWNLOADED]]}
            for job in gone.values():
                del self._jobs[job.id]
        for job in gone.values():
            shutil.rmtree(job.folder, ignore_errors=True)
            log.info("job %s: deleted", job.id)
        return list(gone)

    # -- running them ----------------------------------------------------------------------

    def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                job = self._queue.get(timeout=SWEEP_EVERY)
            except queue.Empty:
                self.sweep()
                continue
            if job is None:
                return
            self._run(job)
            self.sweep()

    def _progress(self, job: Job):
        def tell(step: termly.Step) -> None:
            if self._stopping.is_set():
                raise _Stopped
            job.step = step
        return tell

    def _run(self, job: Job) -> None:
        job.state = RUNNING
        started = time.perf_counter()
        try:
            result = termly.run_termly(job.workbook, job.term, job.folder / "out",
                                       progress=self._progress(job))
            job.figures, job.problems = result.figures, result.problems
            job.terms = list(result.rollup.map.settings.terms)
            job.computable, job.failed = result.computable, result.failed
            job.pops = len(result.pops)
            job.group_plans = len(result.group_plans)
            if result.written:
                self._progress(job)(termly.Step(ZIPPING))
                job.downloads = _zips(result, job.folder / "downloads")
            job.state = DONE
        except UnreadableWorkbook as exc:
            job.message = f"{job.filename}: {exc.message}"
            job.state = REFUSED
            log.info("job %s: file refused (%s)", job.id, exc.code)
        except termly.TermRefused as exc:
            job.message = f"{job.filename}: {exc}"
            job.state = REFUSED
            log.info("job %s: term refused", job.id)
        except _Stopped:
            job.state = STOPPED
        except Exception as exc:            # noqa: BLE001 - a bug: say so, keep serving
            job.message = FAULT
            job.state = REFUSED
            log.error("job %s: %s", job.id, fault_summary(exc))
        job.seconds = time.perf_counter() - started
        if job.state == DONE:
            log.info("job %s: done in %.1f s", job.id, job.seconds)

    def close(self, timeout: float = 60.0, give_up: threading.Event | None = None) -> None:
        """Stop: the running job ends at its next progress report; waiting ones never start.
        Waits up to ``timeout`` seconds, or until ``give_up`` is set (a second Ctrl+C)."""
        self._stopping.set()
        self._queue.put(None)
        deadline = time.monotonic() + timeout
        while self._thread.is_alive() and time.monotonic() < deadline and not (
                give_up is not None and give_up.is_set()):
            self._thread.join(0.2)

    @property
    def busy(self) -> bool:
        with self._lock:
            return any(not j.finished for j in self._jobs.values())


def fault_summary(exc: BaseException) -> str:
    """A bug's type and where it happened, without its message (which may quote a pupil's
    name or a cell's contents): what the server's log may hold."""
    frames = traceback.extract_tb(exc.__traceback__)[-4:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}"
                        for f in reversed(frames))
    return f"{type(exc).__name__} at {where}"


def _zips(result: termly.TermlyResult, folder: Path) -> dict[str, Download]:
    """The downloads: each report, the POPs in class folders, the group plans in class
    folders, and everything in one zip."""
    f = result.figures
    school = safe_part(f.school, "School")
    out = result.out
    downloads: dict[str, Download] = {}
    if result.senco:
        downloads["senco"] = Download("senco", "SENCo rollup", result.senco)
    if result.governors:
        downloads["governors"] = Download("governors", "Governors' report", result.governors)
    folder.mkdir(mode=0o700, exist_ok=True)
    if result.pops:
        pops = _zip(inside(folder, file_name(school, f.academic_year, f.term,
                                             suffix=" - POPs.zip")),
                    [(p, p.relative_to(out).as_posix()) for p in result.pops])
        downloads["pops"] = Download("pops", "POPs, one folder per class", pops)
    if result.group_plans:
        plans_root = out / termly.GROUPS_FOLDER
        plans = _zip(inside(folder, file_name(school, f.academic_year, f.term,
                                              suffix=" - Group plans.zip")),
                     [(p, p.relative_to(plans_root).as_posix()) for p in result.group_plans])
        downloads["groups"] = Download("groups", "Group plans (zip, class folders)", plans)
    members = [(p, p.name) for p in (result.senco, result.governors) if p]
    members += [(p, "POPs/" + p.relative_to(out).as_posix()) for p in result.pops]
    members += [(p, p.relative_to(out).as_posix()) for p in result.group_plans]
    everything = _zip(inside(folder, file_name(school, f.academic_year, f.term,
                                               suffix=" - everything.zip")), members)
    downloads["all"] = Download("all", "Everything in one zip", everything)
    return downloads


def _zip(target: Path, members: list[tuple[Path, str]]) -> Path:
    """A zip written whole or not at all.  The workbooks inside are already compressed."""
    with atomic_write(target, suffix=".zip") as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:
            for path, name in members:
                z.write(path, name)
    return target
