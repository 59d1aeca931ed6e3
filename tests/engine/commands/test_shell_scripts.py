"""`sh -c SCRIPT` (bash, dash, ash): the script is read as shell text in every source, each finding
placed on its characters through the outer quoting, and fixes edit them there."""

from __future__ import annotations

import json
import shlex

import pytest
from ruamel.yaml import YAML

from ...conftest import apply_edits
from .helpers import launches, text_at

APP = "from fastapi import FastAPI\napp = FastAPI()\n"


def _yaml_command(text: str, service: str = "web") -> object:
    return YAML(typ="safe").load(text)["services"][service]["command"]


def _dockerfile_cmd(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("CMD ")).removeprefix("CMD ")


# (file, text, code, the file's text under the finding, the fixed line, how the fixed file is read back)
CASES = [
    (
        "Dockerfile",
        'FROM python:3.12\nWORKDIR /code\nCOPY main.py .\nCMD sh -c "uvicorn main:app --host 0.0.0.0 --reload"\n',
        "UVI014",
        "--reload",
        'CMD sh -c "uvicorn main:app --host 0.0.0.0"',
        lambda text: shlex.split(_dockerfile_cmd(text)),
    ),
    (
        "Dockerfile",
        'FROM python:3.12\nWORKDIR /code\nCOPY main.py .\nCMD ["/bin/bash", "-ec", "uvicorn main:app --reload --host 0.0.0.0"]\n',
        "UVI014",
        "--reload",
        'CMD ["/bin/bash", "-ec", "uvicorn main:app --host 0.0.0.0"]',
        lambda text: json.loads(_dockerfile_cmd(text)),
    ),
    (
        "compose.prod.yaml",
        'services:\n  web:\n    image: python:3.12\n    command: sh -c "uvicorn main:app --host 0.0.0.0 --reload"\n',
        "UVI014",
        "--reload",
        '    command: sh -c "uvicorn main:app --host 0.0.0.0"',
        _yaml_command,
    ),
    (
        "compose.prod.yaml",
        "services:\n  web:\n    image: python:3.12\n    command: \"sh -c 'uvicorn main:app --reload --host 0.0.0.0'\"\n",
        "UVI014",
        "--reload",
        "    command: \"sh -c 'uvicorn main:app --host 0.0.0.0'\"",
        _yaml_command,
    ),
    (
        "compose.prod.yaml",
        'services:\n  web:\n    image: python:3.12\n    command: ["sh", "-c", "alembic upgrade head && uvicorn main:app'
        ' --reload --host 0.0.0.0"]\n',
        "UVI014",
        "--reload",
        '    command: ["sh", "-c", "alembic upgrade head && uvicorn main:app --host 0.0.0.0"]',
        _yaml_command,
    ),
    (
        "compose.prod.yaml",
        "services:\n  web:\n    image: python:3.12\n    command:\n      - sh\n      - -c\n"
        "      - exec uvicorn main:app --reload --host 0.0.0.0\n",
        "UVI014",
        "--reload",
        "      - exec uvicorn main:app --host 0.0.0.0",
        _yaml_command,
    ),
    (
        "Procfile",
        "web: sh -c 'uvicorn main:app --host 0.0.0.0 --port $PORT --reload'\n",
        "UVI014",
        "--reload",
        "web: sh -c 'uvicorn main:app --host 0.0.0.0 --port $PORT'",
        lambda text: shlex.split(text.partition(":")[2]),
    ),
    (
        "api.service",
        "[Service]\nWorkingDirectory=/srv\nExecStart=/bin/sh -c 'exec uvicorn main:app --reload'\n",
        "UVI014",
        "--reload",
        "ExecStart=/bin/sh -c 'exec uvicorn main:app'",
        lambda text: shlex.split(text.splitlines()[2].partition("=")[2]),
    ),
    (
        "supervisord.conf",
        '[program:api]\ncommand=bash -c "uvicorn main:app --reload"\n',
        "UVI014",
        "--reload",
        'command=bash -c "uvicorn main:app"',
        lambda text: shlex.split(text.splitlines()[1].partition("=")[2]),
    ),
    (
        "run.sh",
        '#!/bin/sh\nexec sh -c "cd . && uvicorn main:app --reload --workers 4"\n',
        "UVI003",
        "--workers 4",
        'exec sh -c "cd . && uvicorn main:app --reload"',
        lambda text: shlex.split(text.splitlines()[1]),
    ),
    (
        "Makefile",
        "run:\n\tenv A=1 dash -c 'uvicorn main:app --reload --workers 2'\n",
        "UVI003",
        "--workers 2",
        "\tenv A=1 dash -c 'uvicorn main:app --reload'",
        lambda text: shlex.split(text.splitlines()[1]),
    ),
    (
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  serve:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: |\n          bash -c "uvicorn main:app --reload --workers 2"\n',
        "UVI003",
        "--workers 2",
        '          bash -c "uvicorn main:app --reload"',
        lambda text: YAML(typ="safe").load(text)["jobs"]["serve"]["steps"][0]["run"],
    ),
]


