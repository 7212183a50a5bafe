"""Every table of the standard workbook, declared once.

The reader finds columns by these names and aliases, the checks use the declared kinds and
choices, and the template writer writes headers and dropdowns from the same declarations.
Nothing else in provmap knows a column letter or spells a header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache


class Kind(Enum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    INTEGER = "integer"
    DATE = "date"
    PERCENT = "percent"
    SCORE = "score"          # a number, or an age such as `7y 2m` / `7:02` read as months
    CHOICE = "choice"
    YES_NO = "yes/no"


class Unit(Enum):
    """What a number column counts, so a number written with its unit or in staff's words
    (`3 x weekly`, `20 mins`, `12 weeks`, `£1.2k`) can be read as that number
    (provmap.values.parse_amount)."""

    SESSIONS = "sessions a week"
    MINUTES = "minutes"
    WEEKS = "weeks"
    MONEY = "money"
    MONEY_PER_HOUR = "money an hour"
    MONEY_PER_TERM = "money a term"


@dataclass(frozen=True)
class Choices:
    """A closed list of canonical values, each with the words staff may type for it."""

    name: str
    words: dict[str, tuple[str, ...]]

    def canonical(self, text: str) -> str | None:
        key = normalise_choice(text)
        return self._index().get(key)

    def canonical_loose(self, text: str) -> str | None:
        """As :meth:`canonical`, also ignoring punctuation and `&` for `and`, as MIS
        exports and other tools write their lists ("Social, Emotional & Mental Health",
        "Multi Sensory Impairment").  Used for what is brought in (rosters, `import`); the
        workbook's own cells keep the exact lists."""
        found = self.canonical(text)
        if found is not None:
            return found
        loose = getattr(self, "_loose", None)
        if loose is None:
            loose = {}
            for canon, words in self.words.items():
                for w in (canon, *words):
                    loose.setdefault(loose_choice(w), canon)
            object.__setattr__(self, "_loose", loose)
        return loose.get(loose_choice(text))

    def _index(self) -> dict[str, str]:
        idx = getattr(self, "_idx", None)
        if idx is None:
            idx = {}
            for canon, words in self.words.items():
                idx[normalise_choice(canon)] = canon
                for w in words:
                    idx[normalise_choice(w)] = canon
            object.__setattr__(self, "_idx", idx)
        return idx

    @property
    def values(self) -> list[str]:
        return list(self.words)


