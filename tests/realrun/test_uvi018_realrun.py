"""UVI018 run for real: http="httptools" without httptools stops uvicorn; with the package added, it serves.

The test environment does not install httptools (pyproject's test extra has plain uvicorn); the
"after" installs it from PyPI into a folder of its own and analyses and runs with that folder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from uvicorn_lsp.engine.config import Settings

from .conftest import APP_HEAD, free_port, run_server

pytestmark = pytest.mark.slow

MAIN = APP_HEAD + '\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, http="httptools")\n'


def test_missing_implementation_fails_and_installing_it_serves(project, tmp_path_factory, monkeypatch):
    port = free_port()
    project.write("main.py", MAIN.format(port=port))
    [finding] = project.check("main.py", codes=("UVI018",))
    assert "No module named 'httptools'" in finding.message
    before = run_server(["main.py"], project.root, port, timeout=15)
    assert not before.served and before.exit_code == 1, before.output
    assert "ModuleNotFoundError: No module named 'httptools'" in before.output

    packages = tmp_path_factory.mktemp("with-httptools")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(packages), "httptools"], check=True
    )
    # The analysed interpreter is asked for its sys.path in a subprocess that inherits PYTHONPATH.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(packages), os.environ.get("PYTHONPATH")])))
    python = tmp_path_factory.mktemp("bin") / "python"
    python.symlink_to(sys.executable)  # another path: its sys.path is asked afresh, not taken from a cache
    assert project.check("main.py", Settings(python=str(python)), codes=("UVI018",)) == []
    after = run_server(["main.py"], project.root, port, env={"PYTHONPATH": str(packages)})
    assert after.served, after.output


def test_env_file_without_python_dotenv_fails_and_installing_it_serves(project, tmp_path_factory, monkeypatch):
    """`--env-file .env`: uvicorn imports python-dotenv to read it, which plain uvicorn lacks (the test
    environment has none): exit status 1 before serving; with python-dotenv added, it serves."""
    port = free_port()
    project.write("main.py", APP_HEAD.format())
    project.write(".env", "GREETING=hi\n")
    project.write("run.sh", f"#!/bin/sh\nuvicorn main:app --port {port} --env-file .env\n")
    [finding] = project.check("run.sh", codes=("UVI018",))
    assert "--env-file .env: No module named 'dotenv'" in finding.message
    command = ["-m", "uvicorn", "main:app", "--port", str(port), "--env-file", ".env"]
    before = run_server(command, project.root, port, timeout=15)
    assert not before.served and before.exit_code == 1, before.output
    assert "No module named 'dotenv'" in before.output

    packages = tmp_path_factory.mktemp("with-dotenv")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(packages), "python-dotenv"],
        check=True,
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(packages), os.environ.get("PYTHONPATH")])))
    python = tmp_path_factory.mktemp("bin") / "python"
    python.symlink_to(sys.executable)
    assert project.check("run.sh", Settings(python=str(python)), codes=("UVI018",)) == []
    assert run_server(command, project.root, port, env={"PYTHONPATH": str(packages)}).served
