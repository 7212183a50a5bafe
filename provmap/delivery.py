"""What a provision row actually delivers, with the Provisions menu's defaults filled in,
and which teaching group it belongs to.  Shared by the checks and the numbers so both
agree on what a group is."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Map, Provision, ProvisionRow
from .schema import ONE_TO_ONE


@dataclass(frozen=True, slots=True)
class Delivery:
    type: str | None
    area_of_need: str | None
    delivered_by: str | None
    sessions_per_week: float | None
    minutes_per_session: float | None
    weeks: float | None
    resource_cost: float | None


def effective(row: ProvisionRow, provision: Provision | None) -> Delivery:
    """The row's own values where given, else the provision's defaults."""
    def pick(key: str):
        own = getattr(row, key)
        if own is not None or provision is None:
            return own
        return getattr(provision, key)
    return Delivery(pick("type"), pick("area_of_need"), pick("delivered_by"),
                    pick("sessions_per_week"), pick("minutes_per_session"), pick("weeks"),
                    provision.resource_cost if provision is not None else None)


def group_key(row: ProvisionRow, delivery: Delivery) -> tuple:
    """Rows with equal keys form one teaching group.

    Same term, provision and Group label across class sheets; a blank Group means everyone
    on the provision on this sheet; a 1:1 row is always a group of its own.
    """
    provision = (row.provision or "").casefold()
    term = row.term.casefold()
    if delivery.type == ONE_TO_ONE:
        return (term, provision, "1:1", row.sheet, row.row)
    if row.group:
        return (term, provision, "group", row.group.casefold())
    return (term, provision, "sheet", row.sheet)


def row_delivery(m: Map, row: ProvisionRow) -> Delivery:
    return effective(row, m.provision(row.provision))


def group_id(m: Map, row: ProvisionRow) -> str:
    """The row's teaching group as one string: ``Rollup.rows``' `group_key` (the group
    plans find a row left out of the numbers its group by it)."""
    return "|".join(map(str, group_key(row, row_delivery(m, row))))
