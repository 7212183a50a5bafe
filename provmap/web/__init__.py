"""The SENCo's page (`provmap serve`): the termly job in a browser, on this computer only.

    app = create_app(workdir, token, max_upload=50 * 1024 * 1024, port=8765)

An application factory (Flask's pattern), so each test makes its own app with its own
private folder.  The views are a thin shell over :mod:`provmap.termly`, like ``cli.py``;
the rules of who may use the page are in :mod:`provmap.web.guard`.  Flask is an optional
extra: ``pip install 'provmap[web]'``.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from flask import Flask, Request

from . import guard, views
from .jobs import Jobs, fault_summary

MAX_UPLOAD = 50 * 1024 * 1024          # bytes; a provision map is usually under 5 MB
DEFAULT_PORT = 8765


class _App(Flask):
    """Flask, but a fault is logged as its type and place only: a traceback's message or
    locals could quote a pupil's name or a cell of the workbook."""

    def log_exception(self, exc_info) -> None:  # type: ignore[override]
        self.logger.error("fault while answering a request: %s", fault_summary(exc_info[1]))


def create_app(workdir: Path | str, token: str, max_upload: int = MAX_UPLOAD,
               port: int = DEFAULT_PORT) -> Flask:
    """The page's app.  Everything it stores goes under ``workdir`` (the caller's private
    folder, mode 700, deleted at stop); ``port`` is the one the Host header must name."""
    workdir = Path(workdir)
    spool = workdir / "spool"
    spool.mkdir(mode=0o700, parents=True, exist_ok=True)

    class PrivateRequest(Request):
        """Uploads too big for memory are spooled inside the private folder, not /tmp."""

        def _get_file_stream(self, total_content_length, content_type, filename=None,
                             content_length=None):
            return tempfile.TemporaryFile("wb+", dir=spool)

    app = _App(__name__)
    app.request_class = PrivateRequest
    app.config.update(MAX_CONTENT_LENGTH=max_upload, PROVMAP_TOKEN=token,
                      PROVMAP_PORT=port, PROVMAP_WORKDIR=workdir)
    app.logger.setLevel(logging.INFO)
    jobs = Jobs(workdir / "jobs")
    app.extensions["provmap_jobs"] = jobs
    guard.install(app)
    views.install(app, jobs)
    return app
