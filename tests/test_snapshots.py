"""Snapshots of what users see: every rule's messages and fixes over its documented example,
and `check --format json examples/shop`. A wording or behaviour change is one reviewed diff:
run `UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py` and read `git diff tests/snapshots`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path, PurePath

import pytest

from uvicorn_lsp.engine import commands
from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.rules import ALL_RULES

from .conftest import Project, apply_edits

SNAPSHOTS = Path(__file__).parent / "snapshots"
REPO = Path(__file__).resolve().parents[1]


def _matches_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1 and review it"
    assert actual == path.read_text(encoding="utf-8")


def _render(project: Project, relative: str, code: str) -> str:
    """Each finding of `code`: position, severity, message, and every fix with its result."""
    text = (project.root / relative).read_text(encoding="utf-8")
    lines = []
    for finding in project.check(relative, Settings(select=[code]), codes=(code,)):
        start, end = finding.range.start, finding.range.end
        lines.append(
            f"{start.line + 1}:{start.character + 1}-{end.line + 1}:{end.character + 1} "
            f"{finding.severity.label}: {finding.message}"
        )
        for fix in finding.fixes:
            marker = " (preferred)" if fix.preferred else ""
            lines.append(f"  fix [{fix.applicability.value}]{marker}: {fix.title}")
            lines.append(textwrap.indent(apply_edits(text, fix.edits), "    | ", lambda _line: True))
    return "\n".join(lines) + "\n"


def _file_name(example: str) -> str:
    """Where an example lives: a first line `# pkg/main.py[, ...]` names its file, else main.py."""
    first = textwrap.dedent(example).strip().splitlines()[0]
    named = first.removeprefix("# ").split(",")[0].split()[0] if first.startswith("# ") else ""
    return named if named.endswith(".py") or commands.source_kind(PurePath(named)) else "main.py"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_documented_example(rule, tmp_path):
    project = Project(tmp_path)
    if rule.doc.example_module:  # the app the example's command starts
        project.write(_file_name(rule.doc.example_module), rule.doc.example_module)
    example = _file_name(rule.doc.example)
    project.write(example, rule.doc.example)
    rendered = _render(project, example, rule.code)
    assert rendered.strip(), f"{rule.code}'s documented example triggers nothing"
    # The command-line example is checked in the example's project (its module is what the command
    # starts), as a real Dockerfile, Procfile or script of that project is.
    commands = _command_form(project, rule.code, rule.doc.command_example) if rule.doc.command_example else ""
    assert commands.strip() or not rule.doc.command_example, f"{rule.code}'s command-line example triggers nothing"
    fixed = _file_name(rule.doc.use_instead)
    project.write(fixed, rule.doc.use_instead)
    after = _render(project, fixed, rule.code)
    commands_after = _command_form(project, rule.code, rule.doc.command_use_instead)
    assert not commands_after.strip(), f"{rule.code}'s command-line fix still triggers it:\n{commands_after}"
    shown = f"# example\n{rendered}# use instead\n{after}"
    if rule.doc.command_example:
        shown += f"# command-line example\n{commands}# command-line use instead\n{commands_after}"
    _matches_snapshot(f"{rule.code}.txt", shown)


def _command_form(project: Project, code: str, command_file: str) -> str:
    """The findings of `code` in a command-line file written into the project, as `_render` shows them."""
    if not command_file:
        return ""
    name = _file_name(command_file)
    assert name != "main.py", f"{code}: a command-line example's first line names its file (`# Dockerfile`)"
    project.write(name, command_file)
    try:
        return _render(project, name, code)
    finally:
        (project.root / name).unlink()


def test_example_project_json():
    run = subprocess.run(
        [sys.executable, "-m", "uvicorn_lsp", "check", "--format", "json", "examples/shop"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    findings = json.loads(run.stdout)
    for finding in findings:
        finding["filename"] = Path(finding["filename"]).relative_to(REPO).as_posix()
    _matches_snapshot("examples-shop.json", json.dumps(findings, indent=1, ensure_ascii=False) + "\n")
