"""File names made from what staff typed (a school, a year, a term, a class, a pupil's name),
and the check that a path built from them stays in its folder.

Every file or folder name provmap builds from typed text goes through :func:`file_name`:
no path separators or characters Windows refuses, no control or text-direction characters,
no `..`, no leading or trailing dots or spaces, never a Windows device name (`CON`, `NUL`),
and at most :data:`NAME_BYTES` bytes in UTF-8 (the limit of ext4, APFS and NTFS), so a long
school name cannot make the file system refuse an output, and a School of
`../../elsewhere/Oak` is the name `elsewhere-Oak`, not a path.  Every writer that joins
such names onto its output folder does it with :func:`inside`, which refuses a result
outside that folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath

NAME_BYTES = 255             # a file or folder name's limit on ext4, APFS and NTFS
LONGEST_PART = 80            # characters of one typed part, so a name stays readable

# Separators, characters Windows refuses, C0 and C1 control characters, and the Unicode
# marks that reverse how a name displays (`Oak‮xslx.exe`).
_UNSAFE_CHARS = r'\\/:*?"<>|\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069'
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")
_UNSAFE_RUN = re.compile(rf"\.*(?:[{_UNSAFE_CHARS}]\.*)+")     # `../../` is one dash
_DOTS = re.compile(r"\.{2,}")
_ENDS = " .-"
_DEVICE = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)", re.IGNORECASE)


class OutsideFolder(ValueError):
    """A path built from typed text would land outside its output folder."""


def safe_part(text: str | None, fallback: str = "") -> str:
    """One typed part of a file name: `../Oak/Class` -> `Oak-Class` (never a path), at
    most :data:`LONGEST_PART` characters; ``fallback`` when nothing is left."""
    s = _UNSAFE_RUN.sub("-", " ".join((text or "").split()))
    s = _DOTS.sub(".", s).strip(_ENDS)
    return s[:LONGEST_PART].strip(_ENDS) or fallback


def file_name(*parts: str | None, suffix: str = "", fallback: str = "file",
              sep: str = " ") -> str:
    """The one way a file or folder name is made from typed text.

    Each part is cleaned by :func:`safe_part` (empty ones are dropped), the parts are joined
    by ``sep`` (a space, or `` - ``) and ``suffix`` (provmap's own words, e.g. `` - SENCo rollup.xlsx``) is added.
    When the name would be longer than :data:`NAME_BYTES` bytes, the longest part is
    shortened a character at a time (never the suffix), so every part keeps its start."""
    if _UNSAFE.search(suffix) or len(suffix.encode()) > NAME_BYTES // 2:
        raise ValueError(f"not a file-name suffix: {suffix!r}")
    if _UNSAFE.search(sep) or len(sep) > 3:
        raise ValueError(f"not a file-name separator: {sep!r}")
    kept = [p for p in (safe_part(x) for x in parts) if p] or [safe_part(fallback, "file")]
    room = NAME_BYTES - len(suffix.encode())
    while len(sep.join(kept).encode()) > room:
        longest = max(range(len(kept)), key=lambda i: len(kept[i].encode()))
        kept[longest] = kept[longest][:-1].rstrip(_ENDS)
        kept = [p for p in kept if p] or ["file"]
    name = sep.join(kept)
    if _DEVICE.match(name + suffix):
        name += "_"
    return name + suffix


def report_filename(school: str, year: str, term: str, what: str) -> str:
    """`<school> <year> <term> - <what>.xlsx`, the name of every school-level report."""
    return file_name(safe_part(school, "School"), year, term, suffix=f" - {what}.xlsx")


def group_plan_file(provision: str | None, label: str | None, tail: str = ".xlsx") -> str:
    """`<provision> - <label, or the class><tail>`: the name of a group plan."""
    return file_name(safe_part(provision, "Provision"), safe_part(label, "Group"),
                     sep=" - ", suffix=tail)


def pupil_file(surname: str | None, forename: str | None, upn: str, tail: str) -> str:
    """`<surname> <forename> <UPN><tail>`: every file about one pupil, e.g. with the tail
    `.xlsx` or ` - SEN support evidence.xlsx`."""
    return file_name(safe_part(surname, "Pupil"), forename, upn, suffix=tail)


def inside(folder: Path | str, *names: str | PurePath) -> Path:
    """``folder`` joined with ``names``, refused (:class:`OutsideFolder`) unless the result
    is strictly inside ``folder``.

    Judged by the text of the path (an absolute name, a `..`), as typed text could make it;
    links the user made on purpose inside the folder are followed as usual.  Returns the
    joined path as given (relative stays relative), for messages like `Wrote POPs/3O/...`."""
    base = Path(folder)
    path = base.joinpath(*names)
    root = os.path.normpath(os.path.abspath(base))
    full = os.path.normpath(os.path.abspath(path))
    if os.path.commonpath([root, full]) != root or full == root:
        raise OutsideFolder(f"'{PurePath(*names)}' is not a name inside {base}: provmap "
                            "writes only inside the folder it was given")
    return path
