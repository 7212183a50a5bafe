"""Add next term's class-term sheets to a staff-edited workbook, losing nothing.

``roll_forward(path, to_term)`` is the one time provmap writes to the workbook staff edit,
so it is careful in this order:

1. refuse before touching anything: the file is open in Excel or LibreOffice (a lock file
   beside it), it holds things openpyxl cannot carry through a save (pictures, charts,
   form controls, pivot tables, slicers, links to other workbooks, macros ...), or a target
   sheet already holds staff data;
2. copy the file byte for byte to ``<name> (backup YYYY-MM-DD HHMM).xlsx`` beside it;
3. load it with openpyxl (full mode, rich text kept), add one sheet per class, and write it
   through a temporary file renamed into place (``atomic_write``).  Sheet-level Excel 2010+
   extensions that openpyxl drops (x14 data validations, x14 conditional formats,
   sparklines) are spliced back into each original sheet's XML after the save.

A new sheet copies the previous term's sheet of the same class: title rows, header rows,
column widths, print settings, freeze panes, dropdowns and conditional formats (ranges moved
with the rows), with the provision table holding only rows whose Next step is Continue (the
last Post becomes the new Pre) and the review table listing the class's K and E pupils.
See docs/roll-forward.md.
"""

from __future__ import annotations

import io
import re
import shutil
import warnings
import zipfile
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation

from ..carry import CARRIED, POST, carry, is_continued, review_pupils
from ..model import ClassTermSheet, Layout, Map
from ..schema import PROVISION_ROWS, REVIEW_ROWS, sheet_name_fault
from ..values import plural
from ..write.atomic import atomic_write

_COST = PROVISION_ROWS.column("cost").key
_PUPIL = REVIEW_ROWS.column("pupil").key
_UPN = REVIEW_ROWS.column("upn").key

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
X14_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"

# Sheet extensions that are self-contained XML: kept by splicing them back after the save.
KEPT_EXTENSIONS = {
    "{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}": "dropdowns (Excel 2010 data validations)",
    "{78C0D931-6437-407D-A8EE-F0AAD7539E65}": "conditional formats (Excel 2010)",
    "{05C60535-1F16-4FD2-B633-F4F36F0B64E0}": "sparklines",
}

# Package parts openpyxl cannot carry through a save, by folder or name, in staff's words.
LOST_PARTS = (
    ("xl/media/", "pictures"),
    ("xl/drawings/drawing", "pictures, charts or shapes"),
    ("xl/charts/", "charts"),
    ("xl/chartsheets/", "chart sheets"),
    ("xl/ctrlProps/", "form controls (buttons, tick boxes, drop-down boxes)"),
    ("xl/activeX/", "ActiveX controls"),
    ("xl/embeddings/", "embedded objects"),
    ("xl/pivotTables/", "pivot tables"),
    ("xl/pivotCache/", "pivot tables"),
    ("xl/slicers/", "slicers"),
    ("xl/slicerCaches/", "slicers"),
    ("xl/timelines/", "timelines"),
    ("xl/timelineCaches/", "timelines"),
    ("xl/externalLinks/", "links to other workbooks"),
    ("xl/vbaProject.bin", "macros"),
    ("xl/macrosheets/", "macros"),
    ("xl/dialogsheets/", "macro dialog sheets"),
    ("xl/threadedComments/", "threaded comments (they would become plain notes)"),
    ("xl/richData/", "pictures or data types inside cells"),
    ("xl/model/", "a data model (Power Pivot)"),
    ("xl/connections.xml", "data connections (Power Query)"),
    ("xl/queryTables/", "data connections (Power Query)"),
)

# Top-level worksheet elements openpyxl drops, where dropping them changes what staff see.
LOST_SHEET_ELEMENTS = {
    "drawing": "pictures, charts or shapes",
    "legacyDrawingHF": "pictures in the header or footer",
    "picture": "a background picture",
    "oleObjects": "embedded objects",
    "controls": "form controls",
    "customSheetViews": "custom views",
    "protectedRanges": "ranges that staff may edit on a protected sheet",
    "dataConsolidate": "data consolidation settings",
    "cellWatches": "watch-window cells",
    "smartTags": "smart tags",
    "webPublishItems": "web publishing settings",
    "customProperties": "custom sheet properties",
}


