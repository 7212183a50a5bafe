"""The tables of ``docs/workbook-format.md``, generated from the declarations they describe.

Columns are declared once (``provmap/schema.py``) and the Settings sheet's rows once (the
template's ``settings_rows``), so the staff guide's tables are made from them, never typed
by hand: a header, alias, choice or note changed there shows in the guide after
``python -m provmap.dev.schema_doc`` (which rewrites each generated block of the guide in place),
and a test fails until it has been run.  The prose around the tables is hand-written.

A generated block sits between ``<!-- generated: NAME -->`` and ``<!-- end generated -->``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .. import schema
from ..schema import Choices, Column, Kind, Table

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "workbook-format.md"

_BLOCK = re.compile(r"(<!-- generated: (?P<name>[^>]+?) -->\n)(?P<body>.*?)(<!-- end generated -->)",
                    re.S)

TABLES: dict[str, Table] = {t.name: t for t in (
    schema.SETTINGS, schema.PUPILS, schema.STAFF, schema.PROVISIONS, schema.PROFILES,
    schema.PROFESSIONALS, schema.PROVISION_ROWS, schema.REVIEW_ROWS)}

CHOICES: tuple[Choices, ...] = (
    schema.SEN_STATUS, schema.NEED, schema.AREA, schema.PROFILE_AREA, schema.PROVISION_TYPE,
    schema.MEASURE_KIND, schema.OUTCOME, schema.NEXT_STEP, schema.YES_NO)

#: How each kind of cell is read, in a word or two; the guide's "How cells are read" says more.
READ_AS = {
    Kind.TEXT: "text",
    Kind.NUMBER: "number",
    Kind.MONEY: "money (£)",
    Kind.INTEGER: "whole number",
    Kind.DATE: "date",
    Kind.PERCENT: "percentage",
    Kind.SCORE: "score or age",
    Kind.YES_NO: "Y/N",
}

#: Columns the reader reads by name with a rule of their own, not by their kind.
READ_BY_NAME = {("Pupils", "year_group"): "year group"}


def anchor(heading: str) -> str:
    """The link target Markdown viewers (GitHub, VS Code) give a heading."""
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")


def choice_heading(choices: Choices) -> str:
    return f"Choice: {choices.name}"


def _read_as(table: Table, column: Column) -> str:
    special = READ_BY_NAME.get((table.name, column.key))
    if special:
        return special
    if column.choices is not None and column.kind is not Kind.YES_NO:
        heading = choice_heading(column.choices)
        return f"choice: [{column.choices.name}](#{anchor(heading)})"
    return READ_AS[column.kind]


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell (`<class>` would be taken for an HTML tag)."""
    return (text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")
            .replace(">", "&gt;"))


def column_table(table: Table) -> str:
    """One table's columns: header, required, what to type, how it is read, other headers."""
    lines = ["| Column | Required | What to type | Read as | Other headers accepted |",
             "|---|---|---|---|---|"]
    for c in table.columns:
        aliases = ", ".join(f"`{a}`" for a in c.aliases)
        lines.append(f"| **{_cell(c.name)}** | {'yes' if c.required else ''} | "
                     f"{_cell(c.note)} | {_cell(_read_as(table, c))} | {_cell(aliases)} |")
    return "\n".join(lines) + "\n"


def choices_section() -> str:
    """Every closed list, its values and the other words accepted for each."""
    out: list[str] = []
    for choices in CHOICES:
        out += [f"### {choice_heading(choices)}", "",
                "| Value | Also accepted |", "|---|---|"]
        for value, words in choices.words.items():
            out.append(f"| `{_cell(value)}` | {', '.join(f'`{_cell(w)}`' for w in words)} |")
        out.append("")
    return "\n".join(out)


def settings_table() -> str:
    """The Settings sheet's rows as ``provmap new`` writes them, with what each means."""
    from ..workbook.standard import settings_rows           # the one list of settings
    lines = ["| Setting | What it means | In a new workbook |", "|---|---|---|"]
    for key, value, note in settings_rows("(the school's name)", "2025-26",
                                          schema.DEFAULT_TERMS, {}):
        shown = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value
        shown = f"{shown:g}" if isinstance(shown, float) else "" if shown is None else shown
        lines.append(f"| **{_cell(key)}** | {_cell(note)} | {_cell(str(shown))} |")
    return "\n".join(lines) + "\n"


def _amount(column: Column, n: float) -> str:
    if column.kind is Kind.PERCENT:
        return f"{n * 100:,.0f}%"
    return f"{'£' if column.kind is Kind.MONEY else ''}{n:,.10g}"


def ranges_table() -> str:
    """Numbers out of range: each column's limits (schema) and the scores' and dates' (checks)."""
    from ..checks.ranges import SLACK, USUAL_SCORES
    rows: dict[tuple[str, object], list[str]] = {}
    columns: dict[tuple[str, object], Column] = {}
    for table in TABLES.values():
        for c in table.columns:
            if c.limits is not None:
                key = (c.name, c.limits)
                rows.setdefault(key, []).append(table.name)
                columns[key] = c
    lines = ["| Column | Where | An error (the row is left out) | A warning: is this right? |",
             "|---|---|---|---|"]
    for key, where in rows.items():
        c, lim = columns[key], key[1]
        wrong = [f"below {_amount(c, lim.lowest)}", f"over {_amount(c, lim.highest)}"] \
            if lim.lowest is not None else [f"beyond ±{_amount(c, lim.highest)}"]
        low, high = lim.usual
        odd = " or ".join([*([f"under {_amount(c, low)}"] if low is not None else []),
                           *([f"over {_amount(c, high)}"] if high is not None else [])])
        lines.append(f"| **{_cell(c.name)}** | {_cell(', '.join(where))} | "
                     f"{', '.join(wrong)} or not a real number | {_cell(odd)} |")
    for kind, (low, high, words) in USUAL_SCORES.items():
        lines.append(f"| **Pre**, **Post** of a `{kind}` measure | Provision table | | "
                     f"outside {low:g} to {high:g}{' months' if kind == 'months' else ''} "
                     f"({_cell(words)}) |")
    lines.append("| **Pre**, **Post** | Provision table | | above the provision's **Highest "
                 "score** (Provisions), where it has one |")
    lines.append(f"| **Start date**, **End date** | Provision table | | more than "
                 f"{SLACK.days} days outside the academic year's terms |")
    return "\n".join(lines) + "\n"


def block(name: str) -> str:
    """The generated text of one named block."""
    if name == "ranges":
        return ranges_table()
    if name == "choices":
        return choices_section()
    if name == "settings":
        return settings_table()
    if name in TABLES:
        return column_table(TABLES[name])
    raise KeyError(f"no generated block called {name!r}")


def refresh(text: str) -> str:
    """``text`` with every generated block made anew."""
    return _BLOCK.sub(lambda m: m.group(1) + block(m.group("name")) + m.group(4), text)


def block_names(text: str) -> list[str]:
    return [m.group("name") for m in _BLOCK.finditer(text)]


def main(argv: list[str] | None = None) -> int:
    path = Path((argv or sys.argv[1:] or [str(GUIDE)])[0])
    text = path.read_text(encoding="utf-8")
    new = refresh(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"Updated the generated tables of {path}")
    else:
        print(f"{path} is current")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