@pytest.mark.parametrize(("relative", "text", "code", "underlined", "fixed_line", "read_back"), CASES)
def test_findings_inside_the_script_are_placed_and_fixed_there(
    project, relative, text, code, underlined, fixed_line, read_back
):
    project.write("main.py", APP)
    path = project.write(relative, text)
    [finding] = project.check(relative, codes=(code,))
    assert text_at(project, relative, finding.range) == underlined
    fixed = apply_edits(text, finding.best_fix.edits)
    assert fixed_line in fixed.split("\n"), fixed
    assert read_back(fixed)  # still read as its format
    path.write_text(fixed)
    assert not project.check(relative, codes=(code,)), fixed


def test_the_script_runs_in_the_working_directory_and_follows_cd(project):
    project.write("app/main.py", APP)
    project.write(
        "Makefile",
        "run:\n\tsh -c 'cd app && uvicorn main:app'\nbroken:\n\tsh -c 'uvicorn main:app'\n",
    )
    moved, broken = launches(project, "Makefile")
    assert [path.roots[0] for path in moved.search_paths] == [project.root / "app"]
    assert [path.roots[0] for path in broken.search_paths] == [project.root]
    [finding] = project.check("Makefile", codes=("UVI002",))
    assert finding.range.start.line == 3 and text_at(project, "Makefile", finding.range) == "main:app"


def test_a_did_you_mean_fix_replaces_the_import_string_inside_the_script(project):
    project.write("main.py", APP)
    text = 'services:\n  web:\n    build: .\n    command: ["sh", "-c", "uvicorn mian:app --host 0.0.0.0"]\n'
    project.write("Dockerfile", "FROM python:3.12\nWORKDIR /code\nCOPY . .\n")
    project.write("compose.yaml", text)
    [finding] = project.check("compose.yaml", codes=("UVI002",))
    assert text_at(project, "compose.yaml", finding.range) == "mian:app"
    fixed = apply_edits(text, finding.best_fix.edits)
    assert _yaml_command(fixed) == ["sh", "-c", "uvicorn main:app --host 0.0.0.0"]


def test_a_script_with_escapes_is_placed_but_not_edited(project):
    """Between the script's characters the file writes escapes: an edit of the decoded script is not
    an edit of the file, so the finding has no fix (its place is still exact)."""
    project.write("main.py", APP)
    text = 'FROM python:3.12\nWORKDIR /code\nCOPY main.py .\nCMD ["sh", "-c", "uvicorn \\"main:app\\" --reload"]\n'
    project.write("Dockerfile", text)
    [finding] = project.check("Dockerfile", codes=("UVI014",))
    assert text_at(project, "Dockerfile", finding.range) == "--reload"
    assert not finding.fixes


def test_variables_set_before_the_shell_reach_the_script(project):
    project.write("main.py", APP)
    project.write("Procfile", "web: UVICORN_WORKERS=4 sh -c 'uvicorn main:app --reload'\n")
    [launch] = launches(project, "Procfile")
    assert launch.option("workers").value.candidates == (4,)


@pytest.mark.parametrize(
    "command",
    [
        "sh run.sh",  # a script file, not a script text
        "sh -e -- uvicorn",  # no -c
        'sh -c "$START"',  # the script is a variable: only the running shell knows it
        "sh -c",  # no script
        "env -C app sh -c 'uvicorn main:app --reload'",  # starts in another folder
        "python -c 'uvicorn main:app --reload'",  # not a shell
    ],
)
def test_other_commands_are_not_scripts(project, command):
    project.write("main.py", APP)
    project.write("Procfile", f"web: {command}\n")
    assert not project.check("Procfile", codes=("UVI014",))


def test_options_before_and_after_c(project):
    project.write("main.py", APP)
    project.write(
        "Procfile",
        "web: bash -o pipefail -lc 'uvicorn main:app --reload'\napi: sh -c -e 'uvicorn main:app --reload' name arg\n",
    )
    assert [launch.option("reload").value.candidates for launch in launches(project, "Procfile")] == [(True,), (True,)]


