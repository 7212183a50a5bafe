"""A standard workbook written out as one long table: a row per pupil per provision.

The other direction of `provmap import`: every column the import reads
(:data:`provmap.schema.LONG_TABLE`), each row's delivery as the rollup sees it (the row's own
values, else the Provisions defaults), the staff member's hourly cost and the provision's
resource cost and measure on every row.  Importing what this writes gives a workbook whose
rollup equals the original's (tests/test_import.py).  The example generator uses it for the
long table that ships in ``workbooks/examples/``; a school can use it to take its map to
another tool.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from ..delivery import row_delivery
from ..model import Map
from ..schema import LONG_TABLE
from ..values import format_age
from ..write.atomic import atomic_write
from ..write.book import open_book

#: The columns written, in this order: everything the import reads but the register's.
EXPORTED = tuple(c.key for c in LONG_TABLE.columns
                 if c.key not in ("forename", "surname", "lower_is_better", "year_group",
                                  "sen_status", "primary_need", "date_of_birth"))


def _number(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def _score(v: float | None, kind: str | None) -> Any:
    """Ages as staff write them (`7y 2m`) when a whole number of months; else the number."""
    if v is not None and kind == "months" and float(v).is_integer():
        return format_age(v)
    return _number(v)


def long_table_rows(m: Map, *, term: bool = True, dates: str = "typed"
                    ) -> list[dict[str, Any]]:
    """Every provision row of ``m`` as a dict keyed by LONG_TABLE key, in sheet order.

    ``term=False`` leaves the Term out (the rows are placed by their dates);
    ``dates="always"`` gives every row its Start and End date, the term's dates from
    Settings where the row has none (which changes no figure: those are the dates the rollup
    uses for it).
    """
    out = []
    for s in m.sheets:
        start_end = m.settings.term_dates.get(s.term, (None, None))
        for r in s.provision_rows:
            p = m.provision(r.provision)
            d = row_delivery(m, r)
            staff = m.staff_member(d.delivered_by)
            pupil = m.pupils.get(r.upn or "")
            row = {
                "pupil": pupil.name if pupil else r.pupil_text,
                "upn": pupil.upn if pupil else r.upn_text,
                "class": s.class_name, "term": s.term if term else None,
                "provision": p.name if p else r.provision, "type": d.type,
                "area_of_need": d.area_of_need, "delivered_by": d.delivered_by,
                "sessions_per_week": _number(d.sessions_per_week),
                "minutes_per_session": _number(d.minutes_per_session),
                "weeks": _number(d.weeks), "start_date": r.start_date, "end_date": r.end_date,
                "group": r.group, "group_size": r.group_size,
                "hourly_cost": _number(staff.hourly_cost) if staff else None,
                "resource_cost": _number(p.resource_cost) if p else None,
                "cost": _number(r.cost), "measure": p.measure if p else None,
                "measure_kind": p.measure_kind if p else None,
                "higher_is_better": None if p is None else ("Y" if p.higher_is_better else "N"),
                "pre": _score(r.pre, p.measure_kind if p else None),
                "post": _score(r.post, p.measure_kind if p else None),
                "target": r.target, "outcome": r.outcome, "next_step": r.next_step,
                "comments": r.comments}
            if dates == "always":
                row["start_date"] = row["start_date"] or start_end[0]
                row["end_date"] = row["end_date"] or start_end[1]
            out.append(row)
    return out


def write_long_table(rows: Iterable[dict[str, Any]], out: Path | str,
                     columns: Iterable[str] = EXPORTED,
                     headings: dict[str, str] | None = None, title: str | None = None,
                     created: datetime | None = None) -> Path:
    """Write ``rows`` (dicts keyed by LONG_TABLE key) as .xlsx or .csv (by OUT's suffix),
    whole or not at all.  ``headings`` renames columns (key -> heading); ``title`` is a row
    above the headings, as many exports have; ``created`` fixes the .xlsx file's date (the
    example's file is the same every time it is made)."""
    out = Path(out)
    keys = list(columns)
    names = [(headings or {}).get(k) or LONG_TABLE.by_key[k].name for k in keys]
    rows = list(rows)
    if out.suffix.lower() == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        if title:
            w.writerow([title])
        w.writerow(names)
        for r in rows:
            w.writerow([_csv(r.get(k)) for k in keys])
        with atomic_write(out, suffix=".csv") as tmp:
            Path(tmp).write_text(buf.getvalue(), encoding="utf-8-sig", newline="")
        return out
    with atomic_write(out) as tmp:
        wb = open_book(tmp, {"title": title or "Provision",
                             **({"created": created} if created else {})})
        try:
            bold = wb.add_format({"bold": True})
            dated = wb.add_format({"num_format": "dd/mm/yyyy"})
            ws = wb.add_worksheet("Provision")
            r0 = 0
            if title:
                ws.write_string(0, 0, title, bold)
                r0 = 2
            for c, name in enumerate(names):
                ws.write_string(r0, c, name, bold)
                ws.set_column(c, c, max(10, min(len(name) + 2, 30)))
            for i, row in enumerate(rows, start=r0 + 1):
                for c, k in enumerate(keys):
                    v = row.get(k)
                    if v is None or v == "":
                        continue
                    if isinstance(v, date):
                        ws.write_datetime(i, c, v, dated)
                    elif isinstance(v, (int, float)) and not isinstance(v, bool):
                        ws.write_number(i, c, v)
                    else:
                        ws.write_string(i, c, str(v))
            ws.freeze_panes(r0 + 1, 0)
        finally:
            wb.close()
    return out


def _csv(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, date):
        return f"{v:%d/%m/%Y}"
    if isinstance(v, float):
        return repr(v)
    return str(v)
