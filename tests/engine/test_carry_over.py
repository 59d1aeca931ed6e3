"""A buffer's findings are kept across a keystroke only when a fresh check would find the same: seeded runs
replace lines of every function and class body with code that reaches the launches (a `global`, a route that
changes shared state, a factory's return, a name the check looks up) or does not, and compare the kept result
with a check from scratch after each."""

from __future__ import annotations

import operator
import random
import textwrap
from pathlib import Path

import pytest

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES

from ..fuzz.texts import snippets

MODULE = '''\
import os

import uvicorn
from fastapi import FastAPI

VISITS = []
counter = 0


def create_app():
    """The factory the second launch names."""
    application = FastAPI()
    return application


app = FastAPI()


@app.get("/")
def index():
    return {"visits": len(VISITS)}


def unrelated(items):
    """Nothing refers to this function."""
    total = sum(items)
    doubled = [item * 2 for item in items]
    return total, doubled


class Report:
    """Nor to this class."""

    def rows(self, limit: int = 10):
        values = list(range(limit))
        return values

    def title(self):
        return "report"


def options():
    return {"port": 8001, "log_level": "info"}


if __name__ == "__main__":
    uvicorn.run(app, reload=True)
    uvicorn.run("main:create_app", factory=True, port=int(os.environ.get("PORT", "8000")))
    uvicorn.run("main:app", workers=2, **options())
'''

# Statements put in place of a body line, at its indentation: most reach what the check looks at.
REPLACEMENTS = [
    "pass",
    "value = 1",
    "count = 3",
    "return None",
    "result = compute(1)",
    "print('x')",
    "VISITS.append(1)",
    "global counter",
    "global app",
    "app = FastAPI()",
    "return FastAPI()",
    "return {'port': 8002, 'workers': 4}",
    "uvicorn.run(app, reload=True)",
    "import uvicorn",
    "from fastapi import FastAPI",
    "app.add_middleware(object)",
    "run = uvicorn.run",
    "x = workers  # noqa: UVI003",
    "create_app()",
    "options()",
    "setattr(app, 'x', 1)",
    'os.environ["WORKERS"] = "4"',
]


def project(tmp_path: Path, text: str = MODULE, name: str = "main.py", every_rule: bool = False) -> Path:
    """A project with the module (checking every rule, those off by default too, if asked); returns its path."""
    if every_rule:
        off = ", ".join(f'"{rule.code}"' for rule in ALL_RULES if not rule.on_by_default)
        (tmp_path / "pyproject.toml").write_text(f"[tool.uvicorn-lsp]\nextend-select = [{off}]\n")
    path = tmp_path / name
    path.write_text(text)
    return path


def checked(text: str, path: Path, workspace: Workspace, previous: checker.CheckResult | None = None):
    """The check of an editor's buffer: its text wins over the file's, for import strings too."""
    workspace.open_buffers[path] = text
    return checker.check_text(text, path, workspace, ALL_RULES, use_diff_cache=True, previous=previous)


def fresh(text: str, path: Path) -> list:
    workspace = Workspace(path.parent)
    workspace.open_buffers[path] = text
    return summary(checker.check_text(text, path, workspace, ALL_RULES))


def summary(result: checker.CheckResult) -> list:
    return [(f.code, f.message, f.range, f.severity, f.fixes) for f in result.findings]


def kept(result: checker.CheckResult, previous: checker.CheckResult) -> bool:
    same_length = len(result.findings) == len(previous.findings)
    return bool(previous.findings) and same_length and all(map(operator.is_, result.findings, previous.findings))


def body_lines(text: str) -> list[int]:
    """The lines of a module-level function's or class's body (indented, not a docstring's inside)."""
    return [number for number, line in enumerate(text.split("\n")) if line.startswith("    ") and line.strip()]


def replaced(text: str, number: int, statement: str) -> str:
    lines = text.split("\n")
    line = lines[number]
    lines[number] = line[: len(line) - len(line.lstrip())] + statement
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("old", "new", "keeps"),
    [
        ("total = sum(items)", "total = max(items)", True),  # in a function nothing refers to
        ("values = list(range(limit))", "values = []", True),  # in a method of a class nothing refers to
        ("total = sum(items)", "# total = sum(items)", True),  # a statement commented out
        ("total = sum(items)", "global app", False),  # binds a module-level name
        ("total = sum(items)", "app = 1  # noqa", False),
        ("total = sum(items)", "total = sum(items)\n    extra = 1", False),  # a line added: findings move
        ("total = sum(items)", "total = create_app()", False),  # a name the check looks up
        ("application = FastAPI()", "application = object()", False),  # the factory a launch names
        ('return {"port": 8001', 'return {"port": 8002', False),  # `options` is named at a launch
        ('return {"visits": len(VISITS)}', "VISITS.append(1)", False),  # the route of shared state
        ("total = sum(items)", "import os as system", False),  # the module's import map changes
    ],
)
def test_an_edit_keeps_the_findings_only_where_no_lookup_reaches(tmp_path: Path, old, new, keeps) -> None:
    path = project(tmp_path)
    workspace = Workspace(tmp_path)
    first = checked(MODULE, path, workspace)
    assert first.findings and first.basis is not None
    edited = MODULE.replace(old, new, 1)
    assert edited != MODULE
    second = checked(edited, path, workspace, previous=first)
    assert kept(second, first) is keeps
    assert summary(second) == fresh(edited, path)


def test_a_route_that_changes_shared_state_is_found_after_the_keystroke_that_adds_it(tmp_path: Path) -> None:
    path = project(tmp_path, every_rule=True)
    workspace = Workspace(tmp_path)
    first = checked(MODULE, path, workspace)
    assert "UVI021" not in {finding.code for finding in first.findings}
    second = checked(MODULE.replace('return {"visits": len(VISITS)}', "VISITS.append(1)"), path, workspace, first)
    assert "UVI021" in {finding.code for finding in second.findings}


def test_nothing_is_kept_for_other_settings_or_another_workspace(tmp_path: Path) -> None:
    path = project(tmp_path)
    first = checked(MODULE, path, Workspace(tmp_path))
    edited = MODULE.replace("total = sum(items)", "total = max(items)")
    assert not kept(checked(edited, path, Workspace(tmp_path), previous=first), first)


def test_the_command_line_keeps_no_basis(tmp_path: Path) -> None:
    path = project(tmp_path)
    assert checker.check_text(MODULE, path, Workspace(tmp_path), ALL_RULES).basis is None


@pytest.mark.parametrize("seed", range(2))
def test_kept_findings_equal_a_fresh_check_after_every_keystroke(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    texts = [MODULE, *(textwrap.dedent(text) for text in rng.sample(snippets(), 6) if "uvicorn" in text)]
    keeps = compared = 0
    for number, original in enumerate(texts):
        path = project(tmp_path, original, f"module{number}.py", every_rule=seed % 2 == 1)
        workspace = Workspace(tmp_path)
        previous = checked(original, path, workspace)
        lines = body_lines(original)
        for line in rng.sample(lines, min(len(lines), 12)):
            for statement in rng.sample(REPLACEMENTS, 8):
                edited = replaced(original, line, statement)
                result = checked(edited, path, workspace, previous)
                assert summary(result) == fresh(edited, path), (edited, line, statement)
                keeps += kept(result, previous)
                compared += 1
                previous = checked(original, path, workspace, result)  # typed back: kept again, or checked
                assert summary(previous) == fresh(original, path)
    assert compared > 100 and keeps >= 5  # findings were kept, not only checked afresh
