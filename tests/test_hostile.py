"""Files that are not a usable workbook: one clear line, exit 2, no traceback, input unchanged.

Each case runs the real command (`python -m provmap check`) as a user would.
"""

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builders import build_workbook


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provmap", *args], capture_output=True,
                          text=True, timeout=60, cwd=cwd)


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _zip(path: Path, parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def make_truncated(tmp: Path) -> Path:
    good = build_workbook(tmp / "good.xlsx")
    data = good.read_bytes()
    (tmp / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    return tmp / "truncated.xlsx"


def make_encrypted(tmp: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile
    good = build_workbook(tmp / "plain.xlsx")
    out = io.BytesIO()
    with good.open("rb") as f:
        OOXMLFile(f).encrypt("secret", out)
    (tmp / "locked.xlsx").write_bytes(out.getvalue())
    return tmp / "locked.xlsx"


def make_xls(tmp: Path) -> Path:
    path = tmp / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    return path


def make_ods(tmp: Path) -> Path:
    return _zip(tmp / "map.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                  "content.xml": b"<office:document-content/>"},
                zipfile.ZIP_STORED)


def make_csv(tmp: Path) -> Path:
    path = tmp / "pupils.csv"
    path.write_text("UPN,Forename,Surname\nA1,Jo,Smith\n")
    return path


def make_text_named_xlsx(tmp: Path) -> Path:
    path = tmp / "notes.xlsx"
    path.write_text("These are my notes, not a workbook.\n")
    return path


def make_zip_bomb(tmp: Path) -> Path:
    """700 MB of zeros in one part: a few hundred KB on disk."""
    path = tmp / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/workbook.xml", b"<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (16 * 1024 * 1024)
            for _ in range(44):
                part.write(chunk)
    return path


def make_entity_attack(tmp: Path) -> Path:
    """A 'billion laughs' DOCTYPE inside an otherwise real workbook."""
    good = build_workbook(tmp / "base.xlsx")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    with zipfile.ZipFile(good) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    body = parts["xl/workbook.xml"].split(b"?>", 1)[-1]
    parts["xl/workbook.xml"] = laughs + body
    return _zip(tmp / "attack.xlsx", parts)


def make_word_doc(tmp: Path) -> Path:
    return _zip(tmp / "letter.xlsx", {"[Content_Types].xml": b"<Types/>",
                                      "word/document.xml": b"<w:document/>"})


CASES = {
    "missing": (lambda tmp: tmp / "no such file.xlsx", "there is no file here"),
    "empty": (lambda tmp: (tmp / "empty.xlsx").write_bytes(b"") and None or tmp / "empty.xlsx",
              "the file is empty"),
    "text named .xlsx": (make_text_named_xlsx, "save it as .xlsx"),
    "truncated": (make_truncated, "damaged or was not copied completely"),
    "password": (make_encrypted, "remove the password"),
    "legacy xls": (make_xls, "save it as .xlsx"),
    "ods": (make_ods, "Save it as .xlsx"),
    "csv": (make_csv, "CSV"),
    "zip bomb": (make_zip_bomb, "zip bomb"),
    "xml entities": (make_entity_attack, "entity declaration"),
    "word document": (make_word_doc, "not an Excel workbook"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_unusable_files_end_in_one_clear_line(tmp_path, case):
    make, words = CASES[case]
    path = make(tmp_path)
    before = digest(path)
    result = run("check", str(path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and words in lines[0], lines
    assert digest(path) == before


def test_a_workbook_open_in_excel_is_still_read(tmp_path):
    path = build_workbook(tmp_path / "map.xlsx")
    (tmp_path / "~$map.xlsx").write_bytes(b"\x0bMrs Patel" + b"\0" * 150)
    before = digest(path)
    result = run("check", str(path))
    assert result.returncode == 0, result.stderr
    # read all the same, with a warning that unsaved changes in Excel are not in the file
    assert "0 errors, 1 warning, 0 for information" in result.stdout
    assert "The workbook is open in Excel or LibreOffice now (~$map.xlsx is beside it)" in \
        result.stdout
    assert digest(path) == before


def test_check_json_and_exit_codes(tmp_path):
    import json

    from builders import PROVISION_ROWS, REVIEW_ROWS
    rows = [dict(PROVISION_ROWS[0], Pupil="Jonathon Smith"), *PROVISION_ROWS[1:]]
    path = build_workbook(tmp_path / "map.xlsx",
                          sheets={"3O Autumn": {"provision": rows, "review": REVIEW_ROWS}})
    before = digest(path)
    result = run("check", str(path), "--json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    first = problems[0]
    assert set(first) == {"severity", "code", "sheet", "cell", "message", "hint"}
    unknown = [p for p in problems if p["code"] == "unknown-pupil"]
    assert unknown == [{"severity": "error", "code": "unknown-pupil", "sheet": "3O Autumn",
                        "cell": "A2", "message": "'Jonathon Smith' is not on the Pupils sheet.",
                        "hint": "did you mean 'Jonathan Smith'?"}]
    text = run("check", str(path))
    assert text.returncode == 1
    assert "3O Autumn" in text.stdout and "did you mean 'Jonathan Smith'?" in text.stdout
    assert text.stdout.strip().splitlines()[-1].startswith("1 error,")
    assert digest(path) == before


def test_a_file_that_cannot_be_opened_is_one_sentence(tmp_path, monkeypatch):
    import provmap
    path = build_workbook(tmp_path / "map.xlsx")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(provmap.UnreadableWorkbook, match="Permission denied"):
        provmap.load(path)
