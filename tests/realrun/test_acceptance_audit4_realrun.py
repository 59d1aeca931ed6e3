"""Command-file verdicts the fourth acceptance audit found wrong, against the real programs that run them:
poe's task folder, supervisord's and systemd's own expansions, and click stopping at the first
unknown option. Each runs the command as its runner does, and asserts what the check says about it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from uvicorn_lsp.engine.model import Finding

from ..conftest import apply_edits
from .conftest import free_port, run_server

pytestmark = pytest.mark.slow

APP = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef index():\n    return {"ok": True}\n'


def backend(project) -> None:
    project.write("backend/app/__init__.py")
    project.write("backend/app/main.py", APP)


def errors(findings: list[Finding]) -> list[str]:
    return [f"{f.code} {f.message}" for f in findings if f.severity.value == "error"]


@pytest.mark.parametrize(
    ("tasks", "root_task_line"),
    [
        (
            '[tool.poe.tasks.dev]\ncmd = "uvicorn app.main:app"\ncwd = "backend"\n\n'
            '[tool.poe.tasks.root]\ncmd = "uvicorn app.main:app"\n',
            5,
        ),
        # Audit 50b: the same tasks in dotted keys; `dev.cwd` was not read and the task was judged from the
        # pyproject's folder (a wrong UVI002 error).
        (
            '[tool.poe.tasks]\ndev.help = "uvicorn app.main:app, reloading"\ndev.cmd = "uvicorn app.main:app"\n'
            'dev.cwd = "backend"\nroot.cmd = "uvicorn app.main:app"\n',
            4,
        ),
    ],
)
def test_a_poe_task_with_its_own_folder_serves_and_is_not_an_error(project, tasks, root_task_line):
    backend(project)
    project.write("pyproject.toml", tasks)
    port = free_port()
    served = run_server(["-m", "poethepoet", "dev", "--port", str(port)], project.root, port)
    assert served.served, served.output
    failed = run_server(["-m", "poethepoet", "root", "--port", str(port)], project.root, port)
    assert not failed.served and failed.exit_code == 1 and "No module named 'app'" in failed.output
    findings = project.check("pyproject.toml", codes=("UVI002",))
    assert [f.range.start.line for f in findings] == [root_task_line]  # the root task only


def test_supervisord_fills_in_its_expansions_before_uvicorn_sees_them(project):
    project.write("main.py", APP)
    program = "command=uvicorn main:app --port %(ENV_PORT)s --workers %(ENV_WORKERS)s\n"
    project.write("supervisord.conf", "[program:api]\n" + program)
    assert errors(project.check("supervisord.conf")) == []

    # The same program under a real supervisord, its binaries, logs and pid file in this folder.
    bin_folder = Path(sys.executable).parent
    config = textwrap.dedent(
        f"""
        [supervisord]
        nodaemon=true
        logfile={project.root}/supervisord.log
        pidfile={project.root}/supervisord.pid

        [program:api]
        {program.replace("command=uvicorn", f"command={bin_folder}/uvicorn")}
        directory={project.root}
        redirect_stderr=true
        stdout_logfile={project.root}/api.log
        """
    )
    (project.root / "run.conf").write_text(config)
    port = free_port()
    outcome = run_server(
        ["-m", "supervisor.supervisord", "-c", "run.conf"], project.root, port, env={"PORT": str(port), "WORKERS": "2"}
    )
    assert outcome.served, (project.root / "api.log").read_text()


def test_systemd_runs_a_template_instance_and_an_argv0_name(project, tmp_path):
    project.write("app/__init__.py")
    project.write("app/main.py", APP)
    project.write(
        "api@.service",
        """
        [Service]
        ExecStart=/srv/api/.venv/bin/uvicorn app.main:app --port %i
        ExecStart=@/srv/api/.venv/bin/uvicorn api-server app.main:app --port 8000
        """,
    )
    assert errors(project.check("api@.service")) == []
    port = free_port()
    # api@PORT.service: systemd puts the instance name where %i stands.
    assert run_server(["-m", "uvicorn", "app.main:app", "--port", str(port)], project.root, port).served
    # `@`: the uvicorn script runs with argv[0] "api-server" and the arguments after it.
    uvicorn_script = str(Path(sys.executable).parent / "uvicorn")
    argv0 = f"import os; os.execv({uvicorn_script!r}, ['api-server', 'app.main:app', '--port', '{port}'])"
    assert run_server(["-c", argv0], project.root, port).served


def uvicorn_exit(project, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "uvicorn", *arguments], cwd=project.root, capture_output=True, text=True, timeout=30
    )


def test_an_unknown_short_option_has_no_fix_to_offer(project):
    project.write("main.py", APP)
    project.write("run.sh", 'cd "$(dirname "$0")"\nuvicorn main:app -w 4\n')
    [finding] = project.check("run.sh")
    assert finding.code == "UVI004" and not finding.fixes
    result = uvicorn_exit(project, "main:app", "-w", "4")
    assert result.returncode == 2 and "No such option '-w'." in result.stderr and "Did you mean" not in result.stderr
    # What the fix used to write still fails: `--ws 4` leaves "4" as a second app.
    assert uvicorn_exit(project, "main:app", "--ws", "4").returncode != 0


def test_click_stops_at_the_unknown_option_and_the_fix_serves(project):
    project.write("main.py", APP)
    project.write("run.sh", 'cd "$(dirname "$0")"\nuvicorn --wokers 2 main:app\n')
    result = uvicorn_exit(project, "--wokers", "2", "main:app")
    assert result.returncode == 2 and "No such option '--wokers'" in result.stderr
    assert "extra argument" not in result.stderr
    [finding] = project.check("run.sh")
    assert finding.code == "UVI004" and "--wokers" in finding.message
    fixed = apply_edits((project.root / "run.sh").read_text(), finding.fixes[0].edits)
    assert fixed.endswith("uvicorn --workers 2 main:app\n")
    port = free_port()
    outcome = run_server(["-m", "uvicorn", "--workers", "2", "main:app", "--port", str(port)], project.root, port)
    assert outcome.served, outcome.output


@pytest.mark.parametrize(
    ("arguments", "status"),
    [
        (["--help"], 0),
        (["main:app", "--help", "--port", "abc"], 0),
        (["--version", "--port", "abc"], 0),
        (["--help", "--wokers", "2"], 2),
    ],
)
def test_help_and_version_exit_0_unless_an_option_is_unknown(project, arguments, status):
    project.write("main.py", APP)
    project.write("Makefile", f"run:\n\tuvicorn {' '.join(arguments)}\n")
    assert uvicorn_exit(project, *arguments).returncode == status
    assert [f.code for f in project.check("Makefile")] == (["UVI004"] if status else [])


def test_a_script_that_moves_to_the_project_folder_fails_there_from_anywhere(project, tmp_path):
    project.write("app/__init__.py")
    project.write("app/main.py", APP)
    project.write("scripts/start.sh", '#!/bin/bash\ncd "$(dirname "$0")/.."\nexec uvicorn main:app "$@"\n')
    [finding] = project.check("scripts/start.sh", codes=("UVI002",))
    # "$@" may add --reload or workers: the exit status is the arguments' to say, that nothing is served is not.
    assert "nothing is served" in finding.message and "exit status" not in finding.message
    port = free_port()
    bin_folder = str(Path(sys.executable).parent)
    for start in (project.root, project.root / "scripts", tmp_path):
        script = str(project.root / "scripts" / "start.sh")
        outcome = run_server(
            ["-c", f"import os; os.execvp('bash', ['bash', {script!r}, '--port', '{port}'])"],
            start,
            port,
            env={"PATH": f"{bin_folder}:{os.environ['PATH']}"},
        )
        assert not outcome.served and outcome.exit_code == 3, outcome.output


def test_systemd_passes_a_trailing_hash_to_uvicorn(project):
    project.write("main.py", APP)
    project.write("api.service", "[Service]\nExecStart=/srv/.venv/bin/uvicorn main:app # noqa: UVI014\n")
    [finding] = project.check("api.service")
    assert finding.code == "UVI004"
    # systemd splits ExecStart= into words and keeps every one (systemd.syntax: no trailing comments).
    result = uvicorn_exit(project, "main:app", "#", "noqa:", "UVI014")
    assert result.returncode == 2 and "Got unexpected extra arguments (# noqa: UVI014)" in result.stderr
    assert finding.message.endswith("Got unexpected extra arguments (# noqa: UVI014)")
