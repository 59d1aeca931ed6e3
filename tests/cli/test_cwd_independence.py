"""A check's verdicts depend on the files and the settings, never on the shell's current folder."""

from __future__ import annotations

import json

from .conftest import run_cli, write

# A project without pyproject.toml or .git: a folder of modules without __init__.py.
MAIN = """\
import uvicorn
from fastapi import APIRouter, FastAPI

api = APIRouter()
app = FastAPI()

if __name__ == "__main__":
    uvicorn.run("app.main:ap", reload=True)
"""


def _findings(cwd, *args) -> list[tuple[str, str]]:
    run = run_cli(cwd, "--format", "json", "--no-cache", *args)
    assert run.returncode in (0, 1), run.stderr
    return sorted((finding["code"], finding["message"]) for finding in json.loads(run.stdout))


def test_same_verdicts_from_any_current_folder(tmp_path):
    project = tmp_path / "project"
    write(project, "app/main.py", MAIN)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    from_inside = _findings(project, "app/main.py")
    from_elsewhere = _findings(elsewhere, str(project / "app/main.py"))
    from_above = _findings(tmp_path, "project/app/main.py")
    assert from_inside == from_elsewhere == from_above
