"""UVI020 run for real: a log_config naming no file stops uvicorn; once the file exists the rule is
silent and the server starts with it."""

from __future__ import annotations

import json

import pytest

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAIN = (
    APP_HEAD + '\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, log_config="logging.json")\n'
)
LOGGING = {"version": 1, "disable_existing_loggers": False}


def test_missing_log_config_fails_and_the_file_serves(project):
    port = free_port()
    project.write("main.py", MAIN.format(port=port))
    [finding] = project.check("main.py", codes=("UVI020",))
    assert "FileNotFoundError" in finding.message
    before = run_server(["main.py"], project.root, port, timeout=15)
    assert not before.served and before.exit_code == 1, before.output
    assert "FileNotFoundError" in before.output and "logging.json" in before.output

    project.write("logging.json", json.dumps(LOGGING))
    assert project.check("main.py", codes=("UVI020",)) == []
    assert run_server(["main.py"], project.root, port).served
