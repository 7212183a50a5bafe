"""provmap serve stops cleanly however it is stopped, and never leaves children's data behind.

The real command in a subprocess (`python -m provmap serve --no-browser --port 0`) with its
own TMPDIR, given a workbook over HTTP as the page would, then stopped by Ctrl+C (SIGINT),
SIGTERM, SIGHUP (the terminal window closed), or its terminal simply going away; each
time the temporary folder must hold no provmap folder afterwards.  A server killed outright
(SIGKILL, as a crash) leaves its folder, which the next start removes, and nothing else.
The server's log is read for the token, however the request spelt it.
"""

from __future__ import annotations

import http.client
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

try:
    import flask  # noqa: F401
except ModuleNotFoundError:                      # pragma: no cover - CI installs it
    if os.environ.get("PROVMAP_REQUIRE_BROWSER"):
        raise
    pytest.skip("flask is not installed (pip install -e '.[web]')", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workbooks" / "Provision map 2025-26.xlsx"
ADDRESS = re.compile(r"provmap is running at (http://127\.0\.0\.1:(\d+))/\?token=([\w-]+)")


class Serve:
    """`provmap serve --no-browser --port 0` with TMPDIR=tmp; stdout and stderr to a pipe,
    or all three standard streams on a pseudo-terminal (``terminal=True``)."""

    def __init__(self, tmp: Path, terminal: bool = False, nohup: bool = False):
        self.tmp = tmp
        env = dict(os.environ, TMPDIR=str(tmp), PYTHONUNBUFFERED="1")
        argv = [sys.executable, "-m", "provmap", "serve", "--no-browser", "--port", "0"]
        self.master = None
        if terminal:
            # Its own session, so the terminal is not its controlling one: closing it sends
            # no SIGHUP, and only provmap's own watch on the terminal can notice.
            self.master, slave = pty.openpty()
            self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                         env=env, cwd=tmp, start_new_session=True)
            os.close(slave)
            self.read_fd = self.master
        else:
            ignore_hup = (lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN)) if nohup else None
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, env=env, cwd=tmp,
                                         preexec_fn=ignore_hup)
            self.read_fd = self.proc.stdout.fileno()
        self.said = ""
        found = self._wait_for(ADDRESS, 60)
        self.base, self.port, self.token = found.group(1), int(found.group(2)), found.group(3)

    def _wait_for(self, pattern: re.Pattern, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = pattern.search(self.said)
            if found:
                return found
            ready, _, _ = select.select([self.read_fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.read_fd, 65536)
                except OSError:
                    chunk = b""
                self.said += chunk.decode(errors="replace")
            elif self.proc.poll() is not None:
                break
        raise AssertionError(f"provmap serve said: {self.said!r}")

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None, host: str | None = None) -> tuple[int, dict, bytes]:
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        c.putheader("Host", host or f"127.0.0.1:{self.port}")
        for k, v in (headers or {}).items():
            c.putheader(k, v)
        if body is not None:
            c.putheader("Content-Length", str(len(body)))
        c.endheaders(body)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict(r.getheaders()), data

    def cookie(self) -> dict:
        return {"Cookie": f"provmap_token_{self.port}={self.token}", "Origin": self.base}

    def upload(self, path: Path) -> str:
        """Give the workbook to the page; the job's address."""
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"workbook\"; "
                f"filename=\"{path.name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        status, headers, _ = self.request(
            "POST", "/check", body,
            {**self.cookie(), "Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert status == 303, status
        return headers["Location"]

    def state(self, job: str) -> dict:
        status, _, data = self.request("GET", job + "/status", headers=self.cookie())
        assert status == 200, status
        return json.loads(data)

    def wait_until(self, job: str, done, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = self.state(job)
            if done(s):
                return s
            time.sleep(0.1)
        raise AssertionError(f"job still {s}")

    def folders(self) -> list[Path]:
        return sorted(self.tmp.glob("provmap-serve-*"))

    def ended(self, timeout: float = 90) -> int:
        """Wait for the process to end, collecting what it printed; its exit code."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                self._wait_for(re.compile(r"(?!x)x"), 0.5)
            except AssertionError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("provmap serve did not stop")
        if self.master is None:
            self.said += self.proc.stdout.read().decode(errors="replace")
            self.said += self.proc.stderr.read().decode(errors="replace")
        return self.proc.returncode


@pytest.fixture
def small(make_workbook) -> Path:
    return make_workbook()


@pytest.fixture
def tmp(tmp_path) -> Path:
    """The server's TMPDIR, apart from the test's own files."""
    (tmp_path / "tmp").mkdir()
    return tmp_path / "tmp"


@pytest.fixture
def start(tmp):
    """Start servers in ``tmp``; any still running when the test ends (it failed) is killed."""
    started: list[Serve] = []

    def make(terminal: bool = False, nohup: bool = False) -> Serve:
        started.append(Serve(tmp, terminal, nohup))
        return started[-1]

    yield make
    for s in started:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()
        if s.master not in (None, -1):
            os.close(s.master)
        for stream in (s.proc.stdout, s.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM, signal.SIGINT],
                         ids=["SIGHUP", "SIGTERM", "SIGINT"])
def test_every_stopping_signal_deletes_the_private_folder(start, small, signum):
    server = start()
    job = server.upload(small)
    server.wait_until(job, lambda s: s["state"] == "done")
    [folder] = server.folders()
    assert any(folder.rglob("*.zip")) and any(folder.rglob("*.xlsx"))
    server.proc.send_signal(signum)
    assert server.ended() == 0
    assert server.folders() == [] and not folder.exists()
    assert "provmap has stopped, and the files it made for the page are deleted." in server.said


def test_sighup_in_the_middle_of_writing_pops_still_deletes_everything(start):
    server = start()
    job = server.upload(EXAMPLE)
    state = server.wait_until(job, lambda s: "POPs" in s["label"] or s["state"] == "done")
    assert state["state"] == "running", "the example's POPs were done before the signal"
    server.proc.send_signal(signal.SIGHUP)
    assert server.ended() == 0
    assert server.folders() == []


def test_nohup_keeps_it_running_as_asked_and_sigterm_still_cleans_up(start, small):
    """`nohup provmap serve &` ignores SIGHUP on purpose: the one way to keep the page after
    the window closes.  It still deletes everything when it is stopped."""
    server = start(nohup=True)
    server.wait_until(server.upload(small), lambda s: s["state"] == "done")
    server.proc.send_signal(signal.SIGHUP)
    time.sleep(1.5)
    assert server.proc.poll() is None and len(server.folders()) == 1
    server.proc.send_signal(signal.SIGTERM)
    assert server.ended() == 0 and server.folders() == []


def test_the_terminal_going_away_stops_it_and_deletes_everything(start, small):
    server = start(terminal=True)
    job = server.upload(small)
    server.wait_until(job, lambda s: s["state"] == "done")
    assert len(server.folders()) == 1
    os.close(server.master)                      # the terminal window is closed
    server.master = -1
    deadline = time.monotonic() + 60
    while server.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.proc.poll() == 0, "provmap serve did not notice its terminal went away"
    assert server.folders() == []


def test_a_crashed_servers_folder_is_removed_at_the_next_start_and_nothing_else(
        tmp_path, tmp, start, small):
    crashed = start()
    crashed.wait_until(crashed.upload(small), lambda s: s["state"] == "done")
    [left] = crashed.folders()
    crashed.proc.kill()                          # SIGKILL: no clean-up can run
    crashed.proc.wait()
    assert left.exists() and any(left.rglob("*.xlsx"))

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead_unlocked = tmp / f"provmap-serve-{gone.pid}-abcd_123"   # a server gone before its lock
    dead_unlocked.mkdir(mode=0o700)
    (dead_unlocked / "map.xlsx").write_bytes(b"children")
    keep = {
        "alive": tmp / f"provmap-serve-{os.getpid()}-zyxw_987",     # its process still runs
        "not ours by name": tmp / "provmap-serve-notours",
        "a file": tmp / "provmap-serve-1-abcdefgh",
        "a link": tmp / f"provmap-serve-{gone.pid}-link_123",
    }
    keep["alive"].mkdir()
    keep["not ours by name"].mkdir()
    keep["a file"].write_text("not a folder")
    target = tmp_path / "linked"
    target.mkdir()
    (target / "precious").write_text("keep me")
    keep["a link"].symlink_to(target, target_is_directory=True)
    if os.getuid() == 0:                         # another user's folder, dead or alive
        other = tmp / f"provmap-serve-{gone.pid}-other_12"
        other.mkdir()
        os.chown(other, 65534, 65534)
        keep["another user's"] = other

    server = start()
    assert not left.exists() and not dead_unlocked.exists()
    for why, path in keep.items():
        assert os.path.lexists(path), why
    assert (target / "precious").read_text() == "keep me"
    mine = [f for f in server.folders() if f.name.startswith(f"provmap-serve-{server.proc.pid}-")]
    assert len(mine) == 1

    # a second server running beside it leaves the first one's folder alone
    beside = start()
    assert mine[0].exists()
    beside.proc.send_signal(signal.SIGTERM)
    assert beside.ended() == 0
    server.proc.send_signal(signal.SIGTERM)
    assert server.ended() == 0
    assert not mine[0].exists()


def test_the_log_never_holds_the_token_however_it_was_sent(start):
    server = start()
    t = server.token
    encoded = "".join(f"%{b:02X}" for b in t.encode())
    accepted = [f"/?token={t}", f"/?tok%65n={t}", f"/?%74oken={t}", f"/?token={encoded}",
                f"/static/provmap.css?x=1&token={t}"]
    for path in accepted:
        assert server.request("GET", path)[0] == 303, path
    near = t[:-1] + ("A" if t[-1] != "A" else "B")            # a mistyped token
    refused = [f"/?token={near}", f"/?tokem={t}", f"/{near}", f"/job/{t}x",
               f"/?Token={t}", "/?token=" + near.upper()]
    for path in refused:
        assert server.request("GET", path)[0] in (403, 404), path
    assert server.request("GET", f"/?token={t}", host="evil.example")[0] == 403
    server.proc.send_signal(signal.SIGINT)
    assert server.ended() == 0
    log = server.said.split("provmap is running at", 1)[1].split("\n", 1)[1]
    from urllib.parse import unquote
    for secret in (t, near, near.upper(), encoded):
        assert secret not in log and secret not in unquote(log)
    assert '"GET /?[hidden] HTTP/1.1" 303' in log
    assert '"GET [address hidden] HTTP/1.1" 403' in log
