"""Rosters as SIMS, Arbor, Bromcom and ScholarPack export them (import.md, section 1).

Each roster is built here in its MIS's own headings and values, with fictional pupils, and
must give a register with every pupil's class, SEN status and primary need exact, say which
headings it ignored, and warn about what is missing.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date

import openpyxl
import pytest

import provmap
from provmap.read.roster import RosterError, load_roster
from provmap.upn import with_check_letter

# (UPN, forename, preferred forename, surname, dob, year, class, status, need, 2nd need)
PUPILS = [
    (with_check_letter("823400100011"), "Jonathan", "Jon", "Smith", date(2017, 5, 4), "3",
     "3O", "K", "SPLD", None),
    (with_check_letter("823400100012"), "Aisha", None, "Khan", date(2017, 11, 20), "3", "3O",
     "E", "ASD", "SLCN"),
    (with_check_letter("823400100013"), "Leopold", "Leo", "Brown", date(2018, 1, 2), "R",
     "RM", "N", None, None),
    (with_check_letter("823400100014"), "Maya", None, "Jones", date(2016, 9, 12), "4", "4W",
     "K", "SEMH", None),
    (with_check_letter("823400100015"), "Zoë", None, "Nowak", date(2016, 10, 1), "4", "4W",
     "K", "PMLD", None),
    (with_check_letter("823400100016"), "Kwame", None, "Mensah", date(2018, 3, 3), "R", "RM",
     "N", None, None),
]
EXPECTED = [(u, pref or fore, sur, cls, year, status, need)
            for u, fore, pref, sur, _, year, cls, status, need, _ in PUPILS]

# How each MIS words a status and a need (import.md section 1).
SIMS_STATUS = {"K": "K", "E": "E", "N": "N"}
ARBOR_STATUS = {"K": "SEN Support", "E": "Education, Health and Care Plan",
                "N": "No Special Educational Need"}
BROMCOM_STATUS = {"K": "K - SEN Support", "E": "E - Education, Health and Care Plan",
                  "N": "N - No Special Educational Need"}
SCHOLARPACK_STATUS = {"K": "SEN Support", "E": "EHCP", "N": "No SEN"}
NEED_WORDS = {"SPLD": "Specific Learning Difficulty", "ASD": "Autistic Spectrum Disorder",
              "SEMH": "Social, Emotional and Mental Health", "SLCN":
              "Speech, Language and Communication Needs",
              "PMLD": "Profound & Multiple Learning Difficulty"}


def _csv(path, rows, encoding):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def sims(tmp_path):
    """SIMS's Student List report saved by Excel as plain CSV (Windows-1252), title rows
    above the header, legal and preferred names, `SEN Need Type` with codes."""
    rows = [["Student List"], ["Hollins Park Primary School", "", "Printed 01/09/2025"], [],
            ["UPN", "Legal Surname", "Legal Forename", "Preferred Forename", "Gender", "DOB",
             "Year Taught In", "Reg Group", "SEN Status", "SEN Need Type", "Ethnicity"]]
    for u, fore, pref, sur, dob, year, cls, status, need, _ in PUPILS:
        rows.append([u, sur, fore, pref or "", "M", dob.strftime("%d/%m/%Y"),
                     "Reception" if year == "R" else f"Year {year}", cls, SIMS_STATUS[status],
                     need or "", "WBRI"])
    return _csv(tmp_path / "SIMS student list.csv", rows, "cp1252")


def arbor(tmp_path):
    """Arbor's student export: CSV UTF-8 with a byte-order mark, Legal First/Last Name and
    preferred First/Last Name, Registration Form, DfE wordings, True/False flags."""
    rows = [["UPN", "Legal First Name", "Legal Last Name", "Preferred First Name",
             "Date of Birth", "Year", "Registration Form", "SEN Status", "Primary SEN Need",
             "Secondary SEN Need", "Pupil Premium", "EAL", "Looked After", "Gender",
             "Attendance %"]]
    for u, fore, pref, sur, dob, year, cls, status, need, need2 in PUPILS:
        rows.append([u, fore, sur, pref or "", dob.strftime("%d %B %Y"), year, cls,
                     ARBOR_STATUS[status], NEED_WORDS.get(need, ""),
                     NEED_WORDS.get(need2, ""), "True", "False", "False", "F", "96.5"])
    return _csv(tmp_path / "Arbor students.csv", rows, "utf-8-sig")


def bromcom(tmp_path):
    """Bromcom's student list as .xlsx: a title row, code-and-description values, SEN Need
    Type 1 and 2, Excel dates."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Student List - Hollins Park"])
    ws.append(["UPN", "Preferred Forename", "Legal Forename", "Legal Surname", "DOB",
               "NC Year", "Tutor Group", "SEN Status", "SEN Need Type 1", "SEN Need Type 2",
               "PP", "In Care", "House"])
    for u, fore, pref, sur, dob, year, cls, status, need, need2 in PUPILS:
        ws.append([u, pref, fore, sur, dob, year, cls, BROMCOM_STATUS[status],
                   f"{need} - {NEED_WORDS[need]}" if need else None,
                   f"{need2} - {NEED_WORDS[need2]}" if need2 else None, "No", "N", "Red"])
    path = tmp_path / "Bromcom students.xlsx"
    wb.save(path)
    return path