def normalise_choice(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def loose_choice(text: str) -> str:
    """Letters and digits only, `&` read as `and`: `Multi-Sensory / Impairment` and
    `multi sensory impairment` are the same."""
    t = str(text).casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", t).split())


YES_NO = Choices("Y/N", {"Y": ("yes", "true", "1"), "N": ("no", "false", "0")})

SEN_STATUS = Choices("SEN status", {
    "K": ("SEN support", "SEN Support (K)", "support"),
    "E": ("EHCP", "EHC plan", "EHC", "Statement", "Education, health and care plan",
          "Education health and care plan", "Statement of SEN", "Statement of special "
          "educational needs"),
    "N": ("None", "No SEN", "Monitoring", "Monitor", "no", "No special educational need",
          "No special educational needs", "Not SEN"),
})

NEED = Choices("Need", {
    "SPLD": ("Specific learning difficulty", "SpLD"),
    "MLD": ("Moderate learning difficulty",),
    "SLD": ("Severe learning difficulty",),
    "PMLD": ("Profound and multiple learning difficulty",
             "Profound & multiple learning difficulty"),
    "SEMH": ("Social, emotional and mental health",),
    "SLCN": ("Speech, language and communication needs", "Speech, language and communication",
             "Speech, language and communications needs"),
    "HI": ("Hearing impairment",),
    "VI": ("Visual impairment",),
    "MSI": ("Multi-sensory impairment",),
    "PD": ("Physical disability",),
    "ASD": ("Autistic spectrum disorder", "Autism", "ASC", "Autistic spectrum condition",
            "Autism spectrum disorder", "Autism spectrum condition"),
    "OTH": ("Other difficulty/disability", "Other"),
    "NSA": ("SEN support but no specialist assessment of type of need",
            "No specialist assessment"),
})

C_AND_I = "Communication and interaction"
C_AND_L = "Cognition and learning"
SEMH_AREA = "Social, emotional and mental health"
S_AND_P = "Sensory and/or physical"
INDEPENDENCE = "Independence and self-help"

AREA = Choices("Area of need", {
    C_AND_I: ("C&I", "C & I", "Communication & interaction"),
    C_AND_L: ("C&L", "C & L", "Cognition & learning"),
    SEMH_AREA: ("SEMH", "Social emotional and mental health"),
    S_AND_P: ("S/P", "S&P", "Sensory and physical", "Sensory & physical", "Sensory/physical"),
})

PROFILE_AREA = Choices("Profile area", {**AREA.words, INDEPENDENCE: (
    "Independence", "Self-help", "Independence & self-help", "Independence and self help")})

NEED_AREA = {"SLCN": C_AND_I, "ASD": C_AND_I, "SPLD": C_AND_L, "MLD": C_AND_L,
             "SLD": C_AND_L, "PMLD": C_AND_L, "SEMH": SEMH_AREA, "HI": S_AND_P,
             "VI": S_AND_P, "MSI": S_AND_P, "PD": S_AND_P}

AREAS = (C_AND_I, C_AND_L, SEMH_AREA, S_AND_P)     # the four broad areas, in the Code's order
# The unit a provision's gain is in, by its measure kind (the published reports print it).
UNIT = {"months": "months", "standardised": "points", "score": "points"}

QFT = "Quality first teaching"
GROUP = "Group"
ONE_TO_ONE = "1:1"
PROVISION_TYPE = Choices("Type", {
    QFT: ("QFT", "Wave 1", "Quality-first teaching", "Quality first"),
    GROUP: ("Small group", "Wave 2", "Group intervention", "Group work"),
    ONE_TO_ONE: ("1-1", "One to one", "One-to-one", "Individual", "1 to 1", "Wave 3"),
})

MEASURE_KIND = Choices("Measure kind", {
    "months": ("month", "age", "age in months"),
    "standardised": ("standardized", "standard score", "ss"),
    "score": ("scale", "raw", "raw score", "points"),
})

OUTCOME = Choices("Outcome", {
    "Achieved": ("met", "yes", "fully achieved"),
    "Partly achieved": ("partly", "partially achieved", "part achieved", "partially met",
                        "partly met"),
    "Not achieved": ("not met", "no", "not yet"),
})

NEXT_STEP = Choices("Next step", {
    "Continue": (), "Change": (), "Stop": ("end", "finish"), "Refer": ("referral",),
})


@dataclass(frozen=True)
class Limits:
    """What a number in a column may sensibly be (docs/workbook-format.md, "Numbers out of
    range").

    Below ``lowest`` or above ``highest`` (or not finite) the row cannot be costed or
    measured: an error, and the row is left out.  Outside ``usual`` it is possible but
    unlikely: a warning asking "is this right?".  ``why_not_negative`` finishes the
    sentence "Minutes per session is -30: ..." in the SENCo's words.
    """

    why_not_negative: str = ""
    lowest: float | None = 0.0
    highest: float = 1_000_000.0
    usual: tuple[float | None, float | None] = (None, None)
    unusual: str = ""               # "sessions of over 4 hours are rare"


@dataclass(frozen=True)
class Column:
    """One column of a table: its header as the spec writes it, and how to read it."""

    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: Choices | None = None
    width: float = 14            # for the template writer
    note: str = ""               # what to type, for the Instructions sheet
    limits: Limits | None = None
    unit: Unit | None = None     # a number column that also reads its unit and staff's words

    @property
    def key(self) -> str:
        """The attribute name records use: `Minutes per session` -> `minutes_per_session`."""
        return _key(self.name)


@dataclass(frozen=True)
class Table:
    """A table found by its header row.  ``markers`` are the headers that identify it."""

    name: str
    columns: tuple[Column, ...]
    markers: tuple[str, ...] = ()
    _lookup: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.by_key)

    @property
    def by_key(self) -> dict[str, Column]:
        """Columns by record key, in declared order (computed once)."""
        found = self.__dict__.get("_by_key")
        if found is None:
            found = {c.key: c for c in self.columns}
            object.__setattr__(self, "_by_key", found)
        return found

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key or c.name == key:
                return c
        raise KeyError(key)

    def match(self, header: object) -> Column | None:
        """The column a header cell names, ignoring case, spaces, a `:` and a unit."""
        if not isinstance(header, str):
            return None
        if not self._lookup:
            for c in self.columns:
                for n in (c.name, *c.aliases):
                    self._lookup[normalise_header(n)] = c
        return self._lookup.get(normalise_header(header))


