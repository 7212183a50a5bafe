"""provmap serve: who may use the page, and what it answers, through Flask's test client.

What a SENCo sees in a browser is in test_serve_browser.py; here are the HTTP rules
(token, cookie, Host, POST only, size limit, hostile files) and the job's answers.
"""

from __future__ import annotations

import io
import logging
import os
import re
import stat
import time
import zipfile
from pathlib import Path

import pytest

try:
    import flask  # noqa: F401
except ModuleNotFoundError:                      # pragma: no cover - CI installs it
    if os.environ.get("PROVMAP_REQUIRE_BROWSER"):
        raise
    pytest.skip("flask is not installed (pip install -e '.[web]')", allow_module_level=True)

from provmap.values import format_money
from provmap import termly  # noqa: E402
from provmap.web import create_app  # noqa: E402
from provmap.web.guard import cookie_name, redact  # noqa: E402
from provmap.web.jobs import Job, fault_summary  # noqa: E402
from provmap.web.views import safe_name  # noqa: E402
from test_hostile import make_entity_attack, make_zip_bomb  # noqa: E402

TOKEN = "s3cret-token"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def app(tmp_path):
    app = create_app(tmp_path / "work", TOKEN, max_upload=8 * 1024 * 1024, port=PORT)
    yield app
    app.extensions["provmap_jobs"].close()


@pytest.fixture
def client(app):
    """A client that has visited the printed address (so it holds the cookie)."""
    c = app.test_client()
    assert c.get(f"/?token={TOKEN}", base_url=BASE).status_code == 303
    return c


def get(c, path, **kw):
    return c.get(path, base_url=BASE, **kw)


def upload(c, path: Path | None = None, data: bytes | None = None, name: str | None = None,
           **form):
    body = io.BytesIO(path.read_bytes() if path else data)
    return c.post("/check", base_url=BASE, content_type="multipart/form-data",
                  data={"workbook": (body, name or (path.name if path else "map.xlsx")),
                        **form})


def finish(c, response, timeout=60.0) -> tuple[str, dict]:
    """Follow an upload to its job and wait for the job to end; (job page URL, status)."""
    assert response.status_code == 303, response.data[:300]
    where = response.headers["Location"]
    deadline = time.monotonic() + timeout
    while True:
        status = get(c, where + "/status").get_json()
        if status["state"] not in ("waiting", "running") or time.monotonic() > deadline:
            return where, status
        time.sleep(0.1)


def text(response) -> str:
    """The page's visible text, roughly (tags dropped, entities left), for `in` checks."""
    import html
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(True))))


# -- who may use it -------------------------------------------------------------------------


def test_without_the_token_everything_is_refused(app):
    c = app.test_client()
    for path in ("/", "/static/provmap.css", "/job/x", "/job/x/status"):
        r = get(c, path)
        assert r.status_code == 403 and b"address provmap printed" in r.data, path
    assert get(c, "/?token=wrong").status_code == 403
    c.set_cookie(cookie_name(PORT), "wrong", domain="127.0.0.1")
    assert get(c, "/").status_code == 403
    r = c.post("/check", base_url=BASE, data={})
    assert r.status_code == 403


def test_the_printed_address_sets_a_strict_cookie_and_leaves_the_address_bar(app):
    c = app.test_client()
    r = get(c, f"/?token={TOKEN}")
    assert r.status_code == 303 and r.headers["Location"] == "/"
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith(f"{cookie_name(PORT)}={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    r = get(c, "/")
    assert r.status_code == 200 and b"Check this term's provision map" in r.data
    # the token in the address also works on its own, for any address
    assert get(app.test_client(), f"/static/provmap.css?token={TOKEN}").status_code == 303


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "localhost",
                                  "127.0.0.1.nip.io:8765", "[::1]:8765"])
def test_a_foreign_host_header_is_refused_even_with_the_token(client, host):
    r = client.get(f"/?token={TOKEN}", headers={"Host": host})
    assert r.status_code == 403 and b"only answers at http://127.0.0.1:8765/" in r.data
    assert get(client, "/").status_code == 200          # and it carries on