class RollForwardRefused(Exception):
    """The workbook was left untouched; the message says why and what to do."""


@dataclass
class RollForwardResult:
    """What roll_forward did: sheets added or filled, rows carried, and the backup."""

    path: Path
    from_term: str
    to_term: str
    backup: Path
    sheets_added: list[str] = field(default_factory=list)
    sheets_filled: list[str] = field(default_factory=list)
    rows_carried: dict[str, int] = field(default_factory=dict)      # new sheet -> rows
    review_pupils: dict[str, int] = field(default_factory=dict)     # new sheet -> pupils
    kept_extensions: list[str] = field(default_factory=list)        # "sheet: what"

    def summary(self) -> str:
        lines = [f"Rolled {self.from_term} forward to {self.to_term} in {self.path.name}."]
        for name in self.sheets_added + self.sheets_filled:
            how = "added" if name in self.sheets_added else "filled in"
            lines.append(f"  {name} ({how}): "
                         f"{plural(self.rows_carried.get(name, 0), 'provision row')} carried "
                         f"on, {plural(self.review_pupils.get(name, 0), 'pupil')} to review")
        lines.append(f"Backup of the workbook as it was: {self.backup.name}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The public function


def roll_forward(path: Path | str, to_term: str, *, today: datetime | date | None = None
                 ) -> RollForwardResult:
    """Add ``to_term``'s class-term sheets to the workbook at ``path``.

    Raises :class:`RollForwardRefused` (file untouched) when it cannot be done safely, and
    :class:`~provmap.problems.UnreadableWorkbook` when the file is not a usable workbook.
    """
    from ..read.workbook import load

    path = Path(path)
    _refuse_if_open(path)
    m = load(path)                      # safety checks + records (raises UnreadableWorkbook)
    package = _inspect_package(path)
    if package.losses:
        raise RollForwardRefused(
            f"{path.name}: rolling forward would lose {_join(package.losses)}, because provmap "
            "cannot write those back. Nothing was changed. Add the new term's sheets by hand "
            "(copy last term's sheet), or remove those items from a copy of the workbook and "
            "roll that forward.")
    from_term, to_term = _terms(m, to_term, path)
    plans = _plan(m, from_term, to_term, path)

    import openpyxl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, rich_text=True, keep_links=True)
    result = RollForwardResult(path, from_term, to_term, backup=Path())
    for plan in plans:
        if plan.target is None:
            _add_sheet(wb, m, plan, to_term, package.validations.get(plan.source.name, []), result)
        else:
            _fill_sheet(wb, m, plan, result)

    buffer = io.BytesIO()
    wb.save(buffer)
    data = _splice_extensions(buffer.getvalue(), package.extensions)
    result.kept_extensions = [f"{s}: {w}" for s, (_, whats) in package.extensions.items()
                              for w in whats]
    result.backup = _backup(path, today)
    with atomic_write(path, suffix=path.suffix or ".xlsx") as tmp:
        tmp.write_bytes(data)
    return result


# ---------------------------------------------------------------------------------------------
# Refusals


def _refuse_if_open(path: Path) -> None:
    """Excel keeps `~$name` beside an open workbook (long names lose their first two
    characters); LibreOffice keeps `.~lock.name#`."""
    name = path.name
    for lock in (f"~${name}", f"~${name[2:]}", f".~lock.{name}#"):
        if (path.parent / lock).exists():
            raise RollForwardRefused(
                f"{name} is open in Excel or LibreOffice (the lock file '{lock}' is beside "
                "it). Save and close it everywhere, then roll forward again. Nothing was "
                "changed.")


@dataclass
class _Package:
    losses: list[str]
    extensions: dict[str, tuple[str, list[str]]]     # sheet -> (raw extLst XML, what it holds)
    validations: dict[str, list[DataValidation]]     # sheet -> x14 dropdowns as openpyxl ones


