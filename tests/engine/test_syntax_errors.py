"""A file with syntax errors (merge-conflict markers, a half-typed line): findings only where the
code parses, no fix that edits next to an error, and one warning-kind Problem saying so."""

from __future__ import annotations

import dataclasses

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.model import Applicability, Finding, Fix, Position, ProblemKind, Range, TextEdit
from uvicorn_lsp.engine.source import SourceFile
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import RULES_BY_CODE

CONFLICT_IN_THE_GUARD = """\
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
<<<<<<< HEAD
    port = 8000
    uvicorn.run(app, reload=True, port=port)
=======
    uvicorn.run(app, reload=True, port=8001)
>>>>>>> feature
"""

CONFLICT_ELSEWHERE = """\
import uvicorn
from fastapi import FastAPI

app = FastAPI()

<<<<<<< HEAD
PORT = 8000
=======
PORT = 9000
>>>>>>> feature

if __name__ == "__main__":
    uvicorn.run(app, reload=True, workers=2)
"""


def syntax_problems(result: checker.CheckResult) -> list:
    return [problem for problem in result.problems if problem.kind is ProblemKind.SYNTAX_ERRORS]


def test_nothing_is_reported_where_parso_guessed(project):
    """parso reads the guard's body as module-level code; UVI005 would say the call runs at import
    and its safe fix would wrap it in a second guard."""
    project.write("main.py", CONFLICT_IN_THE_GUARD)
    result = project.result("main.py")
    assert [(f.code, f.range.start.line) for f in result.findings] == []
    [problem] = syntax_problems(result)
    assert problem.path == str(project.root / "main.py")
    assert problem.message == (
        "syntax errors: only findings in code that parses are reported, and no fix edits next to an error"
    )
    assert not problem.is_error  # a warning: the run is not broken, the file is


def test_findings_and_safe_fixes_where_the_code_parses(project):
    project.write("main.py", CONFLICT_ELSEWHERE)
    result = project.result("main.py")
    assert sorted(f.code for f in result.findings) == ["UVI001", "UVI003"]
    assert all(f.fixes and f.fixes[0].applicability is Applicability.SAFE for f in result.findings)
    assert len(syntax_problems(result)) == 1


def test_a_file_that_parses_has_no_problem(project):
    resolved = CONFLICT_ELSEWHERE.replace("<<<<<<< HEAD\n", "").replace("=======\nPORT = 9000\n>>>>>>> feature\n", "")
    project.write("main.py", resolved)
    result = project.result("main.py")
    assert result.findings and syntax_problems(result) == []


def edit_on(line: int) -> TextEdit:
    return TextEdit(Range(Position(line, 0), Position(line, 0)), "# edited\n")


def check_with_fixes(project, text: str, finding_line: int, edit_lines: list[list[int]]) -> list[Finding]:
    """Run the engine with a rule (UVI005's identity, a check of the test's) that reports at
    `finding_line` with one safe fix per entry of `edit_lines`, each editing those lines."""

    def check(ctx):
        fixes = [Fix(f"edit {lines}", tuple(edit_on(line) for line in lines)) for lines in edit_lines]
        yield ctx.finding(rule, "found", Range(Position(finding_line, 0), Position(finding_line, 3)), fixes=fixes)

    rule = dataclasses.replace(RULES_BY_CODE["UVI005"], check=check)
    project.write("main.py", text)
    return checker.check_file(project.root / "main.py", Workspace(project.root), [rule]).findings


def test_a_fix_touching_a_broken_line_is_dropped_and_the_finding_kept(project):
    # 0-based: line 9 is `>>>>>>> feature`, line 12 the call in the guard, line 3 `app = FastAPI()`.
    [finding] = check_with_fixes(project, CONFLICT_ELSEWHERE, 3, [[3], [3, 9], [12]])
    assert [fix.title for fix in finding.fixes] == ["edit [3]", "edit [12]"]


def test_a_finding_on_a_broken_line_is_dropped(project):
    assert check_with_fixes(project, CONFLICT_ELSEWHERE, 5, [[3]]) == []


def test_broken_lines_of_a_recovered_block_body():
    """Every line of the guard's body is parso's guess: the markers and the statements it found
    indented at module level (the first with an indentation error leaf, the second without)."""
    source = SourceFile(CONFLICT_IN_THE_GUARD)
    assert sorted(source.broken_lines) == [5, 6, 7, 8, 9, 10, 11]
    assert source.parses_around(Range(Position(3, 0), Position(3, 15)))
    assert not source.parses_around(Range(Position(3, 0), Position(5, 0)))


def test_an_unclosed_parenthesis_breaks_the_lines_it_swallows():
    source = SourceFile("import uvicorn\ndef main():\n    y = (\n    uvicorn.run(app, reload=True)\n\nz = 3\n")
    assert {2, 3} <= source.broken_lines and 0 not in source.broken_lines
    assert SourceFile("import uvicorn\nuvicorn.run('main:app')\n").broken_lines == frozenset()
