"""Checks that what a class-term row refers to exists: provision, staff, pupil's class."""

from __future__ import annotations

from typing import Iterator

from ..delivery import row_delivery
from ..read.link import closest
from ..model import Map
from ..problems import Code, Problem, error, warning
from ..schema import QFT
from .context import Context

_OWN_FIELDS = ("type", "area_of_need", "delivered_by", "sessions_per_week",
               "minutes_per_session", "weeks")


def provisions_known(m: Map, ctx: Context) -> Iterator[Problem]:
    """An unknown provision is an error unless the row gives everything needed to cost it."""
    names = [p.name for p in m.provisions.values()]
    for row in m.provision_rows():
        if row.provision is None or m.provision(row.provision) is not None:
            continue
        missing = [f for f in _OWN_FIELDS if getattr(row, f) is None]
        if row.type == QFT:
            missing = [f for f in missing if f not in ("delivered_by", "sessions_per_week",
                                                        "minutes_per_session", "weeks")]
        if not missing:
            continue
        guess = closest(row.provision, names)
        yield error(Code.UNKNOWN_PROVISION, row.sheet, row.at("provision"),
                    f"'{row.provision}' is not on the Provisions sheet, and this row does not "
                    f"give its {', '.join(f.replace('_', ' ') for f in missing)}.",
                    f"did you mean '{guess}'?" if guess else
                    "add it to the Provisions sheet, or fill in those columns on this row")


def staff_known(m: Map, ctx: Context) -> Iterator[Problem]:
    """Every non-QFT row must be costable: known staff with an hourly cost, and timings."""
    staff_names = [s.name for s in m.staff.values()]
    for row in m.provision_rows():
        if row.provision is None:
            continue
        provision = m.provision(row.provision)
        d = row_delivery(m, row)
        if provision is None and any(getattr(row, f) is None for f in _OWN_FIELDS) \
                and d.type != QFT:
            continue                          # reported as an unknown provision
        if d.type == QFT or d.type is None:
            continue
        where = row.at("delivered_by") if row.delivered_by else row.at("provision")
        if d.delivered_by is None:
            yield error(Code.UNKNOWN_STAFF, row.sheet, where,
                        f"Nobody is named to deliver {row.provision}, so it cannot be costed.",
                        "fill in Delivered by here or on the Provisions sheet")
            continue
        member = m.staff_member(d.delivered_by)
        if member is None:
            guess = closest(d.delivered_by, staff_names)
            origin = "" if row.delivered_by else " (the Provisions sheet's default)"
            yield error(Code.UNKNOWN_STAFF, row.sheet, where,
                        f"'{d.delivered_by}'{origin} is not on the Staff sheet, so "
                        f"{row.provision} cannot be costed.",
                        f"did you mean '{guess}'?" if guess else
                        "add them to the Staff sheet with an hourly cost")
        elif member.hourly_cost is None:
            yield error(Code.UNKNOWN_STAFF, row.sheet, where,
                        f"'{member.name}' has no hourly cost on the Staff sheet (row "
                        f"{member.row}), so {row.provision} cannot be costed.",
                        "type the hourly cost, on-costs included")
        missing = [f.replace("_", " ") for f in ("sessions_per_week", "minutes_per_session",
                                                 "weeks") if getattr(d, f) is None]
        if missing:
            yield error(Code.MISSING_VALUE, row.sheet, row.at(missing[0].replace(" ", "_")),
                        f"{row.provision} has no {' or '.join(missing)} here or on the "
                        "Provisions sheet, so it cannot be costed.",
                        "fill them in on the Provisions sheet or on this row")


