"""Files that launch options name (`ssl_certfile`, `env_file`, ...): where they are and what they start with."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .launch import Option
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
    an absolute path, else next to the analysed file, else in the workspace root.
    A found file is recorded as a dependency so editors check again when it changes."""
    value = option.value
    names = set(value.candidates or ()) if value.all(lambda candidate: isinstance(candidate, str)) else set()
    if len(names) != 1:
        return None
    name = names.pop()
    path = Path(name).expanduser()
    checked = lookup.checked_path()
    folders = [checked.parent] if checked else []
    candidates = [path] if path.is_absolute() else [folder / path for folder in (*folders, lookup.workspace.root)]
    for candidate in candidates:
        if candidate.is_file():
            lookup.depends_on(candidate)
            return name, candidate
    return name, None


def read_text_start(path: Path) -> str | None:
    """The beginning of a text file (enough for PEM headers or a .env file); None when unreadable."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as stream:
            return stream.read(_MAX_READ)
    except (OSError, ValueError):  # ValueError: a NUL in a path taken from a command line
        return None
