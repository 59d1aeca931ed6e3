"""UVI013 on gunicorn: with uvicorn's worker a zero-argument factory named bare is served after uvicorn's
"ASGI app factory detected" warning; gunicorn has no `--factory` (exit status 2), and serves the named call
"main:create_app()" without the warning. So the finding names the call and offers no `--factory` fix."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAIN = APP_HEAD.format() + "\n\ndef create_app():\n    return app\n"
WORKER = ["-k", "uvicorn.workers.UvicornWorker"]


def test_the_factory_is_served_with_a_warning_and_the_advised_call_without(project):
    project.write("main.py", MAIN)
    port = free_port()
    project.write("run.sh", f"#!/bin/sh\ngunicorn main:create_app {' '.join(WORKER)} -b 127.0.0.1:{port}\n")
    [finding] = project.check("run.sh", codes=("UVI013",))
    assert not finding.fixes and 'name the call: "main:create_app()"' in finding.message

    bare = run_server(["-m", "gunicorn", "main:create_app", *WORKER, "-b", f"127.0.0.1:{port}"], project.root, port)
    assert bare.served and "ASGI app factory detected" in bare.output, bare.output

    port = free_port()
    flag = ["-m", "gunicorn", "main:create_app", "--factory", *WORKER, "-b", f"127.0.0.1:{port}"]
    with_flag = run_server(flag, project.root, port)
    assert not with_flag.served and with_flag.exit_code == 2 and "--factory" in with_flag.output, with_flag.output

    port = free_port()
    called = run_server(["-m", "gunicorn", "main:create_app()", *WORKER, "-b", f"127.0.0.1:{port}"], project.root, port)
    assert called.served and "factory" not in called.output, called.output
    project.write("run.sh", f'#!/bin/sh\ngunicorn "main:create_app()" {" ".join(WORKER)} -b 127.0.0.1:{port}\n')
    assert project.check("run.sh", codes=("UVI013",)) == []
