"""Whether a folder holds a file: asked of every folder above each checked file (`__init__.py` for its package
root, `pyproject.toml` for its project, `.git` for its repository), again for every file below the same folders.

A command-line run holds the files still while it checks (`held_still`; a worker process for its whole life,
`hold_still`): the answers are then kept. The language server never calls it: there each question goes to the disk, as files appear while
the user works."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any, TypeVar

# (folder, name) -> the answer, while the files are held still; None: ask the disk each time.
_is_file: dict[tuple[Path, str], bool] | None = None
_exists: dict[tuple[Path, str], bool] | None = None
# Answers computed from those (the nearest pyproject.toml above a folder...), by question.
_derived: dict[Hashable, Any] | None = None
T = TypeVar("T")


def hold_still() -> None:
    """From now on in this process, the files checked and those around them do not change (a worker's life)."""
    global _is_file, _exists, _derived
    if _is_file is None:
        _is_file, _exists, _derived = {}, {}, {}


@contextlib.contextmanager
def held_still() -> Iterator[None]:
    """`hold_still` for the time of a block (one CLI run's checks), the answers forgotten after it."""
    global _is_file, _exists, _derived
    if _is_file is not None:  # already held (a worker): its answers stay
        yield
        return
    hold_still()
    try:
        yield
    finally:
        _is_file = _exists = _derived = None


def is_file(folder: Path, name: str) -> bool:
    """`(folder / name).is_file()`."""
    return _asked(_is_file, folder, name, Path.is_file)


def exists(folder: Path, name: str) -> bool:
    """`(folder / name).exists()`."""
    return _asked(_exists, folder, name, Path.exists)


def _asked(answers: dict[tuple[Path, str], bool] | None, folder: Path, name: str, ask: Callable[[Path], bool]) -> bool:
    if answers is None:
        return ask(folder / name)
    known = answers.get((folder, name))
    if known is None:
        known = answers[(folder, name)] = ask(folder / name)
    return known


def derived(question: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, an answer made of this module's (a walk up the folders): once per question while held still."""
    if _derived is None:
        return compute()
    if question not in _derived:
        _derived[question] = compute()
    return _derived[question]
