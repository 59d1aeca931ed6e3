"""What the project's folders and requirement files say, beyond its Python code.

A package the project declares (requirements files, pyproject.toml, Pipfile, setup files) is installed
wherever the project is deployed, even when the analysed environment (a CI runner, an editor's
interpreter) lacks it: its absence there says nothing about a launch.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

_REQUIREMENT_FILE = re.compile(r"^(?:requirements.*\.(?:txt|in)|pyproject\.toml|Pipfile|setup\.cfg|setup\.py)$", re.I)
_NOT_PROJECT_FOLDERS = frozenset({"venv", "node_modules", "__pycache__", "site-packages"})
_LARGEST_FILE = 1_000_000  # bytes: a requirements file is small; anything larger is not read


def project_folders(root: Path, depth: int = 2) -> list[Path]:
    """The workspace's folders `depth` levels down at most, hidden and environment folders left out."""
    folders: list[Path] = []
    level = [root]
    for _ in range(depth):
        below: list[Path] = []
        for folder in level:
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            below.extend(
                Path(entry.path)
                for entry in entries
                if entry.is_dir() and not entry.name.startswith(".") and entry.name not in _NOT_PROJECT_FOLDERS
            )
        folders.extend(below)
        level = below
    return folders


def _requirement_files(folder: Path) -> list[Path]:
    try:
        return [
            Path(entry.path) for entry in os.scandir(folder) if entry.is_file() and _REQUIREMENT_FILE.match(entry.name)
        ]
    except OSError:
        return []


def _declaration(distribution: str) -> re.Pattern[str]:
    """`uvloop` as a requirement (`uvloop==0.19`, `"uvloop>=0.19"`, `uvloop = "*"`), or, for
    `uvicorn[standard]`, uvicorn with that extra (`uvicorn[standard]`, Poetry's `extras = ["standard"]`)."""
    name, _, extra = distribution.partition("[")
    # PEP 503: `-`, `_` and `.` are one separator (a name holds only letters, digits and these).
    words = re.sub(r"[-_.]+", "[-_.]+", name)
    if not extra:
        return re.compile(rf"(?<![\w.-]){words}(?![\w-])", re.I)
    extra = re.escape(extra.rstrip("]"))
    return re.compile(rf"(?<![\w.-]){words}\s*(?:\[[^\]\n]*\b{extra}\b|[^\n]*extras\s*=\s*\[[^\]\n]*\b{extra}\b)", re.I)


def declares(root: Path, start: Path, distributions: tuple[str, ...], record: Callable[[Path], None]) -> bool:
    """Whether a requirement file of the project declares one of `distributions`: in `start`'s folder and
    those above it up to `root`, or two levels down from `root` at most (a service's own requirements)."""
    folders = [start, *(parent for parent in start.parents if parent.is_relative_to(root))]
    folders += project_folders(root)
    patterns = [_declaration(distribution) for distribution in distributions]
    for folder in dict.fromkeys(folders):
        for path in _requirement_files(folder):
            record(path)
            try:
                if path.stat().st_size > _LARGEST_FILE:
                    continue
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
            if any(pattern.search(line) for line in lines for pattern in patterns):
                return True
    return False
