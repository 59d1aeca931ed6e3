"""Init processes and tracing wrappers in front of the server (`ENTRYPOINT ["tini", "--"]`, `dumb-init`,
`opentelemetry-instrument`): they run the command after their options in the same folder and environment, so
the command is judged as if it stood alone."""

from __future__ import annotations

import pytest

from .helpers import launches, text_at

APP = "from fastapi import FastAPI\napp = FastAPI()\n"


def test_a_tini_entrypoint_with_the_command_in_cmd(project):
    project.write("main.py", APP)
    text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["tini", "--"]\nCMD ["uvicorn", "mian:app", "--host", "0.0.0.0"]\n'
    project.write("Dockerfile", text)
    [finding] = project.check("Dockerfile", codes=("UVI002",))
    assert text_at(project, "Dockerfile", finding.range) == '"mian:app"'  # the exec-form element
    assert finding.best_fix is not None  # did you mean "main:app"


@pytest.mark.parametrize(
    "command",
    [
        "tini -- uvicorn main:app --reload",
        "/usr/bin/tini -s -p SIGTERM -- uvicorn main:app --reload",
        "tini-static -e 143 uvicorn main:app --reload",
        "dumb-init uvicorn main:app --reload",
        "dumb-init --rewrite 15:2 --single-child uvicorn main:app --reload",
        "dumb-init -r 15:2 -- sh -c 'uvicorn main:app --reload'",
        # Tracing wrappers (audit repro-3: opentelemetry-instrument in a real start script).
        "opentelemetry-instrument uvicorn main:app --reload",
        "opentelemetry-instrument --traces_exporter console --service_name=api uvicorn main:app --reload",
        "ddtrace-run uvicorn main:app --reload",
        "newrelic-admin run-program uvicorn main:app --reload",
    ],
)
def test_the_command_after_the_init_options_is_read(project, command):
    project.write("main.py", APP)
    project.write("Procfile", f"web: {command}\n")
    [launch] = launches(project, "Procfile")
    assert launch.option("reload").value.candidates == (True,)
    [finding] = project.check("Procfile", codes=("UVI014",))
    assert text_at(project, "Procfile", finding.range) == "--reload"


def test_a_value_option_of_the_init_is_not_taken_for_the_command(project):
    """`-p SIGTERM`: SIGTERM is tini's value, not a program (no launch is made of it)."""
    project.write("main.py", APP)
    project.write("Procfile", "web: tini -p uvicorn\n")
    assert launches(project, "Procfile") == []


@pytest.mark.parametrize(
    "command",
    [
        "python -m debugpy --listen 0.0.0.0:5678 -m uvicorn mian:app --reload",
        "python3 -Xfrozen_modules=off -m debugpy --listen 5678 --wait-for-client -m uvicorn mian:app --reload",
        "uv run python -m debugpy --configure-subProcess true --log-to-stderr -m uvicorn mian:app --reload",
        "debugpy --listen 5678 -m uvicorn mian:app --reload",
    ],
)
def test_debugpy_runs_the_module_after_its_options(project, command):
    """`python -m debugpy ... -m uvicorn` runs uvicorn as `python -m` does, from the same folder (debug start scripts,
    compose commands and Makefiles of audited projects; real run: exit status 3 on a module not found)."""
    project.write("main.py", APP)
    project.write("debug.sh", f"#!/bin/sh\n{command}\n")
    [launch] = launches(project, "debug.sh")
    assert launch.option("reload").value.candidates == (True,)
    [finding] = project.check("debug.sh", codes=("UVI002",))
    assert text_at(project, "debug.sh", finding.range) == "mian:app"


@pytest.mark.parametrize(
    "command",
    [
        "python -m debugpy --listen 5678 run.py",  # a file: its own uvicorn.run is judged in the file
        "python -m debugpy --pid 4242",  # attaches to a running process
        "python -m debugpy --listen 5678 -c 'import uvicorn'",
        "python -m debugpy --not-an-option -m uvicorn main:app",
    ],
)
def test_debugpy_running_no_server_module_makes_no_launch(project, command):
    project.write("main.py", APP)
    project.write("debug.sh", f"#!/bin/sh\n{command}\n")
    assert launches(project, "debug.sh") == []