def _inspect_package(path: Path) -> _Package:
    """Look inside the zip for anything a load-and-save with openpyxl would drop."""
    losses: list[str] = []
    extensions: dict[str, tuple[str, list[str]]] = {}
    validations: dict[str, list[DataValidation]] = {}

    def lose(what: str) -> None:
        if what not in losses:
            losses.append(what)

    if path.suffix.lower() in (".xlsm", ".xltm"):
        lose("macros")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        for prefix, what in LOST_PARTS:
            if any(n.startswith(prefix) for n in names):
                lose(what)
        content_types = z.read("[Content_Types].xml").decode("utf-8", "replace")
        if "macroEnabled" in content_types:
            lose("macros")
        for vml in (n for n in names if n.endswith(".vml")):
            kinds = set(re.findall(r'ObjectType="(\w+)"', z.read(vml).decode("utf-8", "replace")))
            if kinds - {"Note"}:
                lose("form controls (buttons, tick boxes, drop-down boxes)")
        has_metadata = "xl/metadata.xml" in names
        for sheet, part in _sheet_parts(z).items():
            xml = z.read(part).decode("utf-8")
            for element, what in LOST_SHEET_ELEMENTS.items():
                if re.search(rf"<(?:\w+:)?{element}[\s>/]", xml):
                    lose(f"{what} on '{sheet}'")
            if has_metadata and re.search(r"<(?:\w+:)?c\s[^>]*\bcm=", xml):
                lose(f"spilling (dynamic array) formulas on '{sheet}'")
            if re.search(r"<(?:\w+:)?cfRule\b(?:(?!</(?:\w+:)?cfRule>).)*<(?:\w+:)?extLst",
                         xml, re.S):
                lose(f"Excel 2010 data bars or icon sets on '{sheet}'")
            ext = _sheet_extensions(xml)
            if ext is None:
                continue
            raw, uris = ext
            unknown = [u for u in uris if u.upper() not in KEPT_EXTENSIONS]
            if unknown:
                lose(f"Excel extensions on '{sheet}' (such as slicers or timelines)")
            elif uris:
                extensions[sheet] = (raw, [KEPT_EXTENSIONS[u.upper()] for u in uris])
                validations[sheet] = _x14_validations(raw)
    return _Package(losses, extensions, validations)


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part path, from workbook.xml and its relationships."""
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = re.sub(r"[^/]+/\.\./", "", target)
    parts = {}
    for sheet in wb.iter(f"{{{MAIN_NS}}}sheet"):
        part = targets.get(sheet.get(f"{{{REL_NS}}}id"), "")
        if "/worksheets/" in part and part in z.namelist():
            parts[sheet.get("name")] = part
    return parts


def _sheet_extensions(xml: str) -> tuple[str, list[str]] | None:
    """The worksheet's own extLst (its last child) as raw XML with the namespace
    declarations it needs, and the URIs of its extensions."""
    m = re.search(r"<((?:\w+:)?)extLst>(?:(?!<\1extLst>).)*</\1extLst>\s*</(?:\w+:)?worksheet>\s*$",
                  xml, re.S)
    if not m:
        return None
    raw = xml[m.start():xml.rfind("</", 0, m.end() - 1)]
    raw = raw[:raw.rfind(">") + 1]
    uris = re.findall(r'<(?:\w+:)?ext\b[^>]*\buri="([^"]+)"', raw)
    root = re.search(r"<(?:\w+:)?worksheet\b[^>]*>", xml)
    decls = [d for d in re.findall(r'\sxmlns:\w+="[^"]*"', root.group(0) if root else "")]
    prefix = m.group(1)
    if prefix:                                   # a prefixed main namespace: keep as it is
        return raw, uris
    return raw.replace("<extLst>", "<extLst" + "".join(decls) + ">", 1), uris


def _x14_validations(raw: str) -> list[DataValidation]:
    """Excel 2010 dropdowns (kept in the extension list) as openpyxl validations, so a new
    sheet can copy them in the ordinary form every spreadsheet program reads."""
    try:
        root = ET.fromstring(raw)
    except ET.ParseError:
        return []
    out = []
    for el in root.iter(f"{{{X14_NS}}}dataValidation"):
        def formula(name: str) -> str | None:
            f = el.find(f"{{{X14_NS}}}{name}/{{{XM_NS}}}f")
            return f.text if f is not None else None
        sqref = el.findtext(f"{{{XM_NS}}}sqref")
        if not sqref:
            continue
        attrs = {k: v for k, v in el.attrib.items() if "}" not in k}
        flags = {k: attrs.pop(k) in ("1", "true") for k in
                 ("allowBlank", "showDropDown", "showInputMessage", "showErrorMessage")
                 if k in attrs}
        dv = DataValidation(type=attrs.get("type"), operator=attrs.get("operator"),
                            formula1=formula("formula1"), formula2=formula("formula2"),
                            errorStyle=attrs.get("errorStyle"), error=attrs.get("error"),
                            errorTitle=attrs.get("errorTitle"), prompt=attrs.get("prompt"),
                            promptTitle=attrs.get("promptTitle"), sqref=sqref, **flags)
        out.append(dv)
    return out


def _splice_extensions(data: bytes, extensions: dict[str, tuple[str, list[str]]]) -> bytes:
    """Put each original sheet's extension list back at the end of its worksheet XML."""
    if not extensions:
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = _sheet_parts(src)
    patch = {parts[s]: raw for s, (raw, _) in extensions.items() if s in parts}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename in patch:
                xml = body.decode("utf-8")
                if "<extLst" in xml:           # never two lists: openpyxl wrote its own
                    raise RollForwardRefused("internal: the saved sheet already has extensions")
                at = xml.rfind("</worksheet>")
                body = (xml[:at] + patch[info.filename] + xml[at:]).encode("utf-8")
            z.writestr(info, body)
    return out.getvalue()


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------------------------------------
# Planning: which sheets, from which