def duplicate_rows(m: Map, ctx: Context) -> Iterator[Problem]:
    """The same pupil twice on the same provision and group in one term."""
    seen: dict[tuple, object] = {}
    for row in m.provision_rows():
        if row.upn is None or row.provision is None:
            continue
        group = row.group.casefold() if row.group else ("sheet", row.sheet)
        key = (row.term, row.upn, row.provision.casefold(), group)
        first = seen.get(key)
        if first is None:
            seen[key] = row
            continue
        yield error(Code.DUPLICATE_PROVISION_ROW, row.sheet, row.at("pupil"),
                    f"{m.pupils[row.upn].name} is on {row.provision} twice in {row.term} "
                    f"(also {first.sheet} row {first.row}).",
                    "delete one of the rows, or give them different Group labels")
    seen = {}
    for row in m.review_rows():
        if row.upn is None:
            continue
        key = (row.term, row.upn)
        if key in seen:
            first = seen[key]
            yield warning(Code.DUPLICATE_REVIEW_ROW, row.sheet, row.at("pupil"),
                          f"{m.pupils[row.upn].name} has two reviews in {row.term} (also "
                          f"{first.sheet} row {first.row}); provmap uses the first.",
                          "merge them into one row")
        else:
            seen[key] = row


def class_matches(m: Map, ctx: Context) -> Iterator[Problem]:
    """A pupil on a class sheet that is not their register class (warned once per sheet)."""
    reported = set()
    for sheet in m.sheets:
        for row in [*sheet.provision_rows, *sheet.review_rows]:
            pupil = m.pupils.get(row.upn) if row.upn else None
            if pupil is None or not pupil.class_name:
                continue
            if pupil.class_name.casefold() != sheet.class_name.casefold() and \
                    (sheet.name, row.upn) not in reported:
                reported.add((sheet.name, row.upn))
                yield warning(Code.CLASS_MISMATCH, sheet.name, row.at("pupil"),
                              f"{pupil.name} is in class {pupil.class_name} on the register, "
                              f"but is on the {sheet.class_name} sheet.",
                              "check the class on the Pupils sheet")


#: Errors on a register row that make the rows using that pupil unusable.  (A bad date of
#: birth does not stop the pupil's provision being counted; a UPN that is wrong does.)
_PUPIL_BLOCKING = {Code.BAD_UPN, Code.BAD_UPN_CHECK_LETTER, Code.DUPLICATE_UPN}


def relies_on_errors(m: Map, ctx: Context, found: list[Problem]) -> Iterator[Problem]:
    """A class-sheet row that uses a Pupils, Provisions or Staff row with an error is left
    out of the numbers; say so at the row itself, so the SENCo finds every row affected.

    Runs after the other checks (``found`` is what they and the reader reported).  A row
    with an error of its own is already located and left out, so it is not told twice.
    """
    errors: dict[tuple[str, int], Problem] = {}
    for p in found:
        if p.is_error and p.sheet is not None and p.row is not None:
            errors.setdefault((p.sheet.casefold(), p.row), p)

    references = {s.casefold() for s in ("Pupils", "Provisions", "Staff")}
    if not any(sheet.strip() in references for sheet, _ in errors):
        return                                # the usual case: nothing to pass on

    def on(record, blocking=None) -> Problem | None:
        p = errors.get((record.layout.sheet.casefold(), record.row)) if record else None
        return p if p and (blocking is None or p.code in blocking) else None

    for row in m.provision_rows():
        if row.upn is None or row.provision is None or (row.sheet.casefold(), row.row) in errors:
            continue
        provision = m.provision(row.provision)
        d = row_delivery(m, row)
        member = m.staff_member(d.delivered_by) if d.type not in (QFT, None) else None
        if member is not None and member.hourly_cost is None:
            member = None                         # staff_known has said so at this row
        for record, blocking, key, what in (
                (m.pupils.get(row.upn), _PUPIL_BLOCKING, "pupil", "the pupil's row on"),
                (provision, None, "provision", f"{row.provision}'s row on"),
                (member, None, "delivered_by", f"{d.delivered_by}'s row on")):
            cause = on(record, blocking)
            if cause is None:
                continue
            yield error(Code.RELIES_ON_ERROR, row.sheet,
                        row.at(key) if row.layout.columns.get(key) else row.at("provision"),
                        f"This row is left out of the numbers: {what} the {cause.sheet} sheet "
                        f"has an error ({cause.message.rstrip('.')}).",
                        f"fix {cause.sheet} {cause.cell or 'row ' + str(cause.row)}, and this "
                        "row counts again")
            break
