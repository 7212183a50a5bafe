"""The package's shape, read from its source with `ast`: every module is in
docs/architecture.md, imports run one way (a folder imports only folders below it), there is
no circle, inner modules never import the `provmap` facade, and no module imports another
module's private name (what two modules share is public in a third)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "provmap"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

#: What each layer may import.  base < read < checks < numbers; write (generic) uses only
#: the base; workbook (the staff's workbook) uses base, read, checks and write; reports
#: draw what numbers computed (never read a workbook or run a check); the shells and the
#: development tools use anything.
ALLOWED = {
    "base": {"base"},
    "read": {"base", "read"},
    "checks": {"base", "read", "checks"},
    "numbers": {"base", "read", "checks", "numbers"},
    "write": {"base", "write"},
    "workbook": {"base", "read", "checks", "write", "workbook"},
    "reports": {"base", "numbers", "write", "reports"},
}
SHELLS = {"provmap", "provmap.__main__", "provmap.cli", "provmap.termly"}



@dataclass(frozen=True)
class Import:
    source: str          # the importing module
    target: str          # the module imported (a package means its __init__)
    name: str | None     # the name taken from it (None: the module itself)
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    if module in SHELLS or module.startswith("provmap.web"):
        return "shells"
    parts = module.split(".")
    if len(parts) == 2 and modules()[module].name != "__init__.py":
        return "base"
    return parts[1]                       # a folder's name: read, checks, ..., dev


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if modules()[module].name == "__init__.py" else module.rsplit(".", 1)[0]
    base = package.split(".")[:len(package.split(".")) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def imports() -> list[Import]:
    """Every import of a provmap module by a provmap module, anywhere in the file."""
    found: list[Import] = []
    known = modules()
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}              # a local name bound to a provmap module
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "provmap":
                        found.append(Import(module, a.name, None, node.lineno))
                        aliases[a.asname or a.name.split(".")[0]] = \
                            a.name if a.asname else "provmap"
            elif isinstance(node, ast.ImportFrom):
                target = _absolute(module, node)
                if target.split(".")[0] != "provmap":
                    continue
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    if sub in known:
                        found.append(Import(module, sub, None, node.lineno))
                        aliases[a.asname or a.name] = sub
                    else:
                        found.append(Import(module, target, a.name, node.lineno))
        for node in ast.walk(tree):                # `pop_data._find_upn`
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in aliases and _private(node.attr):
                found.append(Import(module, aliases[node.value.id], node.attr, node.lineno))
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_every_module_is_in_architecture_md():
    listed: set[str] = set()
    folder = None
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^##\s+`?provmap/([\w/]*?)/?`?(\s|$)", line)
        if heading:
            folder = heading.group(1)
            continue
        item = re.match(r"^- `([\w]+\.py)`", line)
        if item and folder is not None:
            listed.add(module_name(PACKAGE / folder / item.group(1)))
    on_disk = set(modules())
    assert sorted(on_disk - listed) == [], "modules missing from docs/architecture.md"
    assert sorted(listed - on_disk) == [], "docs/architecture.md lists modules that are gone"


def test_imports_run_one_way():
    wrong = [f"{i.source} (line {i.line}) imports {i.target}"
             for i in imports()
             if layer(i.source) in ALLOWED and layer(i.target) not in ALLOWED[layer(i.source)]]
    assert wrong == []


def test_inner_modules_never_import_the_facade():
    wrong = [f"{i.source} (line {i.line}): from provmap import {i.name}"
             for i in imports() if i.target == "provmap" and layer(i.source) in ALLOWED]
    assert wrong == []


def test_no_circles():
    graph: dict[str, set[str]] = {m: set() for m in modules()}
    for i in imports():
        if i.target in graph and i.target != i.source:
            graph[i.source].add(i.target)
    circles = [c for c in _strongly_connected(graph) if len(c) > 1]
    assert circles == []


def test_no_module_imports_another_modules_private_name():
    wrong = {(i.source, f"{i.target}.{i.name}") for i in imports()
             if i.name is not None and _private(i.name) and i.target != i.source}
    assert sorted(wrong) == []


def test_the_checker_sees_what_it_must(tmp_path):
    """The rules above would pass on an empty graph: check the graph has the edges a
    reader can see in the source."""
    found = {(i.source, i.target, i.name) for i in imports()}
    assert ("provmap.reports.pop", "provmap.write.pages", "Page") in found
    assert ("provmap.checks.register", "provmap.words", "on_register") in found
    assert layer("provmap.words") == "base" and layer("provmap.cli") == "shells"
    assert layer("provmap.reports.pop") == "reports" and layer("provmap.web.views") == "shells"
    assert layer("provmap.checks") == "checks" and layer("provmap.dev.example") == "dev"
    assert _strongly_connected({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"], ["c"]]


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)
