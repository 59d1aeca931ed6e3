"""`include` / `extend-include` in `[tool.uvicorn-lsp]`, with ruff's meaning: `include` replaces the
built-in set of files `check` walks (Python files, notebooks, command files by name),
`extend-include` adds to it; a pattern without `/` names a file anywhere, one with `/` the path
from the config's folder. A file selected only by these globs is read as the source its name
implies, else as a shell script. Real CLI subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_cli

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
# A launch script named like nothing uvicorn-lsp knows: found only through the settings.
START = 'cd "$(dirname "$0")/.."\nexec uvicorn app.mian:app --workers 4 --reload\n'
# A Python file with a UVI001 error, to see whether the walk reads Python files.
RUN_OBJECT = 'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\nif __name__ == "__main__":\n    uvicorn.run(app, reload=True)\n'


def project(root: Path, settings: str) -> None:
    files = {
        "pyproject.toml": f"[project]\nname = 'x'\n\n[tool.uvicorn-lsp]\n{settings}\n",
        "app/__init__.py": "",
        "app/main.py": APP,
        "serve.py": RUN_OBJECT,
        "deploy/start-web.txt": START,
        "deploy/notes.txt": "uvicorn app.mian:app --workers 4 --reload\n",
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD uvicorn app.main:app --reload --host 0.0.0.0\n",
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def findings(root: Path, *args: str) -> tuple[list[tuple[str, int, int, str]], str, int]:
    result = run_cli(root, "--no-cache", "--format", "json", *args, ".")
    rows = sorted(
        (
            Path(item["filename"]).relative_to(root).as_posix(),
            item["location"]["row"],
            item["location"]["column"],
            item["code"],
        )
        for item in json.loads(result.stdout)
    )
    return rows, result.stderr.decode(), result.returncode


def test_extend_include_adds_a_launch_script_read_as_shell(tmp_path):
    project(tmp_path, 'extend-include = ["deploy/start-*.txt"]')
    rows, stderr, code = findings(tmp_path)
    assert rows == [
        ("Dockerfile", 4, 26, "UVI014"),
        ("deploy/start-web.txt", 2, 14, "UVI002"),  # `cd "$(dirname "$0")/.."` followed: app/ is there, mian is not
        ("deploy/start-web.txt", 2, 27, "UVI003"),
        ("serve.py", 6, 17, "UVI001"),
    ], stderr
    assert code == 1


def test_without_the_setting_the_script_is_not_walked(tmp_path):
    project(tmp_path, "")
    rows, stderr, _ = findings(tmp_path)
    assert [row for row in rows if row[0].startswith("deploy/")] == [], stderr


def test_a_plain_name_matches_in_any_folder(tmp_path):
    project(tmp_path, 'extend-include = ["notes.txt"]')
    rows, stderr, _ = findings(tmp_path)
    assert {row[0] for row in rows if row[0].startswith("deploy/")} == {"deploy/notes.txt"}, stderr


def test_include_replaces_the_built_in_set(tmp_path):
    project(tmp_path, 'include = ["Dockerfile"]')
    rows, stderr, code = findings(tmp_path)
    assert rows == [("Dockerfile", 4, 26, "UVI014")], stderr  # serve.py and the scripts are no longer walked
    assert code == 1

    project(tmp_path, 'include = ["*.py"]\nextend-include = ["deploy/start-*.txt"]')
    rows, stderr, _ = findings(tmp_path)
    assert {row[0] for row in rows} == {"serve.py", "deploy/start-web.txt"}, stderr


def test_a_file_named_on_the_command_line_is_checked_whatever_include_says(tmp_path):
    project(tmp_path, 'include = ["Dockerfile"]')
    result = run_cli(tmp_path, "--no-cache", "--format", "json", "serve.py")
    assert [item["code"] for item in json.loads(result.stdout)] == ["UVI001"]


def test_stdin_filename_picks_the_source_through_extend_include(tmp_path):
    project(tmp_path, 'extend-include = ["deploy/start-*.txt"]')
    result = run_cli(
        tmp_path,
        "--no-cache",
        "--format",
        "json",
        "--stdin-filename",
        "deploy/start-api.txt",
        "-",
        stdin=START.encode(),
    )
    assert sorted(item["code"] for item in json.loads(result.stdout)) == ["UVI002", "UVI003"], result.stderr


def test_a_bad_value_is_reported_and_ignored(tmp_path):
    project(tmp_path, 'extend-include = "deploy/*.txt"')
    rows, stderr, _ = findings(tmp_path)
    assert "setting 'extend-include' ignored: expected a list of glob patterns" in stderr
    assert not [row for row in rows if row[0].startswith("deploy/")]
