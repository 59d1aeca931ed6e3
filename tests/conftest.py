"""Shared helpers: build a project on disk and run the engine on it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.model import Finding, ProblemKind, Range, TextEdit
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES


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
        result = checker.check_file(self.root / relative, workspace, ALL_RULES)
        # The checker keeps a failing rule from hiding the others, which would hide it from these tests too.
        crashes = [problem.message for problem in result.problems if problem.kind is ProblemKind.INTERNAL_ERROR]
        assert not crashes, crashes
        findings = result.findings
        if codes is not None:
            findings = [f for f in findings if f.code in codes]
        return findings

    def result(self, relative: str, settings: Settings | None = None) -> checker.CheckResult:
        return checker.check_file(self.root / relative, Workspace(self.root, settings), ALL_RULES)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def text_edit(start: tuple[int, int], end: tuple[int, int], text: str) -> TextEdit:
    """An engine edit from (line, character) pairs."""
    return TextEdit(Range.of(start, end), text)


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


@pytest.fixture(autouse=True)
def findings_keep_their_rule_promises(monkeypatch):
    """Every finding any test produces in-process: its fixes' applicabilities are among those
    its rule declares, a rule that never fixes offers none (ruff's FixAvailability), and its
    message fits in MESSAGE_LIMIT characters (the rule page holds the longer explanation)."""
    from uvicorn_lsp.engine.rule import MESSAGE_LIMIT, FixAvailability
    from uvicorn_lsp.rules import RULES_BY_CODE

    real_check_text = checker.check_text
    wrong: list[str] = []

    def check_text(*args, **kwargs):
        result = real_check_text(*args, **kwargs)
        for finding in result.findings:
            rule = RULES_BY_CODE[finding.code]
            for fix in finding.fixes:
                if fix.applicability not in rule.fix_applicabilities:
                    wrong.append(f"{finding.code} emitted a {fix.applicability.value} fix: {fix.title}")
            if rule.fix_availability is FixAvailability.ALWAYS and not finding.fixes:
                wrong.append(f"{finding.code} always has a fix, but gave none: {finding.message}")
            if len(finding.message) > MESSAGE_LIMIT:
                wrong.append(f"{finding.code} message of {len(finding.message)} characters: {finding.message}")
        return result

    monkeypatch.setattr(checker, "check_text", check_text)
    yield
    assert not wrong, "findings that break their rule's promises:\n" + "\n".join(wrong)
