"""provmap serve as a SENCo uses it, and as an intruder tries it: the real server (a
subprocess, as `provmap serve` runs) driven by headless Chromium through Playwright.

Screenshots of the page (empty, with problems, with an unusable file) at a laptop's width
and a phone's go to $PROVMAP_SCREENSHOTS (else a temporary folder) for a person to look at.
These tests fail, not skip, in CI (PROVMAP_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import chromium_or_skip
from provmap.values import format_money

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workbooks" / "Provision map 2025-26.xlsx"
WIDTHS = {"laptop": (1280, 800), "phone": (390, 844)}
WORDS = {"error": "Error", "warning": "Warning", "info": "For information"}
WAIT_MS = 90_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m provmap serve` in a subprocess, with its own TMPDIR to check cleanup."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port = free_port()
        env = dict(os.environ, TMPDIR=str(tmp), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "provmap", "serve", "--no-browser", "--port",
             str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env, cwd=tmp)
        self.first = self._line(timeout=30)
        m = re.fullmatch(r"provmap is running at ((http://127\.0\.0\.1:(\d+))/\?token=([\w-]+))",
                         self.first)
        assert m, self.first
        self.address, self.base, self.token = m.group(1), m.group(2), m.group(4)
        assert int(m.group(3)) == self.port
        self.out = ""
        self.err = ""

    def _line(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                return self.proc.stdout.readline().strip()
            if self.proc.poll() is not None:
                break
        raise AssertionError(f"provmap serve did not start: {self.proc.stderr.read()}")

    def log_so_far(self, wait: float = 1.0) -> str:
        """The server's log up to now (read without waiting for it to stop)."""
        fd = self.proc.stderr.fileno()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                self.err += chunk.decode(errors="replace")
        return self.err

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)         # Ctrl+C
        try:
            out, err = self.proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        self.out += out
        self.err += err
        return self.proc.returncode


@pytest.fixture(scope="module")
def chromium_exe():
    return chromium_or_skip()


@pytest.fixture(scope="module")
def server(chromium_exe, tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("serve"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser(chromium_exe):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_exe)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS["laptop"])),
                                  accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("PROVMAP_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def screenshots(page, shots: Path, name: str) -> None:
    """The page at a laptop's width and a phone's, whole length."""
    for label, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS["laptop"])))


