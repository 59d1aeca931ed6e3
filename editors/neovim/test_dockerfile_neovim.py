"""Neovim 0.11, headless, with editors/neovim/lsp/uvicorn_lsp.lua on a Dockerfile: the server attaches to the
`dockerfile` filetype, reports `--reload` in the production CMD, and its preferred quick fix applies."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

APP = """\
from fastapi import FastAPI

app = FastAPI()
"""
CMD = "CMD uvicorn main:app --host 0.0.0.0 --reload --workers 4"
DOCKERFILE = f"""\
FROM python:3.12-slim
WORKDIR /code
COPY . /code
{CMD}
"""


def test_neovim_dockerfile_finding_and_quick_fix(neovim, sample_project):
    main = sample_project(APP)
    dockerfile = main.parent / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    result = neovim("test_dockerfile_neovim.lua", dockerfile, label="neovim: Dockerfile")

    assert result["filetype"] == "dockerfile"
    assert result["root_dir"] == str(main.parent)
    reload, workers = sorted(result["diagnostics"], key=lambda diagnostic: diagnostic["col"])
    assert (reload["code"], reload["severity"], reload["lnum"]) == ("UVI014", "WARN", 3)
    assert (reload["col"], reload["end_col"]) == (CMD.index("--reload"), CMD.index("--reload") + len("--reload"))
    assert "a production start" in reload["message"]
    assert (workers["code"], workers["severity"], workers["lnum"]) == ("UVI003", "WARN", 3)
    assert (workers["col"], workers["end_col"]) == (CMD.index("--workers"), len(CMD))

    fixed = DOCKERFILE.replace("--reload ", "")
    assert result["lines"] == fixed.splitlines()
    assert dockerfile.read_text() == fixed
