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


def test_env_file_where_the_script_cds_serves_and_from_the_top_exits_2(project):
    """uvicorn resolves --env-file from its working directory: after `cd backend` the backend/ file is the one
    it reads (this was reported as missing from the script's folder); from the top click refuses it, status 2."""
    port = free_port()
    project.write("backend/main.py", APP_HEAD.format())
    project.write("backend/env.txt", "GREETING=hello\n")
    project.write("start.sh", f"cd backend\nuvicorn main:app --env-file env.txt --port {port}\n")
    assert project.check("start.sh", codes=("UVI020",)) == []
    arguments = ["-m", "uvicorn", "main:app", "--env-file", "env.txt", "--port", str(port)]
    assert run_server(arguments, project.root / "backend", port).served

    project.write("start.sh", f"uvicorn backend.main:app --env-file env.txt --port {port}\n")
    [finding] = project.check("start.sh", codes=("UVI020",))
    assert "exits with status 2" in finding.message
    arguments[2] = "backend.main:app"
    top = run_server(arguments, project.root, port, timeout=15)
    assert not top.served and top.exit_code == 2, top.output