@dataclass
class _Plan:
    source: ClassTermSheet           # last term's sheet of the class
    name: str                        # the new sheet's name
    target: ClassTermSheet | None    # an existing empty sheet to fill, or None to add one


def _terms(m: Map, to_term: str, path: Path) -> tuple[str, str]:
    terms = list(m.settings.terms)
    try:
        i = m.settings.term_index(to_term.strip())
    except ValueError:
        raise RollForwardRefused(
            f"{path.name}: '{to_term}' is not one of the terms in Settings "
            f"({', '.join(terms)}). Nothing was changed.") from None
    if i == 0:
        raise RollForwardRefused(
            f"{path.name}: {terms[0]} is the first term of the year, so there is no earlier "
            "term to roll forward from. Start next year's workbook with 'provmap new-year' "
            "(or 'provmap new'). Nothing was changed.")
    return terms[i - 1], terms[i]


def _plan(m: Map, from_term: str, to_term: str, path: Path) -> list[_Plan]:
    sources = [s for s in m.sheets if s.term == from_term]
    if not sources:
        raise RollForwardRefused(
            f"{path.name}: there are no {from_term} class sheets to roll forward from. "
            "Nothing was changed.")
    existing = {s.class_name.casefold(): s for s in m.sheets if s.term == to_term}
    taken = {n.casefold() for n in m.sheet_order}
    plans, busy = [], []
    seen: set[str] = set()
    for s in sources:
        key = s.class_name.casefold()
        if key in seen:
            continue                         # a duplicate sheet: the first one is the class's
        seen.add(key)
        target = existing.get(key)
        if target is not None:
            if _holds_data(target):
                busy.append(target.name)
            plans.append(_Plan(s, target.name, target))
            continue
        name = _next_name(s.name, from_term, to_term)
        if fault := sheet_name_fault(name):
            raise RollForwardRefused(
                f"{path.name}: the new sheet '{name}' cannot be made: {fault}. Rename "
                f"'{s.name}' (or the term '{to_term}' in Settings) and try again. Nothing "
                "was changed.")
        if name.casefold() in taken:
            busy.append(name)
        plans.append(_Plan(s, name, None))
    if busy:
        raise RollForwardRefused(
            f"{path.name}: {_join([repr(b) for b in busy])} already "
            f"{'holds' if len(busy) == 1 else 'hold'} {to_term} data, and roll forward never "
            "overwrites staff's work. Nothing was changed. Delete or rename "
            f"{'that sheet' if len(busy) == 1 else 'those sheets'} first if you want "
            f"{'it' if len(busy) == 1 else 'them'} made again.")
    return plans


