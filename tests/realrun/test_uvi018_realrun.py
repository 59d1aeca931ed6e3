"""UVI018 run for real: http="httptools" without httptools stops uvicorn; with the package added, it serves.

The test environment does not install httptools (pyproject's test extra has plain uvicorn); the
"after" installs it from PyPI into a folder of its own and analyses and runs with that folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from uvicorn_lsp.engine import checker
from uvicorn_lsp.engine.config import Settings
from uvicorn_lsp.engine.workspace import Workspace
from uvicorn_lsp.rules import ALL_RULES

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


# A plain ASGI app: the environment without python-dotenv below has uvicorn alone (no fastapi).
PLAIN_APP = """
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
"""


@pytest.fixture(scope="module")
def uvicorn_alone(tmp_path_factory) -> Path:
    """An environment with uvicorn 0.54 and what it needs (click, h11), without python-dotenv (which the test
    environment has, for the real runs of --env-file elsewhere)."""
    folder = tmp_path_factory.mktemp("uvicorn-alone")
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps"]
    subprocess.run([*pip, "uvicorn==0.54.0", "click", "h11"], check=True, timeout=300)
    return python


def test_env_file_without_python_dotenv_fails_and_installing_it_serves(project, uvicorn_alone):
    """`--env-file .env`: uvicorn imports python-dotenv to read it, which plain uvicorn lacks: exit status 1
    before serving; in the test environment, which has python-dotenv, it serves and nothing is said."""
    port = free_port()
    project.write("main.py", PLAIN_APP)
    project.write(".env", "GREETING=hi\n")
    project.write("run.sh", f"#!/bin/sh\nuvicorn main:app --port {port} --env-file .env\n")
    [finding] = project.check("run.sh", Settings(python=str(uvicorn_alone)), codes=("UVI018",))
    assert "--env-file .env: No module named 'dotenv'" in finding.message
    arguments = ["-m", "uvicorn", "main:app", "--port", str(port), "--env-file", ".env"]
    switch = f"import os, sys; os.execv({str(uvicorn_alone)!r}, [{str(uvicorn_alone)!r}, *sys.argv[1:]])"
    before = run_server(["-c", switch, *arguments], project.root, port, timeout=15)
    assert not before.served and before.exit_code == 1, before.output
    assert "No module named 'dotenv'" in before.output

    assert project.check("run.sh", codes=("UVI018",)) == []
    assert run_server(arguments, project.root, port).served


AWAITED = (
    "import asyncio\n"
    + APP_HEAD
    + """

async def main():
    await uvicorn.Server(uvicorn.Config(app, port={port}, loop="uvloop")).serve()


if __name__ == "__main__":
    asyncio.run(main())
"""
)
RUN = (
    APP_HEAD
    + '\n\nif __name__ == "__main__":\n    uvicorn.Server(uvicorn.Config(app, port={port}, loop="uvloop")).run()\n'
)


def test_loop_uvloop_on_an_awaited_server_serves_without_uvloop(project):
    """`await server.serve()` runs on the loop already running: uvicorn never sets up the loop `loop=` names and
    never imports uvloop (the test environment has none), so it serves and nothing is said; Server.run() makes
    that loop and stops at startup (exit status 1), as reported."""
    port = free_port()
    project.write("main.py", AWAITED.format(port=port))
    assert project.check("main.py", codes=("UVI018",)) == []
    awaited = run_server(["main.py"], project.root, port, timeout=15)
    assert awaited.served, awaited.output

    project.write("main.py", RUN.format(port=port))
    [finding] = project.check("main.py", codes=("UVI018",))
    assert "No module named 'uvloop'" in finding.message
    started = run_server(["main.py"], project.root, port, timeout=15)
    assert not started.served and started.exit_code == 1, started.output


def test_a_service_with_tool_settings_only_runs_with_what_the_repository_installs(project, tmp_path_factory):
    """backend/pyproject.toml holds only tool settings (backend/ is its own project root); the repository's
    requirements.txt asks for uvicorn[standard], which brings uvloop. `pip install -r requirements.txt` then
    `cd backend && python main.py` serves with loop="uvloop": nothing is said, whether the repository or the
    service alone is checked."""
    port = free_port()
    (project.root / ".git").mkdir()
    project.write("requirements.txt", "fastapi\nuvicorn[standard]\n")
    project.write("backend/pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    start = '\n\nif __name__ == "__main__":\n    uvicorn.run("main:app", port={port}, loop="uvloop")\n'
    path = project.write("backend/main.py", (APP_HEAD + start).format(port=port))
    service = Workspace(project.root / "backend")
    assert [
        finding for finding in checker.check_file(path, service, ALL_RULES).findings if finding.code == "UVI018"
    ] == []

    # What uvicorn[standard] adds for this launch (the test environment has plain uvicorn).
    packages = tmp_path_factory.mktemp("uvicorn-standard")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(packages), "uvloop"], check=True
    )
    outcome = run_server(["main.py"], project.root / "backend", port, env={"PYTHONPATH": str(packages)})
    assert outcome.served, outcome.output