@lru_cache(maxsize=None)
def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@lru_cache(maxsize=4096)
def normalise_header(text: str) -> str:
    t = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)      # a unit in brackets: `Cost (£)`
    t = re.sub(r"\s+", " ", t).strip().rstrip(":").strip()
    return t.casefold()


C = Column
K = Kind

# Numbers out of range (docs/workbook-format.md): declared once, used by the reader.
SESSIONS = Limits("a pupil cannot have fewer than no sessions",
                  usual=(None, 25), unusual="more than 25 sessions a week is more than five a day")
MINUTES = Limits("a session cannot last less than nothing",
                 usual=(None, 240), unusual="a session of over 240 minutes (4 hours) is rare")
WEEKS = Limits("a provision cannot run for fewer than no weeks",
               usual=(None, 39), unusual="a school year has about 39 weeks")
GROUP_SIZE = Limits("a group cannot have fewer than no pupils",
                    usual=(None, 30), unusual="a group of over 30 is larger than a class")
HOURLY_COST = Limits("an hour of someone's time cannot cost less than nothing",
                     usual=(5, 250), unusual="hourly costs are usually between £5 and £250")
RESOURCE_COST = Limits("resources cannot cost less than nothing",
                       usual=(None, 10_000),
                       unusual="resources over £10,000 a term are very unusual")
TYPED_COST = Limits("a pupil's share cannot be less than nothing")
SCORE = Limits(lowest=None)          # any scale, negatives included; only absurd sizes refused
ATTENDANCE = Limits(lowest=None, highest=10_000.0, usual=(0.0, 1.0),
                    unusual="attendance is between 0% and 100%")

SETTINGS = Table("Settings", (
    C("Setting", required=True, aliases=("Name", "Item"), width=28,
      note="the setting's name, one of those listed below"),
    C("Value", required=True, width=40, note="its value"),
), markers=("Setting", "Value"))