def _holds_data(sheet: ClassTermSheet) -> bool:
    """A sheet holds data when it has any provision row, or a review row with more than
    the pupil's name (a blank template may list the class's pupils)."""
    if sheet.provision_rows:
        return True
    for r in sheet.review_rows:
        if any(t for pair in r.targets for t in pair) or any(
                v is not None for v in (r.attendance, r.reading, r.writing, r.maths,
                                        r.staff_views, r.parent_views, r.pupil_views)):
            return True
    return False


def _next_name(name: str, from_term: str, to_term: str) -> str:
    """`Year 4 Maple - Spring` -> `Year 4 Maple - Summer`, keeping the term's case style."""
    stripped = name.rstrip()
    written = stripped[-len(from_term):]
    if written.isupper():
        new = to_term.upper()
    elif written.islower():
        new = to_term.lower()
    else:
        new = to_term
    return stripped[: -len(from_term)] + new


# ---------------------------------------------------------------------------------------------
# Building a new sheet from last term's


@dataclass
class _Table:
    key: str                 # "provision" or "review"
    layout: Layout
    body_end: int            # last body row on the source sheet (== header row when empty)
    new_header: int = 0
    new_rows: list[dict[int, Any]] = field(default_factory=list)   # column -> value
    new_size: int = 0


def _peek(ws, row: int, col: int):
    """The cell if it exists; never creates one (ws.cell would add empty cells to the
    staff's sheet)."""
    return ws._cells.get((row, col))


def _is_formula(cell) -> bool:
    return cell is not None and cell.data_type == "f"


def _rows_of(ws) -> dict[int, list]:
    rows: dict[int, list] = {}
    for (r, _), cell in sorted(ws._cells.items()):
        rows.setdefault(r, []).append(cell)
    return rows


def _tables(ws, sheet: ClassTermSheet) -> list[_Table]:
    """The sheet's tables in row order, each with the last row that belongs to its body:
    a row the reader read, or a row with a formula in one of its columns (template rows)."""
    found = []
    for key, layout, rows in (("provision", sheet.provision_layout, sheet.provision_rows),
                              ("review", sheet.review_layout, sheet.review_rows)):
        if layout is not None:
            found.append((layout.header_row, key, layout, [r.row for r in rows]))
    found.sort()
    tables = []
    for i, (header, key, layout, data_rows) in enumerate(found):
        limit = found[i + 1][0] - 1 if i + 1 < len(found) else ws.max_row
        end = max([header, *(r for r in data_rows if r <= limit)])
        cols = set(layout.columns.values())
        for r in range(header + 1, limit + 1):
            if any(_is_formula(_peek(ws, r, c)) for c in cols):
                end = max(end, r)
        tables.append(_Table(key, layout, end))
    return tables