def test_scripts_inside_scripts(project):
    project.write("main.py", APP)
    text = "web: sh -c \"bash -c 'uvicorn main:app --reload'\"\n"
    project.write("Procfile", text)
    [finding] = project.check("Procfile", codes=("UVI014",))
    assert text_at(project, "Procfile", finding.range) == "--reload"
    assert apply_edits(text, finding.best_fix.edits) == "web: sh -c \"bash -c 'uvicorn main:app'\"\n"


def test_pushd_moves_like_cd_and_popd_leaves_the_folder_unknown(project):
    """Audit repro-10: `pushd backend && uvicorn app.main:app` in a bash Makefile serves (real run: `make run`)."""
    project.write("backend/app/__init__.py", "")
    project.write("backend/app/main.py", APP)
    project.write(
        "Makefile",
        "SHELL := /bin/bash\nrun:\n\tpushd backend && uvicorn app.main:app\n"
        "back:\n\tpushd backend && popd && uvicorn app.main:app\n",
    )
    moved, back = launches(project, "Makefile")
    assert [path.roots[0] for path in moved.search_paths] == [project.root / "backend"]
    assert back.search_paths == []
    assert project.check("Makefile", codes=("UVI002",)) == []


@pytest.mark.parametrize(
    "script",
    [
        "(cd frontend && npm install)\nuvicorn main:app --port 8000\n",
        "cd frontend && npm run dev &\nuvicorn main:app --reload\n",
        "(cd frontend && npm run build); uvicorn main:app\n",
        "build() { cd frontend; npm run build; }\nuvicorn main:app\n",
        "if [ -d frontend ]; then\n  cd frontend\nfi\nuvicorn main:app\n",
        "[ -d frontend ] && cd frontend\nuvicorn main:app\n",
    ],
)
def test_a_cd_in_a_subshell_or_on_a_condition_does_not_move_what_follows(project, script):
    """Audit: `cd frontend && npm run dev &` then `uvicorn main:app` in dev.sh serves from the script's folder
    (real run: 200): the background list, like a `( )` group, runs in a subshell whose `cd` ends with it; a
    `cd` in a function or an `if` may not have run. Either way `main:app` at the top is not reported."""
    project.write("main.py", APP)
    project.write("frontend/package.json", "{}\n")
    project.write("dev.sh", "#!/bin/bash\n" + script)
    assert project.check("dev.sh", codes=("UVI002",)) == []


@pytest.mark.parametrize(
    "script",
    [
        "(cd backend && uvicorn main:app)\n",
        "cd backend && uvicorn main:app --reload &\ncd frontend && npm run dev\n",
        "start() {\n  cd backend\n  uvicorn main:app --reload\n}\nstart\n",
        'case "$1" in\n  dev) cd backend; uvicorn main:app --reload ;;\n  *) uvicorn backend.main:app ;;\nesac\n',
        'if [ "$1" = dev ]; then\n  cd backend\n  uvicorn main:app --reload\nelse\n  uvicorn backend.main:app\nfi\n',
    ],
)
def test_a_cd_holds_inside_its_own_subshell_and_branch(project, script):
    """The commands of the subshell or branch a `cd` runs in start where it went: `mian` is still reported."""
    project.write("backend/__init__.py", "")
    project.write("backend/main.py", APP)
    project.write("dev.sh", "#!/bin/bash\n" + script)
    assert project.check("dev.sh", codes=("UVI002",)) == []
    project.write("dev.sh", "#!/bin/bash\n" + script.replace("main:app", "mian:app"))
    assert len(project.check("dev.sh", codes=("UVI002",))) == script.count("main:app")


def test_after_a_nested_cd_on_a_condition_the_folder_is_unknown(project):
    """`cd sub` in an inner `if` may or may not have run: the outer branch's later start is not judged, its
    other branch starts from the folder before the outer `cd`."""
    project.write("backend/__init__.py", "")
    project.write("backend/main.py", APP)
    script = (
        '#!/bin/bash\nif [ "$1" = dev ]; then\n  cd backend\n  if [ -d sub ]; then cd sub; fi\n'
        "  uvicorn mian:app --reload\nelse\n  uvicorn backend.mian:app\nfi\n"
    )
    project.write("dev.sh", script)
    [finding] = project.check("dev.sh", codes=("UVI002",))
    assert finding.range.start.line == 6
