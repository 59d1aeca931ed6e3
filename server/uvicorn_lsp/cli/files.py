"""Which files `check` reads, and the workspace each belongs to."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from ..engine.workspace import Workspace

SKIPPED_FOLDERS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
    ".tox", ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages",
})
_ROOT_MARKERS = ("pyproject.toml", ".git", "setup.py", "setup.cfg")


def iter_python_files(paths: list[Path]) -> Iterator[Path]:
    """Files named on the command line as they are; folders walked for *.py and *.pyi."""
    for path in paths:
        if path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_FOLDERS)
                for name in sorted(names):
                    if name.endswith((".py", ".pyi")):
                        yield Path(folder, name)
        else:
            yield path


def project_root(path: Path) -> Path:
    """The nearest folder above `path` that looks like a project, else the current folder."""
    start = path.resolve()
    for folder in (start if start.is_dir() else start.parent, *start.parents):
        if any((folder / marker).exists() for marker in _ROOT_MARKERS):
            return folder
    return Path.cwd()


class Workspaces:
    """One Workspace per project root, shared by every file under it."""

    def __init__(self, client_settings):
        self._client_settings = client_settings
        self._by_root: dict[Path, Workspace] = {}

    def for_file(self, path: Path) -> Workspace:
        root = project_root(path)
        if root not in self._by_root:
            self._by_root[root] = Workspace(root, self._client_settings)
        return self._by_root[root]