PUPILS = Table("Pupils", (
    C("UPN", required=True, aliases=("Unique pupil number",), width=16,
      note="the 13-character Unique Pupil Number from the MIS: a letter, 11 digits, then a "
           "digit or (a temporary UPN) a letter; its DfE check letter is checked. Each pupil "
           "once"),
    # Aliases: the headings of MIS exports (SIMS, Arbor, Bromcom, ScholarPack); a roster with
    # both a preferred and a legal name uses the preferred one (provmap.read.roster).
    C("Forename", required=True, aliases=(
        "First name", "Firstname", "Forenames", "Given name", "Preferred forename",
        "Preferred first name", "Preferred firstname", "Legal forename", "Legal first name",
        "Legal firstname"), width=14, note="as the class sheets will write it"),
    C("Surname", required=True, aliases=(
        "Last name", "Lastname", "Family name", "Preferred surname", "Preferred last name",
        "Preferred lastname", "Legal surname", "Legal last name", "Legal lastname"), width=16),
    C("Date of birth", K.DATE, aliases=("DOB", "Birth date", "D.O.B."), width=13,
      note="shown on the POP"),
    C("Year group", required=True, aliases=(
        "Year", "NC year", "Year grp", "National curriculum year", "Year taught in",
        "Curriculum year"), width=10,
      note="`R` (or `Reception`), `1` to `13` (or `Y3`, `Year 3`), `N` (or `Nursery`)"),
    C("Class", required=True, aliases=(
        "Reg group", "Registration group", "Registration form", "Reg form", "Form", "Reg",
        "Tutor group"), width=12,
      note="the class as its class-term sheets name it: `3O` for `3O Autumn`"),
    C("SEN status", K.CHOICE, required=True, aliases=("SEN", "SEN provision", "SEN stage"),
      choices=SEN_STATUS, width=11,
      note="`K` SEN support, `E` EHC plan, `N` no SEN (monitoring or catch-up only)"),
    C("Primary need", K.CHOICE, aliases=(
        "Primary SEN need", "Main need", "Need", "SEN need type", "SEN need type 1",
        "Need type", "Primary need type", "Primary SEN need type"), choices=NEED, width=12,
      note="needed for K and E pupils: a census code such as `SLCN`, or its full name"),
    C("Secondary need", K.CHOICE, aliases=(
        "Secondary SEN need", "SEN need type 2", "Secondary need type"), choices=NEED,
      width=12, note="the same codes"),
    C("Pupil premium", K.YES_NO, aliases=("PP", "Disadvantaged"), choices=YES_NO, width=9),
    C("EAL", K.YES_NO, aliases=("English as an additional language",), choices=YES_NO, width=7),
    C("Looked after", K.YES_NO, aliases=(
        "CLA", "LAC", "Looked after child", "Child looked after", "In care"), choices=YES_NO,
      width=9),
    C("Parent/carer", aliases=("Parent", "Parent or carer", "Parents/carers", "Contact"), width=22,
      note="shown on the POP"),
    C("Language at home", aliases=("Home language", "First language"), width=14,
      note="shown on the POP; a roster's `First language` other than English also means EAL"),
), markers=("UPN", "Surname"))

STAFF = Table("Staff", (
    C("Name", required=True, aliases=("Staff", "Staff member", "Delivered by"), width=22,
      note="a person (`Mrs Patel`) or a role (`TA`, `HLTA`, `SALT (external)`), as Delivered "
           "by names them"),
    C("Role", width=24),
    C("Hourly cost", K.MONEY, required=True, aliases=("Cost per hour", "Hourly rate", "Rate"),
      width=12, note="£ per hour, on-costs included", limits=HOURLY_COST,
      unit=Unit.MONEY_PER_HOUR),
), markers=("Name", "Hourly cost"))

PROVISIONS = Table("Provisions", (
    C("Provision", required=True, aliases=("Intervention", "Name"), width=26,
      note="a name used once, e.g. `Precision teaching`, `Lego therapy`"),
    C("Type", K.CHOICE, required=True, choices=PROVISION_TYPE, width=20,
      note="quality first teaching, a group, or 1:1"),
    C("Area of need", K.CHOICE, choices=AREA, aliases=("Area", "Broad area of need"), width=30,
      note="one of the four broad areas"),
    C("Delivered by", aliases=("Staff", "Who"), width=18,
      note="who usually delivers it: a Name on the Staff sheet"),
    C("Sessions per week", K.NUMBER, aliases=("Sessions/week", "Sessions a week", "Frequency"),
      width=10, limits=SESSIONS, unit=Unit.SESSIONS,
      note="the usual delivery; class-sheet rows that leave these blank use them"),
    C("Minutes per session", K.NUMBER, aliases=("Minutes", "Session length", "Mins per session",
                                                 "Duration"), width=10, limits=MINUTES,
      unit=Unit.MINUTES),
    C("Weeks", K.NUMBER, aliases=("Number of weeks", "Weeks per term"), width=8, limits=WEEKS,
      unit=Unit.WEEKS, note="weeks in the term"),
    C("Resource cost", K.MONEY, aliases=("Resources", "Resource costs"), width=11,
      limits=RESOURCE_COST, unit=Unit.MONEY_PER_TERM,
      note="£ per term: shared by a group's pupils; per pupil for 1:1 and quality first "
           "teaching"),
    C("Measure", aliases=("Assessment", "Entry/exit measure"), width=20,
      note="what Pre and Post are, e.g. `Reading age`, `Boxall profile`"),
    C("Measure kind", K.CHOICE, choices=MEASURE_KIND, width=13,
      note="`months` (an age), `standardised` (mean 100, SD 15) or `score` (any other "
           "scale)"),
    C("Higher is better", K.YES_NO, choices=YES_NO, width=9,
      note="`N` for scales where a fall is progress (SDQ difficulties); blank means Y"),
    C("Highest score", K.NUMBER, aliases=("Maximum score", "Max score", "Highest possible score",
                                           "Out of"), width=9, limits=SCORE,
      note="optional: the measure's highest possible score (40 for the phonics check); "
           "`check` warns at a Pre or Post above it"),
    C("Why chosen", aliases=("Evidence", "Reason for choosing", "Why this intervention",
                             "Rationale"), width=40,
      note="optional: the evidence for choosing it, e.g. `EEF: small-group tuition, moderate "
           "impact for moderate cost`; printed on its group plans"),
), markers=("Provision", "Type"))