def scholarpack(tmp_path):
    """ScholarPack's pupil export: CSV UTF-8 without a byte-order mark, `SEN Stage`,
    `Primary Need` in words, `First Language` (not English means EAL)."""
    rows = [["Forename", "Surname", "UPN", "Date of birth", "Class", "Curriculum Year",
             "SEN Stage", "Primary Need", "Secondary Need", "Pupil Premium", "First Language",
             "Medical notes"]]
    for u, fore, pref, sur, dob, year, cls, status, need, need2 in PUPILS:
        rows.append([pref or fore, sur, u, dob.isoformat(), cls, year,
                     SCHOLARPACK_STATUS[status], NEED_WORDS.get(need, ""),
                     NEED_WORDS.get(need2, ""), "Yes", "Polish" if sur == "Nowak" else
                     "English", ""])
    return _csv(tmp_path / "ScholarPack pupils.csv", rows, "utf-8")


MIS = {
    "SIMS": (sims, ["'Gender' (E)", "'Ethnicity' (K)"]),
    "Arbor": (arbor, ["'Gender' (N)", "'Attendance %' (O)"]),
    "Bromcom": (bromcom, ["'House' (M)"]),
    "ScholarPack": (scholarpack, ["'Medical notes' (L)"]),
}


@pytest.mark.parametrize("mis", list(MIS))
def test_each_mis_wording_gives_the_exact_register(tmp_path, mis):
    make, ignored = MIS[mis]
    roster = load_roster(make(tmp_path))
    got = [(r["UPN"], r["Forename"], r["Surname"], r["Class"], r["Year group"],
            r["SEN status"], r["Primary need"]) for r in roster.rows]
    assert got == EXPECTED
    assert [r["Date of birth"] for r in roster.rows] == [p[4] for p in PUPILS]
    lines = roster.lines()
    assert lines[0].endswith(": 6 pupils in 3 classes (SEN support 3, EHC plan 1, no SEN 2).")
    assert lines[1] == f"  Headings ignored: {', '.join(ignored)}."
    assert roster.warnings == []


def test_secondary_needs_flags_and_languages(tmp_path):
    arbor_rows = load_roster(arbor(tmp_path)).rows
    assert arbor_rows[1]["Secondary need"] == "SLCN"
    assert (arbor_rows[0]["Pupil premium"], arbor_rows[0]["EAL"],
            arbor_rows[0]["Looked after"]) == ("Y", "N", "N")
    bromcom_rows = load_roster(bromcom(tmp_path)).rows
    assert bromcom_rows[1]["Secondary need"] == "SLCN"
    assert (bromcom_rows[0]["Pupil premium"], bromcom_rows[0]["Looked after"]) == ("N", "N")
    sp = load_roster(scholarpack(tmp_path)).rows
    assert [(r["Language at home"], r["EAL"]) for r in sp if r["Surname"] in ("Nowak", "Smith")
            ] == [("English", "N"), ("Polish", "Y")]


