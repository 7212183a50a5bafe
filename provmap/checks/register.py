"""Checks of the Pupils sheet: UPNs, needs, classes."""

from __future__ import annotations

from typing import Iterator

from .. import upn as upns
from ..model import Map
from ..schema import class_name_fault, class_rename, class_sheet_name
from ..problems import Code, Problem, error
from ..words import on_register
from .context import Context


def upn_shape(m: Map, ctx: Context) -> Iterator[Problem]:
    """A UPN is a letter, 11 digits and a digit or letter, with the DfE check letter."""
    for p in m.pupils.values():
        cell = p.at("upn")
        if not upns.is_well_formed(p.upn):
            yield error(Code.BAD_UPN, p.sheet, cell,
                        f"UPN '{p.upn}' for {p.name} is not a 13-character UPN (a letter, "
                        "11 digits, then a digit or letter).",
                        "copy the UPN from the school's MIS")
        elif not upns.has_valid_check_letter(p.upn):
            right = upns.check_letter(p.upn[1:])
            yield error(Code.BAD_UPN_CHECK_LETTER, p.sheet, cell,
                        f"UPN {p.upn} for {p.name} has the wrong check letter: the first "
                        f"letter should be {right}, so a digit is probably mistyped.",
                        "copy the UPN from the school's MIS")


def primary_need(m: Map, ctx: Context) -> Iterator[Problem]:
    for p in m.pupils.values():
        if on_register(p.sen_status) and p.primary_need is None and \
                p.layout.columns.get("primary_need") is not None:
            yield error(Code.MISSING_PRIMARY_NEED, p.sheet, p.at("primary_need"),
                        f"{p.name} is on the SEN register ({p.sen_status}) but has no primary "
                        "need.", "choose the census code, e.g. SLCN, SPLD or SEMH")


def class_names_fit_sheets(m: Map, ctx: Context) -> Iterator[Problem]:
    """A register class must be able to name its class-term sheets (`<class> <term>`):
    `Year 3/4` or `1:1` never can, and `new-year` could not make its sheets."""
    reported = set()
    for p in m.pupils.values():
        if not p.class_name or p.class_name.casefold() in reported:
            continue
        fault = class_name_fault(p.class_name, m.settings.terms)
        if fault:
            reported.add(p.class_name.casefold())
            new = class_rename(p.class_name, m.settings.terms)
            yield error(Code.CLASS_NOT_A_SHEET_NAME, p.sheet, p.at("class"),
                        f"Class '{p.class_name}' ({p.name} and any classmates) cannot name a "
                        f"sheet: {fault}.",
                        f"rename it, e.g. '{new}', here and for its classmates; its sheets are "
                        f"then '{class_sheet_name(new, m.settings.terms[0])}' and so on")


def class_has_sheets(m: Map, ctx: Context) -> Iterator[Problem]:
    classes = {c.casefold() for c in m.classes}
    if not classes:
        return
    reported = set()
    for p in m.pupils.values():
        if p.class_name and p.class_name.casefold() not in classes and \
                p.class_name.casefold() not in reported and \
                class_name_fault(p.class_name, m.settings.terms) is None:
            reported.add(p.class_name.casefold())
            yield error(Code.CLASS_WITHOUT_SHEETS, p.sheet, p.at("class"),
                        f"Class '{p.class_name}' ({p.name} and any classmates) has no "
                        "class-term sheet.",
                        f"add a sheet named '{p.class_name} {m.settings.terms[0]}', or correct "
                        "the class")