PROFILES = Table("Profiles", (
    C("Pupil", aliases=("Name", "Pupil name"), width=22,
      note="the pupil's name as on Pupils, or give the UPN"),
    C("UPN", width=16, note="wins over the name"),
    C("Area", K.CHOICE, required=True, choices=PROFILE_AREA, aliases=("Area of need",), width=30,
      note="a broad area of need or `Independence and self-help`; one row per pupil and area"),
    C("Strengths", width=45, note="for the POP"),
    C("Challenges", width=45, note="for the POP"),
), markers=("Area", "Strengths"))

PROFESSIONALS = Table("Professionals", (
    C("Pupil", aliases=("Pupil name",), width=22,
      note="the pupil's name as on Pupils, or give the UPN"),
    C("UPN", width=16, note="wins over the name"),
    C("Name", required=True, aliases=("Professional",), width=22,
      note="the professional, e.g. `Dr R. Mensah`"),
    C("Role or service", aliases=("Role", "Service"), width=26,
      note="e.g. `Educational psychologist`"),
    C("Involved since", K.DATE, aliases=("Since", "Start date"), width=13),
    C("Latest report", K.DATE, aliases=("Last report", "Report date"), width=13),
    C("Notes", width=40),
), markers=("Name", "Role or service"))

PROVISION_ROWS = Table("Provision table", (
    C("Pupil", required=True, aliases=("Pupil name", "Child", "Name"), width=22,
      note="pupil's name as on the Pupils sheet"),
    C("UPN", width=16, note="optional; wins over the name"),
    C("Provision", required=True, aliases=("Intervention",), width=24,
      note="from the Provisions sheet"),
    C("Type", K.CHOICE, choices=PROVISION_TYPE, width=14, note="blank: the Provisions default"),
    C("Area of need", K.CHOICE, choices=AREA, aliases=("Area",), width=16,
      note="blank: the Provisions default"),
    C("Delivered by", aliases=("Staff", "Who"), width=16, note="blank: the Provisions default"),
    C("Sessions per week", K.NUMBER, aliases=("Sessions/week", "Sessions a week", "Frequency"),
      width=9, limits=SESSIONS, unit=Unit.SESSIONS, note="blank: the Provisions default"),
    C("Minutes per session", K.NUMBER, aliases=("Minutes", "Session length", "Mins per session",
                                                 "Duration"), width=9, limits=MINUTES,
      unit=Unit.MINUTES, note="blank: the Provisions default"),
    C("Weeks", K.NUMBER, aliases=("Number of weeks",), width=7, limits=WEEKS, unit=Unit.WEEKS,
      note="blank: the Provisions default"),
    C("Group", aliases=("Group name", "Group label"), width=10,
      note="blank: everyone on this provision on this sheet"),
    C("Group size", K.INTEGER, width=8, note="optional; overrides the counted size",
      limits=GROUP_SIZE),
    C("Start date", K.DATE, aliases=("Start", "From"), width=11,
      note="optional; blank: the term's dates"),
    C("End date", K.DATE, aliases=("End", "To"), width=11, note="optional"),
    C("Target", aliases=("Outcome sought", "Intended outcome"), width=30,
      note="the outcome sought"),
    C("Pre", K.SCORE, aliases=("Entry", "Entry score", "Pre score", "Baseline"), width=8,
      limits=SCORE, note="the entry assessment, in the provision's measure"),
    C("Post", K.SCORE, aliases=("Exit", "Exit score", "Post score"), width=8, limits=SCORE,
      note="the exit assessment, at the end of the term"),
    C("Outcome", K.CHOICE, choices=OUTCOME, width=15, note="how far the target was met"),
    C("Next step", K.CHOICE, choices=NEXT_STEP, aliases=("Next steps",), width=11,
      note="`Continue` carries the row into next term"),
    C("Cost", K.MONEY, width=10, note="worked out for you; a number typed here overrides it",
      limits=TYPED_COST, unit=Unit.MONEY),
    C("Comments", aliases=("Comment", "Notes"), width=30),
), markers=("Pupil", "Provision"))

