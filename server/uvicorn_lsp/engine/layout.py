"""Module names from file places, and the ways a script can be launched.

Uvicorn imports an import string's module through the launching process's
`sys.path`: `python pkg/main.py` puts `pkg/` first, `python -m pkg.main` puts
the current folder first (uvicorn-facts.md, "Import strings"). A name that
works for one launch fails for the other, so every answer here is per launch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import config as config_module

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def package_root(path: Path) -> Path:
    """The folder above the outermost package holding `path` (its own folder if none)."""
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def package_markers(path: Path) -> list[Path]:
    """The `__init__.py` files `package_root` looks at for `path`, the first missing one
    included: creating or deleting any of them changes the module names and launches."""
    markers = []
    folder = path.parent
    while folder.parent != folder:
        markers.append(folder / "__init__.py")
        if not markers[-1].is_file():
            break
        folder = folder.parent
    return markers


def module_name(path: Path, root: Path) -> str | None:
    """Dotted module name of `path` when `root` is on sys.path, else None."""
    try:
        relative = path.with_suffix("").relative_to(root)
    except ValueError:
        return None
    parts = list(relative.parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(_IDENTIFIER.match(part) for part in parts):
        return None
    return ".".join(parts)


def full_module_name(path: Path) -> str | None:
    """The name the module has when its top package is importable (`-m`, installed)."""
    return module_name(path, package_root(path))


@dataclass(frozen=True)
class Launch:
    """One way to start the file that calls uvicorn."""

    kind: str  # "script" or "module"
    command: str  # e.g. "python pkg/main.py"
    root: Path  # the folder it puts first on sys.path


def launches(script: Path, workspace_root: Path | None) -> list[Launch]:
    """How `script` can be started: as a script, and with `-m` when it sits in a package."""
    display_base = workspace_root or package_root(script)
    script_launch = Launch("script", f"python {_relative(script, display_base)}", script.parent)
    top = package_root(script)
    if top == script.parent:
        return [script_launch]
    dotted = module_name(script, top)
    if dotted is None:
        return [script_launch]
    if dotted.endswith(".__main__"):
        dotted = dotted.removesuffix(".__main__")
    return [Launch("module", f"python -m {dotted}", top), script_launch]


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def prefers_module_launch(script: Path, imported_modules: Iterable[str]) -> bool:
    """Signs that the file runs with `-m` (or as an installed entry point): it is a
    `__main__.py`, uses relative imports, imports its own package by its full name
    (which `python pkg/main.py` cannot resolve unless the package is installed, and
    then the full name works for every launch), or a `[project.scripts]` entry
    point leads into its package."""
    if script.name == "__main__.py":
        return True
    imported = list(imported_modules)
    if any(name.startswith(".") for name in imported):
        return True
    dotted = full_module_name(script)
    if not dotted or "." not in dotted:
        return False
    top_package = dotted.split(".")[0]
    if any(name.split(".")[0] == top_package for name in imported):
        return True
    return any(
        target.split(":")[0].split(".")[0] == top_package
        for target in config_module.project_scripts(script.parent).values()
    )
