"""Reading a school's MIS roster export (CSV or .xlsx) into register rows."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from provmap.read.roster import RosterError, read_roster


def _csv(tmp_path, text: str, name="roster.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


SIMS = """\
Student list,,,,,,,,
Printed 01/09/2025,,,,,,,,
UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Year,Reg Group,SEN Status,Primary Need
G823400100001,Smith,Jonathan,Jon,04/05/2017,Year 3,3O,K - SEN Support,SPLD - Specific Learning Difficulty
W823400100002,Khan,Aisha,,20/11/2017,3,3O,E,Autism
,,,,,,,,
K823400100003,Brown,Leo,,2018-01-02,Y3,3M,SEN support,"Speech, language and communication needs"
Z823400100004,Jones,Maya,,09/09/2017,3,3M,N - No Special Educational Need,
"""


def test_mis_headers_and_coded_values(tmp_path):
    rows = read_roster(_csv(tmp_path, SIMS))
    assert [(r["UPN"], r["Forename"], r["Surname"], r["Class"], r["Year group"],
             r["SEN status"], r["Primary need"]) for r in rows] == [
        ("G823400100001", "Jon", "Smith", "3O", "3", "K", "SPLD"),
        ("W823400100002", "Aisha", "Khan", "3O", "3", "E", "ASD"),
        ("K823400100003", "Leo", "Brown", "3M", "3", "K", "SLCN"),
        ("Z823400100004", "Maya", "Jones", "3M", "3", "N", None),
    ]
    assert rows[0]["Date of birth"] == date(2017, 5, 4)          # UK order, never US
    assert rows[2]["Date of birth"] == date(2018, 1, 2)


def test_semicolons_cp1252_and_optional_columns(tmp_path):
    text = ("upn;forename;surname;year group;class;sen;pp;eal;home language\n"
            "G823400100001;Zoë;Nowak;R;Rowan;;Yes;y;Polish\n")
    [row] = read_roster(_csv(tmp_path, text, encoding="cp1252"))
    assert (row["Forename"], row["Year group"], row["Class"], row["SEN status"]) == \
        ("Zoë", "R", "Rowan", "N")
    assert (row["Pupil premium"], row["EAL"], row["Language at home"]) == ("Y", "Y", "Polish")


def test_a_whole_name_column(tmp_path):
    text = "UPN,Name,Year,Form\nG823400100001,\"Smith, Jonathan\",4,4W\n"
    [row] = read_roster(_csv(tmp_path, text))
    assert (row["Forename"], row["Surname"]) == ("Jonathan", "Smith")


def test_xlsx_roster(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Roster"])
    ws.append(["UPN", "Legal Surname", "Preferred Forename", "DOB", "NC Year", "Reg Group",
               "SEN Status", "Primary Need"])
    ws.append(["G823400100001", "Smith", "Jon", date(2017, 5, 4), 3, "3O", "EHCP", "SEMH"])
    ws.append(["w823400100002", "Khan", "Aisha", "20 Nov 2017", "Reception", "RO", None, None])
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    rows = read_roster(path)
    assert [(r["UPN"], r["Year group"], r["SEN status"], r["Date of birth"]) for r in rows] == [
        ("G823400100001", "3", "E", date(2017, 5, 4)),
        ("W823400100002", "R", "N", date(2017, 11, 20))]


@pytest.mark.parametrize("line, words", [
    ("H823400100001,Smith,Jon,3,3O,K", "wrong check letter"),
    ("G8234001,Smith,Jon,3,3O,K", "is not a UPN"),
    (",Smith,Jon,3,3O,K", "UPN is blank"),
    ("G823400100001,Smith,Jon,3,3O,Maybe", "SEN status 'Maybe' is not one of"),
    ("G823400100001,Smith,Jon,Year 15,3O,K", "not a year group"),
    ("G823400100001,Smith,Jon,3,,K", "Class is blank"),
    ("G823400100001,Smith,,3,3O,K", "forename and a surname"),
])
def test_bad_rows_name_the_file_and_row(tmp_path, line, words):
    path = _csv(tmp_path, "UPN,Surname,Forename,Year,Class,SEN\n" + line + "\n")
    with pytest.raises(RosterError) as exc:
        read_roster(path)
    assert exc.value.row == 2
    assert str(exc.value).startswith("roster.csv, row 2: ")
    assert words in str(exc.value)


def test_bad_date_and_duplicate_upn(tmp_path):
    path = _csv(tmp_path, "UPN,Surname,Forename,Year,Class,DOB\n"
                          "G823400100001,Smith,Jon,3,3O,31/02/2017\n")
    with pytest.raises(RosterError, match=r"row 2: Date of birth .*not a real date"):
        read_roster(path)
    path = _csv(tmp_path, "UPN,Surname,Forename,Year,Class\n"
                          "G823400100001,Smith,Jon,3,3O\nG823400100001,Smith,Jo,3,3O\n")
    with pytest.raises(RosterError, match=r"row 3: UPN G823400100001 appears twice .*row 2"):
        read_roster(path)


def test_whole_file_problems(tmp_path):
    with pytest.raises(RosterError, match="no 'Class' column"):
        read_roster(_csv(tmp_path, "UPN,Surname,Forename,Year\nG823400100001,S,J,3\n"))
    with pytest.raises(RosterError, match="no header row"):
        read_roster(_csv(tmp_path, "a,b,c\n1,2,3\n"))
    with pytest.raises(RosterError, match="empty"):
        read_roster(_csv(tmp_path, ""))
    with pytest.raises(RosterError, match="no pupils"):
        read_roster(_csv(tmp_path, "UPN,Surname,Forename,Year,Class\n"))
    with pytest.raises(RosterError, match="CSV or .xlsx"):
        read_roster(_csv(tmp_path, "x", name="roster.xls"))
    with pytest.raises(RosterError, match="does not exist"):
        read_roster(tmp_path / "missing.csv")
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(RosterError, match="broken.xlsx: the workbook could not be opened"):
        read_roster(bad)
