"""The package's rooms import only downwards, and no modules import each other in a circle.

The order, lowest first (a room may import its own modules and any room below it, never one above):

    base (errors, limits, settings, text, catalogue) → readers → checks → parse → registry → store → review → ingest
    → queries, scope → charts → pages, export, cli, serve, app, synth

The checks are rules over the canonical record and import nothing of the parser; the parser runs R1–R4 as a
checksum when it places numbers a layout leaves open (parse/checksum.py), so the checks sit below it.
Every `import` and `from … import` counts, also those inside functions: a lazy import is still a dependency.
There is no exceptions list.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dashboard"

LAYERS: list[set[str]] = [
    {"__init__", "errors", "limits", "settings", "text", "catalogue"},
    {"readers"},
    {"checks"},
    {"parse"},
    {"registry"},
    {"store"},
    {"review"},
    {"ingest"},
    {"queries", "scope"},
    {"charts"},
    {"pages", "export", "cli", "serve", "serve_process", "web_app", "web_guard", "app", "synth", "__main__"},
]
LEVEL = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """The dashboard modules one file imports (a `from pkg import name` of a submodule counts as that submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("dashboard")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_pkg else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("dashboard"):
                continue
            subs = {f"{target}.{a.name}" for a in node.names} & known
            found |= subs or {target}
    return {m for m in found if m != module}


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(files)
    graph = {}
    for module, path in files.items():
        deps = set()
        for target in _imports(path, module, known):
            while target not in known and "." in target:  # `from dashboard.x.y import name` → dashboard.x.y
                target = target.rsplit(".", 1)[0]
            if target in known and target != module:
                deps.add(target)
        graph[module] = deps
    return graph


def test_every_room_has_a_place_in_the_order() -> None:
    rooms = {_room(m) for m in _graph()}
    assert rooms <= set(LEVEL), f"rooms with no place in the import order: {sorted(rooms - set(LEVEL))}"


def test_no_room_imports_a_room_above_it() -> None:
    upward = []
    for module, deps in _graph().items():
        for dep in deps:
            if LEVEL[_room(dep)] > LEVEL[_room(module)]:
                upward.append(f"{module} → {dep}")
    assert not upward, "imports that go up the order:\n" + "\n".join(sorted(upward))


def test_the_parser_imports_nothing_of_the_store_ingest_review_pages_or_export() -> None:
    forbidden = {"store", "ingest", "review", "pages", "export", "registry", "queries", "cli", "charts", "scope"}
    bad = [f"{m} → {d}" for m, deps in _graph().items() if _room(m) in ("parse", "readers")
           for d in deps if _room(d) in forbidden]
    assert not bad, "\n".join(sorted(bad))


def test_pages_take_table_layouts_from_the_labels_catalogue_not_the_parser() -> None:
    bad = [f"{m} → {d}" for m, deps in _graph().items() if _room(m) == "pages" for d in deps
           if _room(d) in ("parse", "readers")]
    assert not bad, "\n".join(sorted(bad))


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_modules_import_each_other_in_a_circle() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, "import circle: " + " → ".join(cycle or [])


def test_no_rooms_import_each_other_in_a_circle() -> None:
    rooms: dict[str, set[str]] = {}
    for module, deps in _graph().items():
        rooms.setdefault(_room(module), set()).update(_room(d) for d in deps if _room(d) != _room(module))
    cycle = _cycle(rooms)
    assert cycle is None, "rooms in a circle: " + " → ".join(cycle or [])
