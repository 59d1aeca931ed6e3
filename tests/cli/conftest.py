"""Drive `uvicorn-lsp check`: as a subprocess (end to end) or in-process (fast)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from uvicorn_lsp.cli import main, runner

# A file with one UVI001 error and a safe fix, as people write it.
APP_WITH_RELOAD = """\
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    uvicorn.run(app, reload=True)
"""
# Clean, when saved as main.py.
APP_FIXED = APP_WITH_RELOAD.replace("uvicorn.run(app,", 'uvicorn.run("main:app",')


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """`python -m uvicorn_lsp check ARGS` in `cwd`; output as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "uvicorn_lsp", "check", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """In-process `check ARGS` in tmp_path: returns Run(code, out, err)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Run:
        code = main(["check", *args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return invoke


def write(root: Path, relative: str, text: str, newline: str = "\n", encoding: str = "utf-8") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(textwrap.dedent(text).replace("\n", newline).encode(encoding))
    return path


def record_analysed(monkeypatch, name_ending: str) -> list[str]:
    """The names of the files ending in `name_ending` that the engine analyses (cache misses), in order."""
    paths: list[str] = []
    real = runner.check_one

    def counting(path, *args, **kwargs):
        if path.endswith(name_ending):
            paths.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(runner, "check_one", counting)
    return paths


def settle() -> None:
    """Files written this instant are not trusted by the cache (timestamp resolution): wait that out."""
    time.sleep(0.25)
