"""Module names from file places, and the ways a script can be launched.

Uvicorn imports an import string's module through the launching process's
`sys.path`: `python pkg/main.py` puts `pkg/` first, `python -m pkg.main` puts
the current folder first (uvicorn-facts.md, "Import strings"). A name that
works for one launch fails for the other, so every answer here is per launch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import config as config_module
from . import still_files

_PYTHONPATH_ASSIGNMENT = re.compile(r"^[ \t]*(?:export[ \t]+)?PYTHONPATH[ \t]*=", re.MULTILINE)


def env_file_sets_pythonpath(path: Path, record: Callable[[Path], None]) -> bool | None:
    """Whether a dotenv file loaded at launch (`pipenv run`, `uv run --env-file`, VS Code's envFile, a
    task runner's env file) sets PYTHONPATH, which puts more folders on sys.path; None when it cannot be read.
    `record` gets the path: the answer changes with the file."""
    record(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):  # ValueError: a NUL in a path taken from a command line
        return None
    return _PYTHONPATH_ASSIGNMENT.search(text) is not None


def shell_sets_pythonpath(folder: Path, root: Path, record: Callable[[Path], None]) -> bool:
    """Whether the developer's shell in `folder` may have PYTHONPATH set by the project: direnv's nearest
    `.envrc` (up to `root`) exporting it, itself or through the `.env` its `dotenv` line loads."""
    for place in (folder, *folder.parents):
        envrc = place / ".envrc"
        record(envrc)
        if envrc.is_file():
            if env_file_sets_pythonpath(envrc, record) is not False:
                return True
            dotenv = place / ".env"
            try:
                loads_dotenv = re.search(r"^\s*dotenv\b", envrc.read_text(errors="replace"), re.MULTILINE)
            except (OSError, ValueError):
                return True
            return bool(loads_dotenv) and dotenv.is_file() and env_file_sets_pythonpath(dotenv, record) is not False
        if place == root or not place.is_relative_to(root):
            return False
    return False


def importable_part(part: str) -> bool:
    """importlib finds `my-app.py` as module "my-app" (only `import` statements need
    identifiers); a dot would split the name and uvicorn splits strings at the colon; a folder's
    listing, which importlib looks names up in, never holds a `/` (`app/main` is not found)."""
    return bool(part) and not any(char in part for char in ".:/") and not part.isspace()


def package_root(path: Path) -> Path:
    """The folder above the outermost package holding `path` (its own folder if none)."""
    folder = path.parent
    while still_files.is_file(folder, "__init__.py") and folder.parent != folder:
        folder = folder.parent
    return folder


def package_markers(path: Path) -> list[Path]:
    """The `__init__.py` files `package_root` looks at for `path`, the first missing one
    included: creating or deleting any of them changes the module names and launches."""
    markers = []
    folder = path.parent
    while folder.parent != folder:
        markers.append(folder / "__init__.py")
        if not still_files.is_file(folder, "__init__.py"):
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
    if not parts or not all(importable_part(part) for part in parts):
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
    # A folder the launch needs on PYTHONPATH (an IDE's content root): only such a launch runs a script
    # whose own imports name the project's package from inside it.
    pythonpath: Path | None = None

    def with_pythonpath(self, folder: Path, shown: str) -> Launch:
        return Launch(self.kind, f"PYTHONPATH={shown} {self.command}", self.root, folder)

    def run_in(self, folder: Path, script: Path) -> Launch:
        """The launch of `script` run in `folder` with that folder on PYTHONPATH, written as typed there
        (`PYTHONPATH=. python app/main.py` in backend/)."""
        return Launch(self.kind, f"PYTHONPATH=. python {relative_text(script, folder)}", self.root, folder)


def launches(script: Path, workspace_root: Path | None) -> list[Launch]:
    """How `script` can be started: `-m` from above its package, `-m` from the folder above
    its own folder when that has no `__init__.py` and from the workspace root when that is
    another folder (folders without `__init__.py` are namespace packages there), and as a
    script; module launches first."""
    outermost_package_root = package_root(script)
    display_base = workspace_root or outermost_package_root
    script_launch = Launch("script", f"python {relative_text(script, display_base)}", script.parent)
    # A file's own folder without `__init__.py` is a namespace package from the folder above it as well
    # (`python -m app.main` in backend/ for backend/app/main.py), not only from the workspace root.
    folder_above = script.parent.parent
    namespace_root = (
        folder_above
        if outermost_package_root == script.parent
        and workspace_root is not None
        and folder_above.is_relative_to(workspace_root)
        else None
    )
    found = []
    for root in dict.fromkeys(r for r in (outermost_package_root, namespace_root, workspace_root) if r is not None):
        dotted = module_name(script, root)
        if root == script.parent or dotted is None:
            continue
        found.append(Launch("module", f"python -m {dotted.removesuffix('.__main__')}", root))
    return [*found, script_launch]


def is_namespace_launch(launch: Launch, script: Path) -> bool:
    """A `-m` launch through folders without `__init__.py`: possible, rarely the intent."""
    return launch.kind == "module" and launch.root != package_root(script)


def relative_text(path: Path, base: Path) -> str:
    """`path` as written from `base` (POSIX separators), or whole when it is not below it."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def prefers_module_launch(script: Path, imported_modules: Iterable[str], module_launch: Launch | None) -> bool:
    """Signs that the file runs with `-m` (or as an installed entry point): it is a
    `__main__.py`, uses relative imports, imports its own package by its full name
    (which `python pkg/main.py` cannot resolve unless the package is installed, and
    then the full name works for every launch), or a `[project.scripts]` entry point
    leads into its package."""
    if module_launch is None:
        return False
    return script.name == "__main__.py" or imports_show_module_launch(script, imported_modules, module_launch)


def imports_show_module_launch(script: Path, imported_modules: Iterable[str], module_launch: Launch) -> bool:
    """The signs of `prefers_module_launch` in what the file imports (or a `[project.scripts]` entry point):
    unlike a `__main__.py`'s name, they also tell from which folder `-m` runs it."""
    imported = list(imported_modules)
    if any(name.startswith(".") for name in imported):
        return True
    top_package = module_launch.command.split()[-1].split(".")[0]
    if any(name.split(".")[0] == top_package for name in imported):
        return True
    return any(
        target.split(":")[0].split(".")[0] == top_package
        for target in config_module.project_scripts(script.parent).values()
    )
