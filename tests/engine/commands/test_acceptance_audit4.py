"""Verdicts the fourth acceptance audit found wrong on command files, each confirmed by a real run in
tests/realrun/test_acceptance_audit4_realrun.py: a task runner's own folder, supervisord's own
expansions, and click stopping at the first unknown option."""

from __future__ import annotations

import pytest

from ...conftest import apply_edits
from .helpers import launches, roots, text_at

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


def backend_project(project, pyproject: str) -> None:
    project.write("backend/app/__init__.py")
    project.write("backend/app/main.py", APP)
    project.write("pyproject.toml", pyproject)


def test_poe_task_table_cwd_is_where_the_command_runs(project):
    backend_project(
        project,
        """
        [tool.poe.tasks.dev]
        cmd = "uvicorn app.main:app --reload"
        cwd = "backend"

        [tool.poe.tasks.root]
        cmd = "uvicorn app.main:app"
        """,
    )
    findings = project.check("pyproject.toml", codes=("UVI002",))
    # Only the task without a folder of its own runs where `app` is not importable.
    assert [(f.range.start.line, text_at(project, "pyproject.toml", f.range)) for f in findings] == [
        (5, "app.main:app")
    ]


@pytest.mark.parametrize(
    ("task", "loads"),
    [
        ('{ cmd = "uvicorn app.main:app", cwd = "backend" }', True),
        ('{ shell = "uvicorn app.main:app", cwd = "./backend/" }', True),
        ('{ cmd = "uvicorn app.main:app", working_dir = "backend" }', True),  # pdm's name for it
        ('{ cmd = "uvicorn app.main:app", cwd = "${POE_ROOT}/backend" }', None),
        ('{ cmd = "uvicorn app.main:app", cwd = "/srv/api" }', None),
        ('{ cmd = "uvicorn app.main:app", cwd = "frontend" }', None),  # a folder the project does not have
        ('{ cmd = "uvicorn app.main:app" }', False),
    ],
)
def test_inline_task_folder(project, task, loads):
    backend_project(project, f"[tool.poe.tasks]\ndev = {task}\n\n[tool.pdm.scripts]\nserve = {task}\n")
    for launch in launches(project, "pyproject.toml"):
        if loads:
            assert roots(launch) == [(project.root / "backend",)]
        elif loads is False:
            assert roots(launch) == [(project.root,)]
    assert len(project.check("pyproject.toml", codes=("UVI002",))) == (2 if loads is False else 0)


def test_supervisord_expansions_are_values_only_supervisord_knows(project):
    project.write("main.py", APP)
    project.write(
        "supervisord.conf",
        """
        [program:api]
        command=uvicorn main:app --port %(ENV_PORT)s --workers %(ENV_WORKERS)s --reload
        [program:numbered]
        command=bash -c "exec uvicorn main:app --host 0.0.0.0 --port 80%(process_num)02d"
        [program:typo]
        command=uvicorn main:app --port %(ENV_PORT)s --relaod
        """,
    )
    findings = project.check("supervisord.conf")
    assert [(f.code, f.range.start.line, text_at(project, "supervisord.conf", f.range)) for f in findings] == [
        ("UVI014", 1, "--reload"),  # still placed exactly on its line
        ("UVI004", 5, "--relaod"),
    ]
    [port] = [launch.option("port") for launch in launches(project, "supervisord.conf")][:1]
    assert port is not None and not port.value.known


def test_a_short_unknown_option_gets_no_long_suggestion(project):
    project.write("main.py", APP)
    project.write("run.sh", 'cd "$(dirname "$0")"\nuvicorn main:app -w 4\n')
    [finding] = project.check("run.sh")
    assert finding.code == "UVI004" and finding.message.endswith("No such option '-w'")
    assert not finding.fixes  # click offers none; `--ws 4` would still fail


@pytest.mark.parametrize(
    ("command", "flagged"),
    [
        ("uvicorn main:app --wokers 2", ["--wokers"]),
        ("uvicorn --wokers 2 main:app", ["--wokers"]),
        ("uvicorn main:app --wokers 2 extra", ["--wokers", "extra"]),
        ("uvicorn main:app extra", ["extra"]),
    ],
)
def test_the_word_after_an_unknown_option_may_be_its_value(project, command, flagged):
    project.write("main.py", APP)
    project.write("run.sh", f'cd "$(dirname "$0")"\n{command}\n')
    findings = project.check("run.sh")
    assert [(f.code, text_at(project, "run.sh", f.range)) for f in findings] == [("UVI004", word) for word in flagged]
    [launch] = launches(project, "run.sh")
    assert launch.app is not None and launch.app.written == "main:app"
    if flagged[0] == "--wokers":
        fixed = apply_edits((project.root / "run.sh").read_text(), findings[0].fixes[0].edits)
        assert "uvicorn main:app --workers 2" in fixed or "uvicorn --workers 2 main:app" in fixed