@functools.lru_cache(maxsize=None)
def check_json(path: Path) -> list[dict]:
    """What `provmap check --json` says about the file (the real command, once per file)."""
    r = subprocess.run([sys.executable, "-m", "provmap", "check", "--json", str(path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def table(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#problems tbody tr",
        "rows => rows.filter(r => !r.hidden).map("
        "r => Array.from(r.cells).map(c => c.innerText.trim()))")


def expected_rows(problems: list[dict]) -> list[list[str]]:
    return [[WORDS[p["severity"]], p["sheet"] or "Whole workbook", p["cell"] or "Whole sheet",
             p["message"], p["hint"] or ""] for p in problems]


def give(page, path: Path) -> None:
    """Choose the file with the page's file input, as a SENCo does; wait for the result."""
    before = page.url
    page.set_input_files("#workbook", str(path))
    page.wait_for_url(lambda url: url != before and "/job/" in url, timeout=WAIT_MS)
    page.wait_for_selector("#problems-h, #message", timeout=WAIT_MS)


@pytest.fixture(scope="module")
def with_errors(tmp_path_factory) -> Path:
    """The example school with two mistakes staff make: a misspelt pupil and a word where
    a number goes."""
    from provmap.dev.example import SCHOOL, YEAR, generate_school
    from provmap.workbook.standard import new_workbook
    data = generate_school()
    rows = data.provision_rows["3O Summer"]
    rows[0]["Pupil"] = rows[0]["Pupil"][:-1]
    rows[1]["Sessions per week"] = "lots"
    return new_workbook(tmp_path_factory.mktemp("errors") / "Provision map (errors).xlsx",
                        SCHOOL, YEAR, data=data)


def test_the_senco_checks_the_example_school_and_downloads_everything(
        server, page, shots, tmp_path):
    import openpyxl

    import provmap
    from provmap import termly
    from provmap.numbers.groups import term_groups
    page.goto(server.address)
    assert page.url == server.base + "/"                 # the token went into the cookie
    label = page.get_by_label("The provision map workbook staff fill in (.xlsx)")
    assert label.get_attribute("type") == "file"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "workbook"   # reached by keyboard
    screenshots(page, shots, "1-empty")

    give(page, EXAMPLE)
    assert page.locator("#problems-h").is_visible()
    want = expected_rows(check_json(EXAMPLE))
    assert want and table(page) == want                  # every problem, in check's order

    f = termly.prepare(EXAMPLE).figures                  # the same figures as the script's
    assert page.inner_text("#school") == f"{f.school}: {f.term} term {f.academic_year}"
    figures = page.inner_text("#figures")
    for words in (format_money(f.cost_term), format_money(f.cost_year),
                  f"SEN support {f.by_status['K']}, EHC plan {f.by_status['E']}",
                  *(f"{k}: {n}" for k, n in f.flags_by_kind)):
        assert words in figures
    assert page.locator("#term").input_value() == f.term

    # filters: only warnings, then only one sheet
    page.select_option("#severity", "warning")
    assert table(page) == [r for r in want if r[0] == "Warning"]
    page.select_option("#severity", "")
    sheet = want[-1][1]
    page.select_option("#sheet", sheet)
    assert table(page) == [r for r in want if r[1] == sheet]
    assert page.inner_text("#shown") == f"Showing {len(table(page))} of {len(want)}."
    page.select_option("#sheet", "")
    screenshots(page, shots, "2-example")

    with page.expect_download() as download:
        page.get_by_role("link", name="Everything in one zip").click()
    got = tmp_path / download.value.suggested_filename
    download.value.save_as(got)
    assert got.name == f"{f.school} {f.academic_year} {f.term} - everything.zip"
    m = provmap.load(EXAMPLE)
    with zipfile.ZipFile(got) as z:
        names = z.namelist()
        z.extractall(tmp_path / "all")
    stem = f"{f.school} {f.academic_year} {f.term}"
    senco = tmp_path / "all" / f"{stem} - SENCo rollup.xlsx"
    governors = tmp_path / "all" / f"{stem} - Governors report.xlsx"
    assert openpyxl.load_workbook(senco, read_only=True).sheetnames
    assert openpyxl.load_workbook(governors, read_only=True).sheetnames
    pops = [n for n in names if n.startswith("POPs/")]
    ke = {u: p for u, p in m.pupils.items() if p.sen_status in ("K", "E")}
    assert sorted(n.rsplit(" ", 1)[-1][:-5] for n in pops) == sorted(ke)   # a POP per K/E
    for n in pops:                                       # ... in their class's folder
        _, klass, _ = n.split("/")
        assert klass == ke[n.rsplit(" ", 1)[-1][:-5]].class_name
    plans = [n for n in names if n.startswith("Group plans/")]       # one per group
    groups = term_groups(provmap.rollup(m, term=f.term)).plans
    assert len(plans) == len(groups) > 0
    assert {n.split("/")[1] for n in plans} == {g.class_name for g in groups}
    one = openpyxl.load_workbook(tmp_path / "all" / pops[0], read_only=True)["POP"]
    upn = pops[0].rsplit(" ", 1)[-1][:-5]
    assert ke[upn].name in str(next(one.iter_rows(min_row=2, max_row=2, values_only=True))[0])


def test_a_workbook_with_errors_shows_them_and_what_it_can_still_make(
        server, page, shots, with_errors):
    page.goto(server.address)
    give(page, with_errors)
    problems = check_json(with_errors)
    errors = [p for p in problems if p["severity"] == "error"]
    assert len(errors) >= 2
    want = expected_rows(problems)
    assert table(page) == want
    assert any(r[3].endswith("is not on the Pupils sheet.") and r[4].startswith("did you mean")
               for r in want)
    page.select_option("#severity", "error")
    assert table(page) == expected_rows(errors)
    assert "Rows with an error are left out of the numbers" in page.inner_text("#main")
    links = page.locator("#downloads a")
    assert links.count() == 5                            # the outputs it can still make
    screenshots(page, shots, "3-errors")

    # "Check again": staff fixed it; drop the new version on the same page
    assert page.get_by_label("The new version of the workbook, after staff have fixed it")
    give(page, EXAMPLE)
    assert table(page) == expected_rows(check_json(EXAMPLE))


def test_an_unusable_file_shows_checks_sentence_and_the_page_carries_on(
        server, page, shots, tmp_path, make_workbook):
    from test_hostile import make_zip_bomb
    bomb = make_zip_bomb(tmp_path)
    said = subprocess.run([sys.executable, "-m", "provmap", "check", str(bomb)],
                          capture_output=True, text=True, timeout=60)
    assert said.returncode == 2
    sentence = said.stderr.strip().removeprefix(f"provmap: {bomb}: ")
    page.goto(server.address)
    give(page, bomb)
    assert page.inner_text("#message .sentence") == f"{bomb.name}: {sentence}"
    screenshots(page, shots, "4-unusable")
    give(page, make_workbook())                           # and the next file is checked
    assert page.locator("#downloads a").count() == 5      # with the group plans


def raw(server, method: str, path: str, host: str | None = None, headers=None,
        body: bytes | None = None) -> tuple[int, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    c.putrequest(method, path, skip_host=True)
    c.putheader("Host", host or f"127.0.0.1:{server.port}")
    for k, v in (headers or {}).items():
        c.putheader(k, v)
    c.endheaders()
    if body:
        try:
            c.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def test_an_intruder_is_refused_and_the_server_carries_on(server):
    t = server.token
    assert raw(server, "GET", "/")[0] == 403
    assert raw(server, "GET", "/?token=guess")[0] == 403
    assert raw(server, "GET", f"/?token={t}", host=f"evil.example:{server.port}")[0] == 403
    assert raw(server, "GET", f"/?token={t}", host="rebound.example")[0] == 403
    cookie = {"Cookie": f"provmap_token_{server.port}={t}"}
    assert raw(server, "GET", "/check", headers=cookie)[0] == 405
    # 60 MB announced, a little sent: refused before it is stored
    status, data = raw(server, "POST", f"/check?token={t}", headers={
        "Content-Type": "multipart/form-data; boundary=x",
        "Content-Length": str(60 * 1024 * 1024)}, body=b"--x\r\n" + b"\0" * 65536)
    assert status == 413 and b"bigger than 50 MB" in data
    assert raw(server, "GET", f"/?token={t}")[0] == 303


def outside(server) -> set[Path]:
    """Everything in the server's temporary folder except its private folder."""
    return {p for p in server.tmp.rglob("*") if not p.relative_to(server.tmp).parts[0]
            .startswith("provmap-serve-")}


def test_a_hostile_school_through_the_page_writes_nothing_outside_its_folder(
        server, page, tmp_path, make_workbook):
    """The private folder is <tmp>/provmap-serve-*/jobs/<id>/downloads: four levels up from
    where the zips are made is the server's temporary folder itself."""
    import openpyxl
    hostile = make_workbook(settings={"School": "../../../../elsewhere/Oak/Elm"})
    before = outside(server)
    page.goto(server.address)
    give(page, hostile)
    with page.expect_download() as download:
        page.get_by_role("link", name="Everything in one zip").click()
    name = download.value.suggested_filename
    assert name == "elsewhere-Oak-Elm 2025-26 Autumn - everything.zip"
    download.value.save_as(tmp_path / "got.zip")
    with zipfile.ZipFile(tmp_path / "got.zip") as z:
        assert all(".." not in n.split("/") for n in z.namelist())
        z.extractall(tmp_path / "got")
    assert openpyxl.load_workbook(next((tmp_path / "got").glob("*SENCo rollup.xlsx")),
                                  read_only=True).sheetnames
    assert outside(server) == before
    assert not list(server.tmp.rglob("elsewhere")) and not (tmp_path / "elsewhere").exists()


def test_a_page_whose_check_is_gone_says_so_and_stops_asking(server, page, shots,
                                                              make_workbook):
    page.goto(server.address)
    give(page, make_workbook())
    asked = []
    page.route("**/status", lambda route: (asked.append(route.request.url),
                                           route.fulfill(status=404, body="gone")))
    page.wait_for_selector("#gone", state="visible", timeout=30_000)
    assert "That check is no longer kept" in page.inner_text("#gone")
    assert "Drop the workbook below to check it again" in page.inner_text("#gone-sentence")
    assert page.locator("form.term button").is_disabled()
    assert page.locator("#downloads a[href]").count() == 0          # no link to a 404
    n = len(asked)
    page.wait_for_timeout(2500)
    assert len(asked) == n == 1                                      # not polling forever
    assert page.evaluate("document.activeElement.id") == "again"
    screenshots(page, shots, "5-gone")
    with page.expect_file_chooser() as chooser:
        page.click("#again")                                         # offers to check again
    assert chooser.value.element.get_attribute("id") == "workbook"


def test_leaving_a_checks_page_tells_provmap_it_may_delete_it(server, page, make_workbook):
    page.goto(server.address)
    give(page, make_workbook())
    job = page.url.rsplit("/", 1)[-1]
    page.goto(server.base + "/")                                     # the SENCo moves on
    deadline = time.monotonic() + 20
    while f'"POST /job/{job}/left HTTP/1.1" 204' not in server.log_so_far(0.5):
        assert time.monotonic() < deadline, "the page did not say it was closed"


def test_ctrl_c_stops_it_and_deletes_everything(server):
    workdirs = list(server.tmp.glob("provmap-serve-*"))
    assert len(workdirs) == 1 and (workdirs[0].stat().st_mode & 0o777) == 0o700
    assert server.stop() == 0
    assert "provmap has stopped" in server.out
    assert not list(server.tmp.glob("provmap-serve-*"))
    import provmap
    log = server.err
    assert '"GET [address hidden] HTTP/1.1" 403' in log  # the request log is there ...
    assert server.token not in log                       # ... without the token
    for p in provmap.load(EXAMPLE).pupils.values():      # ... and names no pupil
        assert p.name not in log and p.upn not in log
