"""`check` on a file with merge-conflict markers: one warning line for it, findings only where the
code parses, and `--fix` leaves the conflicted code alone (a real subprocess)."""

from __future__ import annotations

import sys

from .conftest import run_cli, write

CONFLICTED = """\
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
<<<<<<< HEAD
    uvicorn.run(app, reload=True)
=======
    uvicorn.run(app, reload=True, port=8001)
>>>>>>> feature

uvicorn.run(app, reload=True)
"""


def test_one_warning_line_and_findings_where_the_code_parses(tmp_path):
    write(tmp_path, "main.py", CONFLICTED)
    run = run_cli(tmp_path, "--no-cache", "main.py")
    err = run.stderr.decode()
    assert run.returncode == 1, err  # findings, not a broken run
    assert err.count("syntax errors") == 1
    assert (
        "warning: main.py: syntax errors: only findings in code that parses are reported, "
        "and no fix edits next to an error" in err
    )
    # The last line parses: UVI001 and UVI005 there; nothing in the conflicted guard (lines 7-11).
    reported_lines = {line.split(":")[1] for line in run.stdout.decode().splitlines() if line.startswith("main.py:")}
    assert reported_lines == {"13"}, run.stdout.decode()


def test_fix_edits_only_code_that_parses(tmp_path):
    path = write(tmp_path, "main.py", CONFLICTED)
    run_cli(tmp_path, "--no-cache", "--fix", "main.py")
    fixed = path.read_text()
    conflicted_part = CONFLICTED[: CONFLICTED.index(">>>>>>> feature\n")]
    assert fixed.startswith(conflicted_part), fixed
    assert 'uvicorn.run("main:app", reload=True)' in fixed[len(conflicted_part) :]


def test_valid_python_parso_cannot_read_is_not_called_a_syntax_error(tmp_path):
    """parso 0.8 has no `match` statement, `except*` or parenthesized `with` items: the file is valid Python,
    so the note says what is skipped instead of calling it broken (the audit's real projects had both)."""
    write(
        tmp_path,
        "main.py",
        "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        "def kind(value):\n    match value:\n        case 1 | 2:\n            return 'small'\n        case _:\n"
        "            return 'other'\n\n\nif __name__ == '__main__':\n    uvicorn.run(app, reload=True)\n",
    )
    run = run_cli(tmp_path, "--no-cache", "main.py")
    err = run.stderr.decode()
    assert "syntax errors" not in err
    assert "warning: main.py: lines 8-12 use Python syntax the analysis cannot read yet" in err
    assert run.stdout.decode().startswith("main.py:16:17: UVI001"), run.stdout.decode()


def test_syntax_of_the_newer_python_a_project_requires_is_not_called_a_syntax_error(tmp_path):
    """polar requires Python 3.14 and writes `class Box[T]` and `except A, B:`: read by an older Python, the note
    says what is skipped instead of calling the project's valid code broken."""
    newer = (sys.version_info.major, sys.version_info.minor + 3)
    write(
        tmp_path,
        "pyproject.toml",
        f'[project]\nname = "x"\nversion = "0"\nrequires-python = ">={newer[0]}.{newer[1]}"\n',
    )
    body = "class Box[T]:\n    pass\n\n\ntry:\n    pass\nexcept ValueError, TypeError:\n    pass\n"
    write(tmp_path, "main.py", f"import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n{body}")
    err = run_cli(tmp_path, "--no-cache", "main.py").stderr.decode()
    assert "syntax errors" not in err and "use Python syntax the analysis cannot read yet" in err
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.10"\n')
    assert "syntax errors" in run_cli(tmp_path, "--no-cache", "main.py").stderr.decode()
