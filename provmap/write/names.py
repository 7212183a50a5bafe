"""File names made from what staff typed (a school, a class, a pupil's name), safe on
Windows, macOS and Linux: no path separators or reserved characters, no leading dots, and
short enough that a long school name cannot make the file system refuse the output."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
LONGEST_PART = 80            # characters of one typed part; file names stay under 255 bytes


def safe_part(text: str | None, fallback: str = "") -> str:
    """One typed part of a file name: `../Oak/Class` -> `-Oak-Class` (never a path)."""
    s = _UNSAFE.sub("-", " ".join((text or "").split())).strip(" .")
    return s[:LONGEST_PART].strip(" .") or fallback


def report_filename(school: str, year: str, term: str, what: str) -> str:
    """`<school> <year> <term> - <what>.xlsx`, the name of every school-level report."""
    return f"{safe_part(school, 'School')} {safe_part(year)} {safe_part(term)} - {what}.xlsx"


def pupil_stem(surname: str | None, forename: str | None, upn: str) -> str:
    """`<surname> <forename> <UPN>`: the start of every file about one pupil."""
    return " ".join(filter(None, (safe_part(surname, "Pupil"), safe_part(forename), upn)))


def group_plan_stem(provision: str | None, label: str | None) -> str:
    """`<provision> - <label, or the class>`: the name of a group plan."""
    return f"{safe_part(provision, 'Provision')} - {safe_part(label, 'Group')}"
