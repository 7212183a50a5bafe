"""The starter menu a new workbook offers: typical staff roles and costs, and provision.

Schools change both on day one; `provmap new-year` carries the school's own instead.
"""

from __future__ import annotations

from typing import Any

from .. import schema

DEFAULT_STAFF: list[dict[str, Any]] = [
    {"Name": "Teacher", "Role": "Class teacher", "Hourly cost": 40},
    {"Name": "TA", "Role": "Teaching assistant", "Hourly cost": 18},
    {"Name": "HLTA", "Role": "Higher level teaching assistant", "Hourly cost": 22},
    {"Name": "SENCo", "Role": "Special educational needs coordinator", "Hourly cost": 45},
    {"Name": "ELSA", "Role": "Emotional literacy support assistant", "Hourly cost": 20},
    {"Name": "Learning mentor", "Role": "Learning mentor", "Hourly cost": 21},
    {"Name": "SALT (external)", "Role": "Speech and language therapist (bought in)",
     "Hourly cost": 65},
    {"Name": "EP (external)", "Role": "Educational psychologist (bought in)", "Hourly cost": 90},
]

C_I, C_L, SEMH, S_P = schema.C_AND_I, schema.C_AND_L, schema.SEMH_AREA, schema.S_AND_P
QFT, GRP, ONE = schema.QFT, schema.GROUP, schema.ONE_TO_ONE


def _p(name, type_, area, by, sessions, minutes, weeks, resource, measure, kind, higher="Y",
       highest=None, why=None):
    return {"Provision": name, "Type": type_, "Area of need": area, "Delivered by": by,
            "Sessions per week": sessions, "Minutes per session": minutes, "Weeks": weeks,
            "Resource cost": resource, "Measure": measure, "Measure kind": kind,
            "Higher is better": higher, "Highest score": highest, "Why chosen": why}


# Why each is chosen, as a SENCo writes it on a group plan: the Education Endowment
# Foundation's Teaching and Learning Toolkit strand it belongs to, in the Toolkit's own
# terms (impact for cost), or the professional advice behind it.  Left blank where a school
# would write its own reason (the plan then gives lines to write on).
SMALL_GROUP = "EEF: small-group tuition, moderate impact for moderate cost"
TA_LED = ("EEF: teaching assistant interventions, moderate impact for moderate cost when "
          "structured, with trained staff")
SEL = "EEF: social and emotional learning, moderate impact for very low cost"
ORAL = "EEF: oral language interventions, very high impact for very low cost"

DEFAULT_PROVISIONS: list[dict[str, Any]] = [
    _p("Precision teaching", ONE, C_L, "TA", 3, 10, 12, 0, "Reading age", "months",
       why="EEF: one to one tuition, high impact for moderate cost; short daily practice "
           "until words are read fluently"),
    _p("Phonics catch-up group", GRP, C_L, "TA", 4, 20, 12, 30, "Phonics check score", "score",
       highest=40, why="EEF: phonics, high impact for very low cost, very extensive evidence"),
    _p("Reading fluency group", GRP, C_L, "TA", 3, 30, 12, 40, "Reading age", "months",
       why=f"{SMALL_GROUP}; guided oral reading, as the EEF's Improving literacy in key "
           "stage 2 recommends"),
    _p("Maths catch-up group", GRP, C_L, "TA", 3, 30, 12, 25, "Maths standardised score",
       "standardised", why=f"{SMALL_GROUP}; a structured programme led by a trained TA"),
    _p("Spelling and handwriting group", GRP, S_P, "TA", 2, 20, 10, 35, "Spelling age",
       "months", why=TA_LED),
    _p("Speech and language group", GRP, C_I, "TA", 2, 30, 10, 20, "Language standardised score",
       "standardised", why=ORAL),
    _p("Speech and language therapy", ONE, C_I, "SALT (external)", 1, 45, 6, 0,
       "SALT targets met (of 10)", "score", highest=10,
       why="Advised by the speech and language therapist's assessment"),
    _p("Lego therapy", GRP, C_I, "HLTA", 1, 45, 10, 60, "Social communication score", "score",
       why=f"{SEL}; builds turn-taking and shared attention for pupils with social "
           "communication needs"),
    _p("Nurture group", GRP, SEMH, "HLTA", 4, 60, 12, 150, "Boxall profile", "score",
       why=f"{SEL}; the Boxall profile shows where each pupil needs support"),
    _p("ELSA sessions", ONE, SEMH, "ELSA", 1, 30, 8, 10, "SDQ total difficulties", "score", "N",
       highest=40, why=f"{SEL}; ELSA trained and supervised by the educational "
                       "psychology service"),
    _p("Fine motor skills group", GRP, S_P, "TA", 3, 15, 10, 45, "Fine motor checklist", "score"),
    _p("Visual timetable", QFT, C_I, "Teacher", None, None, None, 5, None, None,
       why="EEF guidance, SEND in mainstream schools: scaffolding such as visual aids"),
    _p("Coloured overlays and reading ruler", QFT, C_L, "Teacher", None, None, None, 8, None,
       None),
    _p("Movement breaks", QFT, S_P, "Teacher", None, None, None, 0, None, None),
]
