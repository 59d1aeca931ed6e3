"""A worker that dies of an exception at startup, run for real under `workers`: uvicorn 0.54's parent stops only
when a worker exits with status 3 (an app it cannot load), and starts a new worker in place of one that died of
an exception (a module missing, a file it cannot open, a syntax error in the app's module), without end. The
findings say so rather than "stops, with exit status 0"."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

RESTARTED = "the workers die at startup and are restarted without end"


def assert_restarted_without_end(outcome) -> None:
    # Still running when the test stops it (its SIGTERM makes the parent log "Stopping parent" then), and more
    # than one worker died on the way: a new one was started in place of each.
    assert not outcome.served and outcome.exit_code is None, outcome.output
    assert outcome.output.count("died") >= 2, outcome.output


def test_a_missing_loop_package_kills_every_worker_started(project):
    port = free_port()
    run = f'uvicorn.run("main:app", port={port}, workers=2, loop="uvloop")'
    project.write("main.py", APP_HEAD.format() + f'\n\nif __name__ == "__main__":\n    {run}\n')
    [finding] = project.check("main.py", codes=("UVI018",))
    assert RESTARTED in finding.message
    assert_restarted_without_end(run_server(["main.py"], project.root, port, timeout=8))


def test_a_missing_certificate_on_the_command_line_kills_every_worker_started(project):
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    options = ["--port", str(port), "--workers", "2", "--ssl-certfile", "nope.pem", "--ssl-keyfile", "nope.key"]
    project.write("Makefile", "run:\n\tuvicorn main:app " + " ".join(options) + "\n")
    findings = project.check("Makefile", codes=("UVI020",))
    assert len(findings) == 2 and all(RESTARTED in finding.message for finding in findings)
    assert_restarted_without_end(run_server(["-m", "uvicorn", "main:app", *options], project.root, port, timeout=8))


def test_a_syntax_error_in_the_apps_module_kills_every_worker_started(project):
    port = free_port()
    project.write("broken.py", "from fastapi import FastAPI\napp = FastAPI(\n")
    run = f'uvicorn.run("broken:app", port={port}, workers=2)'
    project.write("main.py", f'import uvicorn\n\nif __name__ == "__main__":\n    {run}\n')
    [finding] = project.check("main.py", codes=("UVI002",))
    assert "syntax error" in finding.message and RESTARTED in finding.message
    assert_restarted_without_end(run_server(["main.py"], project.root, port, timeout=8))
