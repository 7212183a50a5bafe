"""The Instructions sheet: plain-English guidance for staff, and the hidden choice lists.

The text is kept here, apart from the writer, so it can be read and changed as prose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import schema
from ..write import fit
from .layout import PROVISION_ROWS_PER_SHEET

if TYPE_CHECKING:
    from .xlsx import Writer

INSTRUCTIONS = [
    ("What this workbook is",
     "This is {school}'s provision map for {year}: who gets which extra support, how often, "
     "who delivers it, what it costs and what difference it made. The SENCo runs provmap on "
     "it each term to get the rollup for the SENCo, a report for governors and a one-page "
     "overview (POP) for each pupil's review meeting. Keep one workbook per school year."),
    ("Who fills in what",
     "The SENCo (or office) keeps the reference sheets up to date: Settings, Pupils (the "
     "register), Staff, Provisions (the school's menu of interventions), Profiles and "
     "Professionals.\nClass teachers and teaching assistants fill in their class's sheet for "
     "each term, e.g. '{example}': the provision table at the top and the termly review "
     "table below it."),
    ("When",
     "Start of term: add a row for each pupil on each provision, with the Pre score "
     "(the entry assessment) and the pupil's 2 or 3 targets in the review table.\n"
     "During the term: change the row if the support changes (sessions, minutes, who "
     "delivers it).\nEnd of term: type the Post score, the Outcome and the Next step for each "
     "row; fill in the review table (how far each target was met, attendance, attainment and "
     "the staff, parent and pupil views). Then tell the SENCo the sheet is done."),
    ("How to fill in a class sheet",
     "One row per pupil per provision. Pick the pupil and the provision from the dropdowns "
     "(or type the name exactly as it is on the Pupils sheet: 'Forename Surname' or "
     "'Surname, Forename').\nLeave Type, Area of need, Delivered by, Sessions per week, "
     "Minutes per session and Weeks blank to use the provision's usual values from the "
     "Provisions sheet; type over them only when this group is different.\nPupils on the "
     "same provision on the same sheet are one group. For a group that mixes classes, type "
     "the same label (e.g. 'Nurture A') in the Group column on each class's sheet. For a "
     "group that includes pupils not on this map, type the real Group size."),
    ("Scores and ages",
     "Pre and Post use the provision's measure (see the Provisions sheet). Reading or spelling "
     "ages may be typed as months (86) or as '7y 2m' or '7:02'. For scales where lower is "
     "better (e.g. SDQ difficulties) the Provisions sheet says 'Higher is better: N'.\n"
     "A Post left blank when Pre is filled shows in yellow; no gain (or a fall) shows in red."),
    ("The Cost column",
     "Cost is worked out for you: the hourly cost of whoever delivers it x minutes / 60 x "
     "sessions a week x weeks, plus the resource cost, shared between the pupils in the group "
     "(1:1 is a group of one; quality first teaching counts only its resources). If you know "
     "the real cost for a pupil (an invoice, for example), type it over the formula: provmap "
     "then uses your number and lists it as an override.\nFor a labelled group spread over "
     "several class sheets, the Cost column counts only this sheet's pupils; provmap's own "
     "figures count the whole group."),
    ("Dropdowns and free typing",
     "Dropdowns offer the usual choices, but you can type something else: provmap accepts "
     "other spellings (e.g. 'QFT', 'EHCP', 'yes'), numbers typed as text ('£1,200.50') and "
     "dates as day/month/year (12/09/2025). It never reads a date the American way."),
    ("Adding a class, a term or a row",
     "Rows: just type in the next empty row; the first {rows} rows of each provision table "
     "already carry the dropdowns and the Cost formula.\nA class or a term: copy an existing "
     "class sheet and rename it '<class> <term>' (e.g. '4M Spring'). The class must match the "
     "Class column on the Pupils sheet. Keep the header rows as they are; you may move, hide "
     "or add columns, and add notes above or below the tables."),
    ("Checking",
     "The SENCo runs 'provmap check' on the workbook at any time. It lists every problem with "
     "its sheet and cell, in plain English: a misspelt name, a provision that is not on the "
     "Provisions sheet, a missing Post score, a pupil on SEN support with no provision this "
     "term. Errors must be fixed before the numbers are right; warnings are reminders."),
    ("Privacy",
     "This workbook holds personal and sensitive information about children. Keep it on the "
     "school's secure storage, never email it outside the school, and share reports only with "
     "the people they are for: the governors' report names no pupil."),
]


LIST_COL = 25                     # column Z of Instructions, hidden
CHOICE_RANGES = (("AreaList", LIST_COL, schema.AREA.values),
                  ("ProfileAreaList", LIST_COL + 1, schema.PROFILE_AREA.values))


def write_instructions(w: Writer, terms: tuple[str, ...], classes: list[str]) -> None:
    ws = w.sheet("Instructions")
    for _, c, values in CHOICE_RANGES:
        for r, v in enumerate(values):
            ws.write_string(r, c, v)
        ws.set_column(c, c, 30, None, {"hidden": True})
    ws.hide_gridlines(2)
    ws.set_column(0, 0, HEADING_WIDTH)
    ws.set_column(1, 1, TEXT_WIDTH)
    ws.write_string(0, 0, f"Provision map {w.year}: {w.school}", w.fmt["h1"])
    ws.write_string(1, 0, "Read this first. It takes two minutes.", w.fmt["guide"])
    example = f"{classes[0]} {terms[0]}" if classes else f"3O {terms[0]}"
    r = 3
    for heading, text in INSTRUCTIONS:
        body = text.format(school=w.school, year=w.year, example=example,
                           rows=PROVISION_ROWS_PER_SHEET)
        ws.write_string(r, 0, heading, w.fmt["h2"])
        ws.write_string(r, 1, body, w.fmt["para_rule"])
        lines = fit.lines(body, fit.column_pt(TEXT_WIDTH), 11, "Calibri")
        heading_pt = fit.lines(heading, fit.column_pt(HEADING_WIDTH), 12, "Calibri",
                               bold=True) * 12 * fit.LINE_HEIGHT["Calibri"]
        ws.set_row(r, max(fit.row_pt(lines, 11, "Calibri"), heading_pt + 3) + 2)
        r += 1
    r += 1
    ws.write_string(r, 0, "The sheets", w.fmt["h2"])
    ws.write_string(r, 1, "", w.fmt["h2"])
    r += 1
    sheets = [
        ("Settings", "School, year, term dates and the thresholds reports use."),
        ("Pupils", "The register: one row per pupil, with UPN, class, SEN status and need."),
        ("Staff", "Who delivers provision and their hourly cost including on-costs. "
                  "The rows given are examples: change them to your own."),
        ("Provisions", "The school's menu of provision with its usual delivery, resources and "
                       "measure. The rows given are a starter menu: edit freely."),
        ("Profiles", "Each pupil's strengths and challenges by area (for the POP)."),
        ("Professionals", "Outside professionals involved with each pupil (for the POP)."),
        ("<class> <term>", f"One sheet per class and term, e.g. '{example}'."),
    ]
    for name, text in sheets:
        ws.write_string(r, 0, name, w.fmt["label"])
        ws.write_string(r, 1, text, w.fmt["para"])
        lines = fit.lines(text, fit.column_pt(TEXT_WIDTH), 11, "Calibri")
        if lines > 1:
            ws.set_row(r, fit.row_pt(lines, 11, "Calibri"))
        r += 1
    ws.print_area(0, 0, r - 1, 1)                  # not the hidden lists in column Z
    w.page(ws, widths=[HEADING_WIDTH, TEXT_WIDTH])


HEADING_WIDTH = 24
TEXT_WIDTH = 70          # portrait A4 at 100%: a paragraph a reader can follow

