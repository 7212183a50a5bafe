"""What every printed document owes its reader: a key to the codes it prints, and when and by
whom it was produced.

Parents meet `WTS`, `HLTA` and `SDQ` on a POP; a panel meets them in an evidence pack.  The
key is built in for the codes schools commonly use and merged with the school's own
Settings rows (`Glossary: WTS` = `working towards the expected standard`), which win.
A document prints only the codes it uses (:func:`codes_in`).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from .model import Settings
from .schema import NEED

def _sentence_case(name: str) -> str:
    """`Moderate learning difficulty` -> `moderate learning difficulty`; `SEN support ...`
    keeps its capitals."""
    return name[0].lower() + name[1:] if name[1:2].islower() else name


#: Codes schools commonly print, in a parent's words.  The census need codes (`SLCN`,
#: `SEMH` ...) come from the schema's list of needs.
COMMON: dict[str, str] = {
    # attainment, as schools record it against the national curriculum
    "PKS": "pre-key stage: working below the national curriculum's standard for the year, "
           "on the pre-key stage standards",
    "WTS": "working towards the expected standard",
    "EXS": "working at the expected standard",
    "GDS": "working at greater depth within the expected standard",
    # people and services
    "SENCo": "special educational needs coordinator: the teacher who leads SEN support",
    "TA": "teaching assistant",
    "HLTA": "higher level teaching assistant",
    "ELSA": "emotional literacy support assistant: a teaching assistant trained to support "
            "children's emotional wellbeing",
    "SALT": "speech and language therapist (or therapy)",
    "EP": "educational psychologist",
    "OT": "occupational therapist",
    "CAMHS": "child and adolescent mental health services",
    "LA": "local authority",
    # support and plans
    "SEN": "special educational needs",
    "SEND": "special educational needs and disabilities",
    "EHCP": "education, health and care plan: a legal plan from the local authority for a "
            "child with more complex needs",
    "EHC plan": "education, health and care plan: a legal plan from the local authority for "
                "a child with more complex needs",
    "QFT": "quality first teaching: good teaching in class, adapted for the child",
    "1:1": "one adult working with one child",
    "POP": "pupil overview of provision: this summary of a child's support",
    "EAL": "English as an additional language",
    "EEF": "Education Endowment Foundation: its Teaching and Learning Toolkit sums up the "
           "research on how much an approach helps pupils learn, for its cost",
    # measures
    "SDQ": "Strengths and Difficulties Questionnaire: a short behaviour and wellbeing "
           "questionnaire; a lower score means fewer difficulties",
    "Boxall": "the Boxall Profile: a checklist of a child's social, emotional and "
              "behavioural development",
    "CVC": "consonant-vowel-consonant: simple words such as 'cat'",
    # school stages
    "KS1": "key stage 1: Years 1 and 2",
    "KS2": "key stage 2: Years 3 to 6",
    "LKS2": "lower key stage 2: Years 3 and 4",
    "UKS2": "upper key stage 2: Years 5 and 6",
    **{code: _sentence_case(words[0]) for code, words in NEED.words.items() if words},
}


def glossary(settings: Settings) -> dict[str, str]:
    """Every code a document of this school may explain: the common ones, with the school's
    `Glossary` rows added or put in their place (a code matches whatever its case)."""
    out = dict(COMMON)
    folded = {code.casefold(): code for code in out}
    for code, meaning in settings.glossary.items():
        out.pop(folded.get(code.casefold(), code), None)
        out[code] = meaning
    return out


def codes_in(texts: Iterable[str | None], settings: Settings) -> list[tuple[str, str]]:
    """(code, meaning) of each glossary code that ``texts`` use, as whole words, in the
    order of the glossary: the key a document prints."""
    text = "\n".join(t for t in texts if t)
    return [(code, meaning) for code, meaning in glossary(settings).items()
            if whole_word_in(code, text)]


def whole_word_in(code: str, text: str) -> bool:
    r"""Whether ``code`` stands in ``text`` as a whole word (no letter, digit or `_` touching
    either end): what ``(?<!\w)CODE(?!\w)`` finds, by ``str.find``, because a pattern that
    starts with a look-behind is tried at every position of the text, and a POP asks this
    of fifty codes once per pupil."""
    start = text.find(code)
    while start != -1:
        end = start + len(code)
        if not (start and _word(text[start - 1])) and not (end < len(text) and
                                                          _word(text[end])):
            return True
        start = text.find(code, start + 1)
    return False


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def long_date(d: date) -> str:
    """`30 November 2026`, as a letter to parents writes a date."""
    return f"{d.day} {d.strftime('%B %Y')}"


def produced_by(settings: Settings, on: date) -> str:
    """"Produced on 30 November 2026 by Hollins Park Primary School (SENCo: Mrs A. Shah,
    01632 960123)." for every document's first page; without a SENCo setting, the school."""
    senco = f" (SENCo: {settings.senco})" if settings.senco else ""
    return f"Produced on {long_date(on)} by {settings.school}{senco}."
