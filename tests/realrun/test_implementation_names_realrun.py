"""UVI004 on implementation names run for real (uvicorn 0.54 takes a known name or an import string for --loop,
--http and --ws): a word that is neither stops the start with the exit status the message names, and the fix
(the near name) serves."""

from __future__ import annotations

import re

import pytest

from tests.conftest import apply_edits

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("options", "output"),
    [
        (["--loop", "asyncioo"], "Error loading custom loop setup function"),
        (["--http", "h111"], "ImportFromStringError"),
        (["--ws", "autoo"], "ImportFromStringError"),
        (["--loop", "asyncioo", "--workers", "2"], "failed to start, stopping the parent process"),
    ],
)
def test_an_unknown_name_fails_as_the_message_says_and_the_near_name_serves(project, options, output):
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    words = ["main:app", *options, "--port", str(port)]
    path = project.write("run.sh", f"#!/bin/sh\nuvicorn {' '.join(words)}\n")
    [finding] = project.check("run.sh", codes=("UVI004",))
    before = run_server(["-m", "uvicorn", *words], project.root, port, timeout=20)
    assert not before.served and output in before.output, before.output
    status = re.search(r"exit status (\d)", finding.message)
    assert status is not None and before.exit_code == int(status.group(1)), (finding.message, before.output)

    fixed = apply_edits(path.read_text(), finding.fixes[0].edits)
    path.write_text(fixed)
    assert project.check("run.sh", codes=("UVI004",)) == []
    after = run_server(["-m", "uvicorn", *fixed.split("\n")[1].split()[1:]], project.root, port)
    assert after.served, after.output


def test_a_python_launch_with_an_unknown_loop_stops_with_exit_status_3(project):
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    path = project.write(
        "serve.py",
        f'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", loop="asyncioo", port={port})\n',
    )
    [finding] = project.check("serve.py", codes=("UVI004",))
    assert "exit status 3" in finding.message
    before = run_server(["serve.py"], project.root, port, timeout=20)
    assert before.exit_code == 3 and not before.served, before.output
    path.write_text(apply_edits(path.read_text(), finding.fixes[0].edits))
    after = run_server(["serve.py"], project.root, port)
    assert after.served, after.output


def test_an_unknown_lifespan_in_python_stops_with_key_error_and_the_near_value_serves(project):
    """`lifespan="of"` reaches no click in Python: Config.load() stops with KeyError, exit status 1 (audit)."""
    port = free_port()
    run = f'uvicorn.run("main:app", port={port}, lifespan="of")'
    path = project.write("main.py", APP_HEAD.format() + f'\n\nif __name__ == "__main__":\n    {run}\n')
    [finding] = project.check("main.py", codes=("UVI004",))
    before = run_server(["main.py"], project.root, port, timeout=20)
    assert not before.served and "KeyError: 'of'" in before.output, before.output
    assert "exit status 1" in finding.message and before.exit_code == 1, (finding.message, before.output)
    path.write_text(apply_edits(path.read_text(), finding.fixes[0].edits))
    assert project.check("main.py", codes=("UVI004",)) == []
    assert run_server(["main.py"], project.root, port).served
