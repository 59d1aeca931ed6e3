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
