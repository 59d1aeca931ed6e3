"""UVI015 and gunicorn's repeated `--bind`: gunicorn listens on every address given (its bind setting appends),
so a loopback bind beside another one is not the only address it serves."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


def test_gunicorn_serves_on_the_first_bind_as_well_as_the_last(project):
    first_port, last_port = free_port(), free_port()
    project.write("main.py", APP_HEAD.format())
    # The first bind answers although a second one follows, and gunicorn names both as its addresses.
    binds = ["-b", f"127.0.0.1:{first_port}", "-b", f"127.0.0.2:{last_port}"]
    command = ["-m", "gunicorn", "main:app", "-k", "uvicorn.workers.UvicornWorker", *binds]
    outcome = run_server(command, project.root, first_port)
    assert outcome.served, outcome.output
    assert f"http://127.0.0.1:{first_port},http://127.0.0.2:{last_port}" in outcome.output
    project.write(
        "Dockerfile",
        'FROM python:3.12\nCMD ["gunicorn", "main:app", "-k", "uvicorn_worker.UvicornWorker", "-b", "0.0.0.0:8000", '
        '"-b", "127.0.0.1:9000"]\n',
    )
    assert project.check("Dockerfile", codes=("UVI015",)) == []
