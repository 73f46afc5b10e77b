"""The layout stays as docs/architecture.md draws it: no import cycle, small modules, packages instead of prefixes."""
from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOMAINS = ("app", "live", "orders", "analytics")
MAX_LINES = 300
# The one-way arrows: a domain may import only what these prefixes name (its own package aside).
ALLOWED = {
    "live": ("app.", "orders."),
    "orders": ("app.", "live.models", "live.moderation.models"),
    "analytics": ("app.", "live.models", "orders.models", "orders.aftersales.models"),
}
# The composition root binds the domains together: the factory, the model registry, the CLI, the OpenAPI builder
# and the demo (which seeds and drives every domain, and is not used by the product).
COMPOSITION_ROOT = {"app", "app.models", "app.cli", "app.openapi.spec"}
COMPOSITION_PACKAGES = ("app.demo",)


def product_modules() -> dict[str, Path]:
    """Return {dotted module name: path} of every Python module of the product."""
    modules = {}
    for domain in DOMAINS:
        for path in sorted((ROOT / domain).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Return the product modules that module name imports anywhere in its file (inside functions too)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in modules:
                    found.add(target)
                elif base in modules and not _compiled(modules[base], alias.name):
                    found.add(base)
    found.discard(name)
    return found


def _compiled(package: Path, name: str) -> bool:
    """Return True when name is a compiled module inside package (built from C, no .py of its own)."""
    folder = package.parent if package.name == "__init__.py" else None
    return folder is not None and (folder / f"{name}.c").exists()


def import_graph() -> dict[str, set[str]]:
    """Return the import graph of the product's modules."""
    modules = product_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.slow
def test_no_product_module_takes_part_in_an_import_cycle_counting_imports_inside_functions():
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.slow
def test_dependencies_point_one_way_live_to_orders_to_app():
    wrong = []
    for name, targets in import_graph().items():
        domain = name.split(".")[0]
        if domain == "app" and name not in COMPOSITION_ROOT and not name.startswith(COMPOSITION_PACKAGES):
            wrong += [(name, t) for t in targets if t.split(".")[0] != "app"]
        elif domain in ALLOWED:
            allowed = ALLOWED[domain]
            wrong += [(name, t) for t in targets
                      if t.split(".")[0] != domain and not any(t == a or t.startswith(a) for a in allowed)]
    assert wrong == []


def test_no_product_module_is_over_300_lines():
    long = {str(path.relative_to(ROOT)): n for path in product_modules().values()
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_no_folder_holds_three_modules_sharing_a_word_prefix():
    crowded = []
    folders = {path.parent for path in product_modules().values()}
    for folder in folders:
        prefixes = Counter(m.group(1) for path in folder.glob("*.py")
                           if (m := re.match(r"([a-z]+)_", path.stem)) and not path.stem.startswith("_"))
        crowded += [f"{folder.relative_to(ROOT)}/{prefix}_*" for prefix, count in prefixes.items() if count >= 3]
    assert crowded == []
