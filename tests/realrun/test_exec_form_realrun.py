"""UVI022 run for real, as Docker runs a start that is not a JSON list: its text goes to `/bin/sh -c` (Docker's
shell form), which stops with "not found" and exit status 127; the fixed list, run as its words, serves."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import apply_edits

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "written",
    [
        "['uvicorn', 'main:app', '--port', '{port}']",
        '["uvicorn", "main:app", "--port", "{port}",]',
        '["uvicorn", "main:app", "--port", "{port}"]  # the API',  # Docker reads the comment into the JSON
        "['uvicorn', 'main:app', '--port', '{port}']  # the API",
    ],
)
def test_a_start_that_is_not_json_fails_in_the_shell_and_its_fix_serves(project, written):
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    start = written.format(port=port)
    project.write("Dockerfile", f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD {start}\n")
    [finding] = project.check("Dockerfile", codes=("UVI022",))
    # What Docker runs for a CMD that is not a JSON array: ["/bin/sh", "-c", "<the text>"].
    shell = subprocess.run(["/bin/sh", "-c", start], cwd=project.root, capture_output=True, text=True, timeout=30)
    assert shell.returncode == 127 and "[uvicorn,: not found" in shell.stderr, shell.stderr
    assert "`[uvicorn,` (exit status 127)" in finding.message
    fixed = apply_edits((project.root / "Dockerfile").read_text(), finding.best_fix.edits)
    words = json.loads(fixed.splitlines()[-1].removeprefix("CMD "))  # Docker's exec form: the words as they are
    assert words[0] == "uvicorn"
    assert run_server(["-m", *words], project.root, port).served
    assert "# the API" not in start or fixed.splitlines()[-2] == "# the API"  # the comment kept, on its own line


def test_a_list_opening_with_a_blank_fails_in_the_shell_s_test_command_and_its_fix_serves(project):
    """`CMD [ 'uvicorn', ... ]`: the shell's first word is `[`, its test builtin, which rejects the rest with
    exit status 2 (not a lookup: no "not found", no 127)."""
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    start = f"[ 'uvicorn', 'main:app', '--port', '{port}' ]"
    project.write("Dockerfile", f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD {start}\n")
    [finding] = project.check("Dockerfile", codes=("UVI022",))
    shell = subprocess.run(["/bin/sh", "-c", start], cwd=project.root, capture_output=True, text=True, timeout=30)
    assert shell.returncode == 2 and "not found" not in shell.stderr, shell.stderr
    assert "test command `[` rejects it (exit status 2, 1 in busybox)" in finding.message
    fixed = apply_edits((project.root / "Dockerfile").read_text(), finding.best_fix.edits)
    words = json.loads(fixed.splitlines()[-1].removeprefix("CMD "))
    assert run_server(["-m", *words], project.root, port).served


def test_a_whole_command_in_one_element_is_no_program_and_its_fix_serves(project):
    """UVI023: Docker's exec form runs the first element as the program, as written: execvp of
    "uvicorn main:app --port N" finds no such file (Docker: "executable file not found", exit status 127); the
    fixed list, run as its words, serves."""
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    project.write(
        "Dockerfile", f'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn main:app --port {port}"]\n'
    )
    [finding] = project.check("Dockerfile", codes=("UVI023",))
    with pytest.raises(FileNotFoundError):
        subprocess.run([f"uvicorn main:app --port {port}"], cwd=project.root, timeout=30)
    fixed = apply_edits((project.root / "Dockerfile").read_text(), finding.best_fix.edits)
    words = json.loads(fixed.splitlines()[-1].removeprefix("CMD "))
    assert words == ["uvicorn", "main:app", "--port", str(port)]
    assert run_server(["-m", *words], project.root, port).served
