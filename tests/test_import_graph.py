"""The package's import graph: no circle, and the layers (engine below rules below the fronts) hold.

Every `import`/`from ... import` statement counts wherever it stands: module level, inside a function,
under `if TYPE_CHECKING:`. An edge goes to the module an import names (`from .x import y` to `x`, or
to `x.y` when that is a submodule); the parent packages Python runs on the way are not edges, as a
package that imports its own submodules is no circle."""

from __future__ import annotations

import ast
from pathlib import Path

import uvicorn_lsp

PACKAGE = Path(uvicorn_lsp.__file__).parent
FRONTS = ("rules", "lsp", "cli")


def module_files(root: Path) -> dict[str, Path]:
    """Every module of the package at `root` by dotted name; a package by its own name."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """The module's import statements as (absolute module, names taken from it): `import a.b` is
    ("a.b", ()), `from .x import y, z` in package `p` is ("p.x", ("y", "z"))."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                if node.level - 1 >= len(parts):
                    found.append(("." * node.level + base, ()))  # past the top-level package
                    continue
                base = ".".join([*parts[: len(parts) - (node.level - 1)], *([base] if base else [])])
            found.append((base, tuple(alias.name for alias in node.names)))
    return found


def import_graph(root: Path) -> tuple[dict[str, set[str]], list[str]]:
    """Module -> the package's modules it imports, and the imports naming a module of the package
    that does not exist (`module: name`). `from a import b` is an edge to `a.b` when that is a
    submodule, else to `a` (where `b` is bound)."""
    files = module_files(root)
    graph: dict[str, set[str]] = {module: set() for module in files}
    unresolved: list[str] = []
    for module, path in files.items():
        for base, names in _imports(module, path):
            if base != root.name and not base.startswith((root.name + ".", ".")):
                continue  # another package's module
            submodules = {f"{base}.{name}" for name in names if f"{base}.{name}" in files}
            # A name that is no submodule is bound in `base`, which is then imported itself.
            targets = submodules if names and len(submodules) == len(names) else submodules | {base}
            for target in targets:
                if target not in files:
                    unresolved.append(f"{module}: {target}")
                elif target != module:
                    graph[module].add(target)
    return graph, sorted(unresolved)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None when the graph has none."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(module: str) -> list[str] | None:
        path.append(module)
        on_path.add(module)
        for imported in sorted(graph.get(module, ())):
            if imported in on_path:
                return [*path[path.index(imported) :], imported]
            if imported not in done:
                cycle = visit(imported)
                if cycle is not None:
                    return cycle
        path.pop()
        on_path.discard(module)
        done.add(module)
        return None

    for module in sorted(graph):
        if module not in done:
            cycle = visit(module)
            if cycle is not None:
                return cycle
    return None


def _layer(module: str) -> str:
    """ "engine", "rules", "lsp", "cli" or "" for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_rule_module(module: str) -> bool:
    """rules/uviNNN_*.py; rules/app_object.py and the registry are helpers, not rules."""
    parts = module.split(".")
    return len(parts) == 3 and parts[1] == "rules" and parts[2].startswith("uvi")


def layering_violations(graph: dict[str, set[str]]) -> list[str]:
    """The engine importing a front or the rules, and a rule module importing another rule module."""
    violations = []
    for module, imported in sorted(graph.items()):
        for target in sorted(imported):
            if _layer(module) == "engine" and _layer(target) in FRONTS:
                violations.append(f"{module} (engine) imports {target}")
            if _is_rule_module(module) and _is_rule_module(target):
                violations.append(f"{module} (a rule) imports the rule {target}")
    return violations


# -- the package ---------------------------------------------------------------------
def test_the_package_has_no_import_circle():
    graph, _ = import_graph(PACKAGE)
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_engine_imports_no_front_and_no_rule_imports_another():
    graph, _ = import_graph(PACKAGE)
    assert layering_violations(graph) == []


def test_every_import_of_the_package_names_one_of_its_modules():
    _, unresolved = import_graph(PACKAGE)
    assert unresolved == []


def test_the_walk_covers_the_package():
    graph, _ = import_graph(PACKAGE)
    # Guards against a walk that finds nothing and so passes the tests above.
    assert {"uvicorn_lsp.engine.checker", "uvicorn_lsp.lsp.server", "uvicorn_lsp.cli.runner"} <= set(graph)
    assert "uvicorn_lsp.engine.rule" in graph["uvicorn_lsp.rules"]


# -- the checks themselves can fail -----------------------------------------------------------
def test_find_cycle_reports_a_circle_and_passes_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_layering_violations_are_named():
    graph = {
        "uvicorn_lsp.engine.context": {"uvicorn_lsp.rules.uvi001_x", "uvicorn_lsp.engine.model"},
        "uvicorn_lsp.engine.checker": {"uvicorn_lsp.lsp.server"},
        "uvicorn_lsp.rules.uvi002_y": {"uvicorn_lsp.rules.uvi001_x", "uvicorn_lsp.rules.app_object"},
        "uvicorn_lsp.rules.app_object": {"uvicorn_lsp.engine.model"},
    }
    assert layering_violations(graph) == [
        "uvicorn_lsp.engine.checker (engine) imports uvicorn_lsp.lsp.server",
        "uvicorn_lsp.engine.context (engine) imports uvicorn_lsp.rules.uvi001_x",
        "uvicorn_lsp.rules.uvi002_y (a rule) imports the rule uvicorn_lsp.rules.uvi001_x",
    ]


def test_imports_under_type_checking_in_functions_and_relative_ones_are_edges(tmp_path):
    package = tmp_path / "pkg"
    files = {
        "__init__.py": "",
        "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import Thing\n",
        "b.py": "def later():\n    from . import c\n    from .gone import x\n",
        "c.py": "import pkg.sub.d\nimport json\n",
        "sub/__init__.py": "",
        "sub/d.py": "from ..a import name\nfrom .. import missing\n",
    }
    for relative, text in files.items():
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        (package / relative).write_text(text)
    graph, unresolved = import_graph(package)
    assert graph == {
        "pkg": set(),
        "pkg.a": {"pkg.b"},
        "pkg.b": {"pkg.c"},
        "pkg.c": {"pkg.sub.d"},
        "pkg.sub": set(),
        "pkg.sub.d": {"pkg.a", "pkg"},
    }
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.c", "pkg.sub.d", "pkg.a"]
    assert unresolved == ["pkg.b: pkg.gone"]


def test_the_rules_import_no_yaml_parser():
    """ruamel.yaml (~30 ms) is imported when a YAML file is read, not with the rules: every server start and
    check run paid for it once UVI002 and UVI020 imported compose helpers."""
    import subprocess
    import sys

    probe = "import sys, uvicorn_lsp.lsp.server, uvicorn_lsp.rules; print('ruamel.yaml' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"