def test_localhost_is_a_name_for_the_page_too(client):
    assert client.get("/", base_url=f"http://localhost:{PORT}").status_code == 403  # no cookie
    c = client.application.test_client()
    r = c.get(f"/?token={TOKEN}", base_url=f"http://localhost:{PORT}")
    assert r.status_code == 303


def test_work_needs_a_post_from_the_page_itself(client, make_workbook):
    assert get(client, "/check").status_code == 405
    r = client.post("/check", base_url=BASE, headers={"Origin": "http://evil.example"},
                    content_type="multipart/form-data",
                    data={"workbook": (io.BytesIO(make_workbook().read_bytes()), "m.xlsx")})
    assert r.status_code == 403 and b"another web page" in r.data
    r = client.post("/check", base_url=BASE, headers={"Origin": "null"}, data={})
    assert r.status_code == 403
    r = client.post("/check", base_url=BASE, headers={"Sec-Fetch-Site": "cross-site"}, data={})
    assert r.status_code == 403
    # the page's own origin is fine
    r = client.post("/check", base_url=BASE, headers={"Origin": BASE},
                    content_type="multipart/form-data",
                    data={"workbook": (io.BytesIO(make_workbook().read_bytes()), "m.xlsx")})
    assert r.status_code == 303


def test_every_answer_forbids_other_sites_framing_and_caching(client):
    r = get(client, "/")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Referrer-Policy"] == "same-origin"
    # nothing on the page comes from another site
    page = r.get_data(True)
    links = re.findall(r'(?:src|href|action)="([^"]*)"', page)
    assert links and all(not re.match(r"(?i)(https?:)?//", u) for u in links), links
    for asset in ("/static/provmap.css", "/static/provmap.js"):
        body = get(client, asset).get_data(True)
        assert "http://" not in body and "https://" not in body and "@import" not in body


def test_an_upload_over_the_limit_is_refused_before_it_is_stored(client, app):
    work = app.config["PROVMAP_WORKDIR"]
    before = sorted(p for p in work.rglob("*"))
    r = upload(client, data=b"PK\x03\x04" + b"\0" * (9 * 1024 * 1024), name="big.xlsx")
    assert r.status_code == 413
    assert "bigger than 8 MB, the most provmap accepts" in text(r)
    assert sorted(p for p in work.rglob("*")) == before       # nothing stored
    assert get(client, "/").status_code == 200


