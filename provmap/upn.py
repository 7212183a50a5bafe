"""The DfE Unique Pupil Number: shape and check letter.

A UPN is 13 characters: a check letter, 11 digits (LA code, establishment, year, serial)
and a final digit, or a letter for a temporary UPN.  The check letter is the sum of the
other 12 characters' values times their positions (2..13), modulo 23, as a letter of
``ABCDEFGHJKLMNPQRTUVWXYZ`` (no I, O or S).  A letter's value is its place in that list.
"""

from __future__ import annotations

import re

LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


def _value(ch: str) -> int | None:
    if ch.isdigit():
        return int(ch)
    i = LETTERS.find(ch)
    return i if i >= 0 else None


def check_letter(body: str) -> str | None:
    """The check letter for the 12 characters after it, or None if one has no value."""
    total = 0
    for pos, ch in enumerate(body, start=2):
        v = _value(ch)
        if v is None:
            return None
        total += v * pos
    return LETTERS[total % 23]


def is_well_formed(upn: str) -> bool:
    return bool(SHAPE.match(upn))


def has_valid_check_letter(upn: str) -> bool:
    return is_well_formed(upn) and check_letter(upn[1:]) == upn[0]


def with_check_letter(body: str) -> str:
    """A full UPN from its last 12 characters (used by the example generator and tests)."""
    letter = check_letter(body)
    if letter is None:
        raise ValueError(f"not a UPN body: {body!r}")
    return letter + body
