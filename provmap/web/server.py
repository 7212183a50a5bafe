"""Run the page: bind 127.0.0.1, print the address with its token, open the browser, and
on Ctrl+C, SIGTERM, SIGHUP or the terminal going away, stop and delete the private folder
(:mod:`provmap.web.folder`; one a crash left is deleted at the next start).

Werkzeug's threaded server is enough for one SENCo on one computer; its request log is
kept but with the token taken out of each address.
"""

from __future__ import annotations

import errno
import os
import secrets
import select
import signal
import socket
import sys
import threading
import webbrowser
from typing import TextIO

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from . import DEFAULT_PORT, MAX_UPLOAD, create_app
from .folder import PrivateFolder, remove_abandoned
from .guard import redact

HOST = "127.0.0.1"
TRIES = 20                    # with the default port: try this many ports after it
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


class PortBusy(Exception):
    """The port asked for is in use (the message is the sentence to print)."""


class _Handler(WSGIRequestHandler):
    """Werkzeug's request log, without the token (the address of the first visit has it)
    and without colour codes (the log may be saved to a file).  A refused request is logged
    without its address at all: a mistyped token is most of the token."""

    def log_request(self, code="-", size="-") -> None:
        if str(code) == "200" and self.path.endswith("/status"):
            return                              # the page polls while it is open
        try:
            where = "[address hidden]" if str(code) == "403" else self.path
            line = f"{self.command} {where} {self.request_version}"
        except AttributeError:                  # a request line too broken to parse
            line = self.requestline
        self.log("info", '"%s" %s %s', line, code, size)

    def log(self, type: str, message: str, *args) -> None:  # noqa: A002 - Werkzeug's name
        token = self.server.app.config.get("PROVMAP_TOKEN")
        super().log(type, redact(message % args if args else message, token))


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
    """Serve the page until Ctrl+C, SIGTERM, SIGHUP or the terminal closing; then delete
    everything it stored.  Returns 0."""
    stopping, give_up = threading.Event(), threading.Event()

    def stop(_signum, _frame):
        if not stopping.is_set():        # the first: leave serve_forever
            stopping.set()
            raise KeyboardInterrupt
        give_up.set()                    # another while a job finishes its step: stop waiting

    # Ctrl+C must stop the page even when provmap was started from a script or a desktop
    # shortcut that left SIGINT ignored (a shell's background job inherits SIG_IGN, and
    # Python then never raises KeyboardInterrupt).  SIGHUP is the terminal window closing
    # or the user logging out: without a handler the process would die with the folder
    # left behind.  Only `nohup provmap serve` (SIGHUP ignored on purpose) keeps running
    # when its terminal goes.  The handlers are in place before the folder exists.
    nohup = hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS
                if not (nohup and s == signal.SIGHUP)}
    folder = app = server = None
    try:
        remove_abandoned()                   # a crashed server's folder: children's data
        folder = PrivateFolder()             # mode 700, locked while this server lives
        token = secrets.token_urlsafe(24)
        app = create_app(folder.path, token, max_upload)
        server = bind(app, port)
        chosen = server.port
        if port is None and chosen != DEFAULT_PORT:
            _say(out, f"Port {DEFAULT_PORT} is in use by another program, so provmap is "
                      f"using port {chosen}.")
        url = f"http://{HOST}:{chosen}/?token={token}"
        _say(out, f"provmap is running at {url}")
        _say(out, "Keep this window open while you use the page; press Ctrl+C here to stop.")
        if not nohup:
            watch_terminal()
        if open_browser and _has_desktop():
            webbrowser.open(url)
        elif open_browser:
            _say(out, "Open the address above in your web browser.")
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stopping.set()                   # from here a signal never raises
        if server is not None:
            server.server_close()
        if app is not None:
            jobs = app.extensions["provmap_jobs"]
            if jobs.busy:
                _say(out, "Stopping: finishing the step in progress ...")
            jobs.close(give_up=give_up)
        if folder is not None:
            folder.remove()
        for s, handler in previous.items():
            signal.signal(s, handler)
    _say(out, "provmap has stopped, and the files it made for the page are deleted.")
    return 0


def _say(out: TextIO, line: str) -> None:
    """Print to the window, which may already be gone (a closed terminal)."""
    try:
        print(line, file=out, flush=True)
    except (OSError, ValueError):
        pass


def watch_terminal() -> threading.Thread | None:
    """Stop the server (as SIGHUP does) when the terminal it was started from goes away.

    The kernel sends SIGHUP only to the terminal's foreground job and its session leader;
    a server started in the background, or under a program that ignores the hang-up,
    would otherwise keep running, and keep the children's data, after the window closed.
    Polls the standard streams that are terminals for a hang-up; reads nothing."""
    if not hasattr(select, "poll"):
        return None                                    # pragma: no cover - Windows
    fds = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            if stream is not None and os.isatty(stream.fileno()):
                fds.append(stream.fileno())
        except (OSError, ValueError):
            continue
    if not fds:
        return None
    poller = select.poll()
    for fd in set(fds):
        poller.register(fd, 0)                         # only hang-ups and errors

    def wait() -> None:
        while True:
            try:
                events = poller.poll()
            except InterruptedError:                   # pragma: no cover - PEP 475 retries
                continue
            if any(e & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, e in events):
                os.kill(os.getpid(), signal.SIGHUP)
                return

    thread = threading.Thread(target=wait, name="provmap-terminal", daemon=True)
    thread.start()
    return thread