def _add_sheet(wb, m: Map, plan: _Plan, to_term: str, x14: list[DataValidation],
               result: RollForwardResult) -> None:
    src_ws = wb[plan.source.name]
    src = plan.source
    tables = _tables(src_ws, src)
    by_key = {t.key: t for t in tables}
    carried = 0
    if "provision" in by_key:
        t = by_key["provision"]
        for row in src.provision_rows:
            if is_continued(row.next_step):
                t.new_rows.append(_carried_values(src_ws, t.layout, row.row))
                carried += 1
    pupils = _review_pupils(m, src.class_name)
    if "review" in by_key:
        t = by_key["review"]
        for p in pupils:
            values = {t.layout.columns[_PUPIL]: _Text(p.name)}
            if _UPN in t.layout.columns:
                values[t.layout.columns[_UPN]] = _Text(p.upn)
            t.new_rows.append(values)

    # Row map: rows outside table bodies keep their order and move by the bodies' growth.
    shift, prev_end = 0, 0
    segments: list[tuple[int, int, int]] = []          # (first, last, shift) of copied rows
    for t in tables:
        segments.append((prev_end + 1, t.layout.header_row, shift))
        t.new_header = t.layout.header_row + shift
        old_size = t.body_end - t.layout.header_row
        t.new_size = max(len(t.new_rows), old_size)
        shift += t.new_size - old_size
        prev_end = t.body_end
    segments.append((prev_end + 1, 1_048_576, shift))      # to the sheet's last row

    index = _insert_index(wb, m, src.class_name, to_term)
    ws = wb.create_sheet(plan.name, index)
    _copy_sheet_settings(src_ws, ws)
    first_header = tables[0].layout.header_row if tables else src_ws.max_row + 1
    cells_by_row = _rows_of(src_ws)
    for first, last, d in segments:
        for r in range(first, min(last, src_ws.max_row) + 1):
            _copy_row(src_ws, ws, r, r + d, cells_by_row.get(r, []),
                      rename=(src.term, to_term) if r < first_header else None)
    for t in tables:
        _write_body(src_ws, ws, t)

    def move(rng: CellRange) -> list[CellRange]:
        return _move_range(rng, segments, tables)

    for merged in src_ws.merged_cells.ranges:
        for new in move(CellRange(merged.coord)):
            if (new.max_row - new.min_row) == (merged.max_row - merged.min_row):
                ws.merge_cells(new.coord)
    for dv in [*src_ws.data_validations.dataValidation, *x14]:
        ranges = [n for rng in dv.sqref.ranges for n in move(rng)]
        if ranges:
            new = copy(dv)
            new.sqref = " ".join(r.coord for r in ranges)
            ws.add_data_validation(new)
    for cf in src_ws.conditional_formatting:
        old = list(cf.sqref.ranges)
        ranges = [n for rng in old for n in move(rng)]
        if not ranges:
            continue
        origin = f"{get_column_letter(old[0].min_col)}{old[0].min_row}"
        dest = f"{get_column_letter(ranges[0].min_col)}{ranges[0].min_row}"
        for rule in cf.rules:
            new_rule = copy(rule)
            new_rule.formula = [Translator("=" + f, origin).translate_formula(dest)[1:]
                                for f in (rule.formula or [])]
            ws.conditional_formatting.add(" ".join(r.coord for r in ranges), new_rule)
    result.sheets_added.append(plan.name)
    result.rows_carried[plan.name] = carried
    result.review_pupils[plan.name] = len(pupils)


def _carried_values(ws, layout: Layout, row: int) -> dict[int, Any]:
    """The cells a Continue row keeps (as typed, text stays text), by the carry rule shared
    with new-year (:func:`provmap.carry.carry`): last Post becomes Pre."""
    cells = {key: _raw(ws.cell(row, c)) for key, c in layout.columns.items()
             if key in CARRIED or key == POST}
    return {layout.columns[k]: v for k, v in carry(cells).items() if k in layout.columns}


class _Text(str):
    """A value that must be written as text even if it starts with '='."""


def _raw(cell) -> Any:
    v = cell.value
    if isinstance(v, str) and cell.data_type == "s":
        return _Text(v)
    return v


def _set(cell, value: Any) -> None:
    """Write a value; staff text stays text even when it begins with '='."""
    if isinstance(value, _Text):
        cell.value = str(value)
        cell.data_type = "s"
    else:
        cell.value = value


def _review_pupils(m: Map, class_name: str) -> list:
    """The class's pupils on SEN support or with an EHC plan, in register order."""
    return review_pupils(m.pupils.values(), class_name)


def _insert_index(wb, m: Map, class_name: str, to_term: str) -> int:
    """After the class's last sheet of an earlier term (so terms stay in order even when a
    later term's sheet exists), else after its last sheet, else at the end."""
    folded = class_name.casefold()
    mine = [s for s in m.sheets if s.class_name.casefold() == folded]
    before = {s.name for s in mine if m.settings.term_index(s.term) < m.settings.term_index(to_term)}
    for names in (before, {s.name for s in mine}):
        positions = [i for i, ws in enumerate(wb._sheets) if ws.title in names]
        if positions:
            return positions[-1] + 1
    return len(wb._sheets)


def _copy_sheet_settings(src, ws) -> None:
    """Widths, print settings, view, freeze panes and tab colour, as last term's sheet."""
    for key, dim in src.column_dimensions.items():
        ws.column_dimensions[key] = copy(dim)
        ws.column_dimensions[key].worksheet = ws
    ws.sheet_format = copy(src.sheet_format)
    ws.sheet_properties = copy(src.sheet_properties)
    ws.page_margins = copy(src.page_margins)
    ws.page_setup = copy(src.page_setup)
    ws.print_options = copy(src.print_options)
    ws.HeaderFooter = copy(src.HeaderFooter)
    view = copy(src.sheet_view)
    view.tabSelected = False
    ws.views.sheetView[0] = view
    if src.freeze_panes:
        ws.freeze_panes = src.freeze_panes
    if src.print_title_rows:
        ws.print_title_rows = src.print_title_rows
    if src.print_title_cols:
        ws.print_title_cols = src.print_title_cols