REVIEW_ROWS = Table("Pupil review table", (
    C("Pupil", required=True, aliases=("Pupil name", "Child", "Name"), width=22,
      note="pupil's name as on the Pupils sheet"),
    C("UPN", width=16, note="optional; wins over the name"),
    C("Target 1", width=30, note="the pupil's 2 or 3 targets for the term"),
    C("Target 1 outcome", K.CHOICE, choices=OUTCOME, width=14, note="how far it was met"),
    C("Target 2", width=30), C("Target 2 outcome", K.CHOICE, choices=OUTCOME, width=14),
    C("Target 3", width=30), C("Target 3 outcome", K.CHOICE, choices=OUTCOME, width=14),
    C("Attendance", K.PERCENT, required=True, aliases=("Attendance %",), width=11,
      limits=ATTENDANCE, note="the pupil's attendance this term"),
    C("Reading", width=14, note="attainment as the school records it, e.g. `WTS`, `EXS`"),
    C("Writing", width=14), C("Maths", aliases=("Math", "Mathematics"), width=14),
    C("Staff views", aliases=("Staff view", "Teacher views"), width=34,
      note="the termly review, in each voice"),
    C("Parent views", aliases=("Parent view", "Parent/carer views", "Parents' views"), width=34),
    C("Pupil views", aliases=("Pupil view", "Child views", "Pupil voice"), width=34),
), markers=("Pupil", "Attendance"))

