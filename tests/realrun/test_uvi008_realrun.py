"""UVI008 run for real: a TLS key without a certificate fails in Config.load(), in the server process. Alone
uvicorn exits with status 1; with --reload the reloader stays up and nothing is served, as the message says."""

from __future__ import annotations

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("extra", "consequence", "exit_code"),
    [
        ([], "uvicorn stops at startup (exit status 1)", 1),
        (["--reload"], "the reloader keeps running and nothing is served", None),
    ],
)
def test_key_without_certificate(project, extra, consequence, exit_code):
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    project.write("key.pem", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n")
    command = ["uvicorn", "main:app", "--port", str(port), "--ssl-keyfile", "key.pem", *extra]
    project.write("start.sh", " ".join(command) + "\n")
    [finding] = project.check("start.sh", codes=("UVI008",))
    assert consequence in finding.message
    outcome = run_server(["-m", *command], project.root, port, timeout=8)
    assert not outcome.served and outcome.exit_code == exit_code, outcome.output
    assert "AssertionError" in outcome.output
