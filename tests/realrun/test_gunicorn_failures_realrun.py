"""gunicorn with uvicorn's worker stops when the app does not load, and UVI002 says how: "Worker failed to
boot" for a module that does not import (exit status 3, or 1 when several workers fail at once: no status is
named), "App failed to load" for a missing attribute, with workers or reload alike: exit status 4 with one worker,
named only then (with two, the status is 4 or 1, as the master's halt races the second failed worker)."""

from __future__ import annotations

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
