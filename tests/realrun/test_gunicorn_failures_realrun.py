"""gunicorn with uvicorn's worker stops when the app does not load, and UVI002 says how: "Worker failed to
boot" for a module that does not import (exit status 3, or 1 when several workers fail at once: no status is
named), "App failed to load" for a missing attribute, with workers or reload alike: exit status 4 with one worker,
named only then (with two, the status is 4 or 1, as the master's halt races the second failed worker)."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("spec", "reason"), [("mian:app", "Worker failed to boot"), ("main:ap", "App failed to load")])
@pytest.mark.parametrize("extra", [[], ["-w", "2"], ["--reload"]])
def test_the_message_gives_the_status_gunicorn_exits_with(project, spec, reason, extra):
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    arguments = [spec, "-k", "uvicorn.workers.UvicornWorker", "-b", f"127.0.0.1:{port}", *extra]
    project.write("run.sh", f"#!/bin/sh\ngunicorn {' '.join(arguments)}\n")
    [error] = project.check("run.sh", codes=("UVI002",))
    stated = re.search(r"gunicorn stops: ([A-Za-z]+(?: [A-Za-z]+)*)(?: \(exit status (\d)\))?", error.message)
    assert stated is not None and stated.group(1) == reason, error.message
    outcome = run_server(["-m", "gunicorn", *arguments], project.root, port, timeout=30)
    assert not outcome.served and outcome.exit_code not in (None, 0), outcome.output
    assert f"{reason}." in outcome.output
    if stated.group(2) is not None:
        assert outcome.exit_code == int(stated.group(2)), outcome.output
    assert (stated.group(2) is not None) is (reason == "App failed to load" and "-w" not in extra), error.message


def test_an_option_and_its_value_in_one_word_stop_gunicorn_or_are_ignored(project):
    """`'--bind 127.0.0.1:PORT'` as one word after an option: "unrecognized arguments", exit status 2 (UVI004).
    `'--worker-class ...'` as one word next to the app: ignored, gunicorn's sync worker answers 500 (UVI024, and
    UVI004's warning). Split, each serves."""
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    worker = ["-k", "uvicorn.workers.UvicornWorker"]

    bind_in_one = ["main:app", *worker, f"--bind 127.0.0.1:{port}"]
    project.write("run.sh", f"#!/bin/sh\ngunicorn main:app {' '.join(worker)} '--bind 127.0.0.1:{port}'\n")
    [finding] = project.check("run.sh", codes=("UVI004",))
    assert "exits with status 2 before starting: unrecognized arguments" in finding.message
    outcome = run_server(["-m", "gunicorn", *bind_in_one], project.root, port, timeout=30)
    assert not outcome.served and outcome.exit_code == 2, outcome.output
    assert "unrecognized arguments" in outcome.output

    class_in_one = ["main:app", "--worker-class uvicorn.workers.UvicornWorker", "-b", f"127.0.0.1:{port}"]
    project.write("run.sh", f"#!/bin/sh\ngunicorn main:app '{class_in_one[1]}' -b 127.0.0.1:{port}\n")
    assert sorted(f.code for f in project.check("run.sh", codes=("UVI004", "UVI024"))) == ["UVI004", "UVI024"]
    outcome = run_server(["-m", "gunicorn", *class_in_one], project.root, port, timeout=15)
    assert not outcome.served and "Using worker: sync" in outcome.output, outcome.output

    split = ["main:app", *worker, "--bind", f"127.0.0.1:{port}"]
    project.write("run.sh", f"#!/bin/sh\ngunicorn {' '.join(split)}\n")
    assert project.check("run.sh", codes=("UVI004", "UVI024")) == []
    assert run_server(["-m", "gunicorn", *split], project.root, port, timeout=30).served


def test_uvicorn_flags_stop_gunicorn(project):
    """`--host` and `--port` are uvicorn's: gunicorn stops at them ("unrecognized arguments", exit status 2, UVI004);
    with `--bind` in their place it serves."""
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    worker = ["-k", "uvicorn.workers.UvicornWorker"]

    uvicorn_flags = ["main:app", *worker, "--host", "127.0.0.1", "--port", str(port)]
    project.write("run.sh", f"#!/bin/sh\ngunicorn {' '.join(uvicorn_flags)}\n")
    assert [f.code for f in project.check("run.sh", codes=("UVI004",))] == ["UVI004", "UVI004"]
    outcome = run_server(["-m", "gunicorn", *uvicorn_flags], project.root, port, timeout=30)
    assert not outcome.served and outcome.exit_code == 2, outcome.output
    assert "unrecognized arguments: --host 127.0.0.1 --port" in outcome.output

    bind = ["main:app", *worker, "--bind", f"127.0.0.1:{port}"]
    project.write("run.sh", f"#!/bin/sh\ngunicorn {' '.join(bind)}\n")
    assert project.check("run.sh", codes=("UVI004",)) == []
    assert run_server(["-m", "gunicorn", *bind], project.root, port, timeout=30).served


@pytest.mark.parametrize("good_bind_after", [False, True])
def test_a_bind_port_no_shell_expands_stops_gunicorn(project, good_bind_after):
    """`"--bind", "127.0.0.1:$PORT"` in an exec form: gunicorn gets the `$` as written and stops, exit status 1,
    also with a good --bind after it (gunicorn reads every one)."""
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    arguments = ["gunicorn", "-b", "127.0.0.1:$PORT", "-k", "uvicorn.workers.UvicornWorker", "main:app"]
    if good_bind_after:
        arguments += ["-b", f"127.0.0.1:{port}"]
    project.write("Dockerfile", f"FROM python:3.12\nCOPY . .\nCMD {json.dumps(arguments)}\n")
    [finding] = project.check("Dockerfile", codes=("UVI004",))
    assert "'$PORT' is not a valid port number" in finding.message
    arguments = ["-m", *arguments]
    outcome = run_server(arguments, project.root, port, timeout=30, env={"PORT": str(port)})
    assert not outcome.served and outcome.exit_code == 1, outcome.output
    assert "'$PORT' is not a valid port number." in outcome.output
