"""Run the page: bind 127.0.0.1, print the address with its token, open the browser, and
on Ctrl+C (or SIGTERM) stop and delete the private folder.

Werkzeug's threaded server is enough for one SENCo on one computer; its request log is
kept but with the token taken out of each address.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import webbrowser
from pathlib import Path
from typing import TextIO

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from . import DEFAULT_PORT, MAX_UPLOAD, create_app
from .guard import redact

HOST = "127.0.0.1"
TRIES = 20                    # with the default port: try this many ports after it


class PortBusy(Exception):
    """The port asked for is in use (the message is the sentence to print)."""


class _Handler(WSGIRequestHandler):
    """Werkzeug's request log, without the token (the address of the first visit has it)
    and without colour codes (the log may be saved to a file)."""

    def log_request(self, code="-", size="-") -> None:
        if str(code) == "200" and self.path.endswith("/status"):
            return                              # the page polls twice a second
        try:
            line = f"{self.command} {self.path} {self.request_version}"
        except AttributeError:                  # a request line too broken to parse
            line = self.requestline
        self.log("info", '"%s" %s %s', line, code, size)

    def log(self, type: str, message: str, *args) -> None:  # noqa: A002 - Werkzeug's name
        super().log(type, redact(message % args) if args else redact(message))


def bind(app, port: int | None) -> BaseWSGIServer:
    """A server on 127.0.0.1:port; with no port asked for, 8765 or the next free one;
    port 0 is any free port.

    The socket is bound here, not by Werkzeug, which would print its own message and exit
    on a busy port."""
    ports = [port] if port is not None else range(DEFAULT_PORT, DEFAULT_PORT + TRIES + 1)
    for p in ports:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, p))
            sock.listen(128)
        except OSError as exc:
            sock.close()
            if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise
            if port is not None:
                reason = ("is in use by another program (is provmap already running in "
                          "another window?)" if exc.errno == errno.EADDRINUSE
                          else "is reserved on this computer")
                raise PortBusy(f"port {port} {reason}; choose another with --port, e.g. "
                               f"--port {DEFAULT_PORT + 1}.") from None
            continue
        p = sock.getsockname()[1]               # the port itself when 0 asked for any
        app.config["PROVMAP_PORT"] = p
        try:
            return make_server(HOST, p, app, threaded=True, request_handler=_Handler,
                               fd=sock.fileno())
        finally:
            sock.close()                 # Werkzeug keeps its own copy of the socket
    raise PortBusy(f"ports {DEFAULT_PORT} to {DEFAULT_PORT + TRIES} are all in use; choose "
                   "a free one with --port.")


def _has_desktop() -> bool:
    """Whether a graphical browser can open (on a Linux server without a desktop,
    webbrowser would start a text browser in this window instead)."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def serve(port: int | None = None, open_browser: bool = True, *,
          max_upload: int = MAX_UPLOAD, out: TextIO = sys.stdout) -> int:
    """Serve the page until Ctrl+C; then delete everything it stored.  Returns 0."""
    workdir = Path(tempfile.mkdtemp(prefix="provmap-serve-"))       # mode 700
    token = secrets.token_urlsafe(24)
    app = create_app(workdir, token, max_upload)
    try:
        server = bind(app, port)
    except BaseException:
        app.extensions["provmap_jobs"].close()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    chosen = server.port
    if port is None and chosen != DEFAULT_PORT:
        print(f"Port {DEFAULT_PORT} is in use by another program, so provmap is using port "
              f"{chosen}.", file=out)
    url = f"http://{HOST}:{chosen}/?token={token}"
    print(f"provmap is running at {url}", file=out)
    print("Keep this window open while you use the page; press Ctrl+C here to stop.",
          file=out, flush=True)

    def stop(_signum, _frame):
        raise KeyboardInterrupt
    # Ctrl+C must stop the page even when provmap was started from a script or a desktop
    # shortcut that left SIGINT ignored (a shell's background job inherits SIG_IGN, and
    # Python then never raises KeyboardInterrupt).
    previous = signal.signal(signal.SIGTERM, stop)
    previous_int = signal.signal(signal.SIGINT, stop)
    try:
        if open_browser and _has_desktop():
            webbrowser.open(url)
        elif open_browser:
            print("Open the address above in your web browser.", file=out, flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        server.server_close()
        jobs = app.extensions["provmap_jobs"]
        if jobs.busy:
            print("Stopping: finishing the step in progress ...", file=out, flush=True)
        try:
            jobs.close()
        except KeyboardInterrupt:      # a second Ctrl+C: stop waiting, still clean up
            pass
        shutil.rmtree(workdir, ignore_errors=True)
    print("provmap has stopped, and the files it made for the page are deleted.", file=out,
          flush=True)
    return 0