def _copy_row(src, ws, r: int, new_r: int, cells: list, rename: tuple[str, str] | None
              ) -> None:
    """Copy one row outside the tables' bodies (titles, headers, notes) as it is."""
    if r in src.row_dimensions:
        dim = copy(src.row_dimensions[r])
        dim.index = new_r
        dim.worksheet = ws
        ws.row_dimensions[new_r] = dim
    for cell in cells:
        new = ws.cell(new_r, cell.column)
        value = _raw(cell)
        if rename and isinstance(value, str) and cell.data_type == "s":
            value = _Text(re.sub(rf"\b{re.escape(rename[0])}\b", rename[1], value))
        if cell.data_type == "f" and new_r != r:
            value = Translator(value, cell.coordinate).translate_formula(new.coordinate)
        _set(new, value)
        new._style = copy(cell._style)
        if cell.hyperlink:
            new.hyperlink = copy(cell.hyperlink)
        if cell.comment:
            new.comment = copy(cell.comment)


def _write_body(src, ws, t: _Table) -> None:
    """Write a table's new body: each row styled like last term's first body row, with the
    template's formulas (e.g. Cost) carried down and the carried or listed values."""
    h = t.layout.header_row
    proto_row = h + 1
    max_col = max(src.max_column, *t.layout.columns.values())
    formulas: dict[int, tuple[str, str]] = {}           # column -> (formula, its cell)
    for r in range(h + 1, t.body_end + 1):
        for c in range(1, max_col + 1):
            cell = _peek(src, r, c)
            if c not in formulas and _is_formula(cell) and isinstance(cell.value, str):
                formulas[c] = (cell.value, cell.coordinate)
    proto_height = src.row_dimensions[proto_row] if proto_row in src.row_dimensions else None
    cost_col = t.layout.columns.get(_COST) if t.key == "provision" else None
    template_cost = cost_col is not None and _template_layout(t.layout)
    first, last = t.new_header + 1, t.new_header + t.new_size
    for i in range(t.new_size):
        new_r = t.new_header + 1 + i
        values = t.new_rows[i] if i < len(t.new_rows) else {}
        for c in range(1, max_col + 1):
            proto = _peek(src, proto_row, c)
            if proto is None and c not in values and c not in formulas and \
                    not (c == cost_col and template_cost):
                continue
            cell = ws.cell(new_r, c)
            if proto is not None and proto.has_style:
                cell._style = copy(proto._style)
            if c in values and values[c] is not None:
                _set(cell, values[c])
            elif c == cost_col and template_cost:
                cell.value = _template_cost_formula(new_r, first, last)
            elif c in formulas:
                formula, origin = formulas[c]
                cell.value = Translator(formula, origin).translate_formula(cell.coordinate)
        if proto_height is not None:
            dim = copy(proto_height)
            dim.index = new_r
            dim.worksheet = ws
            ws.row_dimensions[new_r] = dim


def _template_layout(layout: Layout) -> bool:
    """True when the provision table sits in the template's column order, so the template's
    own Cost formula (which names columns by letter) fits it."""
    from .layout import col
    return all(layout.columns.get(c.key) == col(PROVISION_ROWS, c.key) + 1
               for c in PROVISION_ROWS.columns)


def _template_cost_formula(row: int, first: int, last: int) -> str:
    from .cost_formula import cost_formula
    return cost_formula(row, first, last)


