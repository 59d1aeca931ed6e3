"""Shared by the real-editor tests: install scripts, the sample project, a clean editor environment, timings."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

EDITORS = Path(__file__).resolve().parent
ARTIFACTS = EDITORS.parent / "test-artifacts"

# The canonical mistake: an app object with reload=True (UVI001), fixed by the import string "main:app".
SAMPLE = """\
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    uvicorn.run(app, reload=True)
"""

_timings: list[tuple[str, float]] = []


@contextlib.contextmanager
def _timed(label: str):
    started = time.monotonic()
    try:
        yield
    finally:
        _timings.append((label, time.monotonic() - started))


def _install(script: str) -> list[str]:
    with _timed(f"install  {script}"):
        process = subprocess.run(
            ["bash", str(EDITORS / "scripts" / script)], capture_output=True, text=True, timeout=1500
        )
    if process.returncode != 0:
        pytest.fail(
            f"{script} failed with exit code {process.returncode}, so the editor is not installed:\n"
            f"{process.stderr[-5000:]}",
            pytrace=False,
        )
    return process.stdout.splitlines()


@pytest.fixture(scope="session")
def install():
    """install(SCRIPT) runs editors/scripts/SCRIPT and returns the lines it prints; fails the test if the install fails."""
    return _install


@pytest.fixture(scope="session")
def timed():
    """`with timed(LABEL):` records how long the block took, for the summary and test-artifacts/editor-timings.txt."""
    return _timed


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ (git-ignored): screenshots and timings."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def sample_project(tmp_path: Path):
    """Makes a project folder with pyproject.toml and main.py holding TEXT; returns main.py."""

    def make(text: str = SAMPLE) -> Path:
        project = tmp_path / "project"
        project.mkdir()
        (project / "pyproject.toml").write_text('[project]\nname = "sample"\nversion = "0.1.0"\n')
        main = project / "main.py"
        main.write_text(text, encoding="utf-8")
        return main

    return make


@pytest.fixture
def editor_env(tmp_path: Path) -> dict[str, str]:
    """The environment for an editor: its XDG folders in tmp_path, and the interpreter running the
    tests (where uvicorn-lsp is installed) first on PATH, so `uvicorn-lsp` and `python3` are that one."""
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "STATE", "CACHE", "RUNTIME"):
        folder = tmp_path / "xdg" / name.lower()
        folder.mkdir(parents=True, mode=0o700)
        env[f"XDG_{name}_HOME" if name != "RUNTIME" else "XDG_RUNTIME_DIR"] = str(folder)
    env["HOME"] = str(tmp_path / "home")
    Path(env["HOME"]).mkdir()
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def pytest_terminal_summary(terminalreporter) -> None:
    if not _timings:
        return
    lines = [f"{seconds:7.1f} s  {label}" for label, seconds in _timings]
    terminalreporter.write_sep("-", "editor install and run times")
    for line in lines:
        terminalreporter.write_line(line)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "editor-timings.txt").write_text("\n".join(lines) + "\n")
