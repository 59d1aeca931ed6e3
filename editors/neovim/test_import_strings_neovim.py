"""Neovim 0.11, headless, with editors/neovim/lsp/uvicorn_lsp.lua: completion and go to definition in an import string."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

# Non-ASCII text before the string on the same line: the completion edit lands right only in utf-8 columns.
CALL_LINE = 'x = "héllo→"; uvicorn.run("app.main:a", reload=True)'
RUN = f"""\
import uvicorn

if __name__ == "__main__":
    {CALL_LINE}
"""
MAIN = """\
from fastapi import FastAPI

api_version = "1"
app = FastAPI()
"""


def test_neovim_completes_and_jumps_from_an_import_string(neovim, sample_project):
    run = sample_project(RUN)
    (run.parent / "app").mkdir()
    (run.parent / "app" / "__init__.py").write_text("")
    (run.parent / "app" / "main.py").write_text(MAIN)
    line = "    " + CALL_LINE
    column = len(line[: line.index(":a") + 1].encode())  # right after the colon, in bytes
    result = neovim("test_import_strings_neovim.lua", run, "3", str(column), label="neovim (import strings)")

    assert result["offset_encoding"] == "utf-8"
    assert result["trigger_characters"] == ['"', "'", ".", ":", "-"]
    assert result["completion"][:2] == [
        {"label": "app", "detail": "FastAPI instance"},
        {"label": "api_version", "detail": "variable"},
    ]
    assert result["completed_line"] == '    x = "héllo→"; uvicorn.run("app.main:app", reload=True)'
    assert result["definition_file"] == str(run.parent / "app" / "main.py")
    assert result["definition_cursor"] == [4, 0]  # `app = FastAPI()`, 1-based line
    assert result["definition_line"] == "app = FastAPI()"