@pytest.mark.parametrize(
    ("name", "production"), [("Procfile", True), ("Procfile.dev", False), ("Procfile.local", False)]
)
def test_the_web_process_of_a_procfile_named_for_development_is_not_production(project, name, production):
    project.write("main.py", APP)
    project.write(name, "web: uvicorn main:app --reload --port 5000\n")
    assert len(project.check(name, codes=("UVI014",))) == (1 if production else 0)


def test_systemd_specifiers_and_argv0_are_not_arguments(project):
    project.write("app/__init__.py")
    project.write("app/main.py", APP)
    project.write(
        "api@.service",
        """
        [Service]
        WorkingDirectory=%h/api
        ExecStart=%h/api/.venv/bin/uvicorn app.main:app --port %i --workers 2
        ExecStart=@/srv/api/.venv/bin/uvicorn api-server app.main:app --host 0.0.0.0 --reload
        """,
    )
    findings = project.check("api@.service")
    # `%i` is the template's instance (api@8000.service); `api-server` is the argv[0] `@` names.
    assert [(f.code, f.range.start.line, text_at(project, "api@.service", f.range)) for f in findings] == [
        ("UVI014", 3, "--reload")
    ]
    assert apply_edits((project.root / "api@.service").read_text(), findings[0].fixes[0].edits).endswith(
        "uvicorn api-server app.main:app --host 0.0.0.0\n"
    )
    first, second = launches(project, "api@.service")
    assert not first.option("port").value.known
    assert second.app is not None and second.app.written == "app.main:app"


@pytest.mark.parametrize("base", [";", "&&", "|", "(", ")"])
def test_a_from_line_without_a_word_is_no_internal_error(project, base):
    project.write("main.py", APP)
    project.write(
        "Dockerfile", f'FROM {base}\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n'
    )
    result = project.result("Dockerfile")
    assert result.problems == [] and result.findings == []


@pytest.mark.parametrize(
    ("command", "flagged"),
    [
        ("uvicorn --help", []),
        ("uvicorn main:app --help --port abc", []),  # the help is printed before any value is converted
        ("uvicorn --version --port abc", []),
        ("uvicorn --help --wokers 2", ["--wokers"]),  # an unknown option stops the parsing first
        ("uvicorn main:app --port abc", ["--port abc"]),
    ],
)
def test_help_and_version_only_print(project, command, flagged):
    project.write("main.py", APP)
    project.write("Makefile", f"run:\n\t{command}\n")
    findings = project.check("Makefile")
    assert [text_at(project, "Makefile", f.range) for f in findings] == flagged


@pytest.mark.parametrize(
    "cd", ['cd "$(dirname "$0")/.."', "cd $(dirname $0)/..", 'cd "$(dirname "${BASH_SOURCE[0]}")/.."']
)
def test_a_script_that_moves_to_the_project_folder_is_judged_there(project, cd):
    project.write("app/__init__.py")
    project.write("app/main.py", APP)
    project.write(
        "scripts/start.sh", f"#!/bin/bash\n{cd}\nuvicorn app.main:app --port 8000\nuvicorn main:app --port 8001\n"
    )
    findings = project.check("scripts/start.sh", codes=("UVI002",))
    # Whichever folder it is started from, the `cd` makes it the project's: `main` is app/main.py, not there.
    assert [(f.range.start.line, text_at(project, "scripts/start.sh", f.range)) for f in findings] == [(3, "main:app")]


def test_a_hash_in_a_systemd_command_is_an_argument(project):
    project.write("main.py", APP)
    project.write(
        "api.service",
        "[Service]\nExecStart=/srv/.venv/bin/uvicorn main:app --reload # noqa: UVI014\n",
    )
    [finding] = project.check("api.service")
    assert finding.code == "UVI004" and finding.message.endswith("Got unexpected extra arguments (# noqa: UVI014)")
    assert text_at(project, "api.service", finding.range) == "# noqa: UVI014"
    # In a Procfile the shell reads it as a comment, and the noqa holds.
    project.write("Procfile", "web: uvicorn main:app --reload # noqa: UVI014\n")
    assert project.check("Procfile") == []
