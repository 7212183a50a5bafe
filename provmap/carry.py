"""What one term's provision row hands on to the next: one rule, for roll-forward and new-year.

A row whose Next step is `Continue` carries on into the next term (`provmap roll-forward`)
or into next year's Autumn (`provmap new-year`): the pupil, the provision, how it is
delivered, the group and the target stay as they were, and the last Post becomes the new
Pre.  Post, Outcome, Next step, dates, a typed Cost and comments start blank.
"""

from __future__ import annotations

from typing import Iterable, Mapping, TypeVar

from .schema import NEXT_STEP, PROVISION_ROWS
from .words import on_register

V = TypeVar("V")

# Provision-row fields carried on unchanged (schema keys; checked at import).
CARRIED = tuple(PROVISION_ROWS.column(k).key for k in (
    "pupil", "upn", "provision", "type", "area_of_need", "delivered_by", "sessions_per_week",
    "minutes_per_session", "weeks", "group", "group_size", "target"))
PRE = PROVISION_ROWS.column("pre").key
POST = PROVISION_ROWS.column("post").key
CONTINUE = NEXT_STEP.canonical("Continue")


def is_continued(next_step: str | None) -> bool:
    """True for a row whose Next step the reader read as Continue."""
    return next_step == CONTINUE


def carry(values: Mapping[str, V]) -> dict[str, V]:
    """The fields a continued row keeps, by schema key, with the last Post as the new Pre."""
    out = {k: values[k] for k in CARRIED if k in values}
    if POST in values:
        out[PRE] = values[POST]
    return out


P = TypeVar("P")


def review_pupils(pupils: Iterable[P], class_name: str) -> list[P]:
    """The class's pupils on SEN support or with an EHC plan, in register order (records
    with ``class_name`` and ``sen_status``)."""
    folded = class_name.casefold()
    return [p for p in pupils if (getattr(p, "class_name") or "").casefold() == folded
            and on_register(getattr(p, "sen_status"))]
