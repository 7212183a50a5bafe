"""A small two-year school built in code (2024-25 and 2025-26), on top of builders.py.

Costs by hand (staff: TA £18/h, Mrs Patel £24/h; Precision teaching 1:1 3 × 10 min × 12
weeks; Lego therapy group 1 × 45 min × 10 weeks + £60 resource; Visual timetable QFT £5):

2024-25 (threshold £6,000, the default)
  5O Autumn  Jonathan: Precision teaching 18 × 10/60 × 3 × 12      = £108.00
             Jonathan, Aisha, Leo: Lego therapy group A (24 × 45/60 × 10 + 60) / 3 = £80.00 each
             Jonathan: Visual timetable (QFT: resource only)        = £5.00
             Jonathan's review has 2 targets                         -> cycle 1
  5O Spring  Jonathan: Precision teaching, 4 sessions: 18 × 10/60 × 4 × 12 = £144.00
             Jonathan: Lego therapy with Minutes 'lots' -> an error: left out (1 row)
             Jonathan's review has 1 target                          -> cycle 2
  6O Autumn  Priya (Year 6, leaves in July 2025): Precision teaching = £108.00
  Jonathan 2024-25: 108 + 80 + 5 + 144 = £337.00, not above £6,000

2025-26 (threshold £400)
  6O Autumn  Jonathan: Precision teaching                             = £108.00
             Jonathan, Aisha, Maya: Lego therapy (24 × 45/60 × 10 + 60) / 3 = £80.00 each
             Jonathan's review has 2 targets with outcomes            -> cycle 3
  6O Spring  Jonathan: Precision teaching, 30 minutes: 18 × 30/60 × 3 × 12 = £324.00
             Jonathan's review has views but no targets               -> not a cycle
  5O Autumn  Sam (Year 5, K): Visual timetable                       = £5.00
  Jonathan 2025-26: 108 + 80 + 324 = £512.00, above £400
  Jonathan in total: 337 + 512 = £849.00; 3 cycles

Reading age (months) for Jonathan: 86 -> 94, 94 -> 98, 98 -> 105, 105 -> 111 (4 rows);
Boxall profile: 20 -> 24 (2024-25 Autumn), 24 -> 27 (2025-26 Autumn) (2 rows).
Professionals: Dr A Green in both years (spelt 'dr a  green' in 2025-26, latest report
3 Nov 2025) and Ms C Black (2025-26): two, each once.

Leavers in 2025-26 (Year 6): Jonathan (K), Aisha (E), Maya (N, but had provision),
Zara (K, no provision at all); not Leo (Year 6, N, no provision in 2025-26), not Sam (Year 5).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import builders as b
from provmap.upn import with_check_letter

JONATHAN, AISHA, LEO, MAYA = b.UPNS
PRIYA = with_check_letter("823400100006")
SAM = with_check_letter("823400100007")
ZARA = with_check_letter("823400100008")

YEAR1 = {
    "School": "  oak tree   PRIMARY ", "Academic year": "2024-25",
    "Autumn start": date(2024, 9, 3), "Autumn end": date(2024, 12, 19),
    "Spring start": date(2025, 1, 6), "Spring end": date(2025, 4, 4),
    "Summer start": date(2025, 4, 22), "Summer end": date(2025, 7, 22),
}
YEAR2 = {"School": "Oak Tree Primary", "Notional SEN threshold": 400}


def _pupil(upn, forename, surname, year, cls, status, need=None, **more):
    return {"UPN": upn, "Forename": forename, "Surname": surname, "Year group": year,
            "Class": cls, "SEN status": status, "Primary need": need, **more}


def pupils_year1():
    return [
        _pupil(JONATHAN, "Jonathan", "Smith", "5", "5O", "K", "SPLD",
               **{"Date of birth": date(2014, 5, 4), "Parent/carer": "Mrs Smith"}),
        _pupil(AISHA, "Aisha", "Khan", "5", "5O", "E", "ASD"),
        _pupil(LEO, "Leo", "Brown", "5", "5O", "K", "SLCN"),
        _pupil(MAYA, "Maya", "Jones", "5", "5O", "N"),
        _pupil(PRIYA, "Priya", "Shah", "6", "6O", "K", "MLD"),
    ]


def pupils_year2():
    return [
        _pupil(JONATHAN, "Jonathan", "Smith", "6", "6O", "K", "SPLD",
               **{"Date of birth": date(2014, 5, 4), "Parent/carer": "Mrs Smith",
                  "Secondary need": "SLCN"}),
        _pupil(AISHA, "Aisha", "Khan", "6", "6O", "E", "ASD"),
        _pupil(LEO, "Leo", "Brown", "6", "6O", "N"),
        _pupil(MAYA, "Maya", "Jones", "6", "6O", "N"),
        _pupil(ZARA, "Zara", "Ali", "6", "6O", "K", "SEMH"),
        _pupil(SAM, "Sam", "Green", "5", "5O", "K", "MLD"),
    ]


YEAR1_SHEETS = {
    "5O Autumn": {
        "provision": [
            {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Target": "Read 20 words",
             "Pre": "7y 2m", "Post": "7y 10m", "Outcome": "Achieved", "Next step": "Continue",
             "Comments": "Best first thing in the morning."},
            {"Pupil": "Jonathan Smith", "Provision": "Lego therapy", "Group": "A", "Pre": 20,
             "Post": 24, "Outcome": "Partly achieved"},
            {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Group": "A", "Pre": 22,
             "Post": 25},
            {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Group": "A", "Pre": 18,
             "Post": 18},
            {"Pupil": "Jonathan Smith", "Provision": "Visual timetable",
             "Comments": "Uses a now-and-next board."},
        ],
        "review": [
            {"Pupil": "Jonathan Smith", "Target 1": "Read 20 tricky words",
             "Target 1 outcome": "Achieved", "Target 2": "Write two sentences",
             "Target 2 outcome": "Partly achieved", "Attendance": "96%",
             "Reading": "Working towards", "Staff views": "Works well with Leo Brown.",
             "Parent views": "Happier", "Pupil views": "I like reading"},
            {"Pupil": "Aisha Khan", "Target 1": "Take turns", "Target 2": "Ask for help",
             "Attendance": 0.91, "Parent views": "Settled", "Pupil views": "Lego is fun"},
        ],
    },
    "5O Spring": {
        "provision": [
            {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Sessions per week": 4,
             "Pre": "7y 10m", "Post": "8y 2m", "Outcome": "Achieved", "Next step": "Continue"},
            {"Pupil": "Jonathan Smith", "Provision": "Lego therapy", "Minutes per session": "lots"},
        ],
        "review": [
            {"Pupil": "Jonathan Smith", "Target 1": "Read 40 tricky words", "Attendance": 0.94,
             "Staff views": "Settled", "Parent views": "Pleased", "Pupil views": "OK"},
        ],
    },
    "6O Autumn": {
        "provision": [{"Pupil": "Priya Shah", "Provision": "Precision teaching", "Pre": "9y 0m",
                       "Post": "9y 4m"}],
        "review": [{"Pupil": "Priya Shah", "Target 1": "Spell 10 words", "Target 2": "Read aloud",
                    "Attendance": 0.97}],
    },
}

YEAR2_SHEETS = {
    "6O Autumn": {
        "provision": [
            {"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": "8y 2m",
             "Post": "8y 9m", "Outcome": "Partly achieved", "Next step": "Continue"},
            {"Pupil": "Jonathan Smith", "Provision": "Lego therapy", "Pre": 24, "Post": 27},
            {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Pre": 25, "Post": 26},
            {"Pupil": "Maya Jones", "Provision": "Lego therapy", "Pre": 15, "Post": 19},
        ],
        "review": [
            {"Pupil": "Jonathan Smith", "Target 1": "Read a chapter book",
             "Target 1 outcome": "Partly achieved", "Target 2": "Plan a paragraph",
             "Target 2 outcome": "Achieved", "Attendance": "93%", "Reading": "Expected",
             "Writing": "Working towards", "Maths": "Expected",
             "Staff views": "Misses Priya Shah since she left.", "Parent views": "Worried about "
             "secondary", "Pupil views": "I want to go to big school"},
            {"Pupil": "Aisha Khan", "Target 1": "Join a club", "Target 2": "Travel plan",
             "Attendance": 0.9},
        ],
    },
    "6O Spring": {
        "provision": [
            {"Pupil": "Jonathan Smith", "Provision": "Precision teaching",
             "Minutes per session": 30, "Pre": "8y 9m", "Post": "9y 3m"},
        ],
        "review": [
            {"Pupil": "Jonathan Smith", "Attendance": 0.95, "Reading": "Expected",
             "Staff views": "Ready for Year 7", "Parent views": "Pleased",
             "Pupil views": "+I like maths"},
        ],
    },
    "5O Autumn": {
        "provision": [{"Pupil": "Sam Green", "Provision": "Visual timetable"}],
        "review": [{"Pupil": "Sam Green", "Target 1": "Sit for the story",
                    "Target 2": "Say hello", "Attendance": 0.88}],
    },
}

PROFESSIONALS_YEAR1 = [
    ["Pupil", "Name", "Role or service", "Involved since", "Latest report", "Notes"],
    ["Jonathan Smith", "Dr A Green", "Educational psychologist", date(2024, 10, 1),
     date(2025, 1, 12), "Recommended precision teaching."],
]
PROFESSIONALS_YEAR2 = [
    ["Pupil", "Name", "Role or service", "Involved since", "Latest report", "Notes"],
    ["Jonathan Smith", "dr a  green", "Educational psychologist", date(2024, 10, 1),
     date(2025, 11, 3), "Review before transfer."],
    ["Jonathan Smith", "Ms C Black", "Speech and language therapist", date(2025, 9, 15), None,
     None],
]
PROFILES_YEAR2 = [
    ["Pupil", "Area", "Strengths", "Challenges"],
    ["Jonathan Smith", "C&L", "Good number sense.", "Decoding unfamiliar words."],
    ["Jonathan Smith", "SEMH", "Kind and caring.", "Upset when work looks hard; Leo Brown "
     "helps."],
]


def build_year1(path: Path, **changes) -> Path:
    settings = {**YEAR1, **changes.pop("settings", {})}
    return b.build_workbook(path, settings=settings, pupils=pupils_year1(), sheets=YEAR1_SHEETS,
                            extra={"Professionals": PROFESSIONALS_YEAR1}, **changes)


def build_year2(path: Path, **changes) -> Path:
    settings = {**YEAR2, **changes.pop("settings", {})}
    return b.build_workbook(path, settings=settings, pupils=pupils_year2(), sheets=YEAR2_SHEETS,
                            extra={"Professionals": PROFESSIONALS_YEAR2,
                                   "Profiles": PROFILES_YEAR2}, **changes)


def build_two_years(folder: Path) -> tuple[Path, Path]:
    """The two workbooks, written into `folder` (year 2 first, to show order is found)."""
    folder.mkdir(parents=True, exist_ok=True)
    y2 = build_year2(folder / "Provision map 2025-26.xlsx")
    y1 = build_year1(folder / "Provision map 2024-25.xlsx")
    return y1, y2
