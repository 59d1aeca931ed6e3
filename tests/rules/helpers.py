"""Apply a rule's fix to a project file and check the result again."""

from __future__ import annotations

from collections.abc import Callable

from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.model import Finding, Fix

from ..conftest import Project, apply_edits


def apply_fix(project: Project, relative: str, fix: Fix, code: str, settings: Settings | None = None) -> str:
    """Write the fixed file and return its text; fails when it does not compile or `code` still fires."""
    path = project.root / relative
    # Bytes, not text mode: the line breaks the file has are part of what is checked.
    fixed = apply_edits(path.read_bytes().decode("utf-8"), fix.edits)
    compile(fixed, relative, "exec")
    path.write_bytes(fixed.encode("utf-8"))
    remaining = project.check(relative, settings, codes=(code,))
    assert not remaining, f"{code} still reported after the fix:\n{fixed}\n{remaining}"
    return fixed


def rule_findings(code: str, default_settings: Settings | None = None) -> Callable[..., list[Finding]]:
    """A rule test file's `findings(project, text, settings=None, name="main.py")`: write `text` as
    `name` in the project and return the findings of rule `code` there."""

    def findings(project: Project, text: str, settings: Settings | None = None, name: str = "main.py") -> list[Finding]:
        project.write(name, text)
        return project.check(name, settings or default_settings, codes=(code,))

    return findings
