"""A register written as an MIS exports it, for the example files and the tests.

``write_sims_roster(pupils, path)`` writes SIMS's "Student List" report as Excel saves it as
"CSV UTF-8" (plain "CSV" would turn the ś of Wiśniewski into ?): two title rows above the
headings, legal and preferred names,
`Year Taught In`, `Reg Group`, `SEN Status`, `SEN Need Type`, `First Language` with its
census code, and two columns provmap has no use for (so the command says it ignored them).
The pupils are fictional (the example school's).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable

from ..model import Pupil
from ..schema import NEED
from ..write.atomic import atomic_write

SIMS_HEADINGS = ["UPN", "Legal Surname", "Legal Forename", "Preferred Forename", "Gender",
                 "DOB", "Year Taught In", "Reg Group", "SEN Status", "SEN Need Type",
                 "SEN Need Type 2", "Pupil Premium", "In Care", "First Language", "Ethnicity"]
_LANGUAGE_CODES = {"English": "ENG", "Polish": "POL", "Urdu": "URD", "Punjabi": "PNJ",
                   "Bengali": "BNG", "Romanian": "ROM", "Somali": "SOM", "Arabic": "ARA",
                   "Portuguese": "POR", "Yoruba": "YOR", "Mandarin": "CHIM", "Turkish": "TUR",
                   "Lithuanian": "LIT"}


def _need(code: str | None) -> str:
    if not code:
        return ""
    words = NEED.words[code]
    if not words:
        return code
    title = " ".join(w if w in ("and", "of", "or", "but", "no") else w[:1].upper() + w[1:]
                     for w in words[0].split())
    return f"{code} - {title}"


def _year(year_group: str | None) -> str:
    if year_group in (None, ""):
        return ""
    return {"R": "Reception", "N": "Nursery"}.get(year_group, f"Year {year_group}")


def _language(p: Pupil) -> str:
    lang = p.language_at_home or ("English" if p.eal is False or p.eal is None else "")
    code = _LANGUAGE_CODES.get(lang)
    return f"{code} - {lang}" if code else lang


def sims_rows(pupils: Iterable[Pupil], school: str) -> list[list[str]]:
    rows = [["Student List"], [school, "", "", "", "", "Effective date: 01/09/2025"],
            SIMS_HEADINGS]
    for p in pupils:
        rows.append([
            p.upn, p.surname, p.forename, "", "", f"{p.date_of_birth:%d/%m/%Y}"
            if p.date_of_birth else "", _year(p.year_group), p.class_name or "",
            p.sen_status or "", _need(p.primary_need), _need(p.secondary_need),
            "Yes" if p.pupil_premium else "No", "Yes" if p.looked_after else "No",
            _language(p), "Not obtained"])
    return rows


def write_sims_roster(pupils: Iterable[Pupil], path: Path | str, school: str) -> Path:
    """The register as SIMS's Student List saved as CSV UTF-8, whole or not at all."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(sims_rows(pupils, school))
    path = Path(path)
    with atomic_write(path, suffix=".csv") as tmp:
        tmp.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return path
