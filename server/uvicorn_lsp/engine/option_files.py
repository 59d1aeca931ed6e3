"""Files that launch options name (`ssl_certfile`, `env_file`, ...): where they are and what they start with."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .launch import Option
from .layout import package_markers, package_root
from .workspace import Workspace

_MAX_READ = 1_000_000


class FileLookup(Protocol):
    """What finding a named file needs of a check: the checked file, the workspace, and dependency tracking."""

    @property
    def workspace(self) -> Workspace: ...

    def checked_path(self) -> Path | None: ...

    def depends_on(self, path: Path | None) -> None: ...


def referenced_file(lookup: FileLookup, option: Option) -> tuple[str, Path | None] | None:
    """For an option that names one file by a known string: the name, and the file if found.

    uvicorn opens it relative to the working directory, which is not known here:
    an absolute path, else in a folder the analysed file may be started in (`start_folders`).
    A found file is recorded as a dependency so editors check again when it changes."""
    value = option.value
    names = set(value.candidates or ()) if value.all(lambda candidate: isinstance(candidate, str)) else set()
    if len(names) != 1:
        return None
    name = names.pop()
    path = Path(name).expanduser()
    candidates = [path] if path.is_absolute() else [folder / path for folder in start_folders(lookup)]
    for candidate in candidates:
        if candidate.is_file():
            lookup.depends_on(candidate)
            return name, candidate
    return name, None


def start_folders(lookup: FileLookup) -> list[Path]:
    """The folders the analysed file may run in: its own (`python main.py`), the one above its outermost package
    (`python -m app.main` in backend/ for backend/app/main.py, the only start where such a file's `app.main`
    imports load) and the workspace root."""
    checked = lookup.checked_path()
    if checked is None:
        return [lookup.workspace.root]
    for marker in package_markers(checked):
        lookup.depends_on(marker)  # an `__init__.py` made or deleted moves the package's top
    return list(dict.fromkeys([checked.parent, package_root(checked), lookup.workspace.root]))


def read_text_start(path: Path) -> str | None:
    """The beginning of a text file (enough for PEM headers or a .env file); None when unreadable."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as stream:
            return stream.read(_MAX_READ)
    except (OSError, ValueError):  # ValueError: a NUL in a path taken from a command line
        return None