def test_preferred_name_wins_and_legal_fills_in(tmp_path):
    rows = load_roster(sims(tmp_path)).rows
    assert [r["Forename"] for r in rows] == ["Jon", "Aisha", "Leo", "Maya", "Zoë", "Kwame"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings(tmp_path, encoding):
    path = _csv(tmp_path / "r.csv", [["UPN", "Forename", "Surname", "Year", "Class", "SEN"],
                                     [PUPILS[4][0], "Zoë", "Nowak", "4", "4W", "K"]], encoding)
    [row] = load_roster(path).rows
    assert row["Forename"] == "Zoë" and row["UPN"] == PUPILS[4][0]


def test_k_and_e_pupils_without_a_need_column_are_a_warning(tmp_path):
    path = _csv(tmp_path / "r.csv", [["UPN", "Forename", "Surname", "Year", "Class",
                                      "SEN Status"],
                                     [PUPILS[0][0], "Jon", "Smith", "3", "3O", "K"],
                                     [PUPILS[2][0], "Leo", "Brown", "R", "RM", "N"]], "utf-8")
    roster = load_roster(path)
    [warning] = roster.warnings
    assert warning.startswith("1 pupil is K or E but the roster has no primary need column "
                              "(looked for: Primary need, Primary SEN need, Main need, Need, "
                              "SEN need type, SEN need type 1, Need type,")
    assert "  Warning: 1 pupil is K or E" in "\n".join(roster.lines())


def test_no_sen_column_is_said(tmp_path):
    path = _csv(tmp_path / "r.csv", [["UPN", "Forename", "Surname", "Year", "Class"],
                                     [PUPILS[0][0], "Jon", "Smith", "3", "3O"]], "utf-8")
    [warning] = load_roster(path).warnings
    assert "no SEN status column (looked for: SEN status, SEN, SEN provision, SEN stage)" in \
        warning and "every pupil is N" in warning
    [warning] = load_roster(path, blank_sen_is_n=False).warnings
    assert "keep last year's status" in warning


def test_a_header_row_not_found_lists_what_was_seen(tmp_path):
    path = _csv(tmp_path / "r.csv", [["Pupil list"],
                                     ["Pupil ID", "Given", "Family", "Year", "Class"],
                                     ["1", "Jon", "Smith", "3", "3O"]], "utf-8")
    with pytest.raises(RosterError) as exc:
        load_roster(path)
    assert "(row 2 has 'Pupil ID', 'Given', 'Family', 'Year', 'Class')" in str(exc.value)


def test_an_unknown_status_names_the_row_and_the_accepted_values(tmp_path):
    path = _csv(tmp_path / "r.csv", [["UPN", "Forename", "Surname", "Year", "Class", "SEN"],
                                     [PUPILS[0][0], "Jon", "Smith", "3", "3O", "Pending"]],
                "utf-8")
    with pytest.raises(RosterError, match=r"r.csv, row 2: SEN status 'Pending' is not one of: "
                                          r"K, E, N"):
        load_roster(path)


def run(*args):
    return subprocess.run([sys.executable, "-m", "provmap", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_new_says_what_it_read_and_the_workbook_checks(tmp_path):
    roster = bromcom(tmp_path)
    out = tmp_path / "new.xlsx"
    result = run("new", out, "--school", "Hollins Park", "--year", "2025-26", "--pupils", roster)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "Read Bromcom students.xlsx: 6 pupils in 3 classes (SEN support 3, EHC plan 1, "
        "no SEN 2).", "  Headings ignored: 'House' (M)."]
    m = provmap.load(out)
    assert [(p.upn, p.class_name, p.sen_status, p.primary_need) for p in m.pupils.values()] \
        == [(u, c, s, n) for u, _, _, c, _, s, n in EXPECTED]
    assert not [p for p in provmap.check(m) if p.is_error]


def test_new_year_says_what_its_roster_gave(tmp_path):
    from provmap.workbook.newyear import new_year
    from provmap.workbook.standard import WorkbookData, new_workbook
    last = tmp_path / "last.xlsx"
    new_workbook(last, "Hollins Park", "2025-26",
                 data=WorkbookData(pupils=load_roster(arbor(tmp_path)).rows))
    result = new_year(last, tmp_path / "next.xlsx", roster=scholarpack(tmp_path))
    text = result.summary()
    assert text.splitlines()[0].startswith("Read ScholarPack pupils.csv: 6 pupils in 3 classes")
    assert "  Headings ignored: 'Medical notes' (L)." in text