# A provision map kept as one long table, a row per pupil per provision (`provmap import`):
# what each heading means, in the words other tools and home-made sheets use (import.md,
# section 3).  A `--mapping` file names any other heading by one of these column names.
_PUPIL_NAME = PUPILS.column("forename"), PUPILS.column("surname")
LONG_TABLE = Table("Long table", (
    C("Pupil", aliases=("Pupil name", "Name", "Child", "Student", "Child name",
                        "Student name", "Full name")),
    C("Forename", aliases=_PUPIL_NAME[0].aliases),
    C("Surname", aliases=_PUPIL_NAME[1].aliases),
    C("UPN", aliases=("Unique pupil number",)),
    C("Class", aliases=("Reg group", "Registration group", "Registration form", "Reg form",
                        "Form", "Tutor group")),
    C("Term"),
    C("Provision", aliases=("Intervention", "Name of intervention", "Support", "Programme",
                            "Program", "Provision name", "Intervention name", "Title")),
    C("Type", K.CHOICE, choices=PROVISION_TYPE, aliases=("Provision type", "Wave")),
    C("Area of need", K.CHOICE, choices=AREA, aliases=(
        "Area of concern", "Area", "Broad area", "Need area", "Broad area of need")),
    C("Delivered by", aliases=("Staff", "Staff member", "Who", "Adult", "Led by", "Provider")),
    C("Sessions per week", K.NUMBER, unit=Unit.SESSIONS, limits=SESSIONS, aliases=(
        "Frequency", "Sessions", "Times per week", "Number per week", "Sessions/week",
        "Sessions a week")),
    C("Minutes per session", K.NUMBER, unit=Unit.MINUTES, limits=MINUTES, aliases=(
        "Session length", "Length of session", "Minutes", "Time", "Mins per session")),
    C("Weeks", K.NUMBER, unit=Unit.WEEKS, limits=WEEKS, aliases=(
        "Number of weeks", "No. of weeks", "No of weeks", "Duration in weeks")),
    C("Start date", K.DATE, aliases=("Start", "From", "Date started")),
    C("End date", K.DATE, aliases=("End", "To", "Date ended")),
    C("Group", aliases=("Group name",)),
    C("Group size", K.INTEGER, limits=GROUP_SIZE, aliases=("Number in group",)),
    C("Hourly cost", K.MONEY, unit=Unit.MONEY_PER_HOUR, limits=HOURLY_COST, aliases=(
        "Staff cost per hour", "Rate", "Cost per hour", "Hourly rate")),
    C("Resource cost", K.MONEY, unit=Unit.MONEY_PER_TERM, limits=RESOURCE_COST, aliases=(
        "Resources", "Resource costs")),
    C("Cost", K.MONEY, unit=Unit.MONEY, limits=TYPED_COST, aliases=("Total cost",)),
    C("Measure", aliases=("Assessment", "Assessment used", "Measured by")),
    C("Measure kind", K.CHOICE, choices=MEASURE_KIND),
    C("Higher is better", K.YES_NO, choices=YES_NO),
    C("Lower is better", K.YES_NO, choices=YES_NO),
    C("Pre", K.SCORE, limits=SCORE, aliases=(
        "Entry", "Baseline", "Start score", "Start grade", "Entry data", "Entry score",
        "Pre score")),
    C("Post", K.SCORE, limits=SCORE, aliases=(
        "Exit", "End score", "End grade", "Exit data", "Exit score", "Post score")),
    C("Target", aliases=("Intended outcome", "Outcome sought")),
    C("Outcome", K.CHOICE, choices=OUTCOME),
    C("Next step", K.CHOICE, choices=NEXT_STEP, aliases=("Action", "Next steps")),
    C("Comments", aliases=("Notes", "Impact", "Comment")),
    # The register's own columns: used to make the register when no roster is given.
    C("Year group", aliases=PUPILS.column("year_group").aliases),
    C("SEN status", aliases=PUPILS.column("sen_status").aliases),
    C("Primary need", aliases=PUPILS.column("primary_need").aliases),
    C("Date of birth", K.DATE, aliases=PUPILS.column("date_of_birth").aliases),
), markers=("Pupil", "Provision"))

REFERENCE_SHEETS = ("Settings", "Pupils", "Staff", "Provisions", "Profiles", "Professionals")
REQUIRED_SHEETS = ("Settings", "Pupils", "Staff", "Provisions")
SHEET_TABLES = {"Settings": SETTINGS, "Pupils": PUPILS, "Staff": STAFF, "Provisions": PROVISIONS,
                "Profiles": PROFILES, "Professionals": PROFESSIONALS}

DEFAULT_TERMS = ("Autumn", "Spring", "Summer")
DEFAULT_THRESHOLD = 6000.0
DEFAULT_IMPACT_BANDS = ((2.0, "useful"), (3.0, "substantial"), (4.0, "remarkable"))
FIRST_BAND = "modest"
DEFAULT_SUPPRESS_BELOW = 5
DEFAULT_LEAVING_YEAR_GROUP = "6"

# Optional rows of the Settings sheet (version 3): who to contact, and what codes mean.
SENCO_SETTING = "SENCo"              # name and contact, on every document's first page
GLOSSARY_SETTING = "Glossary"        # `Glossary: WTS` = `working towards the expected standard`


# ---------------------------------------------------------------------------------------------
# Class-term sheet names: Excel's rule, once.  The checks, `new-year`, roll-forward and the
# standard writer all ask here, so a class Excel cannot name is a located problem in the
# register, never XlsxWriter's exception.