def test_the_private_folder_is_only_the_owners(app):
    work = app.config["PROVMAP_WORKDIR"]
    for folder in (work / "jobs", work / "spool"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize("line", [
    f"GET /?token={TOKEN} HTTP/1.1",
    f"GET /?tok%65n={TOKEN} HTTP/1.1",                 # the name encoded: Werkzeug accepts it
    f"GET /?%74%6F%6B%65%6E={TOKEN} HTTP/1.1",
    f"GET /job/a?sheet=x&token={TOKEN}&severity=error HTTP/1.1",
    f"GET /job/a?sheet=x;token={TOKEN} HTTP/1.1",
    f"GET /?TOKEN={TOKEN.upper()} HTTP/1.1",
    f"GET /{TOKEN} HTTP/1.1",                          # the token where it does not belong
    "GET /%73%33%63%72%65%74-token HTTP/1.1",         # ... percent-encoded
    f"code 400, message Bad request syntax ('GET /?token={TOKEN} HTTP/1.1 x')",
])
def test_logs_never_hold_the_token_however_it_is_written(line):
    from urllib.parse import unquote
    said = redact(line, TOKEN)
    assert TOKEN not in said and TOKEN not in unquote(said)
    assert TOKEN.upper() not in said


def test_a_log_line_keeps_what_is_not_the_token():
    assert redact("GET /job/a?sheet=x&token=abc HTTP/1.1", TOKEN) == \
        "GET /job/a?[hidden] HTTP/1.1"
    assert redact('"GET /static/provmap.css HTTP/1.1" 200 -', TOKEN) == \
        '"GET /static/provmap.css HTTP/1.1" 200 -'


def test_a_fault_is_logged_without_its_message():
    try:
        {}["Jonathan Smith"]
    except KeyError as exc:
        summary = fault_summary(exc)
    assert summary.startswith("KeyError at ") and "Jonathan" not in summary


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("make, words", [(make_zip_bomb, "zip bomb"),
                                         (make_entity_attack, "entity declaration")])
def test_a_hostile_file_gets_checks_sentence_and_the_server_carries_on(
        client, tmp_path, make, words, make_workbook):
    import provmap
    path = make(tmp_path)
    with pytest.raises(provmap.UnreadableWorkbook) as refused:
        provmap.load(path)
    where, status = finish(client, upload(client, path))
    assert status["state"] == "refused"
    page = text(get(client, where))
    assert f"{path.name}: {refused.value.message}" in page and words in page
    assert "This file cannot be used" in page
    # and the next workbook is checked as usual
    where, status = finish(client, upload(client, make_workbook()))
    assert status["state"] == "done"


def test_not_a_workbook_and_no_file_at_all(client):
    where, status = finish(client, upload(client, data=b"just some notes", name="notes.xlsx"))
    assert status["state"] == "refused"
    assert "notes.xlsx: " in text(get(client, where))
    r = client.post("/check", base_url=BASE, data={})
    assert r.status_code == 400 and "Choose the provision map workbook first" in text(r)


def test_an_unknown_job_is_a_kind_404(client):
    r = get(client, "/job/nope")
    assert r.status_code == 404 and "no longer kept" in text(r)
    assert get(client, "/job/nope/download/all").status_code == 404


# -- what a good run shows --------------------------------------------------------------------


ROWS = [{"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": 86, "Post": 92},
        {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Pre": 20, "Post": 26},
        {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Pre": 18, "Post": 18},
        {"Pupil": "Nobody Known", "Provision": "Lego therapy"}]


def test_a_workbook_with_errors_shows_its_problems_figures_and_downloads(
        client, make_workbook, tmp_path):
    path = make_workbook(sheets={"3O Autumn": {"provision": ROWS}})
    expected = termly.run_termly(path, None, tmp_path / "direct")
    where, status = finish(client, upload(client, path))
    assert status["state"] == "done"
    r = get(client, where)
    page = text(r)
    f = expected.figures
    assert f"{f.school}: {f.term} term {f.academic_year}" in page
    assert f"Cost this term {format_money(f.cost_term)}" in page
    assert f"Pupils with provision {f.pupils_with_provision} " in page
    assert f"Rows left out of the numbers {f.rows_excluded}" in page
    # every problem, in check's order, with its sheet and cell
    rows = re.findall(r"<tr class=\"sev-(\w+)\"[^>]*>(.*?)</tr>", r.get_data(True), re.S)
    assert len(rows) == len(expected.problems)
    for (sev, row), p in zip(rows, expected.problems):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                        row, re.S)]
        import html
        cells = [html.unescape(c) for c in cells]
        assert sev == str(p.severity)
        assert cells[1:] == [p.sheet or "Whole workbook", p.cell or "Whole sheet", p.message,
                             p.hint or ""]
    # the filters (without JavaScript: the server hides the other rows)
    errors_only = get(client, where + "?severity=error").get_data(True)
    visible = re.findall(r"<tr class=\"sev-(\w+)\"(?![^>]*hidden)", errors_only)
    assert visible == ["error"] * f.errors and f.errors == 1
    # downloads: each report, the POPs in class folders, the group plans, and everything
    z = zipfile.ZipFile(io.BytesIO(get(client, where + "/download/all").data))
    names = sorted(z.namelist())
    assert names == sorted([expected.senco.name, expected.governors.name,
                            *("POPs/" + p.relative_to(expected.out).as_posix()
                              for p in expected.pops),
                            *(p.relative_to(expected.out).as_posix()
                              for p in expected.group_plans)])
    assert expected.group_plans and all(n.startswith("Group plans/3O/") for n in names
                                        if n.startswith("Group plans/"))
    plans = zipfile.ZipFile(io.BytesIO(get(client, where + "/download/groups").data))
    assert sorted(plans.namelist()) == sorted(
        p.relative_to(expected.out / "Group plans").as_posix() for p in expected.group_plans)
    assert "Group plans (zip, class folders)" in page
    pops = zipfile.ZipFile(io.BytesIO(get(client, where + "/download/pops").data))
    assert sorted(pops.namelist()) == sorted(p.relative_to(expected.out).as_posix()
                                             for p in expected.pops)
    assert all(n.startswith("3O/") for n in pops.namelist())
    senco = get(client, where + "/download/senco")
    assert senco.data[:2] == b"PK" and expected.senco.name in senco.headers[
        "Content-Disposition"]


def test_another_term_is_the_same_workbook_rolled_up_again(client, make_workbook):
    path = make_workbook(sheets={"3O Autumn": {"provision": ROWS[:2]}})
    where, status = finish(client, upload(client, path))
    page = get(client, where).get_data(True)
    assert re.search(r'<option value="Spring">Spring</option>', page)
    r = client.post(where + "/term", base_url=BASE, data={"term": "Spring"})
    again, status = finish(client, r)
    assert status["state"] == "done" and again != where
    assert "Spring term" in text(get(client, again))
    # "check again" keeps the chosen term
    assert '<input type="hidden" name="term" value="Spring">' in get(client, again).get_data(True)


def test_nothing_computable_shows_the_problems_and_no_downloads(client, make_workbook):
    path = make_workbook(sheets={"3O Autumn": {"provision": ROWS[3:]}})
    where, status = finish(client, upload(client, path))
    page = text(get(client, where))
    assert "Nothing can be worked out for Autumn" in page and "Nobody Known" in page
    assert "Everything in one zip" not in page
    assert get(client, where + "/download/all").status_code == 404


def test_progress_is_said_in_the_schools_words():
    job = Job(id="x", filename="m.xlsx", workbook=Path("m.xlsx"), term=None, folder=Path("."))
    job.state = "running"
    job.step = termly.Step(termly.POPS, 12, 40)
    assert job.status() == {"state": "running", "label": "Writing POPs: 12 of 40",
                            "done": 12, "total": 40}
    job.step = termly.Step(termly.GOVERNORS)
    assert job.status()["label"] == "Writing the governors' report"


def test_uploaded_names_are_kept_but_made_safe():
    assert safe_name("Provision map 2025-26.xlsx") == "Provision map 2025-26.xlsx"
    assert safe_name("C:\\Users\\senco\\map.xlsx") == "map.xlsx"
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name('a<b>"c|\x00.xlsx') == "a-b-c.xlsx"
    assert safe_name("..") == safe_name("") == safe_name(".xlsx") == "workbook.xlsx"
    for long in ("x" * 300 + ".xlsx", "🌳" * 200 + ".xlsx", "ŵ" * 300 + ".xlsx"):
        name = safe_name(long)
        assert len(name.encode()) <= 255 and name.endswith(".xlsx"), long[:5]
    assert safe_name("🌳" * 200 + ".xlsx") == "🌳" * 62 + ".xlsx"     # whole characters


def test_an_upload_named_with_200_emoji_is_checked(client, make_workbook):
    where, status = finish(client, upload(client, make_workbook(), name="🌳" * 200 + ".xlsx"))
    assert status["state"] == "done"
    page = text(get(client, where))
    assert f" {'🌳' * 62}.xlsx" in page and "🌳" * 63 not in page


def test_the_server_log_names_no_pupil(client, make_workbook, caplog):
    caplog.set_level(logging.INFO)
    path = make_workbook(sheets={"3O Autumn": {"provision": ROWS}})
    finish(client, upload(client, path))
    logged = caplog.text
    assert "job " in logged
    for name in ("Jonathan", "Aisha", "Nobody", "Smith", TOKEN):
        assert name not in logged


# -- the page's files never leave its folder -------------------------------------------------


def files_under(folder: Path, leaving_out: Path | None = None) -> set[Path]:
    return {p for p in folder.rglob("*")
            if leaving_out is None or leaving_out not in (p, *p.parents)}


@pytest.fixture
def deep(tmp_path):
    """A page whose private folder is four levels down, so `../../../../elsewhere` from its
    zips' folder would land in this test's own folder, where the test can see it."""
    work = tmp_path / "a" / "b" / "c" / "d" / "work"
    app = create_app(work, TOKEN, port=PORT)
    c = app.test_client()
    assert c.get(f"/?token={TOKEN}", base_url=BASE).status_code == 303
    yield c, work
    app.extensions["provmap_jobs"].close()


@pytest.mark.parametrize("settings", [
    {"School": "../../../../elsewhere/Oak"},
    {"School": "{tmp}/elsewhere/Oak"},                 # an absolute path: this test's folder
    {"School": "..\\..\\..\\..\\elsewhere\\Oak"},
    {"School": "Oak", "Academic year": "../../../../elsewhere/2025-26"},
    {"School": "..", "Academic year": ".."},
])
def test_a_hostile_school_writes_nothing_outside_the_pages_folder(deep, tmp_path, make_workbook,
                                                                   settings):
    c, work = deep
    settings = {k: v.replace("{tmp}", str(tmp_path)) for k, v in settings.items()}
    path = make_workbook(settings=settings)
    before = files_under(tmp_path, work)
    where, status = finish(c, upload(c, path))
    assert status["state"] == "done"
    assert files_under(tmp_path, work) == before          # nothing new outside the page's folder
    made = files_under(work / "jobs")
    assert all(p.resolve().is_relative_to(work.resolve()) for p in made)
    for key in ("all", "pops", "senco", "governors"):
        r = get(c, f"{where}/download/{key}")
        assert r.status_code == 200, key
        name = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", r.headers["Content-Disposition"])
        assert name and "/" not in name.group(1) and "\\" not in name.group(1)
    z = zipfile.ZipFile(io.BytesIO(get(c, where + "/download/all").data))
    assert all(".." not in n.split("/") and not n.startswith("/") for n in z.namelist())


def test_a_300_character_school_name_works(client, make_workbook):
    for school in ("Oak " * 75, "Ysgol Gymraeg " + "ŵ" * 286, "🌳" * 300):
        path = make_workbook(settings={"School": school})
        where, status = finish(client, upload(client, path))
        assert status["state"] == "done", school[:10]
        page = text(get(client, where))
        assert "could not be made" not in page and "fault in provmap" not in page
        for key in ("all", "pops", "senco", "governors"):
            r = get(client, f"{where}/download/{key}")
            assert r.status_code == 200 and r.data[:2] == b"PK", (school[:10], key)
            d = client.application.extensions["provmap_jobs"].get(where.rsplit("/", 1)[-1])
            assert len(d.downloads[key].path.name.encode()) <= 255


def test_a_slash_in_the_school_does_not_cut_the_downloads_name(client, make_workbook):
    path = make_workbook(settings={"School": "Oak/Elm Federation"})
    where, status = finish(client, upload(client, path))
    r = get(client, where + "/download/all")
    assert 'filename="Oak-Elm Federation 2025-26 Autumn - everything.zip"' in \
        r.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    assert "Oak-Elm Federation 2025-26 Autumn - SENCo rollup.xlsx" in names


# -- a job is kept until it is downloaded or its page closed ----------------------------------


def job_of(client, where: str):
    return client.application.extensions["provmap_jobs"].get(where.rsplit("/", 1)[-1])


def test_jobs_are_kept_until_downloaded_not_the_last_three(client, make_workbook):
    path = make_workbook()
    wheres = [finish(client, upload(client, path))[0] for _ in range(5)]
    jobs = client.application.extensions["provmap_jobs"]
    jobs.sweep()
    assert all(get(client, w + "/status").status_code == 200 for w in wheres)
    folders = [job_of(client, w).folder for w in wheres]
    # downloading from four of them: the oldest downloaded one goes, the others stay
    for w in wheres[:4]:
        assert get(client, w + "/download/senco").status_code == 200
    assert get(client, wheres[0] + "/status").status_code == 404
    assert not folders[0].exists()
    assert all(get(client, w + "/status").status_code == 200 for w in wheres[1:])
    assert all(f.exists() for f in folders[1:])
    # the same job downloaded again counts as the latest
    assert get(client, wheres[1] + "/download/all").status_code == 200
    assert get(client, wheres[4] + "/download/all").status_code == 200
    assert get(client, wheres[2] + "/status").status_code == 404
    assert [get(client, w + "/status").status_code for w in wheres] == [404, 200, 404, 200, 200]


def test_a_closed_page_lets_its_job_go_and_a_reload_keeps_it(client, make_workbook):
    jobs = client.application.extensions["provmap_jobs"]
    path = make_workbook()
    a, _ = finish(client, upload(client, path))
    b, _ = finish(client, upload(client, path))
    for where in (a, b):
        r = client.post(where + "/left", base_url=BASE, headers={"Origin": BASE})
        assert r.status_code == 204
    assert get(client, b).status_code == 200               # b's page came back: a reload
    assert jobs.sweep() == []                              # within the grace, both kept
    folder = job_of(client, a).folder
    later = time.monotonic() + jobs.grace + 1
    assert jobs.sweep(now=later) == [a.rsplit("/", 1)[-1]]
    assert not folder.exists()
    assert get(client, a + "/status").status_code == 404
    assert get(client, b + "/status").status_code == 200
    # the beacon is a POST like any other: the token and the page's own origin
    r = client.application.test_client().post(b + "/left", base_url=BASE)
    assert r.status_code == 403
    r = client.post(b + "/left", base_url=BASE, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403


def test_a_running_job_whose_page_closed_is_kept_until_it_finishes(app, make_workbook):
    from provmap.web.jobs import RUNNING
    jobs = app.extensions["provmap_jobs"]
    job_id, folder = jobs.new_folder()
    job = Job(id=job_id, filename="m.xlsx", workbook=folder / "m.xlsx", term=None,
              folder=folder, state=RUNNING)
    jobs._jobs[job_id] = job
    jobs.left(job)
    assert jobs.sweep(now=time.monotonic() + 3600) == [] and folder.exists()
    job.state = "done"
    assert jobs.sweep(now=time.monotonic() + 3600) == [job_id] and not folder.exists()


def test_the_page_of_a_job_that_is_gone_says_so_and_offers_to_check_again(client):
    r = get(client, "/job/gone-long-ago")
    assert r.status_code == 404
    page = text(r)
    assert "That check is no longer kept" in page and "Drop the workbook below" in page
    assert 'id="workbook"' in r.get_data(True)             # the drop area, to check again


# -- the command ------------------------------------------------------------------------------


def test_serve_without_flask_is_one_sentence(monkeypatch, capsys):
    import sys

    from provmap.cli import main
    monkeypatch.setitem(sys.modules, "flask", None)
    assert main(["serve", "--no-browser"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "pip install 'provmap[web]'" in err


def test_a_busy_port_is_one_sentence_or_the_next_free_one(tmp_path, capsys, monkeypatch):
    import socket

    from provmap.cli import main
    from provmap.web import server
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--no-browser", "--port", str(port)]) == 2
        err = capsys.readouterr().err.strip()
        assert err == (f"provmap: port {port} is in use by another program (is provmap "
                       f"already running in another window?); choose another with --port, "
                       f"e.g. --port 8766.")
        # with no --port, the next free port is used (and the page expects that port)
        monkeypatch.setattr(server, "DEFAULT_PORT", port)
        app = create_app(tmp_path / "w", TOKEN, port=port)
        s = server.bind(app, None)
        try:
            assert s.port > port and app.config["PROVMAP_PORT"] == s.port
            assert s.server_address[0] == "127.0.0.1"
        finally:
            s.server_close()
            app.extensions["provmap_jobs"].close()
    assert main(["serve", "--no-browser", "--port", "70000"]) == 2
    assert "is not a port" in capsys.readouterr().err
