"""The example school's own year (2025-26): its register, provision, reviews, profiles.

The rows are made here, as staff would type them; :mod:`provmap.dev.example` is the door
(``generate_school``, ``write_example``, a trust of schools) and
:mod:`provmap.dev.example_years` builds the earlier years backwards from this one.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from .. import schema
from ..upn import with_check_letter
from ..calendar import default_term_dates
from ..workbook.defaults import DEFAULT_PROVISIONS, DEFAULT_STAFF
from ..workbook.standard import ExampleData

__all__ = ["ExamplePupil", "SchoolYear", "this_year", "DELIBERATE", "SCHOOL", "YEAR", "YEARS"]

SCHOOL = "Hollins Park Primary School"
YEAR = "2025-26"
ESTABLISHMENT = 4100         # the example school's DfE establishment number, in its UPNs
YEARS = ("R", "1", "2", "3", "4", "5", "6")
TREES = ("Oak", "Maple", "Willow", "Ash", "Birch", "Cedar", "Elm", "Hazel", "Juniper",
         "Larch", "Pine", "Rowan", "Yew")          # distinct initials: 3O, 3M, 3W ...

# What the example gets wrong on purpose, so `provmap check` has something to show.
DELIBERATE = {
    "target-count": 2,         # two Autumn reviews with only one target
    "no-provision": 1,         # one K pupil with nothing in Spring
    "missing-post": 1,         # one Autumn row with a Pre and no Post
    "missing-pre": 1,          # one Spring row with a Post and no Pre
    "unknown-sheet": 1,        # a 'SENCo notes' sheet (information only)
}

FORENAMES = (
    "Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Henry "
    "William Alfie Joshua Freddie Archie Isaac Theo Ethan Finley Logan Reuben Samuel Joseph "
    "Max Teddy Mason Lucas Daniel Adam Ibrahim Yusuf Ayaan Zain Hamza Rohan Arjun Kian Kacper "
    "Jakub Filip Mateusz Luca Matteo Tomasz Olamide Tobi Kwame Kofi Emeka Chidi Tariq Bilal "
    "Dylan Rhys Owen Callum Ewan Lewis Kai Jayden Tyler Riley Harvey Louie Albie Ronnie Elijah "
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Willow Freya Florence "
    "Emily Ella Poppy Evie Elsie Charlotte Evelyn Sienna Daisy Phoebe Ruby Millie Matilda "
    "Aisha Fatima Maryam Zara Amira Hafsa Inaya Anaya Priya Saanvi Diya Aaliyah Zofia Zuzanna "
    "Maja Hanna Julia Lena Alicja Chloe Erin Niamh Megan Cerys Ffion Seren Eilidh Skye Layla "
    "Nia Imani Amara Adaeze Chioma Folake Abena Esme Harper Aria Luna Maisie Orla Martha Iris "
    "Nancy Bonnie Edie Beatrice Eva Hallie Aurora Lola Mabel Nora Ada Thea Hope Jessica Ruth "
    "Tess Molly Georgia Holly Jasmine Leah Naomi Talia Yasmin Noor Sana Ruqayyah Kiera"
).split()

SURNAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Hussain Ahmed Ali Begum "
    "Shah Akhtar Mahmood Iqbal Singh Kaur Sharma Gill Sandhu Chowdhury Rahman Uddin Islam "
    "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamińska Lewandowski Zieliński Popescu Ionescu "
    "Okafor Adeyemi Okonkwo Mensah Owusu Boateng Osei Adebayo Nwosu Eze Hughes Edwards Lewis "
    "Morgan Price Griffiths Lloyd Rees Powell Jenkins Murphy Kelly O'Brien Byrne Ryan Walsh "
    "O'Connor McCarthy Doyle Campbell Stewart Murray MacDonald Reid Ross Fraser Hamilton "
    "Graham Kennedy Martin Cooper King Lee Harris Clark Allen Scott Young Mitchell Turner "
    "Parker Collins Edwards-Hall Morris Cook Bell Ward Watson Bailey Cox Richardson Baker "
    "Marshall Harrison Chapman Webb Fox Knight Mills Holmes Ellis Barker Dixon Palmer Hunt "
    "Rossi Russo Ferreira Santos Silva Costa Oliveira Nguyen Tran Chen Wang Li Zhang Wong "
    "Yilmaz Demir Kaya Haddad Mansour Farah Abdi Warsame Mohamed Said Hassan Ibrahim "
    "Fernandes D'Souza Pereira Pinto Andersen Larsen Novak Horvat Petrov Ivanova Greenwood "
    "Ashworth Butterworth Sutcliffe Whitworth Ormerod Haworth Pickup Entwistle Crompton"
).split()

LANGUAGES = ("Polish", "Urdu", "Punjabi", "Bengali", "Romanian", "Somali", "Arabic",
             "Portuguese", "Yoruba", "Mandarin", "Turkish", "Lithuanian")

NEED_WEIGHTS = {"SLCN": 26, "SEMH": 20, "ASD": 13, "MLD": 12, "SPLD": 12, "PD": 3, "HI": 2,
                "VI": 1, "OTH": 3, "NSA": 3}
EHCP_NEED_WEIGHTS = {"ASD": 40, "SLCN": 15, "SEMH": 15, "SLD": 8, "MLD": 8, "PD": 6, "HI": 4,
                     "VI": 2, "PMLD": 2}

# Which provisions suit which broad area, as a SENCo would pick them.
BY_AREA = {
    schema.C_AND_L: ("Precision teaching", "Phonics catch-up group", "Reading fluency group",
                     "Maths catch-up group", "Spelling and handwriting group"),
    schema.C_AND_I: ("Speech and language group", "Lego therapy",
                     "Speech and language therapy"),
    schema.SEMH_AREA: ("Nurture group", "ELSA sessions"),
    schema.S_AND_P: ("Fine motor skills group", "Spelling and handwriting group"),
}
QFT_BY_AREA = {schema.C_AND_L: "Coloured overlays and reading ruler",
               schema.C_AND_I: "Visual timetable", schema.SEMH_AREA: "Movement breaks",
               schema.S_AND_P: "Movement breaks"}

TARGETS = {
    "Precision teaching": ("Read 20 high-frequency words on sight", "Read 10 new tricky words "
                           "accurately in 1 minute"),
    "Phonics catch-up group": ("Blend CVC words independently", "Read phase 3 digraphs "
                               "accurately", "Segment words with adjacent consonants"),
    "Reading fluency group": ("Read a book band text at 90% accuracy", "Read aloud with "
                              "expression, pausing at full stops"),
    "Maths catch-up group": ("Recall number bonds to 10", "Use column addition with "
                             "exchanging", "Know the 2, 5 and 10 times tables"),
    "Spelling and handwriting group": ("Form all letters correctly", "Spell 15 Y2 common "
                                       "exception words"),
    "Speech and language group": ("Use 4-word sentences in class", "Answer 'why' questions "
                                  "about a story"),
    "Speech and language therapy": ("Produce /s/ clusters at word level", "Follow 3-part "
                                    "instructions"),
    "Lego therapy": ("Take turns in a group of 3", "Ask a peer for a brick politely"),
    "Nurture group": ("Name 4 feelings and when they happen", "Join in a group game for 10 "
                      "minutes"),
    "ELSA sessions": ("Use a calm-down strategy when upset", "Tell an adult when worried"),
    "Fine motor skills group": ("Cut along a curved line", "Use a tripod pencil grip"),
}
REVIEW_TARGETS = {
    schema.C_AND_L: ("Read and spell the Y{y} common exception words", "Write 3 sentences "
                     "with capital letters and full stops", "Recall number bonds to 20",
                     "Read a short text and answer 3 questions about it"),
    schema.C_AND_I: ("Ask for help using a full sentence", "Take part in a paired talk task",
                     "Follow a 2-step instruction first time", "Play a turn-taking game with a "
                     "friend"),
    schema.SEMH_AREA: ("Stay in class for the whole lesson", "Use the calm corner when upset",
                       "Name how {he} feels using the zones", "Settle in the morning "
                       "within 5 minutes"),
    schema.S_AND_P: ("Write on the line with a pencil grip", "Get changed for PE with little "
                     "help", "Use the writing slope every lesson"),
    None: ("Complete a task independently", "Join in a small-group discussion"),
}
STAFF_VIEWS = ("Settled well and is trying hard.", "Progress in small steps; needs reminders "
               "to use strategies.", "Much more confident reading aloud.", "Finds unstructured "
               "times hard; better with a visual timetable.", "Responds well to praise and "
               "movement breaks.", "Attendance has affected progress.", "Has made good "
               "progress towards all targets.")
PARENT_VIEWS = ("Happy with the support; reads at home most nights.", "Worried about "
                "friendships at playtime.", "Pleased: {he} talks about the group at home.",
                "Would like more ideas to help with maths at home.", "Feels {he} is calmer "
                "after school.", "Happy with progress.", "Mornings are still hard.")
PUPIL_VIEWS = ("I like the Lego group.", "Reading is getting easier.", "I don't like it when "
               "it is noisy.", "I like working with Mrs Patel.", "I can do my times tables "
               "now!", "I want to be better at writing.", "Playtime is better now.")
ATTAINMENT = ("PKS", "WTS", "WTS", "EXS", "EXS", "GDS")
GIRLS_FROM = FORENAMES.index("Olivia")      # the forenames list: boys' names, then girls'


def pronoun(forename: str) -> str:
    """`he` or `she` for a pupil, from the forename list, so that one child's review never
    calls them both."""
    return "she" if forename in FORENAMES[GIRLS_FROM:] else "he"
STRENGTHS = {
    schema.C_AND_I: "Good eye contact with familiar adults; enjoys sharing news.",
    schema.C_AND_L: "Strong visual memory; good at practical maths.",
    schema.SEMH_AREA: "Kind to younger children; loves helping adults.",
    schema.S_AND_P: "Determined; uses equipment well when reminded.",
    schema.INDEPENDENCE: "Organises own belongings; follows the morning routine.",
}
CHALLENGES = {
    schema.C_AND_I: "Finds it hard to follow long instructions in class.",
    schema.C_AND_L: "Decoding unfamiliar words; remembering spellings.",
    schema.SEMH_AREA: "Transitions and unstructured times; can become anxious.",
    schema.S_AND_P: "Fine motor control for handwriting; tires quickly.",
    schema.INDEPENDENCE: "Needs prompts to start tasks and to ask for help.",
}
PROFESSIONALS = (("Speech and language therapist (NHS)", "SALT"),
                 ("Educational psychologist", "EP"),
                 ("CAMHS practitioner", "CAMHS"), ("Occupational therapist", "OT"),
                 ("Community paediatrician", "Paediatrician"),
                 ("Specialist teacher, sensory support", "Sensory support"),
                 ("School nurse", "Nurse"))
# Each professional has one role: the local service's named people, one or two a service.
PRO_NAMES = {
    "Speech and language therapist (NHS)": ("Ms J. Carter", "Mr D. Hale"),
    "Educational psychologist": ("Dr R. Mensah",),
    "CAMHS practitioner": ("Mrs S. Begum",),
    "Occupational therapist": ("Ms K. O'Neill",),
    "Community paediatrician": ("Dr L. Novak",),
    "Specialist teacher, sensory support": ("Mr T. Adeyemi",),
    "School nurse": ("Mrs H. Lord",),
}
# The school's SENCo, for the Settings sheet (a trust's schools each have their own).
SENCOS = ("Mrs D. Ashby, 01632 960418", "Mr P. Conway, 01632 960257",
          "Ms R. Fairley, 01632 960733", "Mrs N. Gill, 01632 960914")
# A school's own wording of a code for the key POPs and packs print.
SCHOOL_GLOSSARY = {"Glossary: WTS": "working towards the expected standard for the year group"}

EXTRA_STAFF = [
    {"Name": "Mrs Patel", "Role": "HLTA (nurture)", "Hourly cost": 24},
    {"Name": "Mr Okafor", "Role": "Teaching assistant", "Hourly cost": 18.5},
    {"Name": "Miss Hughes", "Role": "Teaching assistant", "Hourly cost": 17.8},
    {"Name": "Mrs Kowalska", "Role": "ELSA", "Hourly cost": 20.5},
]


@dataclass
class ExamplePupil:
    row: dict[str, Any]
    name: str
    year: str
    klass: str
    form: int
    status: str
    area: str | None
    age_months: int              # at the start of the year


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def class_names(pupils: int) -> list[list[str]]:
    """Per year group, the class names: two forms a year up to ~420 pupils, more above."""
    forms = max(2, math.ceil(pupils / len(YEARS) / 30))
    out = []
    for y in YEARS:
        names = []
        for i in range(forms):
            tree = TREES[i % len(TREES)][0]
            names.append(f"{y}{tree}" + (str(i // len(TREES) + 1) if forms > len(TREES) else ""))
        out.append(names)
    return out


@dataclass
class SchoolYear:
    """One generated year of the example school, and what the year before it is built from."""

    year: str
    data: ExampleData
    people: list[ExamplePupil]
    autumn: dict[str, list[tuple[str, float | None, str | None]]]  # UPN -> (provision, Pre, Target)
    names: set[int]              # (forename, surname) picks used, so no later pupil repeats one
    serial: int                  # the last UPN serial used


def this_year(pupils: int, seed: int, terms: int, establishment: int) -> SchoolYear:
    """The example's own year (2025-26), with what the year before it needs."""
    if pupils < 20:
        raise ValueError("the example needs at least 20 pupils")
    terms = max(1, min(3, terms))
    rng = random.Random(seed)
    year0 = int(YEAR[:4])
    term_names = schema.DEFAULT_TERMS
    dates = default_term_dates(YEAR)
    classes = class_names(pupils)

    # --- the register -----------------------------------------------------------------
    combos = len(FORENAMES) * len(SURNAMES)
    unique = pupils <= combos
    picks = rng.sample(range(combos), pupils) if unique else \
        [rng.randrange(combos) for _ in range(pupils)]
    n_e = max(1, round(pupils * 0.03))
    n_k = round(pupils * 0.17)
    order = list(range(pupils))
    rng.shuffle(order)
    status = ["N"] * pupils
    for i in order[:n_e]:
        status[i] = "E"
    for i in order[n_e:n_e + n_k]:
        status[i] = "K"
    people: list[ExamplePupil] = []
    serial = 0
    for i in range(pupils):
        fore = FORENAMES[picks[i] // len(SURNAMES)]
        sur = SURNAMES[picks[i] % len(SURNAMES)]
        yi = i % len(YEARS)
        form = (i // len(YEARS)) % len(classes[yi])
        serial += 1
        people.append(new_pupil(rng, fore, sur, yi, form, classes[yi][form], status[i], year0,
                                upn(establishment, serial, year0, yi)))
    people.sort(key=register_order)
    by_class: dict[str, list[ExamplePupil]] = {}
    for p in people:
        by_class.setdefault(p.klass, []).append(p)
    class_order = [c for ys in classes for c in ys]

    # --- provision, term by term ------------------------------------------------------
    prov = {p["Provision"]: p for p in DEFAULT_PROVISIONS}
    plans: dict[str, list[str]] = {}          # UPN -> provisions this term
    last_post: dict[tuple[str, str], Any] = {}
    rows: dict[str, list[dict]] = {}
    reviews: dict[str, list[dict]] = {}
    sen = [p for p in people if p.status in ("K", "E")]
    wave2 = [p for p in people if p.status == "N" and rng.random() < 0.08]
    victims = {"no_provision": sen[len(sen) // 3].row["UPN"] if sen else None}
    group_style: dict[tuple[str, str, str], dict] = {}

    for ti, term in enumerate(term_names[:terms]):
        summer = ti == 2
        t_start = dates[f"{term} start"]
        term_rows: dict[str, list[dict]] = {c: [] for c in class_order}
        for p in sen + wave2:
            upn_ = p.row["UPN"]
            if ti == 0 or upn_ not in plans:
                plan = choose(rng, p, prov) if p.status != "N" else [catch_up(rng, p)]
            else:
                plan = []
                for m in plans[upn_]:
                    if rng.random() < 0.8:
                        plan.append(m)
                if not plan:
                    plan = choose(rng, p, prov) if p.status != "N" else plans[upn_]
            plans[upn_] = plan
            if upn_ == victims["no_provision"] and term == "Spring":
                continue
            for m in plan:
                term_rows[p.klass].append(_row(rng, p, prov[m], term, ti, t_start, last_post,
                                               group_style, len(classes[0])))
        group_sizes(term_rows)
        for c in class_order:
            name = f"{c} {term}"
            rows[name] = term_rows[c]
            reviews[name] = [review(rng, p, ti, summer) for p in by_class.get(c, [])
                             if p.status in ("K", "E")]
        # End of term sums up: outcomes and next steps follow the gain.
        for name in (f"{c} {term}" for c in class_order):
            for r in rows[name]:
                _outcome(rng, r, summer and not r["_ks2"])
    _deliberate(rows, reviews, class_order, term_names)
    data, autumn = finish_year(rng, year0, people, sen, class_order, term_names, rows, reviews,
                               prov, notes=("Book the EP for two Y4 consultations in the spring.",
                                            "Nurture group moves to the library on Thursdays "
                                            "from January."), establishment=establishment)
    return SchoolYear(YEAR, data, people, autumn, set(picks), serial)


def finish_year(rng: random.Random, year0: int, people: list, sen: list, class_order: list[str],
                term_names: tuple[str, ...], rows: dict, reviews: dict, prov: dict,
                notes: tuple[str, ...], establishment: int) -> tuple[ExampleData, dict]:
    """The end of making any year: cost overrides, the Autumn rows kept for the year after,
    private fields dropped, profiles and professionals, and the year's data (in this order:
    the random draws must stay in sequence for the same seed to give the same school)."""
    overrides(rng, rows, prov)
    autumn = first_term(rows, class_order, term_names[0])
    strip_private(rows)
    profiles, professionals = profiles_and_professionals(rng, sen, year0)
    data = ExampleData(
        pupils=[p.row for p in people], staff=[*DEFAULT_STAFF, *EXTRA_STAFF],
        provisions=list(DEFAULT_PROVISIONS), classes=class_order, terms=term_names,
        profiles=profiles, professionals=professionals, provision_rows=rows,
        review_rows=reviews, created=datetime(year0, 9, 1, 8, 0),
        settings={"SENCo": SENCOS[establishment // 100 % len(SENCOS)], **SCHOOL_GLOSSARY},
        extra_sheets={"SENCo notes": [["SENCo notes (not read by provmap)"],
                                      *([n] for n in notes)]})
    return data, autumn


def upn(establishment: int, serial: int, year0: int, yi: int) -> str:
    """A valid UPN: LA 823, the school's number, the year the pupil joined, a serial."""
    estab, ser = divmod(serial, 1000)
    return with_check_letter(f"823{establishment + estab:04d}{(year0 - 4 - yi) % 100:02d}"
                             f"{ser:03d}")


def new_pupil(rng: random.Random, fore: str, sur: str, yi: int, form: int, klass: str,
              st: str, year0: int, upn_: str) -> ExamplePupil:
    """One pupil of year group ``YEARS[yi]`` in the year starting September ``year0``."""
    born_from = date(year0 - 5 - yi, 9, 1)
    dob = born_from + timedelta(days=rng.randrange(365))
    age = (year0 - dob.year) * 12 + (9 - dob.month)
    need = second = None
    if st != "N":
        need, second = needs(rng, st)
    eal = rng.random() < 0.18
    title = rng.choice(("Mrs", "Mr", "Ms", "Miss", "Mr and Mrs", "Dr"))
    row = {
        "UPN": upn_, "Forename": fore, "Surname": sur, "Date of birth": dob,
        "Year group": YEARS[yi], "Class": klass, "SEN status": st, "Primary need": need,
        "Secondary need": second, "Pupil premium": "Y" if rng.random() < 0.24 else "N",
        "EAL": "Y" if eal else "N", "Looked after": "Y" if rng.random() < 0.01 else "N",
        "Parent/carer": f"{title} {sur}",
        "Language at home": rng.choice(LANGUAGES) if eal else "English",
    }
    return ExamplePupil(row, f"{fore} {sur}", YEARS[yi], klass, form, st,
                  schema.NEED_AREA.get(need or ""), age)


def needs(rng: random.Random, st: str) -> tuple[str, str | None]:
    """A primary need for a K or E pupil, and now and then a second one."""
    need = _pick(rng, EHCP_NEED_WEIGHTS if st == "E" else NEED_WEIGHTS)
    second = None
    if rng.random() < 0.3:
        second = _pick(rng, NEED_WEIGHTS)
        second = None if second == need else second
    return need, second


def register_order(p: ExamplePupil) -> tuple:
    return (YEARS.index(p.year), p.form, p.row["Surname"], p.row["Forename"])


def choose(rng: random.Random, p: ExamplePupil, prov: dict[str, dict]) -> list[str]:
    """A K or E pupil's provision for a term, as a SENCo would pick it for the need."""
    area = p.area or schema.C_AND_L
    menu = [m for m in BY_AREA[area] if _fits(m, p.year)]
    k = 2 if p.status == "E" else rng.choice((1, 1, 2))
    picked = rng.sample(menu, min(k, len(menu)))
    if p.status == "E" and not any(prov[m]["Type"] == schema.ONE_TO_ONE for m in picked):
        picked.append("Precision teaching" if area == schema.C_AND_L else
                      "Speech and language therapy" if area == schema.C_AND_I else
                      "ELSA sessions")
    if rng.random() < 0.5:
        picked.append(QFT_BY_AREA[area])
    return picked


CATCH_UP = ("Phonics catch-up group", "Reading fluency group", "Maths catch-up group")


def catch_up(rng: random.Random, p: ExamplePupil) -> str:
    """The catch-up group for a pupil without SEN: phonics in R-Y2, mostly reading in KS2."""
    if p.year in ("R", "1", "2"):
        return CATCH_UP[0]
    return CATCH_UP[1] if rng.random() < 0.6 else CATCH_UP[2]


def group_sizes(term_rows: dict[str, list[dict]]) -> None:
    """Groups that mix classes: a typed Group size for Lego (staff know it), none for nurture
    (the Cost column then counts this sheet only: see docs/template.md)."""
    counts: dict[str, int] = {}
    for rs in term_rows.values():
        for r in rs:
            if r.get("Group"):
                counts[r["Group"]] = counts.get(r["Group"], 0) + 1
    for rs in term_rows.values():
        for r in rs:
            if str(r.get("Group") or "").startswith("Lego"):
                r["Group size"] = counts[r["Group"]]


def first_term(rows: dict[str, list[dict]], classes: list[str], term: str
               ) -> dict[str, list[tuple[str, float | None, str | None]]]:
    """UPN -> (provision, Pre as a number, Target) of each row in the year's first term."""
    out: dict[str, list[tuple[str, float | None, str | None]]] = {}
    for c in classes:
        for r in rows.get(f"{c} {term}", []):
            out.setdefault(r["_upn"], []).append((r["Provision"], r.get("_pre"),
                                                  r.get("Target")))
    return out


def strip_private(rows: dict[str, list[dict]]) -> None:
    """Drop the generator's own `_` keys before the rows are written."""
    for rs in rows.values():
        for r in rs:
            for k in [k for k in r if k.startswith("_")]:
                del r[k]


def profiles_and_professionals(rng: random.Random, sen: list[ExamplePupil], year0: int
                               ) -> tuple[list[dict], list[dict]]:
    """Profile rows (need area and independence) and outside professionals of K/E pupils."""
    profiles, professionals = [], []
    for p in sen:
        for area in {p.area or schema.C_AND_L, schema.INDEPENDENCE}:
            profiles.append({"Pupil": p.name, "UPN": p.row["UPN"], "Area": area,
                             "Strengths": STRENGTHS[area], "Challenges": CHALLENGES[area]})
        if p.status == "E" or rng.random() < 0.35:
            role, short = rng.choice(PROFESSIONALS)
            since = date(year0 - rng.randrange(0, 3), rng.randrange(1, 13), 1)
            latest = date(year0, rng.randrange(9, 13), rng.randrange(1, 28))
            professionals.append({
                "Pupil": p.name, "UPN": p.row["UPN"], "Name": rng.choice(PRO_NAMES[role]),
                "Role or service": role, "Involved since": since,
                "Latest report": latest if rng.random() < 0.7 else latest.strftime("%d/%m/%Y"),
                "Notes": f"{short} report on file; next review in the spring."})
    profiles.sort(key=lambda r: (r["Pupil"], r["Area"]))
    return profiles, professionals


def _fits(provision: str, year: str) -> bool:
    ks1 = year in ("R", "1", "2")
    if provision == "Phonics catch-up group":
        return ks1
    if provision == "Reading fluency group":
        return not ks1
    return True


def measure_value(rng: random.Random, provision: dict, p: ExamplePupil, ti: int) -> float:
    kind, measure = provision.get("Measure kind"), provision.get("Measure") or ""
    if kind == "months":
        return max(36, p.age_months + 4 * ti - rng.randint(6, 30))
    if kind == "standardised":
        return rng.randint(70, 89)
    if "Boxall" in measure:
        return rng.randint(20, 45)
    if "SDQ" in measure:
        return rng.randint(16, 28)
    if "Phonics" in measure:
        return rng.randint(8, 28)
    if "SALT" in measure:
        return rng.randint(0, 3)
    if "Fine motor" in measure:
        return rng.randint(5, 12)
    return rng.randint(10, 25)


def gain(rng: random.Random, provision: dict) -> float:
    kind, measure = provision.get("Measure kind"), provision.get("Measure") or ""
    if kind == "months":
        return rng.choice((0, 2, 3, 4, 5, 6, 7, 8, 10, 12))   # over ~3.5 months: ratio 0..3.4
    if kind == "standardised":
        return round(rng.gauss(4, 5))
    if "SALT" in measure:
        return rng.randint(0, 4)
    return round(rng.gauss(4, 4))


def _age_text(rng: random.Random, months: float) -> Any:
    """Reading ages as staff type them: 86, `7y 2m` or `7:02`."""
    m = int(months)
    roll = rng.random()
    if roll < 0.4:
        return f"{m // 12}y {m % 12}m"
    if roll < 0.55:
        return f"{m // 12}:{m % 12:02d}"
    return m


def _row(rng: random.Random, p: ExamplePupil, provision: dict, term: str, ti: int, t_start: date,
         last_post: dict, group_style: dict, forms: int) -> dict:
    """A provision row, its Pre following on from last term's Post (mostly)."""
    row = row_frame(rng, p, provision, term, t_start, group_style, forms)
    if provision["Type"] == schema.QFT:
        return row
    key = (p.row["UPN"], provision["Provision"])
    pre = last_post.get(key) if rng.random() < 0.9 else None
    if pre is None:
        pre = measure_value(rng, provision, p, ti)
    post = pre + gain(rng, provision)
    if provision.get("Higher is better") == "N":
        post = pre - gain(rng, provision)
    post = on_scale(provision, post)
    last_post[key] = post
    set_scores(rng, row, provision, pre, post)
    return row


def on_scale(provision: dict, score: float) -> float:
    """A score kept on its measure's scale: from 0 up to its Highest score, if it has one
    (no phonics check over 40, no more than 10 of 10 SALT targets met)."""
    highest = provision.get("Highest score")
    return max(0, score if highest is None else min(highest, score))


def set_scores(rng: random.Random, row: dict, provision: dict, pre: float, post: float) -> None:
    """Pre and Post as staff type them (ages as `7y 2m`, `7:02` or months), and as numbers."""
    if provision.get("Measure kind") == "months":
        row["Pre"], row["Post"] = _age_text(rng, pre), _age_text(rng, post)
    else:
        row["Pre"], row["Post"] = pre, post
    row["_pre"], row["_post"] = pre, post


def row_frame(rng: random.Random, p: ExamplePupil, provision: dict, term: str, t_start: date,
              group_style: dict, forms: int) -> dict:
    """A provision row without its scores: group, delivery, start date, target."""
    name = provision["Provision"]
    upn = p.row["UPN"]
    row: dict[str, Any] = {"Pupil": p.name, "Provision": name, "_ks2": p.year not in
                           ("R", "1", "2"), "_provision": provision, "_upn": upn}
    if rng.random() < 0.25:
        row["UPN"] = upn
    typ = provision["Type"]
    if typ == schema.GROUP:
        if name == "Nurture group":
            stage = "KS1" if p.year in ("R", "1", "2") else "LKS2" if p.year in ("3", "4") \
                else "UKS2"
            row["Group"] = f"Nurture {stage}" + (f" {p.form // 2 + 1}" if forms > 2 else "")
        elif name == "Lego therapy":
            row["Group"] = f"Lego Y{p.year}" + (f"-{p.form // 2 + 1}" if forms > 2 else "")
        # One delivery for the whole group (else provmap warns that rows differ).
        key = (term, name, row.get("Group") or p.klass)
        style = group_style.get(key)
        if style is None:
            style = {}
            if rng.random() < 0.3:
                style["Delivered by"] = rng.choice(("Mrs Patel", "Mr Okafor", "Miss Hughes"))
            if rng.random() < 0.15:
                style["Minutes per session"] = rng.choice((20, 25, 40))
            if rng.random() < 0.1:
                style["Weeks"] = rng.choice((6, 8, 10))
            group_style[key] = style
        row.update(style)
    elif typ == schema.ONE_TO_ONE and rng.random() < 0.3:
        row["Delivered by"] = "Mrs Kowalska" if name == "ELSA sessions" else "Mr Okafor"
    if typ == schema.QFT:
        if rng.random() < 0.3:
            row["Comments"] = "In place all term."
        return row
    if rng.random() < 0.15:
        start = t_start + timedelta(days=7 * rng.randint(1, 3))
        row["Start date"] = start.strftime("%d/%m/%Y") if rng.random() < 0.5 else start
    targets = TARGETS.get(name)
    if targets:
        row["Target"] = rng.choice(targets)
    return row


def _outcome(rng: random.Random, r: dict, unfinished: bool) -> None:
    """Outcome and next step from the gain; the Summer review is not done yet for R-Y2."""
    if unfinished or "_pre" not in r:
        return
    provision = r["_provision"]
    gain = r["_post"] - r["_pre"]
    if provision.get("Higher is better") == "N":
        gain = -gain
    if gain <= 0:
        r["Outcome"], r["Next step"] = "Not achieved", rng.choice(("Change", "Refer"))
        r["Comments"] = "Little progress: discuss an alternative with the SENCo."
    elif gain >= 6:
        r["Outcome"], r["Next step"] = "Achieved", rng.choice(("Continue", "Stop"))
    else:
        r["Outcome"], r["Next step"] = "Partly achieved", "Continue"


def review(rng: random.Random, p: ExamplePupil, ti: int, summer: bool) -> dict:
    ks1 = p.year in ("R", "1", "2")
    row: dict[str, Any] = {"Pupil": p.name, "UPN": p.row["UPN"]}
    he = pronoun(p.row["Forename"])
    pool = [t.format(y=p.year, he=he) for t in REVIEW_TARGETS.get(p.area, REVIEW_TARGETS[None])]
    n = rng.choice((2, 3, 3))
    done = not (summer and ks1)
    for k, target in enumerate(rng.sample(pool, min(n, len(pool))), start=1):
        row[f"Target {k}"] = target
        if done:
            row[f"Target {k} outcome"] = rng.choice(schema.OUTCOME.values)
    if done:
        a = rng.uniform(0.86, 0.995)
        roll = rng.random()
        # Typed as `95%`, or a number in the percent-formatted cell (Excel turns a typed 95
        # into 0.95 there, so a plain 95 never reaches the file from such a cell).
        row["Attendance"] = f"{a * 100:.0f}%" if roll < 0.4 else round(a, 3)
        for subject in ("Reading", "Writing", "Maths"):
            row[subject] = rng.choice(ATTAINMENT)
    row["Staff views"] = rng.choice(STAFF_VIEWS)
    row["Parent views"] = rng.choice(PARENT_VIEWS).format(he=he)
    row["Pupil views"] = rng.choice(PUPIL_VIEWS)
    return row


def _deliberate(rows: dict, reviews: dict, classes: list[str], terms: tuple[str, ...]) -> None:
    """The few warnings the example shows on purpose (see DELIBERATE)."""
    autumn = [reviews[f"{c} {terms[0]}"] for c in classes if reviews.get(f"{c} {terms[0]}")]
    for rs in autumn[1:3]:                      # two reviews with only one target
        r = rs[0]
        for k in (2, 3):
            r.pop(f"Target {k}", None)
            r.pop(f"Target {k} outcome", None)
    measured = [r for c in classes for r in rows.get(f"{c} {terms[0]}", []) if "_pre" in r]
    if measured:                                # a Post not yet typed
        r = measured[len(measured) // 2]
        r.pop("Post", None)
        r.pop("Outcome", None)
        r.pop("Next step", None)
        r["Comments"] = "Post test still to do."
    spring = [r for c in classes for r in rows.get(f"{c} {terms[1]}", []) if "_pre" in r]
    if spring:                                  # a Pre never taken
        spring[len(spring) // 3].pop("Pre", None)


def overrides(rng: random.Random, rows: dict, prov: dict) -> None:
    """A few costs typed by hand: an invoice for SALT (one typed as text), a course fee."""
    salt = [r for rs in rows.values() for r in rs if r["Provision"] ==
            "Speech and language therapy"]
    if salt:
        salt[0]["Cost"] = "£1,200.50"
        salt[0]["Comments"] = "Cost from the SALT invoice (block of 6 sessions)."
    if len(salt) > 2:
        salt[-1]["Cost"] = 395
        salt[-1]["Comments"] = "Invoice for the term."
    elsa = [r for rs in rows.values() for r in rs if r["Provision"] == "ELSA sessions"]
    if elsa:
        elsa[len(elsa) // 2]["Cost"] = 250
        elsa[len(elsa) // 2]["Comments"] = "Includes ELSA supervision fee."