SHEET_NAME_LONGEST = 31                  # characters Excel allows in a sheet name
SHEET_NAME_FORBIDDEN = "[]:*?/\\"        # characters Excel refuses in a sheet name


def class_sheet_name(class_name: str, term: str) -> str:
    """`<class> <term>`: the name of a class's sheet for a term (`3O Autumn`)."""
    return f"{class_name} {term}"


def excel_length(text: str) -> int:
    """A name's length as Excel counts it: UTF-16 units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def _forbidden(text: str) -> str | None:
    bad = sorted({c for c in text if c in SHEET_NAME_FORBIDDEN}, key=SHEET_NAME_FORBIDDEN.index)
    return f"Excel does not allow {' or '.join(bad)} in a sheet name" if bad else None


def sheet_name_fault(name: str) -> str | None:
    """Why Excel would refuse ``name`` as a sheet name, in words for the SENCo; None if it
    can be one.  Excel's rule: 1 to 31 characters, none of ``[ ] : * ? / \\``, not beginning
    or ending with an apostrophe, and not `History` (which Excel keeps for itself)."""
    if fault := _forbidden(name):
        return fault
    if not name.strip():
        return "a sheet needs a name"
    if name.startswith("'") or name.endswith("'"):
        return "Excel does not allow a sheet name to begin or end with an apostrophe"
    if excel_length(name) > SHEET_NAME_LONGEST:
        return (f"'{name}' is {excel_length(name)} characters and Excel allows "
                f"{SHEET_NAME_LONGEST}")
    if name.casefold() == "history":
        return "Excel keeps the sheet name 'History' for itself"
    return None


def class_name_fault(class_name: str, terms: tuple[str, ...] | list[str]) -> str | None:
    """Why ``class_name`` cannot name its class-term sheets (`<class> <term>` for each of
    ``terms``), or None.  A term that cannot end a sheet name is :func:`term_name_fault`'s,
    not the class's."""
    if fault := _forbidden(class_name):
        return fault
    if class_name.startswith("'"):
        return "Excel does not allow a sheet name to begin with an apostrophe"
    longest = max((t for t in terms if term_name_fault(t) is None), key=excel_length,
                  default="")
    name = class_sheet_name(class_name, longest)
    if excel_length(name) > SHEET_NAME_LONGEST:
        return (f"'{name}' is {excel_length(name)} characters and Excel allows "
                f"{SHEET_NAME_LONGEST}")
    return None


def term_name_fault(term: str) -> str | None:
    """Why ``term`` cannot end a class-term sheet's name (`3O <term>`), or None."""
    if fault := _forbidden(term):
        return fault
    if term.endswith("'"):
        return "Excel does not allow a sheet name to end with an apostrophe"
    if excel_length(term) > SHEET_NAME_LONGEST - 2:
        return (f"a sheet named '<class> {term}' would be longer than the "
                f"{SHEET_NAME_LONGEST} characters Excel allows")
    return None


def sheet_safe(name: str, room: int = SHEET_NAME_LONGEST) -> str:
    """A name like ``name`` that Excel accepts, for hints: `Year 3/4` -> `Year 3-4`."""
    s = re.sub(f"[{re.escape(SHEET_NAME_FORBIDDEN)}]+", "-", name).strip(" '-")
    while s and excel_length(s) > max(room, 1):
        s = s[:-1]
    s = s.rstrip(" '-")
    return s if any(c.isalnum() for c in s) else "Class 1"


def class_rename(class_name: str, terms: tuple[str, ...] | list[str]) -> str:
    """A name like ``class_name`` whose class-term sheets Excel accepts, for a hint:
    `Year 3/4` -> `Year 3-4`, a long name cut to fit beside the longest term."""
    longest = max((excel_length(t) for t in terms if term_name_fault(t) is None), default=0)
    return sheet_safe(class_name.lstrip("'"), SHEET_NAME_LONGEST - 1 - longest)
