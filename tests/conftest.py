"""Shared helpers: build a project on disk and run the engine on it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.model import Finding, TextEdit
from uvicorn_lsp.engine.workspace import Workspace


class Project:
    """A throw-away project folder: `write` files, `check` one of them."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, text: str = "") -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def check(
        self, relative: str, settings: Settings | None = None, codes: tuple[str, ...] | None = None
    ) -> list[Finding]:
        workspace = Workspace(self.root, settings)
        result = checker.check_file(self.root / relative, workspace)
        findings = result.findings
        if codes is not None:
            findings = [f for f in findings if f.code in codes]
        return findings

    def result(self, relative: str, settings: Settings | None = None) -> checker.CheckResult:
        return checker.check_file(self.root / relative, Workspace(self.root, settings))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def apply_edits(text: str, edits: tuple[TextEdit, ...] | list[TextEdit]) -> str:
    """Apply engine edits (0-based lines, code-point columns) back to front."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(position) -> int:
        return offsets[position.line] + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start, e.range.end), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text
