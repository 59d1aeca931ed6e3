"""Neovim 0.11, headless, with editors/neovim/lsp/uvicorn_lsp.lua: diagnostics, quick fix, finding gone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

# Non-ASCII text before the call on the same line: columns are only right if both sides use utf-8.
CALL_LINE = 'x = "héllo→"; uvicorn.run(app, reload=True)'
SAMPLE = f"""\
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    {CALL_LINE}
"""


def test_neovim_diagnoses_and_fixes(neovim, sample_project):
    main = sample_project(SAMPLE)
    result = neovim("test_neovim.lua", main, label="neovim")

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
