"""`check` on Jupyter notebooks: the code cells go through the engine as one document, findings
are shown per cell as ruff shows them (`nb.ipynb:cell 3:2:5: ...`, JSON with a `"cell"` field and
rows inside the cell), and `--fix` writes the fixed cells back in the file's own JSON layout."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from ..engine.discovery import NOTEBOOK_SUFFIX, Workspaces
from ..engine.model import Finding, Position, Problem, ProblemKind, Range
from .file_check import FileResult, Mode

if TYPE_CHECKING:
    # Imported where a notebook is read: the output of a run without notebooks needs neither it nor json.
    from ..engine.notebooks import Notebook

# Notebooks read for output, by path: (modification time, size) → the parsed notebook.
_READ: dict[str, tuple[tuple[int, int], Notebook | None]] = {}


def is_notebook(path: str | None) -> TypeGuard[str]:
    return path is not None and path.endswith(NOTEBOOK_SUFFIX)


def check_notebook(path: str, root: str, data: bytes, mode: Mode, workspaces: Workspaces) -> FileResult:
    """One notebook through the engine; never raises (as runner.check_one)."""
    from ..engine import checker, fixing
    from ..engine.notebooks import Notebook, NotebookError
    from ..rules import ALL_RULES

    try:
        notebook = Notebook(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, NotebookError) as error:
        return FileResult(path, problems=[Problem(f"cannot read as a notebook: {error}", path)])
    file_path = Path(os.path.abspath(path))
    workspace = workspaces.for_root(root)
    try:
        if mode.fix:
            outcome = fixing.fix_text(
                notebook.document, file_path, workspace, ALL_RULES, mode.unsafe_fixes, mode.timeout
            )
            fixed = notebook.with_document(outcome.text) if outcome.applied else None
            return FileResult(
                path,
                outcome.findings,
                outcome.problems,
                fixed,
                outcome.applied,
                tuple(str(dependency) for dependency in outcome.dependencies),
                outcome.timed_out,
            )
        result = checker.check_text(notebook.document, file_path, workspace, ALL_RULES, budget_seconds=mode.timeout)
        return FileResult(
            path,
            [finding for finding in result.findings if finding.code != checker.TIMEOUT_CODE],
            result.problems,
            dependencies=tuple(str(dependency) for dependency in result.dependencies),
            timed_out=result.timed_out,
        )
    except NotebookError as error:
        return FileResult(path, problems=[Problem(f"fixes not written: {error}", path)])
    except Exception as error:  # one file must not take the run down
        return FileResult(
            path, problems=[Problem(f"internal error while checking: {error!r}", path, ProblemKind.INTERNAL_ERROR)]
        )


def text_location(path: str | None, position: Position) -> str:
    """`row:column`, or for a notebook `cell N:row:column` inside the cell (1-based)."""
    located = _locate(path, position)
    if located is None:
        return f"{position.line + 1}:{position.character + 1}"
    cell, inside = located
    return f"cell {cell}:{inside.line + 1}:{inside.character + 1}"


def relocate_json(path: str | None, entry: dict, finding: Finding) -> dict:
    """A finding's JSON entry with rows and columns inside its notebook cell and a `"cell"` field (ruff's shape)."""
    start = _locate(path, finding.range.start)
    if start is None:
        return entry
    entry["cell"] = start[0]
    for key, position in (("location", finding.range.start), ("end_location", finding.range.end)):
        entry[key] = _json_position(path, position)
    if entry.get("fix") and finding.best_fix is not None:
        for edit_entry, edit in zip(entry["fix"]["edits"], finding.best_fix.edits, strict=True):
            edit_entry["location"] = _json_position(path, edit.range.start)
            edit_entry["end_location"] = _json_position(path, edit.range.end)
    return entry


def file_range(path: str | None, where: Range) -> Range | None:
    """For a notebook on disk, where a finding's range is written in its JSON (line 1 when that is not known, as
    ruff places it); None for other files."""
    if path is None or not is_notebook(path):
        return None
    notebook = _read(path)
    found = notebook.file_range(where) if notebook is not None else None
    return found if found is not None else Range(Position(0, 0), Position(0, 0))


def _json_position(path: str | None, position: Position) -> dict:
    located = _locate(path, position)
    inside = located[1] if located is not None else position
    return {"row": inside.line + 1, "column": inside.character + 1}


def _locate(path: str | None, position: Position) -> tuple[int, Position] | None:
    """(1-based cell number, position in the cell) for a notebook on disk; None for other files."""
    if path is None or not is_notebook(path):
        return None
    notebook = _read(path)
    located = notebook.locate(position) if notebook is not None else None
    return None if located is None else (located[0].number, located[1])


def _read(path: str) -> Notebook | None:
    from ..engine.notebooks import Notebook, NotebookError

    try:
        stat = os.stat(path)
        key = (stat.st_mtime_ns, stat.st_size)
        cached = _READ.get(path)
        if cached is None or cached[0] != key:
            with open(path, "rb") as file:
                cached = (key, Notebook(file.read().decode("utf-8-sig")))
            _READ[path] = cached
        return cached[1]
    except (OSError, UnicodeDecodeError, NotebookError):
        return None