def _move_range(rng: CellRange, segments: list[tuple[int, int, int]],
                tables: list[_Table]) -> list[CellRange]:
    """Where a range of last term's sheet lands on the new sheet: rows outside the bodies
    move with their segment; a range over a table's body covers the whole new body."""
    out: list[CellRange] = []
    for first, last, d in segments:
        lo, hi = max(first, rng.min_row), min(last, rng.max_row)
        if lo <= hi:
            out.append(CellRange(min_col=rng.min_col, max_col=rng.max_col,
                                 min_row=lo + d, max_row=hi + d))
    for t in tables:
        h = t.layout.header_row
        if t.body_end > h and rng.min_row <= t.body_end and rng.max_row > h and t.new_size:
            out.append(CellRange(min_col=rng.min_col, max_col=rng.max_col,
                                 min_row=t.new_header + 1, max_row=t.new_header + t.new_size))
    out.sort(key=lambda r: (r.min_row, r.min_col))
    merged: list[CellRange] = []
    for r in out:                                   # join pieces that touch
        if merged and merged[-1].min_col == r.min_col and merged[-1].max_col == r.max_col \
                and merged[-1].max_row + 1 >= r.min_row:
            last = merged[-1]
            merged[-1] = CellRange(min_col=last.min_col, max_col=last.max_col,
                                   min_row=last.min_row, max_row=max(last.max_row, r.max_row))
        else:
            merged.append(r)
    return merged


# ---------------------------------------------------------------------------------------------
# Filling an existing empty sheet


def _fill_sheet(wb, m: Map, plan: _Plan, result: RollForwardResult) -> None:
    """Write carried rows (and, if its review table lists nobody, the K/E pupils) into an
    existing sheet that holds no data yet, keeping its own layout and formatting."""
    src_ws, ws = wb[plan.source.name], wb[plan.target.name]
    src_tables = {t.key: t for t in _tables(src_ws, plan.source)}
    tables = _tables(ws, plan.target)
    carried = listed = 0
    for t in tables:
        cols = t.layout.columns
        if t.key == "provision" and "provision" in src_tables:
            s = src_tables["provision"]
            rows = []
            for row in plan.source.provision_rows:
                if is_continued(row.next_step):
                    by_col = _carried_values(src_ws, s.layout, row.row)
                    by_key = {k: by_col[c] for k, c in s.layout.columns.items() if c in by_col}
                    rows.append({cols[k]: v for k, v in by_key.items() if k in cols})
            carried = len(rows)
        elif t.key == "review" and not plan.target.review_rows:
            rows = []
            for p in _review_pupils(m, plan.source.class_name):
                values = {cols[_PUPIL]: _Text(p.name)}
                if _UPN in cols:
                    values[cols[_UPN]] = _Text(p.upn)
                rows.append(values)
            listed = len(rows)
        else:
            if t.key == "review":
                listed = len(plan.target.review_rows)
            continue
        room = _room(ws, t, tables)
        if len(rows) > room:
            raise RollForwardRefused(
                f"{plan.name} has room for {plural(room, 'row')} in its {t.key} table before "
                f"the next table, but {len(rows)} are needed. Add rows there (or delete the empty "
                "sheet so provmap makes a new one), then try again. Nothing was changed.")
        for i, values in enumerate(rows):
            for c, v in values.items():
                if v is not None:
                    _set(ws.cell(t.layout.header_row + 1 + i, c), v)
    result.sheets_filled.append(plan.name)
    result.rows_carried[plan.name] = carried
    result.review_pupils[plan.name] = listed


def _room(ws, t: _Table, tables: list[_Table]) -> int:
    """Rows below a table's header before the next table's title or header row."""
    later = [x.layout.header_row for x in tables if x.layout.header_row > t.layout.header_row]
    if not later:
        return 10 ** 6
    stop = later[0]
    for r in range(t.layout.header_row + 1, stop):
        cells = [_peek(ws, r, c) for c in range(1, ws.max_column + 1)]
        if any(c is not None and c.value is not None and not _is_formula(c) for c in cells):
            return r - t.layout.header_row - 1
    return stop - t.layout.header_row - 1


# ---------------------------------------------------------------------------------------------
# Backup


def _backup(path: Path, today: datetime | date | None) -> Path:
    """Copy the workbook byte for byte to `<name> (backup YYYY-MM-DD HHMM).xlsx`."""
    when = today or datetime.now()
    if not isinstance(when, datetime):
        when = datetime.now().replace(year=when.year, month=when.month, day=when.day)
    stamp = when.strftime("%Y-%m-%d %H%M")
    backup = path.with_name(f"{path.stem} (backup {stamp}){path.suffix}")
    n = 2
    while backup.exists():
        backup = path.with_name(f"{path.stem} (backup {stamp} {n}){path.suffix}")
        n += 1
    shutil.copyfile(path, backup)
    return backup
