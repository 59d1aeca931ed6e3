"""Launches of a command file written into a throw-away project."""

from __future__ import annotations

from pathlib import Path

from uvicorn_lsp.engine import commands
from uvicorn_lsp.engine.launch import Launch
from uvicorn_lsp.engine.model import Range
from uvicorn_lsp.engine.workspace import Workspace

from ...conftest import Project


def launches(project: Project, relative: str) -> list[Launch]:
    path = project.root / relative
    kind = commands.source_kind(path, path.read_bytes()[: commands.SNIFF_BYTES])
    assert kind is not None, relative
    workspace = Workspace(project.root)
    settings, _ = workspace.settings_for(path)
    return commands.context_for(kind, path.read_text(encoding="utf-8"), path, workspace, settings).launches


def text_at(project: Project, relative: str, where: Range) -> str:
    """The file's text in a range (one line)."""
    assert where.start.line == where.end.line, where
    line = (project.root / relative).read_text(encoding="utf-8").split("\n")[where.start.line]
    return line[where.start.character : where.end.character]


def roots(launch: Launch) -> list[tuple[Path, ...]]:
    return [path.roots[:1] for path in launch.search_paths]
