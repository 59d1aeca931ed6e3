"""Neovim 0.11, headless, with editors/neovim/lsp/uvicorn_lsp.lua: diagnostics, quick fix, finding gone."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
# Non-ASCII text before the call on the same line: columns are only right if both sides use utf-8.
CALL_LINE = 'x = "héllo→"; uvicorn.run(app, reload=True)'
SAMPLE = f"""\
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    {CALL_LINE}
"""


def test_neovim_diagnoses_and_fixes(install, timed, sample_project, editor_env):
    nvim = install("install-neovim.sh")[-1]
    main = sample_project(SAMPLE)
    with timed("run      neovim"):
        process = subprocess.run(
            [nvim, "--headless", "--clean", "-l", str(HERE / "test_neovim.lua"), str(HERE), str(main)],
            capture_output=True, text=True, env=editor_env, cwd=main.parent, timeout=300,
        )
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout.strip().splitlines()[-1])
    assert "error" not in result, f"{result['error']}\nsteps done: {result['steps']}\nstderr: {process.stderr}"

    assert result["cmd"] == ["uvicorn-lsp", "serve"]
    assert result["root_dir"] == str(main.parent)
    assert result["offset_encoding"] == "utf-8"
    [diagnostic] = result["diagnostics"]
    line = "    " + CALL_LINE
    column = len(line[: line.index("run(app") + len("run(")].encode())  # Neovim columns are bytes
    assert diagnostic["lnum"] == 6
    assert (diagnostic["col"], diagnostic["end_col"]) == (column, column + len("app"))
    assert (diagnostic["code"], diagnostic["source"]) == ("UVI001", "uvicorn-lsp")
    assert diagnostic["severity"] == "WARN"  # from the settings, through workspace/configuration

    assert result["lines"][6] == '    x = "héllo→"; uvicorn.run("main:app", reload=True)'
    assert main.read_text(encoding="utf-8").splitlines()[6] == result["lines"][6]
