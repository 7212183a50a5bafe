"""Refuse files that are not a usable workbook before any parser sees them.

A SENCo may point provmap at anything: a CSV, an old .xls, a password-protected copy, a
half-copied file from a memory stick, or (from a hostile sender) a zip bomb or an XML
entity attack.  Each ends here in one clear sentence saying what to do, within a couple
of seconds and without inflating more than a bounded amount of data.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..problems import Code, UnreadableWorkbook

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")

MAX_UNCOMPRESSED = 600 * 1024 * 1024      # all parts together, as the zip declares them
MAX_RATIO = 200                           # real spreadsheet XML compresses 5-30x
RATIO_FLOOR = 20 * 1024 * 1024            # ratios only matter for big parts
XML_SNIFF = 64 * 1024                     # bytes of each XML part scanned for DTDs


def _refuse(code: Code, path: Path, message: str) -> UnreadableWorkbook:
    return UnreadableWorkbook(code, str(path), message)


def inspect_file(path: Path) -> None:
    """Raise :class:`UnreadableWorkbook` unless ``path`` looks like a safe .xlsx workbook."""
    try:
        _inspect(path)
    except OSError as exc:                    # no permission, a network drive gone away
        raise _refuse(Code.NOT_A_WORKBOOK, path,
                      f"the file could not be opened ({exc.strerror or exc}). Check you may "
                      "read it and that it is not on a disconnected drive.") from None


def lock_file_for(path: Path) -> Path | None:
    """Excel's lock file beside a workbook (`~$Provision map.xlsx`; the Office programs
    sometimes drop the name's first two letters) or LibreOffice's (`.~lock.NAME#`): the
    workbook is open in one of them now, and its unsaved changes are not in the file."""
    name = path.name
    for candidate in (f"~${name}", f"~${name[2:]}", f".~lock.{name}#"):
        lock = path.with_name(candidate)
        try:
            if lock.is_file():
                return lock
        except OSError:
            return None
    return None


def workbook_of_lock_file(path: Path) -> str | None:
    """The workbook a lock file stands for, when ``path`` is one (`~$X.xlsx`, `.~lock.X#`)."""
    name = path.name
    if name.startswith("~$") and len(name) > 2:
        return name[2:]
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock."):-1]
    return None


def _inspect(path: Path) -> None:
    if not path.exists():
        raise _refuse(Code.FILE_NOT_FOUND, path,
                      "there is no file here. Check the file name and folder.")
    workbook = workbook_of_lock_file(path)
    if workbook is not None and path.is_file() and path.stat().st_size < 65536:
        raise _refuse(Code.LOCK_FILE, path,
                      f"this is the lock file Excel (or LibreOffice) keeps beside '{workbook}' "
                      "while it is open, not a workbook. Give the workbook itself: "
                      f"'{workbook}' (save and close it in Excel first, so provmap reads "
                      "your latest changes).")
    if path.is_dir():
        raise _refuse(Code.NOT_A_WORKBOOK, path,
                      "this is a folder, not a workbook. Give the path of the .xlsx file.")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(Code.EMPTY_FILE, path,
                      "the file is empty (0 bytes). It may not have finished copying: "
                      "get a fresh copy of the workbook.")
    with path.open("rb") as f:
        head = f.read(8)
        if head.startswith(OLE2_MAGIC):
            body = head + f.read(4 * 1024 * 1024)
            if ENCRYPTION_MARK in body:
                raise _refuse(Code.ENCRYPTED_FILE, path,
                              "the workbook is password-protected. Open it in Excel, remove "
                              "the password (File > Info > Protect Workbook) and save a copy "
                              "as .xlsx for provmap.")
            raise _refuse(Code.WRONG_FILE_TYPE, path,
                          "this is an old-style Excel file (.xls). Open it in Excel and "
                          "save it as .xlsx (Excel Workbook).")
    if not head.startswith(ZIP_MAGIC):
        kind = "a CSV or text file" if _looks_like_text(path) else "not an Excel workbook"
        raise _refuse(Code.WRONG_FILE_TYPE if kind.startswith("a CSV") else Code.NOT_A_WORKBOOK,
                      path, f"this is {kind}. Open it in Excel and save it as .xlsx "
                            "(Excel Workbook).")
    _inspect_zip(path, size)


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as f:
        sample = f.read(4096)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample.decode("utf-16")
        except UnicodeDecodeError:
            return False
    return b"\x00" not in sample or sample[:2] in (b"\xff\xfe", b"\xfe\xff")


def _inspect_zip(path: Path, size: int) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _refuse(Code.BROKEN_FILE, path,
                      "the workbook is damaged or was not copied completely. Open it in "
                      "Excel and save it again, or get a fresh copy.") from None
    with zf:
        names = set(zf.namelist())
        if "mimetype" in names:
            mimetype = zf.read("mimetype")[:100]
            if b"opendocument" in mimetype:
                raise _refuse(Code.WRONG_FILE_TYPE, path,
                              "this is an OpenDocument spreadsheet (.ods). Save it as .xlsx "
                              "(File > Save As > Excel 2007-365) and try again.")
        if "xl/workbook.bin" in names:
            raise _refuse(Code.WRONG_FILE_TYPE, path,
                          "this is a binary Excel workbook (.xlsb). Save it as .xlsx.")
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            what = "a Word document" if "word/document.xml" in names else (
                "a PowerPoint file" if "ppt/presentation.xml" in names else "a zip file")
            raise _refuse(Code.NOT_A_WORKBOOK, path,
                          f"this is {what}, not an Excel workbook. Give the provision map "
                          ".xlsx file.")
        total = 0
        for info in zf.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > MAX_UNCOMPRESSED or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
                raise _refuse(Code.UNSAFE_FILE, path,
                              "the file would expand to an unsafe size when opened (it looks "
                              "like a 'zip bomb'), so provmap refused to open it. Get a fresh "
                              "copy of the workbook from a trusted source.")
        for info in zf.infolist():
            if not (info.filename.endswith(".xml") or info.filename.endswith(".rels")
                    or info.filename.endswith(".vml")):
                continue
            try:
                with zf.open(info) as part:
                    head = part.read(XML_SNIFF)
            except Exception:
                raise _refuse(Code.BROKEN_FILE, path,
                              "the workbook is damaged or was not copied completely. Open it "
                              "in Excel and save it again, or get a fresh copy.") from None
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head or _utf16_dtd(head):
                raise _refuse(Code.UNSAFE_FILE, path,
                              "the workbook contains XML that Excel never writes (a DOCTYPE "
                              "or entity declaration, used in attacks), so provmap refused to "
                              "read it. Get a fresh copy from a trusted source.")


def _utf16_dtd(head: bytes) -> bool:
    return "<!DOCTYPE".encode("utf-16-le") in head or "<!ENTITY".encode("utf-16-le") in head
