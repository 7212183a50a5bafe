"""The page's views: upload, the job's page, its progress, the term choice, downloads.

A thin shell, like cli.py: the work is :func:`provmap.termly.run_termly` (in
:mod:`provmap.web.jobs`); a view only stores the upload, starts a job, and renders what
the job holds.  Anything that does work is a POST (the guard checks its token and origin).
"""

from __future__ import annotations

from flask import Flask, abort, jsonify, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from ..values import format_money
from ..write.names import file_name, inside, safe_part
from .jobs import DONE, REFUSED, Job, Jobs

SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "For information"}
SEVERITY_PLURAL = {"error": "Errors", "warning": "Warnings", "info": "For information"}
WHOLE_WORKBOOK = "Whole workbook"
GONE = ("provmap deletes a check's files once its page has been closed, or once you have "
        "downloaded from it and from three later checks, and all of them when it stops. Drop "
        "the workbook below to check it again.")


def safe_name(name: str) -> str:
    """The uploaded file's own name, safe to store and show: its last part only (a browser
    may send a whole path), through the one file-name function, so at most 255 bytes with
    its extension kept; never empty."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    ext = safe_part(ext)
    if not dot or not ext or len(ext) > 8:
        stem, ext = name, ""
    if not safe_part(stem):
        return "workbook.xlsx"
    return file_name(stem, suffix=f".{ext}" if ext else "")


def _sheet(p) -> str:
    return p.sheet or WHOLE_WORKBOOK


def install(app: Flask, jobs: Jobs) -> None:
    app.add_template_filter(format_money, "money")
    limit_mb = app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)

    def page(job: Job | None = None, message: str | None = None, title: str | None = None,
             status: int = 200):
        severity = request.args.get("severity", "")
        sheet = request.args.get("sheet", "")
        problems = job.problems if job else []
        shown = [p for p in problems if (not severity or str(p.severity) == severity)
                 and (not sheet or _sheet(p) == sheet)]
        sheets = list(dict.fromkeys(_sheet(p) for p in problems))
        return render_template(
            "page.html", job=job, message=message, title=title, problems=problems, shown=shown, shown_set=set(shown),
            severity=severity, sheet=sheet, sheets=sheets, words=SEVERITY_WORDS,
            plural=SEVERITY_PLURAL, sheet_of=_sheet, limit_mb=f"{limit_mb:g}",
            limit_bytes=app.config["MAX_CONTENT_LENGTH"], DONE=DONE, REFUSED=REFUSED,
            gone=GONE), status

    def find(job_id: str) -> Job:
        job = jobs.get(job_id)
        if job is None:
            abort(404)
        if request.method == "GET":
            jobs.seen(job)
        return job

    @app.get("/")
    def home():
        return page()

    @app.post("/check")
    def check():
        upload = request.files.get("workbook")   # Werkzeug refuses a too-big one here (413)
        if upload is None or not upload.filename:
            return page(message="Choose the provision map workbook first, then press "
                        "Check the workbook.", title="No file chosen", status=400)
        job_id, folder = jobs.new_folder()
        name = safe_name(upload.filename)
        path = inside(folder / "workbook", name)
        upload.save(path)
        job = jobs.submit(job_id, folder, name, path, request.form.get("term") or None)
        return redirect(url_for("job_page", job_id=job.id), 303)

    @app.get("/job/<job_id>")
    def job_page(job_id: str):
        return page(find(job_id))

    @app.get("/job/<job_id>/status")
    def job_status(job_id: str):
        return jsonify(find(job_id).status())

    @app.post("/job/<job_id>/term")
    def job_term(job_id: str):
        job = find(job_id)
        new = jobs.again(job, request.form.get("term") or None)
        return redirect(url_for("job_page", job_id=new.id), 303)

    @app.post("/job/<job_id>/left")
    def job_left(job_id: str):
        """The page says it is being closed (navigator.sendBeacon on pagehide)."""
        jobs.left(find(job_id))
        return "", 204

    @app.get("/job/<job_id>/download/<key>")
    def download(job_id: str, key: str):
        job = find(job_id)
        d = job.downloads.get(key)
        if d is None or not d.path.is_file():
            abort(404)
        answer = send_file(d.path, as_attachment=True, download_name=d.path.name)
        jobs.downloaded(job)           # may delete older downloaded-from jobs, never this one
        return answer

    @app.errorhandler(RequestEntityTooLarge)
    def too_big(_exc):
        return page(message=f"That file is bigger than {limit_mb:g} MB, the most provmap "
                    "accepts. A provision map is usually well under 5 MB: check you chose "
                    "the right file.", title="This file is too big", status=413)

    @app.errorhandler(404)
    def not_found(_exc):
        return page(message=GONE, title="That check is no longer kept", status=404)

    @app.errorhandler(405)
    def wrong_method(_exc):
        return page(message="That address only works from the page's buttons.",
                    title="Use the page's buttons", status=405)
